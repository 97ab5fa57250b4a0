"""An export too large to write inside a request (460,000 fund records outlive gunicorn's
30 s timeout, which cut the file mid-way) is written by the background worker: the page
shows its progress, then a download link. The file is a whole .xlsx with every row, kept
under the data directory for its requester alone, expired after a few days, and holds only
what the requester could see when asking. Small exports still come at once. Every export
is in the audit trail."""

import datetime
import io
from pathlib import Path

import openpyxl
from auditlog.models import LogEntry
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from hezuo.imports.models import ExportRecord
from hezuo.imports.specs import SHEETS
from hezuo.projects.models import FundRecord, Project
from tests.test_import_pages import ImportTestCase
from tests.test_import_tasks import DATABASE, POLLING, run_worker_once


@override_settings(EXPORT_BACKGROUND_ROWS=2, TASKS=DATABASE)
class BackgroundExportTestCase(ImportTestCase):
    def setUp(self):
        super().setUp()
        project = self.own["projects"]
        for day in range(1, 8):
            FundRecord.objects.create(project=project, date=datetime.date(2024, 6, day), stage="disbursed",
                                      amount=day * 1000)
        self.client.force_login(self.bob)

    def progress(self, export):
        return self.client.get(reverse("imports:export_progress", args=[export.pk]), headers={"HX-Request": "true"})

    def finished_export(self, url):
        r = self.client.get(url)
        export = ExportRecord.objects.latest("pk")
        self.assertRedirects(r, reverse("imports:export_detail", args=[export.pk]), fetch_redirect_response=False)
        page = self.client.get(r["Location"])
        self.assertContains(page, POLLING)
        self.assertContains(page, "<progress")
        self.assertContains(page, "排队中")
        self.assertEqual(DBTaskResult.objects.get(pk=export.task_id).task_path, "hezuo.imports.services.exports.export_in_background")
        run_worker_once()
        export.refresh_from_db()
        self.assertEqual(export.status, "succeeded")
        polled = self.progress(export)
        self.assertNotContains(polled, POLLING)
        self.assertContains(polled, f'href="{reverse("imports:export_file", args=[export.pk])}"')
        return export

    def download(self, export):
        r = self.client.get(reverse("imports:export_file", args=[export.pk]))
        self.assertEqual(r.status_code, 200)
        self.assertIn(f"filename*=utf-8''", r["Content-Disposition"])
        return openpyxl.load_workbook(io.BytesIO(b"".join(r.streaming_content)), read_only=True)

    def test_a_large_list_export_runs_in_the_worker_and_downloads_whole(self):
        export = self.finished_export(reverse("funds:list") + "?year=2024&format=xlsx")
        self.assertEqual((export.what, export.kind, export.query), ("list", "funds", "year=2024"))
        book = self.download(export)
        rows = list(book["资金"].iter_rows(min_row=2, values_only=True))
        visible = FundRecord.objects.filter(project__unit__path__startswith=self.nanxun.path, year=2024)
        self.assertEqual(len(rows), visible.count())
        self.assertEqual(len(rows), 8)  # Bob's own: nothing of 吴兴区
        self.assertEqual(export.rows_done, 8)
        self.assertTrue(Path(settings.MEDIA_ROOT, export.file.name).is_file())
        self.assertTrue(export.file.name.startswith("exports/"))

    def test_a_large_full_export_runs_in_the_worker_and_holds_every_row_the_user_sees(self):
        export = self.finished_export(reverse("imports:export") + "?year=2024")
        self.assertEqual((export.what, export.year, export.name), ("full", 2024, "区域合作数据-2024.xlsx"))
        book = self.download(export)
        written = sum(len(list(book[spec.name].iter_rows(min_row=2))) for spec in SHEETS if spec.name in book.sheetnames)
        self.assertEqual(written, export.rows_done)
        self.assertEqual(export.rows_done, export.rows_total)
        self.assertEqual(len(list(book["资金"].iter_rows(min_row=2, values_only=True))), 8)
        self.assertEqual([row[0] for row in book["项目"].iter_rows(min_row=2, values_only=True)],
                         list(Project.objects.filter(unit=self.nanxun_agri).values_list("code", flat=True)))

    def test_nobody_else_may_download_it_nor_see_its_page(self):
        export = self.finished_export(reverse("funds:list") + "?format=xlsx")
        for user in (self.charlie, self.alice, self.lily, self.adam):
            self.client.force_login(user)
            for name in ("export_file", "export_detail", "export_progress"):
                self.assertEqual(self.client.get(reverse(f"imports:{name}", args=[export.pk])).status_code, 404,
                                 (user, name))

    def test_the_file_expires_after_the_keeping_days(self):
        export = self.finished_export(reverse("funds:list") + "?format=xlsx")
        self.assertEqual((export.expires_at - export.finished_at).days, settings.EXPORT_KEEP_DAYS)
        path = Path(settings.MEDIA_ROOT, export.file.name)
        ExportRecord.objects.filter(pk=export.pk).update(expires_at=timezone.now() - datetime.timedelta(minutes=1))
        r = self.client.get(reverse("imports:export_file", args=[export.pk]))
        self.assertContains(r, "文件已过期删除，请重新导出", status_code=410)
        out = io.StringIO()
        call_command("imports", "expire", stdout=out)
        self.assertIn("已删除 1 个过期的导出文件", out.getvalue())
        self.assertFalse(path.exists())
        self.assertContains(self.client.get(reverse("imports:list")), "已过期")

    def test_it_holds_only_what_the_user_could_see_when_asking(self):
        self.client.get(reverse("funds:list") + "?format=xlsx")
        export = ExportRecord.objects.get()
        self.bob.unit = self.city_office  # moved before the worker came to it
        self.bob.save()
        run_worker_once()
        export.refresh_from_db()
        self.assertEqual(export.status, "failed")
        self.assertFalse(export.file)
        self.assertContains(self.progress(export), "申请导出后，您的账号或数据范围已变化，未生成文件。请重新导出。")

    def test_each_export_is_in_the_audit_trail(self):
        self.client.get(reverse("funds:list") + "?year=2024&format=xlsx")
        export = ExportRecord.objects.get()
        entry = LogEntry.objects.filter(additional_data__event="export").get()
        self.assertEqual((entry.actor, entry.additional_data["export"], entry.additional_data["rows"]),
                         (self.bob, export.pk, 8))
        with override_settings(EXPORT_BACKGROUND_ROWS=20000):
            r = self.client.get(reverse("funds:list") + "?format=xlsx")
        self.assertEqual(r.status_code, 200)  # small: at once, as before
        self.assertEqual(LogEntry.objects.filter(additional_data__event="export").count(), 2)
        self.assertEqual(ExportRecord.objects.count(), 1)

    def test_an_export_whose_worker_died_is_marked_failed(self):
        self.client.get(reverse("funds:list") + "?format=xlsx")
        export = ExportRecord.objects.get()
        long_ago = timezone.now() - datetime.timedelta(hours=1)
        ExportRecord.objects.filter(pk=export.pk).update(status="running", holder="elsewhere:1:1",
                                                         heartbeat_at=long_ago, started_at=long_ago)
        DBTaskResult.objects.filter(pk=export.task_id).update(status="RUNNING")
        self.assertContains(self.progress(export), "后台导出进程意外中止")
        self.assertEqual(DBTaskResult.objects.get(pk=export.task_id).status, "FAILED")

    def test_the_imports_page_lists_the_users_own_exports(self):
        export = self.finished_export(reverse("funds:list") + "?format=xlsx")
        self.assertContains(self.client.get(reverse("imports:list")),
                            f'href="{reverse("imports:export_detail", args=[export.pk])}"')
        self.client.force_login(self.alice)
        self.assertNotContains(self.client.get(reverse("imports:list")), "我的导出")
