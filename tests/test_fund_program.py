"""A fund record carries its project's program (FundRecord.program), however it is written:
a page, a project moved to another program, an import. The fund list filters and sums by it,
exactly, and costs the same number of queries however many rows match."""

import datetime
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hezuo.org.models import Program
from hezuo.projects.models import FundRecord, Project
from tests.test_import_bad_input import FUND_HEADER, PROJECT_HEADER, WorkbookTestCase


class FundsTestCase(WorkbookTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.project = cls.own["projects"]  # 南浔's, of 援疆 (under 对口支援)
        cls.fund = cls.own["funds"]

    def programs(self, project):
        return set(project.funds.values_list("program", flat=True))


class FundProgramTestCase(FundsTestCase):
    def test_a_fund_record_gets_its_projects_program(self):
        self.assertEqual(self.fund.program_id, self.project.program_id)

    def test_a_fund_record_entered_on_the_page_gets_its_projects_program(self):
        self.client.force_login(self.bob)
        r = self.client.post(reverse("funds:create"), {
            "project": self.project.code, "date": "2024-07-01", "stage": "allocated", "amount_0": "12",
            "amount_1": "万元", "source": "fiscal_aid", "note": ""})
        self.assertEqual(r.status_code, 302, getattr(r, "context", None) and r.context["form"].errors)
        self.assertEqual(self.programs(self.project), {self.project.program_id})

    def test_moving_a_project_to_another_program_moves_its_funds(self):
        self.project.program = self.east_west
        self.project.save()
        self.assertEqual(self.programs(self.project), {self.east_west.pk})

    def test_an_import_gives_new_funds_their_projects_program_even_of_a_project_it_creates(self):
        path = self.workbook({
            "项目": [PROJECT_HEADER, self.project_row("NX-100", 工作类别="东西部协作")],
            "资金": [FUND_HEADER, ["NX-100", datetime.date(2024, 3, 1), "安排", 10, "财政援助资金"],
                   [self.project.code, datetime.date(2024, 3, 2), "安排", 20, "财政援助资金"]],
        })
        result = self.run_import(path)
        self.assertTrue(result.ok, result.problems)
        self.assertEqual(self.programs(Project.objects.get(code="NX-100")), {self.east_west.pk})
        self.assertEqual(self.programs(self.project), {self.project.program_id})

    def test_an_import_that_moves_a_project_to_another_program_moves_its_funds(self):
        row = self.project_row(self.project.code, 项目名称=self.project.name, 工作类别="东西部协作",
                               实施单位=self.project.unit.name, **{"总投资（万元）": 500})
        result = self.run_import(self.workbook({"项目": [PROJECT_HEADER, row]}))
        self.assertTrue(result.ok, result.problems)
        self.project.refresh_from_db()
        self.assertEqual(self.project.program, self.east_west)
        self.assertEqual(self.programs(self.project), {self.east_west.pk})

    def test_an_import_that_updates_a_fund_keeps_its_program(self):
        fund = self.fund
        row = [self.project.code, fund.date, fund.get_stage_display(), 999, fund.get_source_display()]
        result = self.run_import(self.workbook({"资金": [FUND_HEADER, row]}))
        self.assertTrue(result.ok, result.problems)
        fund.refresh_from_db()
        self.assertEqual(fund.amount, Decimal("9990000.00"))
        self.assertEqual(fund.program_id, self.project.program_id)


class FundListByProgramTestCase(FundsTestCase):
    def list(self, **params):
        self.client.force_login(self.alice)
        with CaptureQueriesContext(connection) as captured:
            r = self.client.get(reverse("funds:list"), params)
        self.assertEqual(r.status_code, 200)
        return r, len(captured)

    def footer(self, r):
        return {cell.name: Decimal(cell.value) for cell in r.context["totals"] if cell}

    def test_a_program_lists_the_funds_of_its_sub_programs_with_exact_totals(self):
        parent = Program.objects.get(pk=self.project.program.parent_id)  # 对口支援 above 援疆
        r, _ = self.list(program=parent.pk, year=2024)
        funds = FundRecord.objects.filter(project__program__in=parent.tree_ids(), year=2024)
        self.assertEqual(r.context["page"].paginator.count, funds.count())
        self.assertEqual(self.footer(r)["amount"], sum(f.amount for f in funds))
        self.assertIn(self.fund, r.context["page"].object_list)

    def test_another_program_does_not_list_them(self):
        r, _ = self.list(program=self.east_west.pk, year=2024)
        self.assertNotIn(self.fund, r.context["page"].object_list)

    def test_a_programs_list_keeps_its_query_count_as_rows_grow(self):
        self.list(program=self.project.program_id, year=2024)
        _, before = self.list(program=self.project.program_id, year=2024)
        for n in range(25):
            FundRecord.objects.create(project=self.project, date=datetime.date(2024, 6, 1 + n % 28),
                                      stage=FundRecord.Stage.SPENT, amount=Decimal(n + 1))
        r, after = self.list(program=self.project.program_id, year=2024)
        self.assertEqual(r.context["page"].paginator.count, 26)
        self.assertEqual(after, before)

    def test_the_filter_bar_marks_the_chosen_program_and_unit(self):
        r, _ = self.list(program=self.east_west.pk, unit=self.nanxun.pk)
        self.assertContains(r, f'<option value="{self.east_west.pk}" selected>东西部协作</option>', html=False)
        self.assertContains(r, f'<option value="{self.nanxun.pk}" selected>南浔区</option>', html=False)
        self.assertEqual(dict(r.context["filters"].active())["工作类别"], self.east_west)

    def test_an_unknown_program_is_a_filter_error_not_a_crash(self):
        r, _ = self.list(program=999999)
        self.assertTrue(r.context["filters"].errors)
