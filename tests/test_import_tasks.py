"""Large uploads run in the background: the upload is queued as a django-tasks task, the
page polls its progress every second, and `hezuo db_worker` runs it. Small uploads run in
the request. The row estimate that decides between the two never parses a cell."""

import contextlib
import io
import re
import signal
import tempfile
import zipfile
from unittest import mock

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from hezuo.imports.models import ImportRecord
from hezuo.imports.services.pipeline import estimate_rows, import_in_background
from hezuo.projects.models import FundRecord, Project
from tests.test_import_pages import PROJECT_HEADERS, ImportTestCase, workbook, xlsx_upload

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
DATABASE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
POLLING = 'hx-trigger="every 1s"'


def run_worker_once(in_test_transaction=True):
    """`hezuo db_worker --batch`: run what is queued, then exit.

    Between tasks the worker closes connections that are not in autocommit mode, as Django
    does after a request; inside a TestCase's transaction that would close the test's own
    connection (PostgreSQL), so there it is kept. The worker also installs its own
    SIGINT/SIGTERM handlers; pytest's are put back afterwards."""
    saved = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    keep = mock.patch("django_tasks_db.management.commands.db_worker.close_old_connections") \
        if in_test_transaction else contextlib.nullcontext()
    try:
        with keep:
            call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    finally:
        for sig, handler in saved.items():
            signal.signal(sig, handler)


@override_settings(IMPORT_BACKGROUND_ROWS=3)
class BackgroundImportTestCase(ImportTestCase):
    def progress(self, record):
        return self.client.get(reverse("imports:progress", args=[record.pk]), headers={"HX-Request": "true"})

    @override_settings(TASKS=DATABASE)
    def test_a_large_upload_is_queued_and_the_worker_runs_it(self):
        r = self.upload(self.bob)
        record = self.latest()
        self.assertRedirects(r, reverse("imports:detail", args=[record.pk]))
        self.assertEqual(record.status, ImportRecord.Status.PENDING)
        self.assertEqual(record.rows_total, 7)  # estimated: two sheets of a header and 2 or 3 rows
        self.assertFalse(Project.objects.filter(code__startswith="NX-2024-1").exists())
        task = DBTaskResult.objects.get()
        self.assertEqual(task.task_path, "hezuo.imports.services.pipeline.import_in_background")
        self.assertEqual(task.args_kwargs, {"args": [record.pk], "kwargs": {}})

        # The page shows a progress bar that polls itself
        self.assertContains(r, POLLING)
        self.assertContains(r, f'hx-get="{reverse("imports:progress", args=[record.pk])}"')
        self.assertContains(r, "<progress")
        self.assertContains(r, "排队中")
        self.assertContains(r, "hezuo db_worker")
        polled = self.progress(record)
        self.assertContains(polled, POLLING)
        self.assertContains(polled, "已处理 <strong class=\"rows-done\">0</strong> / 约 7 行")
        self.assertNotContains(polled, "<html")

        run_worker_once()

        record.refresh_from_db()
        self.assertEqual(record.status, ImportRecord.Status.SUCCEEDED)
        self.assertEqual((record.rows_done, record.rows_total), (5, 5))
        self.assertEqual(DBTaskResult.objects.get().status, "SUCCESSFUL")
        self.assertEqual(Project.objects.filter(code__startswith="NX-2024-1").count(), 2)
        self.assertEqual(FundRecord.objects.filter(project__code__startswith="NX-2024-1").count(), 3)

        # Once finished, the partial holds the result and stops polling
        polled = self.progress(record)
        self.assertNotContains(polled, POLLING)
        self.assertIn("导入完成：共 5 行，新增 5 条，更新 0 条，未变 0 条。", self.text(polled))

    @override_settings(TASKS=IMMEDIATE)
    def test_with_the_immediate_backend_a_large_upload_finishes_at_once(self):
        r = self.upload(self.bob)
        self.assertEqual(self.latest().status, ImportRecord.Status.SUCCEEDED)
        self.assertNotContains(r, POLLING)
        self.assertIn("新增 5 条", self.text(r))

    @override_settings(TASKS=IMMEDIATE)
    def test_a_large_invalid_upload_fails_in_the_background_too(self):
        r = self.upload(self.bob, xlsx_upload(workbook(funds=[["NX-2024-101", "2024-13-45", "拨付", 1, "其他"]])))
        self.assertEqual(self.latest().status, ImportRecord.Status.FAILED)
        self.assertIn("资金 2 B 日期 2024-13-45", self.text(r))
        self.assertFalse(Project.objects.filter(code__startswith="NX-2024-1").exists())

    @override_settings(TASKS=DATABASE)
    def test_the_progress_partial_reports_rows_done_and_phase(self):
        self.upload(self.bob)
        record = self.latest()
        ImportRecord.objects.filter(pk=record.pk).update(status=ImportRecord.Status.RUNNING, rows_done=2000,
                                                         rows_total=5000, phase="读取“资金”")
        r = self.progress(record)
        self.assertContains(r, POLLING)
        self.assertContains(r, 'value="40"')
        self.assertIn("读取“资金” · 已处理 2000 / 5000 行 · 40%", self.text(r))

    @override_settings(TASKS=DATABASE)
    def test_a_task_never_imports_a_file_twice(self):
        self.upload(self.bob)
        record = self.latest()
        self.assertEqual(import_in_background.call(record.pk), "succeeded")
        with mock.patch("hezuo.imports.services.pipeline._import") as run:
            self.assertEqual(import_in_background.call(record.pk), "succeeded")
        run.assert_not_called()

    @override_settings(TASKS=IMMEDIATE)
    def test_a_crash_leaves_the_import_failed_not_running_forever(self):
        with mock.patch("hezuo.imports.services.pipeline._import", side_effect=RuntimeError("boom")), \
                self.assertLogs("hezuo.imports.services.pipeline", "ERROR"):
            r = self.upload(self.bob)
        record = self.latest()
        self.assertEqual(record.status, ImportRecord.Status.FAILED)
        self.assertIsNotNone(record.finished_at)
        self.assertNotContains(r, POLLING)
        self.assertIn("导入时发生内部错误，未写入任何数据", self.text(r))


class SmallImportTestCase(ImportTestCase):
    @override_settings(TASKS=DATABASE)
    def test_a_small_upload_runs_in_the_request_without_a_task(self):
        self.upload(self.bob)
        self.assertEqual(self.latest().status, ImportRecord.Status.SUCCEEDED)
        self.assertFalse(DBTaskResult.objects.exists())


class RowEstimateTestCase(ImportTestCase):
    def write(self, name, data):
        folder = self.enterContext(tempfile.TemporaryDirectory())
        path = f"{folder}/{name}"
        with open(path, "wb") as f:
            f.write(data)
        return path

    def test_it_counts_the_rows_of_every_worksheet(self):
        book = openpyxl.Workbook()
        book.active.append(["项目编号"])
        for n in range(4000):
            book.active.append([f"P{n}"])
        book.create_sheet("资金").append(["项目编号"])
        out = io.BytesIO()
        book.save(out)
        self.assertEqual(estimate_rows(self.write("big.xlsx", out.getvalue())), 4002)

    def test_it_counts_the_lines_of_a_csv(self):
        text = ",".join(PROJECT_HEADERS) + "\n" + "a,b\n" * 3500
        self.assertEqual(estimate_rows(self.write("big.csv", text.encode("gbk"))), 3502)

    def test_a_broken_workbook_is_estimated_small_so_its_error_shows_at_once(self):
        self.assertEqual(estimate_rows(self.write("bad.xlsx", b"PK\x03\x04 not a zip")), 0)

    def test_a_workbook_without_dimensions_is_estimated_from_its_size(self):
        book = openpyxl.Workbook()
        for n in range(4000):
            book.active.append([f"P{n}", "柯坪县湖州新村庭院改造", 2024])
        saved = io.BytesIO()
        book.save(saved)
        stripped = io.BytesIO()
        with zipfile.ZipFile(saved) as source, zipfile.ZipFile(stripped, "w", zipfile.ZIP_DEFLATED) as target:
            for info in source.infolist():
                data = source.read(info)
                if info.filename.startswith("xl/worksheets/"):
                    data = re.sub(rb"<dimension [^>]*/>", b"", data)
                target.writestr(info, data)
        self.assertIn(estimate_rows(self.write("big.xlsx", stripped.getvalue())), range(1000, 8000))

    @override_settings(IMPORT_BACKGROUND_ROWS=3000, TASKS=DATABASE)
    def test_an_upload_of_more_rows_than_the_threshold_goes_to_the_background(self):
        text = ",".join(PROJECT_HEADERS) + "\n" + "NX,名称,援疆,南浔区,652929,人才智力,2024,1,实施中,否\n" * 3001
        self.upload(self.bob, SimpleUploadedFile("项目.csv", text.encode("gbk")))
        self.assertEqual(self.latest().status, ImportRecord.Status.PENDING)
        self.assertTrue(DBTaskResult.objects.exists())
