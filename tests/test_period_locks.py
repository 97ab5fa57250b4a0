"""A closed period (hezuo.periods) holds on every path that writes: the edit and delete pages,
the import (refused whole, naming the rows and the month, nothing written; a dry run lists
them), a service call, the cascades (a project moving its funds), the trash; a city officer
reopens it with a reason, and then the same write succeeds. The console commands and the
/periods/ page close and reopen periods, each in the audit log with its reason."""

import datetime
from decimal import Decimal
from pathlib import Path
from tempfile import TemporaryDirectory

from auditlog.models import LogEntry
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from hezuo import gate
from hezuo.access import CONSOLE
from hezuo.core.services.records import delete_record, restore_record, save_record
from hezuo.imports.services.importer import import_workbook
from hezuo.periods import services
from hezuo.periods.models import PeriodLock
from hezuo.projects.models import FundRecord, Project
from hezuo.trash.models import TrashEntry
from tests.base import BaseTestCase
from tests.record_data import form_data, new_record_data
from tests.test_gate import bound_form
from tests.test_import_bad_input import FUND_HEADER, PROJECT_HEADER
from tests.workbooks import write_workbook

MARCH = datetime.date(2024, 3, 15)


class LockTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.project = cls.own["projects"]  # 南浔区农业农村局's, under 南浔区
        cls.may_fund = cls.own["funds"]  # dated 2024-05-06
        cls.march_fund = FundRecord.objects.create(project=cls.project, date=MARCH, stage=FundRecord.Stage.ALLOCATED,
                                                   amount=Decimal("500000.00"))

    def setUp(self):
        self.dir = Path(self.enterContext(TemporaryDirectory()))

    def lock_march(self, unit="南浔区"):
        call_command("period", "lock", "--unit", unit, "--month", "2024-03", "--reason", "三月数据已审核")

    def unlock_march(self, unit="南浔区"):
        call_command("period", "unlock", "--unit", unit, "--month", "2024-03", "--reason", "补录漏报的拨付")

    def march(self):
        return FundRecord.objects.get(pk=self.march_fund.pk)

    def fund_rows(self, march_amount=80, may_amount=120):
        """The March fund changed (50 → 80 万元) and the May fund unchanged unless told."""
        return [FUND_HEADER,
                [self.project.code, MARCH, "下达", march_amount, "财政援助资金"],
                [self.project.code, datetime.date(2024, 5, 6), "安排", may_amount, "财政援助资金"]]

    def import_funds(self, rows, user=CONSOLE, dry_run=False):
        return import_workbook(write_workbook(self.dir / "资金.xlsx", {"资金": rows}), user, dry_run=dry_run)


class AcceptanceTestCase(LockTestCase):
    def test_a_locked_month_refuses_the_import_whole_and_unlocking_lets_it_through(self):
        self.lock_march()
        result = self.import_funds(self.fund_rows())
        self.assertFalse(result.ok)
        problems = [str(p) for p in result.problems]
        self.assertEqual(len(problems), 1, problems)  # the unchanged May row is fine
        self.assertIn("工作表“资金”", problems[0])
        self.assertIn("第2行", problems[0])
        self.assertIn("南浔区 2024年3月 已锁定（手工锁定）", problems[0])
        self.assertIn("市区域合作办", problems[0])
        self.assertEqual(self.march().amount, Decimal("500000.00"))

        self.unlock_march()
        result = self.import_funds(self.fund_rows())
        self.assertTrue(result.ok, result.problems)
        self.assertEqual(self.march().amount, Decimal("800000.00"))

    def test_a_dry_run_lists_every_row_of_the_locked_month(self):
        self.lock_march()
        rows = self.fund_rows() + [[self.project.code, datetime.date(2024, 3, 31), "拨付", 5, "财政援助资金"]]
        result = self.import_funds(rows, dry_run=True)
        self.assertEqual([(p.sheet, p.row) for p in result.problems], [("资金", 2), ("资金", 4)])
        self.assertIn("不能新增", result.problems[1].message)
        self.assertEqual(FundRecord.objects.count(), 3)

    def test_a_row_moved_out_of_the_locked_month_is_refused_too(self):
        self.lock_march()
        fund = self.march()
        form = bound_form(fund, form_data(fund, date="2024-04-01"), instance=fund)
        with self.assertRaises(gate.WriteRefused) as refused:
            save_record(form, self.bob, expected_version=fund.version)
        self.assertIn("2024年3月", str(refused.exception))
        self.assertEqual(self.march().date, MARCH)

    def test_a_record_cannot_be_created_into_the_locked_month(self):
        self.lock_march()
        data = new_record_data(self.may_fund)
        data["date"] = "2024-03-02"
        with self.assertRaises(gate.WriteRefused):
            save_record(bound_form(self.may_fund, data), self.bob)
        self.assertEqual(FundRecord.objects.count(), 3)

    def test_a_lock_of_a_unit_closes_its_sub_units_but_not_other_units(self):
        self.lock_march()
        self.assertIsNotNone(gate.closed_for(self.alice, gate.CHANGE, self.march()))
        other = FundRecord.objects.create(project=self.other["projects"], date=MARCH, stage=FundRecord.Stage.ARRANGED,
                                          amount=Decimal("1"))
        self.assertIsNone(gate.closed_for(self.alice, gate.CHANGE, other))
        self.assertIsNone(gate.closed_for(self.alice, gate.CHANGE, FundRecord.objects.get(pk=self.may_fund.pk)))


class PagesTestCase(LockTestCase):
    def test_the_edit_page_says_why_and_changes_nothing(self):
        self.lock_march()
        self.client.force_login(self.bob)
        url = reverse("funds:edit", args=[self.march_fund.pk])
        r = self.client.get(url)
        self.assertEqual(r.status_code, 409)
        self.assertContains(r, "南浔区 2024年3月 已锁定（手工锁定）", status_code=409)
        self.assertContains(r, "⌂ 工作台", status_code=409)  # the site's navigation
        r = self.client.post(url, form_data(self.march(), amount_0="1", amount_1="万元"))
        self.assertEqual(r.status_code, 409)
        self.assertEqual(self.march().amount, Decimal("500000.00"))

        self.unlock_march()
        r = self.client.post(url, form_data(self.march(), amount_0="1", amount_1="万元"))
        self.assertEqual(r.status_code, 302)
        self.assertEqual(self.march().amount, Decimal("10000.00"))

    def test_the_record_page_says_it_is_closed_instead_of_offering_edit(self):
        self.client.force_login(self.bob)
        url = reverse("funds:detail", args=[self.march_fund.pk])
        self.assertContains(self.client.get(url), reverse("funds:edit", args=[self.march_fund.pk]))
        self.lock_march()
        page = self.client.get(url)
        self.assertContains(page, "南浔区 2024年3月 已锁定（手工锁定）")
        self.assertNotContains(page, reverse("funds:edit", args=[self.march_fund.pk]))
        self.assertNotContains(page, reverse("funds:delete", args=[self.march_fund.pk]))

    def test_the_delete_page_refuses_and_keeps_the_record(self):
        self.lock_march()
        self.client.force_login(self.bob)
        r = self.client.post(reverse("funds:delete", args=[self.march_fund.pk]),
                             {"version": self.march_fund.version, "reason": "重复"})
        self.assertContains(r, "2024年3月", status_code=409)
        self.assertTrue(FundRecord.objects.filter(pk=self.march_fund.pk).exists())

    def test_deleting_a_project_with_a_fund_of_a_locked_month_is_refused(self):
        self.lock_march()
        with self.assertRaises(gate.WriteRefused):
            delete_record(self.project, self.alice, expected_version=self.project.version)
        self.assertTrue(Project.objects.filter(pk=self.project.pk).exists())
        self.assertEqual(TrashEntry.objects.count(), 0)


class CascadeTestCase(LockTestCase):
    def test_moving_a_project_to_another_program_is_refused_while_a_fund_is_locked(self):
        self.lock_march()
        project = Project.objects.get(pk=self.project.pk)
        project.program = self.east_west
        with self.assertRaises(gate.WriteRefused):
            project.save()
        self.assertEqual(Project.objects.get(pk=project.pk).program_id, self.xinjiang.pk)
        self.assertEqual(self.march().program_id, self.xinjiang.pk)

    def test_the_project_page_says_why_its_program_cannot_change(self):
        self.lock_march()
        self.client.force_login(self.bob)
        project = Project.objects.get(pk=self.project.pk)
        r = self.client.post(reverse("projects:edit", args=[project.pk]),
                             form_data(project, program=str(self.east_west.pk)))
        self.assertContains(r, "南浔区 2024年3月", status_code=409)
        self.assertEqual(Project.objects.get(pk=project.pk).program_id, self.xinjiang.pk)
        r = self.client.post(reverse("projects:edit", args=[project.pk]), form_data(project, name="改名不动资金"))
        self.assertEqual(r.status_code, 302)

    def test_moving_a_project_to_another_unit_is_refused_while_a_fund_is_locked(self):
        self.lock_march()
        project = Project.objects.get(pk=self.project.pk)
        project.unit = self.wuxing
        with self.assertRaises(gate.WriteRefused):
            project.save()

    def test_an_import_moving_a_project_is_refused_naming_the_project_row(self):
        self.lock_march()
        row = dict(zip(PROJECT_HEADER, [self.project.code, self.project.name, "东西部协作", "南浔区农业农村局",
                                        "652929", "产业合作", 2024, 500, "实施中"]))
        result = import_workbook(write_workbook(self.dir / "p.xlsx", {"项目": [PROJECT_HEADER, list(row.values())]}),
                                 CONSOLE)
        self.assertEqual([(p.sheet, p.row) for p in result.problems], [("项目", 2)])
        self.assertIn("2024年3月", result.problems[0].message)
        self.assertEqual(Project.objects.get(pk=self.project.pk).program_id, self.xinjiang.pk)
        self.unlock_march()
        result = import_workbook(write_workbook(self.dir / "p.xlsx", {"项目": [PROJECT_HEADER, list(row.values())]}),
                                 CONSOLE)
        self.assertTrue(result.ok, result.problems)
        self.assertEqual(self.march().program_id, self.east_west.pk)

    def test_funds_following_their_project_are_refused_in_a_locked_month(self):
        Project.objects.filter(pk=self.project.pk).update(program=self.east_west)  # written in bulk
        self.lock_march()
        with self.assertRaises(gate.WriteRefused):
            FundRecord.objects.filter(project=self.project).follow_projects()
        self.assertEqual(self.march().program_id, self.xinjiang.pk)

    def test_a_restore_into_a_locked_month_is_refused_until_it_is_reopened(self):
        delete_record(self.march(), self.alice, expected_version=1)
        self.lock_march()
        entry = TrashEntry.objects.get()
        with self.assertRaises(gate.WriteRefused):
            restore_record(entry.pk, self.alice)
        self.assertFalse(FundRecord.objects.filter(pk=self.march_fund.pk).exists())
        self.client.force_login(self.alice)
        r = self.client.post(reverse("trash:restore", args=[entry.pk]))
        self.assertContains(r, "2024年3月", status_code=409)
        self.unlock_march()
        restore_record(entry.pk, self.alice)
        self.assertTrue(FundRecord.objects.filter(pk=self.march_fund.pk).exists())


class YearCloseTestCase(LockTestCase):
    def test_closing_a_year_closes_dated_and_yearly_records_of_every_unit(self):
        call_command("period", "close-year", "--year", "2024", "--reason", "2024年度关账")
        project = Project.objects.get(pk=self.other["projects"].pk)
        self.assertIn("全市 2024年 已年度关账", str(gate.closed_for(self.alice, gate.CHANGE, project)))
        self.assertIsNotNone(gate.closed_for(self.alice, gate.CHANGE, self.march()))
        call_command("period", "unlock", "--year", "2024", "--reason", "审计调整")
        self.assertIsNone(gate.closed_for(self.alice, gate.CHANGE, project))

    def test_a_month_lock_does_not_close_a_record_with_only_a_year(self):
        self.lock_march()
        self.assertIsNone(gate.closed_for(self.alice, gate.CHANGE, Project.objects.get(pk=self.project.pk)))

    def test_pages_name_the_lock_the_gate_names_on_every_database(self):
        """A month lock and the year's close both close March: the month lock is the closer
        cause, for the refusal and for a page showing what covers the month alike (ordering
        by month in SQL put the year's close first on SQLite and last on PostgreSQL)."""
        call_command("period", "close-year", "--year", "2024", "--reason", "2024年度关账")
        self.lock_march()
        covering = services.lock_covering(self.nanxun_agri, MARCH)
        self.assertEqual((covering.unit, covering.month, covering.cause), (self.nanxun, 3, PeriodLock.Cause.MANUAL))
        self.assertEqual(gate.closed_for(self.alice, gate.CHANGE, self.march()).lock["id"], covering.pk)
        self.assertEqual(services.lock_covering(self.nanxun_agri, datetime.date(2024, 5, 6)).cause,
                         PeriodLock.Cause.YEAR)
        self.assertIsNone(services.lock_covering(self.nanxun_agri, datetime.date(2025, 3, 1)))
        self.assertEqual(services.lock_covering(None, MARCH).cause, PeriodLock.Cause.YEAR)  # the city's own


class CommandTestCase(LockTestCase):
    def test_bad_input_gets_chinese_messages(self):
        for args, words in ((["lock", "--unit", "南浔", "--month", "2024-03"], "没有名为“南浔”的单位"),
                            (["lock", "--unit", "南浔区", "--month", "2024-13"], "格式不对"),
                            (["lock", "--unit", "南浔区", "--month", "三月"], "格式不对"),
                            (["unlock", "--unit", "南浔区", "--month", "2024-03", "--reason", "x"], "未锁定"),
                            (["close-year", "--year", "24"], "格式不对")):
            with self.subTest(args), self.assertRaisesMessage(CommandError, words):
                call_command("period", *args)
        self.lock_march()
        with self.assertRaisesMessage(CommandError, "解锁须填写原因"):
            call_command("period", "unlock", "--unit", "南浔区", "--month", "2024-03")
        self.assertEqual(PeriodLock.active.count(), 1)

    def test_every_lock_and_unlock_is_kept_and_audited_with_its_reason(self):
        self.lock_march()
        self.unlock_march()
        found = PeriodLock.objects.get()
        self.assertIsNotNone(found.released_at)
        self.assertEqual((found.reason, found.release_reason), ("三月数据已审核", "补录漏报的拨付"))
        entries = LogEntry.objects.get_for_object(found).order_by("pk")
        self.assertIn("三月数据已审核", str(entries[0].changes))
        self.assertIn("补录漏报的拨付", str(entries[1].changes))
        self.lock_march()  # closing again is a new lock, the history stays
        self.assertEqual(PeriodLock.objects.count(), 2)

    def test_only_the_city_office_locks(self):
        with self.assertRaises(services.PeriodError):
            services.lock(self.nanxun, 2024, 3, actor=self.bob)
        with self.assertRaises(services.PeriodError):
            services.lock(self.nanxun, 2024, 3, actor=None)


class PeriodPageTestCase(LockTestCase):
    def test_only_city_officers_see_the_page(self):
        for user in (self.bob, self.lily, self.adam):
            self.client.force_login(user)
            self.assertEqual(self.client.get(reverse("periods:list")).status_code, 404)
        self.client.force_login(self.alice)
        r = self.client.get(reverse("home"))
        self.assertContains(r, reverse("periods:list"))

    def test_a_city_officer_locks_lists_and_unlocks_with_a_reason(self):
        self.client.force_login(self.alice)
        r = self.client.post(reverse("periods:lock"), {"unit": self.nanxun.pk, "month": "2024-03", "reason": "<b>已审核</b>"})
        self.assertEqual(r.status_code, 302)
        r = self.client.get(reverse("periods:list"))
        self.assertContains(r, "2024年3月")
        self.assertContains(r, "&lt;b&gt;已审核&lt;/b&gt;")
        found = PeriodLock.active.get()
        self.assertEqual(found.locked_by, self.alice)
        r = self.client.post(reverse("periods:unlock", args=[found.pk]), {"reason": ""})
        self.assertContains(r, "解锁须填写原因", status_code=422)
        self.assertEqual(PeriodLock.active.count(), 1)
        r = self.client.post(reverse("periods:unlock", args=[found.pk]), {"reason": "更正"})
        self.assertEqual(r.status_code, 302)
        self.assertEqual(PeriodLock.active.count(), 0)
        self.assertEqual(PeriodLock.objects.get().released_by, self.alice)

    def test_an_approvals_lock_points_to_withdrawing_the_approval(self):
        services.lock(self.nanxun, 2024, 3, actor=self.alice, reason="手工")
        services.lock(self.nanxun, 2024, 4, actor=self.alice, reason="2024年4月 月度数据报送 审核通过",
                      cause=PeriodLock.Cause.APPROVAL)
        self.client.force_login(self.alice)
        html = self.client.get(reverse("periods:list")).content.decode()
        self.assertEqual(html.count("撤销审核"), 1)  # the approval's row only
        self.assertIn(f'href="{reverse("reporting:tasks")}?year=2024"', html)

    def test_a_bad_month_or_year_is_named(self):
        self.client.force_login(self.alice)
        r = self.client.post(reverse("periods:lock"), {"unit": self.nanxun.pk, "month": "2024-3x"})
        self.assertContains(r, "月份格式不对", status_code=422)
        r = self.client.post(reverse("periods:close_year"), {"year": "abc"})
        self.assertContains(r, "年度应为四位年份", status_code=422)
        self.assertEqual(PeriodLock.objects.count(), 0)


class ImportQueriesTestCase(LockTestCase):
    def test_the_gate_costs_the_same_queries_however_many_rows_a_sheet_has(self):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        self.lock_march()  # a lock the rows are checked against, closing none of them (they are of June)

        def queries(n, user):
            rows = [FUND_HEADER] + [[self.project.code, datetime.date(2024, 6, 1 + i % 28), "拨付", i + 1,
                                     "财政援助资金"] for i in range(n)]
            with CaptureQueriesContext(connection) as captured:
                result = self.import_funds(rows, user=user, dry_run=True)
            self.assertTrue(result.ok, result.problems)
            return len(captured)

        for user in (self.alice, self.bob):
            with self.subTest(user.username):
                self.assertEqual(queries(5, user), queries(27, user))
