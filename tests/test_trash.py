"""Nothing is lost by one click: deleting a project shows what goes with it, moves all of
it into the 回收站 for 30 days, where a city officer restores it with its children; both are
audited, statistics never count what is in the trash, and after 30 days it is purged."""

import ast
import datetime
from decimal import Decimal
from io import StringIO
from pathlib import Path

from auditlog.models import LogEntry
from django.core.management import call_command
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags

from hezuo.core.kinds import kind_for_model
from hezuo.core.services.records import delete_record
from hezuo.projects.models import FundRecord, Project
from hezuo.stats.queries import statistics
from hezuo.trash.models import TrashEntry
from tests.base import BaseTestCase


def text(response):
    return strip_tags(response.content.decode())


class TrashTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.project = cls.own["projects"]
        FundRecord.objects.create(project=cls.project, date=datetime.date(2024, 6, 1),
                                  stage=FundRecord.Stage.DISBURSED, amount=Decimal("800000.00"))
        FundRecord.objects.create(project=cls.project, date=datetime.date(2024, 7, 1),
                                  stage=FundRecord.Stage.ARRANGED, amount=Decimal("2300000.00"))

    def delete(self, obj, user, **extra):
        """`user` deletes `obj` from its delete page (in a browser of their own)."""
        client = self.client_class()
        client.force_login(user)
        url = reverse(kind_for_model(type(obj)).url_name("delete"), args=[obj.pk])
        return client.post(url, {"version": obj.version, **extra})

    def restore(self, entry, user):
        self.client.force_login(user)
        return self.client.post(reverse("trash:restore", args=[entry.pk]))

    def arranged_in_2024(self):
        """What `hezuo stats` counts as 安排 for 援疆 in 2024, in 元."""
        row = next(p for p in statistics(self.alice, 2024).as_json()["programs"] if p["name"] == "援疆")
        return row["funds_arranged"]

    # Deleting

    def test_the_delete_page_shows_the_fund_records_and_totals_going_with_a_project(self):
        self.client.force_login(self.bob)
        r = self.client.get(reverse("projects:delete", args=[self.project.pk]))
        self.assertEqual(r.status_code, 200)
        self.assertIn("资金 3 条（安排 350万元、拨付 80万元）", text(r))
        self.assertIn("保留 30 天", text(r))

    def test_deleting_moves_the_project_and_its_funds_to_the_trash(self):
        funds = list(self.project.funds.order_by("pk").values_list("pk", "amount"))
        r = self.delete(self.project, self.bob, reason="重复录入")
        self.assertRedirects(r, reverse("projects:list"), fetch_redirect_response=False)
        self.assertFalse(Project.objects.filter(pk=self.project.pk).exists())
        self.assertFalse(FundRecord.objects.filter(project_id=self.project.pk).exists())

        entry = TrashEntry.objects.get()
        self.assertEqual((entry.kind, entry.object_id, entry.label, entry.unit, entry.deleted_by, entry.reason),
                         ("projects", self.project.pk, "南浔-001 南浔示范项目", self.nanxun_agri, self.bob, "重复录入"))
        self.assertEqual(entry.summary_texts(), ["资金 3 条（安排 350万元、拨付 80万元）"])
        self.assertEqual(len(entry.rows), 4)
        deletes = LogEntry.objects.filter(action=LogEntry.Action.DELETE, actor=self.bob)
        self.assertEqual(deletes.count(), 4)  # the project and its 3 fund records, each its own entry
        for entry_ in deletes:
            self.assertEqual((entry_.additional_data["event"], entry_.additional_data["reason"]),
                             ("trash_deleted", "重复录入"))
        project_entry = LogEntry.objects.get_for_object(Project(pk=self.project.pk)).get(action=LogEntry.Action.DELETE)
        self.assertEqual(project_entry.additional_data["trash"], entry.pk)
        self.assertEqual(len(funds), 3)
        self.client.force_login(self.otto)  # the audit admin reads why
        audit_page = self.client.get(reverse("audit:change", args=[project_entry.pk])).content.decode()
        self.assertIn("<dt>原因</dt><dd>重复录入</dd>", audit_page)

    def test_statistics_never_count_what_is_in_the_trash(self):
        before = self.arranged_in_2024()
        self.delete(self.project, self.bob)
        self.assertEqual(self.arranged_in_2024(), before - 3500000)
        self.restore(TrashEntry.objects.get(), self.alice)
        self.assertEqual(self.arranged_in_2024(), before)

    def test_a_record_another_still_needs_is_not_deleted(self):
        program = self.xinjiang
        self.client.force_login(self.alice)
        r = self.client.get(reverse("programs:delete", args=[program.pk]))
        self.assertEqual(r.status_code, 409)
        self.assertIn("不能删除：仍有", text(r))
        self.assertNotIn("确认删除", text(r))
        r = self.delete(program, self.alice)
        self.assertEqual(r.status_code, 409)
        self.assertEqual(TrashEntry.objects.count(), 0)

    # Restoring

    def test_a_city_officer_restores_the_project_with_its_funds_as_they_were(self):
        before = {f.pk: (f.stage, f.amount, f.date, f.created_at, f.version, f.program_id)
                  for f in self.project.funds.all()}
        project_before = Project.objects.values().get(pk=self.project.pk)
        self.delete(self.project, self.bob)
        r = self.restore(TrashEntry.objects.get(), self.alice)
        self.assertRedirects(r, reverse("projects:detail", args=[self.project.pk]), fetch_redirect_response=False)
        self.maxDiff = None
        self.assertEqual(Project.objects.values().get(pk=self.project.pk), project_before)
        after = {f.pk: (f.stage, f.amount, f.date, f.created_at, f.version, f.program_id)
                 for f in FundRecord.objects.filter(project_id=self.project.pk)}
        self.assertEqual(after, before)
        self.assertEqual(TrashEntry.objects.count(), 0)
        self.assertIn("已恢复项目：南浔-001 南浔示范项目，连同随之删除的 3 条记录。", text(self.client.get(r.url)))
        restored = LogEntry.objects.filter(action=LogEntry.Action.CREATE, actor=self.alice)
        self.assertEqual(restored.count(), 4)
        event = restored.get(object_pk=str(self.project.pk), content_type__model="project")
        self.assertEqual((event.additional_data["event"], event.additional_data["deleted_by"]),
                         ("trash_restored", str(self.bob)))
        # The project's 修改记录 reads what happened.
        history = text(self.client.get(reverse("projects:history", args=[self.project.pk])))
        self.assertIn("从回收站恢复", history)
        self.assertIn("删除（移入回收站）", history)

    def test_restoring_refuses_clearly_when_the_code_is_taken_and_restores_nothing(self):
        self.delete(self.project, self.bob)
        Project.objects.create(code="南浔-001", name="另一个项目", program=self.xinjiang, unit=self.nanxun,
                               partner_region=self.kalpin, year=2025)
        r = self.restore(TrashEntry.objects.get(), self.alice)
        self.assertEqual(r.status_code, 409)
        self.assertIn("不能恢复“南浔-001 南浔示范项目”：项目编号“南浔-001”现已被另一条项目使用，请先修改那一条的项目编号。",
                      text(r))
        self.assertEqual(FundRecord.objects.filter(project_id=self.project.pk).count(), 0)
        self.assertEqual(TrashEntry.objects.count(), 1)

    def test_a_fund_whose_project_went_since_waits_for_the_project(self):
        fund = self.project.funds.get(stage=FundRecord.Stage.DISBURSED)
        self.delete(fund, self.bob)
        self.delete(Project.objects.get(pk=self.project.pk), self.bob)
        fund_entry = TrashEntry.objects.get(kind="funds")
        r = self.restore(fund_entry, self.alice)
        self.assertEqual(r.status_code, 409)
        self.assertIn("不能恢复“南浔-001 拨付 2024-06-01”：资金的“项目”已被删除（如在回收站中，请先恢复它）。", text(r))
        self.restore(TrashEntry.objects.get(kind="projects"), self.alice)
        r = self.restore(fund_entry, self.alice)
        self.assertEqual(r.status_code, 302)
        self.assertEqual(self.project.funds.count(), 3)

    def test_a_fund_restored_alone_follows_its_projects_program_now(self):
        fund = self.project.funds.get(stage=FundRecord.Stage.DISBURSED)
        self.delete(fund, self.bob)
        self.project.program = self.aid
        self.project.save()
        self.restore(TrashEntry.objects.get(), self.alice)
        self.assertEqual(FundRecord.objects.get(pk=fund.pk).program, self.aid)

    def test_a_park_comes_back_with_its_enterprises_and_its_projects_link(self):
        park = self.own["parks"]
        r = self.delete(park, self.bob)
        self.assertEqual(r.status_code, 302)
        self.assertIsNone(Project.objects.get(pk=self.project.pk).park)
        entry = TrashEntry.objects.get()
        self.assertIn("1 条项目的“所在平台/园区”将被清空", entry.summary_texts())
        self.restore(entry, self.alice)
        self.assertEqual(Project.objects.get(pk=self.project.pk).park, park)
        self.assertTrue(park.enterprises.filter(pk=self.own["enterprises"].pk).exists())
        self.assertTrue(park.figures.filter(pk=self.own["park-figures"].pk).exists())

    def test_a_district_reporter_sees_its_deletions_but_may_not_restore(self):
        self.delete(self.project, self.bob)
        self.delete(self.other["projects"], self.charlie)
        self.client.force_login(self.bob)
        page = text(self.client.get(reverse("trash:list")))
        self.assertIn("南浔-001 南浔示范项目", page)
        self.assertNotIn("吴兴-001", page)
        self.assertIn("如需恢复，请联系市级业务人员", page)
        self.assertNotIn("恢复</button>", self.client.get(reverse("trash:list")).content.decode())

        mine = TrashEntry.objects.get(kind="projects", object_id=self.project.pk)
        self.assertEqual(self.restore(mine, self.bob).status_code, 403)
        theirs = TrashEntry.objects.get(kind="projects", object_id=self.other["projects"].pk)
        self.assertEqual(self.restore(theirs, self.bob).status_code, 404)
        self.assertEqual(TrashEntry.objects.count(), 2)

    def test_the_trash_is_not_for_leaders_or_admins(self):
        for user in (self.lily, self.adam):
            self.client.force_login(user)
            self.assertEqual(self.client.get(reverse("trash:list")).status_code, 404)

    # Thirty days

    def test_after_thirty_days_it_is_not_restorable_and_the_chore_purges_it(self):
        self.delete(self.project, self.bob)
        entry = TrashEntry.objects.get()
        TrashEntry.objects.filter(pk=entry.pk).update(deleted_at=timezone.now() - datetime.timedelta(days=31))
        self.client.force_login(self.alice)
        self.assertNotIn("南浔-001", text(self.client.get(reverse("trash:list"))))
        self.assertEqual(self.restore(entry, self.alice).status_code, 404)

        out = StringIO()
        call_command("trash", "purge", stdout=out)
        self.assertIn("已从回收站清除 1 条超过 30 天的删除记录", out.getvalue())
        self.assertEqual(TrashEntry.objects.count(), 0)
        self.assertEqual(LogEntry.objects.filter(additional_data__event="trash_purged").count(), 1)

    def test_the_chore_keeps_what_is_younger_than_thirty_days(self):
        self.delete(self.project, self.bob)
        TrashEntry.objects.update(deleted_at=timezone.now() - datetime.timedelta(days=29))
        call_command("trash", "purge", stdout=StringIO())
        self.assertEqual(TrashEntry.objects.count(), 1)

    # The page

    def test_the_page_lists_by_kind_with_what_went_with_each(self):
        self.delete(self.project, self.bob, reason="重复录入")
        self.delete(self.other["consumption"], self.charlie)
        self.client.force_login(self.alice)
        page = text(self.client.get(reverse("trash:list")))
        for shown in ("项目（1）", "消费帮扶（1）", "资金 3 条（安排 350万元、拨付 80万元）", "重复录入", "Bob", "30 天"):
            self.assertIn(shown, page)
        page = text(self.client.get(reverse("trash:list"), {"kind": "consumption"}))
        self.assertIn("吴兴核桃", page)
        self.assertNotIn("南浔示范项目", page)

    def test_the_page_costs_the_same_however_many_entries_it_shows(self):
        def count():
            self.client.force_login(self.alice)
            with CaptureQueriesContext(connection) as captured:
                r = self.client.get(reverse("trash:list"))
            self.assertEqual(r.status_code, 200)
            return len(captured)

        self.delete(self.project, self.bob)
        few = count()
        for kind in ("consumption", "activities", "honors", "cases", "dispatches"):
            self.delete(self.own[kind], self.bob)
            self.delete(self.other[kind], self.charlie)
        self.assertEqual(count(), few)

    def test_only_the_record_service_deletes(self):
        # The service is the delete path of every page; it refuses a stale version as before.
        from hezuo.core.services.records import VersionConflict

        with self.assertRaises(VersionConflict):
            delete_record(self.project, self.alice, expected_version=self.project.version + 1)
        self.assertEqual(TrashEntry.objects.count(), 0)
        self.assertTrue(Project.objects.filter(pk=self.project.pk).exists())


class OneDeletePathTestCase(TestCase):
    # Code that may call .delete(), and why; records are deleted only by the record service.
    ALLOWED = {
        "hezuo/trash/services.py": "the trash itself: the collector's delete, purging and restored entries",
        "hezuo/accounts/passwords.py": "old password hashes past the history length",
        "hezuo/accounts/services.py": "a reset second-factor device",
        "hezuo/accounts/models.py": "a cache key (the password policy)",
        "hezuo/imports/services/exports.py": "an expired export's file",
        "hezuo/vocabulary/services.py": "an office's alias (a word, not a record; audited, re-added in one step)",
        "hezuo/keyprojects/services.py": "a report photo's files when saving its row failed (no record is deleted)",
        "hezuo/targets/services.py": "a target (省定目标任务), after a confirmation page: not a kind of the 回收站; "
                                     "its audit entry keeps every field and the reason",
    }

    def test_no_code_deletes_except_through_the_record_service(self):
        root = Path(__file__).resolve().parent.parent
        found = []
        for path in sorted((root / "hezuo").rglob("*.py")):
            relative = path.relative_to(root).as_posix()
            if "/migrations/" in relative or relative in self.ALLOWED:
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                        and node.func.attr in ("delete", "_raw_delete"):
                    found.append(f"{relative}:{node.lineno}")
        self.assertEqual(found, [], "delete records through core.services.records.delete_record (the 回收站)")
