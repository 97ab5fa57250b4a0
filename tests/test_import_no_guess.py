"""Nothing is guessed: an amount column says its unit (in its header or in every cell), and
a key project says its level. Dates and amounts are read as clerks write them."""

import datetime
from decimal import Decimal

from hezuo.projects.models import FundRecord, Project
from tests.test_import_bad_input import FUND_HEADER, PROJECT_HEADER, WorkbookTestCase

BARE_HEADER = [h.replace("总投资（万元）", "总投资") for h in PROJECT_HEADER]
KEY_HEADER = [*PROJECT_HEADER, "是否重点项目", "重点级别"]


class AmountUnitTestCase(WorkbookTestCase):
    def test_it_refuses_an_amount_header_without_a_unit_and_names_it(self):
        path = self.workbook({"项目": [BARE_HEADER, self.project_row("NX-1"), self.project_row("NX-2")]})
        result = self.run_import(path)
        self.assertRefused(result, "表头“总投资”没有注明金额单位", "“总投资（元）”“总投资（万元）”或“总投资（亿元）”",
                           "第 2、3 行（共 2 行）没有单位")
        self.assertEqual(len(result.problems), 1, "one message for the column, not one per cell")
        self.assertEqual(result.problems[0].column, "H")

    def test_cells_carrying_their_own_unit_need_none_in_the_header(self):
        rows = [self.project_row("NX-1", **{"总投资（万元）": "350万元"}),
                self.project_row("NX-2", **{"总投资（万元）": "1.2亿"}),
                self.project_row("NX-3", **{"总投资（万元）": "100万元整"}),
                self.project_row("NX-4", **{"总投资（万元）": "15000元"})]
        result = self.run_import(self.workbook({"项目": [BARE_HEADER, *rows]}))
        self.assertTrue(result.ok, [str(p) for p in result.problems])
        self.assertEqual(dict(Project.objects.filter(code__startswith="NX-").values_list("code", "total_investment")),
                         {"NX-1": Decimal("3500000.00"), "NX-2": Decimal("120000000.00"),
                          "NX-3": Decimal("1000000.00"), "NX-4": Decimal("15000.00")})

    def test_one_bare_number_among_cells_with_units_refuses_the_column(self):
        rows = [self.project_row("NX-1", **{"总投资（万元）": "350万元"}), self.project_row("NX-2", **{"总投资（万元）": 1200})]
        self.assertRefused(self.run_import(self.workbook({"项目": [BARE_HEADER, *rows]})),
                           "表头“总投资”没有注明金额单位", "第 3 行（共 1 行）没有单位")

    def test_a_cells_own_unit_wins_over_the_headers(self):
        rows = [self.project_row("NX-1", **{"总投资（万元）": "1.2亿"}), self.project_row("NX-2", **{"总投资（万元）": "800元"})]
        result = self.run_import(self.workbook({"项目": [PROJECT_HEADER, *rows]}))
        self.assertTrue(result.ok, [str(p) for p in result.problems])
        self.assertEqual(Project.objects.get(code="NX-1").total_investment, Decimal("120000000.00"))
        self.assertEqual(Project.objects.get(code="NX-2").total_investment, Decimal("800.00"))

    def test_a_fund_amount_without_a_unit_is_refused_too(self):
        header = [h.replace("金额（万元）", "金额") for h in FUND_HEADER]
        path = self.workbook({"项目": [PROJECT_HEADER, self.project_row()],
                              "资金": [header, ["NX-100", "2024-03-05", "安排", 1200, "财政援助资金"]]})
        self.assertRefused(self.run_import(path), "工作表“资金”", "表头“金额”没有注明金额单位")

    def test_dates_and_amounts_as_clerks_write_them(self):
        path = self.workbook({"项目": [PROJECT_HEADER, self.project_row()], "资金": [
            FUND_HEADER,
            ["NX-100", "2024.03.05.", "安排", "100万元整", "财政援助资金"],
            ["NX-100", "2024—3—6", "安排", 12, "财政援助资金"],
            ["NX-100", "２０２４年３月７号", "安排", 12, "财政援助资金"],
        ]})
        result = self.run_import(path)
        self.assertTrue(result.ok, [str(p) for p in result.problems])
        self.assertEqual(sorted(FundRecord.objects.filter(date__month=3).values_list("date", "amount")), [
            (datetime.date(2024, 3, 5), Decimal("1000000.00")), (datetime.date(2024, 3, 6), Decimal("120000.00")),
            (datetime.date(2024, 3, 7), Decimal("120000.00"))])


class KeyLevelTestCase(WorkbookTestCase):
    def key_row(self, code, flag, level):
        return [*self.project_row(code), flag, level]

    def levels(self):
        return dict(Project.objects.filter(code__startswith="NX-").values_list("code", "key_level"))

    def test_yes_and_no_with_a_level(self):
        path = self.workbook({"项目": [KEY_HEADER, self.key_row("NX-1", "是", "省重点"),
                                      self.key_row("NX-2", "是", "市重点"), self.key_row("NX-3", "否", None),
                                      self.key_row("NX-4", None, None)]})
        result = self.run_import(path)
        self.assertTrue(result.ok, [str(p) for p in result.problems])
        self.assertEqual(self.levels(), {"NX-1": "province", "NX-2": "city", "NX-3": "", "NX-4": ""})

    def test_yes_alone_is_refused_asking_for_the_level(self):
        path = self.workbook({"项目": [KEY_HEADER, self.key_row("NX-1", "是", None)]})
        self.assertRefused(self.run_import(path), "第2行 K列（重点级别）", "是否重点项目为“是”，请在“重点级别”列填写省重点或市重点")

    def test_yes_without_a_level_column_is_refused_at_the_flag(self):
        header = [*PROJECT_HEADER, "是否重点项目"]
        path = self.workbook({"项目": [header, [*self.project_row("NX-1"), "是"]]})
        self.assertRefused(self.run_import(path), "第2行 J列（是否重点项目）", "请在“重点级别”列填写省重点或市重点")

    def test_no_with_a_level_is_refused(self):
        path = self.workbook({"项目": [KEY_HEADER, self.key_row("NX-1", "否", "市重点")]})
        self.assertRefused(self.run_import(path), "是否重点项目为“否”，重点级别应为空")

    def test_a_level_written_as_the_flag_says_both(self):
        path = self.workbook({"项目": [KEY_HEADER, self.key_row("NX-1", "省重点", None),
                                      self.key_row("NX-2", "市重点", "市重点"), self.key_row("NX-3", "省重点", "市重点")]})
        self.assertRefused(self.run_import(path), "第4行", "是否重点项目与重点级别不一致")
        path = self.workbook({"项目": [KEY_HEADER, self.key_row("NX-1", "省重点", None),
                                      self.key_row("NX-2", "市重点", "市重点")]}, name="ok.xlsx")
        self.assertTrue(self.run_import(path).ok)
        self.assertEqual(self.levels(), {"NX-1": "province", "NX-2": "city"})
