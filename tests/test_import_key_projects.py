"""The sheets 重点项目月报, 全省进度 and 目标任务 of the standard workbook: a key project's
monthly reports with its annual plan, the province's rate and the targets import through the
same gate and rules as their pages, as clerks write them; a lower year-to-date needs its
reason, a report is only of a key project, a locked month writes nothing, a target's value is
in its indicator's unit; the three sheets export and import back cell for cell, and
`hezuo stats` reads what was imported."""

import datetime
import io
import json
import tempfile
from decimal import Decimal
from pathlib import Path

import openpyxl
from django.core.management import call_command

from hezuo.access import CONSOLE
from hezuo.imports.services.exporter import export_workbook
from hezuo.imports.services.importer import import_workbook
from hezuo.imports.specs import BY_NAME, PLANNED_SHEETS
from hezuo.keyprojects.models import AnnualPlan, MonthlyReport, ProvinceRate
from hezuo.periods import services as periods
from hezuo.projects.models import Project
from hezuo.targets.models import Indicator, Target
from tests.base import BaseTestCase
from tests.workbooks import write_workbook

REPORT_HEADER = ["项目编号", "月份", "年度计划投资（万元）", "本年累计完成投资（万元）", "累计减少原因"]
RATE_HEADER = ["月份", "全省完成率（%）"]
TARGET_HEADER = ["指标", "工作类别", "年度", "目标值", "计量单位", "单位", "完成值"]
SHEETS = ("重点项目月报", "全省进度", "目标任务")
MODELS = (MonthlyReport, AnnualPlan, ProvinceRate, Target, Indicator)


class KeyProjectSheetsTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.key = cls.own["projects"]  # 南浔-001, 南浔区农业农村局's, 2024
        Project.objects.filter(pk=cls.key.pk).update(key_level=Project.KeyLevel.PROVINCE)
        cls.plain = cls.other["projects"]  # 吴兴-001: not a key project
        cls.tea = Indicator.objects.create(name="茶苗种植面积", unit="亩")

    def setUp(self):
        self.dir = Path(self.enterContext(tempfile.TemporaryDirectory()))

    def workbook(self, sheets, name="in.xlsx"):
        return write_workbook(self.dir / name, sheets)

    def import_ok(self, sheets, user=None):
        result = import_workbook(self.workbook(sheets), user or CONSOLE)
        self.assertEqual([str(p) for p in result.problems], [])
        return result

    def refused(self, sheets, *fragments, user=None):
        counts = {model: list(model.objects.order_by("pk").values()) for model in MODELS}
        result = import_workbook(self.workbook(sheets), user or CONSOLE)
        self.assertFalse(result.ok)
        text = "\n".join(str(p) for p in result.problems)
        for fragment in fragments:
            self.assertIn(fragment, text)
        self.assertEqual({model: list(model.objects.order_by("pk").values()) for model in MODELS}, counts,
                         "nothing is written")
        return text

    def ytd(self, month):
        return MonthlyReport.objects.get(project=self.key, month=month).completed_ytd


class MonthlyReportSheetTestCase(KeyProjectSheetsTestCase):
    def test_reports_and_the_annual_plan_import_with_every_column(self):
        header = ["项目编号", "月份", "年度计划投资（万元）", "本年累计完成投资（万元）", "本月完成投资（万元）",
                  "开工以来累计完成投资（万元）", "形象进度", "存在问题", "责任单位", "解决时限", "解决情况",
                  "累计减少原因"]
        result = self.import_ok({"重点项目月报": [
            header,
            ["南浔-001", "2024-03", 1200, 300, 100, 900, "主体结构完工", "用地指标未落实", "南浔区农业农村局",
             datetime.datetime(2024, 6, 30), "已协调", None],
            ["南浔-001", "2024-04", 1200, 420.5, 120.5, 1020.5, None, None, None, None, None, None],
        ]})

        march = MonthlyReport.objects.get(project=self.key, month=datetime.date(2024, 3, 1))
        self.assertEqual((march.year, march.completed_ytd, march.completed_month, march.completed_total),
                         (2024, Decimal("3000000.00"), Decimal("1000000.00"), Decimal("9000000.00")))
        self.assertEqual((march.progress, march.problems, march.responsible, march.deadline, march.resolution),
                         ("主体结构完工", "用地指标未落实", "南浔区农业农村局", datetime.date(2024, 6, 30), "已协调"))
        self.assertEqual(self.ytd(datetime.date(2024, 4, 1)), Decimal("4205000.00"))
        self.assertEqual(AnnualPlan.objects.get(project=self.key, year=2024).amount, Decimal("12000000.00"))
        sheets = {sheet.name: (sheet.rows, sheet.created) for sheet in result.sheets}
        self.assertEqual(sheets, {"重点项目月报": (2, 2), "年度计划投资": (1, 1)})
        self.assertEqual(result.rows, 2, "the plan is a cell of the report rows, not a row of its own")

    def test_months_as_clerks_write_them(self):
        rows = [["南浔-001", "2024-01", None, 10], ["南浔-001", "2024年2月", None, 20],
                ["南浔-001", "2024.3", None, 30], ["南浔-001", 2024.4, None, 40],
                ["南浔-001", datetime.datetime(2024, 5, 17), None, 50], ["南浔-001", "2024/6", None, 60],
                ["南浔-001", "２０２４年７月", None, 70], ["南浔-001", "2024.10", None, 100],
                ["南浔-001", 2024.11, None, 110]]
        self.import_ok({"重点项目月报": [REPORT_HEADER[:4], *rows]})

        self.assertEqual(
            list(MonthlyReport.objects.filter(project=self.key).order_by("month").values_list("month", flat=True)),
            [datetime.date(2024, m, 1) for m in (1, 2, 3, 4, 5, 6, 7, 10, 11)])
        self.assertEqual(self.ytd(datetime.date(2024, 5, 1)), Decimal("500000.00"))

    def test_a_month_excel_turned_into_2024_1_or_no_month_at_all_is_refused(self):
        text = self.refused({"重点项目月报": [REPORT_HEADER[:4], ["南浔-001", 2024.1, None, 10],
                                              ["南浔-001", "2024-13", None, 10], ["南浔-001", "三月", None, 10]]},
                            "第2行 B列（月份）", "可能是 2024 年 1 月，也可能是 10 月", "第3行 B列（月份）",
                            "月份应为 1 到 12", "第4行 B列（月份）")
        self.assertIn("不是月份", text)

    def test_reimporting_a_month_updates_its_report(self):
        self.import_ok({"重点项目月报": [REPORT_HEADER[:4], ["南浔-001", "2024-03", 1200, 300]]})
        result = self.import_ok({"重点项目月报": [REPORT_HEADER[:4], ["南浔-001", "2024年3月", 1300, 350]]})

        self.assertEqual(MonthlyReport.objects.count(), 1)
        self.assertEqual(self.ytd(datetime.date(2024, 3, 1)), Decimal("3500000.00"))
        self.assertEqual(AnnualPlan.objects.get().amount, Decimal("13000000.00"))
        sheets = {sheet.name: (sheet.created, sheet.updated) for sheet in result.sheets}
        self.assertEqual(sheets, {"重点项目月报": (0, 1), "年度计划投资": (0, 1)})

    def test_an_empty_plan_keeps_the_stored_one(self):
        AnnualPlan.objects.create(project=self.key, year=2024, amount=Decimal("8000000"))
        self.import_ok({"重点项目月报": [REPORT_HEADER[:4], ["南浔-001", "2024-03", None, 300]]})

        self.assertEqual(AnnualPlan.objects.get().amount, Decimal("8000000.00"))

    def test_two_rows_of_one_project_and_year_with_different_plans_are_refused_naming_both(self):
        self.refused({"重点项目月报": [REPORT_HEADER[:4], ["南浔-001", "2024-03", 1200, 300],
                                       ["南浔-001", "2024-04", 1200, 400], ["南浔-001", "2024-05", 1500, 500]]},
                     "工作表“重点项目月报” 第4行 C列（年度计划投资（万元））：与第 2 行的年度计划投资不同（1200万元）")

    def test_a_project_that_is_not_a_key_project_is_refused_naming_row_and_code(self):
        self.refused({"重点项目月报": [REPORT_HEADER[:4], ["南浔-001", "2024-03", None, 300],
                                       ["吴兴-001", "2024-03", None, 300]]},
                     "第3行 A列（项目编号）：项目 吴兴-001 不是重点项目")

    def test_a_key_project_the_workbook_itself_adds_takes_reports(self):
        header = ["项目编号", "项目名称", "工作类别", "实施单位", "结对地区", "项目类别", "年度", "总投资（万元）",
                  "状态", "重点级别"]
        project = ["南浔-009", "新建重点项目", "援疆", "南浔区", "柯坪县", "产业合作", 2024, 5000, "实施中"]
        self.import_ok({"项目": [header, project + ["市重点"]],
                        "重点项目月报": [REPORT_HEADER[:4], ["南浔-009", "2024-03", 2000, 300]]})
        self.assertEqual(AnnualPlan.objects.get(project__code="南浔-009").amount, Decimal("20000000.00"))

        self.refused({"项目": [header, ["南浔-010", *project[1:], None]],
                      "重点项目月报": [REPORT_HEADER[:4], ["南浔-010", "2024-03", 2000, 300]]},
                     "项目 南浔-010 不是重点项目")

    def test_an_empty_completion_of_the_month_is_worked_out_as_the_report_form_does(self):
        MonthlyReport.objects.create(project=self.key, month=datetime.date(2024, 3, 1),
                                     completed_ytd=Decimal("3000000"))
        header = [*REPORT_HEADER[:4], "本月完成投资（万元）"]
        self.import_ok({"重点项目月报": [header, ["南浔-001", "2024-04", None, 420, None],
                                         ["南浔-001", "2024-05", None, 500, 60]]})
        self.import_ok({"重点项目月报": [REPORT_HEADER[:4], ["南浔-001", "2024-01", None, 100]]})

        months = MonthlyReport.objects.filter(project=self.key).order_by("month")
        self.assertEqual([(m.month.month, m.completed_month) for m in months], [
            (1, Decimal("1000000.00")), (3, Decimal("0.00")), (4, Decimal("1200000.00")), (5, Decimal("600000.00"))])

    def test_a_lower_year_to_date_than_last_month_stored_needs_a_reason(self):
        MonthlyReport.objects.create(project=self.key, month=datetime.date(2024, 3, 1),
                                     completed_ytd=Decimal("3000000"))
        self.refused({"重点项目月报": [REPORT_HEADER, ["南浔-001", "2024-04", None, 250, None]]},
                     "第2行 E列（累计减少原因）：本年累计完成投资低于上月（3月）的数值，请在“累计减少原因”中说明原因")

        self.import_ok({"重点项目月报": [REPORT_HEADER, ["南浔-001", "2024-04", None, 250, "核减重复统计"]]})
        report = MonthlyReport.objects.get(month=datetime.date(2024, 4, 1))
        self.assertEqual((report.completed_ytd, report.decline_reason), (Decimal("2500000.00"), "核减重复统计"))

    def test_a_lower_year_to_date_than_an_earlier_row_needs_a_reason(self):
        self.refused({"重点项目月报": [REPORT_HEADER, ["南浔-001", "2024-05", None, 250, None],
                                       ["南浔-001", "2024-04", None, 300, None]]},
                     "第2行 E列（累计减少原因）：本年累计完成投资低于上月（4月）")
        self.import_ok({"重点项目月报": [REPORT_HEADER, ["南浔-001", "2024-05", None, 250, "4月多报"],
                                         ["南浔-001", "2024-04", None, 300, None]]})

    def test_a_corrected_earlier_month_is_what_the_next_month_is_read_against(self):
        MonthlyReport.objects.create(project=self.key, month=datetime.date(2024, 3, 1),
                                     completed_ytd=Decimal("5000000"))
        self.import_ok({"重点项目月报": [REPORT_HEADER, ["南浔-001", "2024-03", None, 200, "核减"],
                                         ["南浔-001", "2024-04", None, 300, None]]})
        self.assertEqual(self.ytd(datetime.date(2024, 4, 1)), Decimal("3000000.00"))

    def test_a_new_year_starts_again_from_nothing(self):
        MonthlyReport.objects.create(project=self.key, month=datetime.date(2024, 12, 1),
                                     completed_ytd=Decimal("9000000"))
        self.import_ok({"重点项目月报": [REPORT_HEADER, ["南浔-001", "2025-01", None, 10, None]]})

    def test_a_locked_month_is_refused_with_nothing_written(self):
        periods.lock(self.nanxun, 2024, 4, actor=CONSOLE, reason="测试")
        self.refused({"重点项目月报": [REPORT_HEADER[:4], ["南浔-001", "2024-03", 1200, 300],
                                       ["南浔-001", "2024-04", 1200, 400]]},
                     "工作表“重点项目月报” 第3行：", "南浔区 2024年4月 已锁定")

    def test_a_reporter_imports_reports_of_their_own_key_projects_only(self):
        self.import_ok({"重点项目月报": [REPORT_HEADER[:4], ["南浔-001", "2024-03", 1200, 300]]}, user=self.bob)
        Project.objects.filter(pk=self.plain.pk).update(key_level=Project.KeyLevel.CITY)

        text = self.refused({"重点项目月报": [REPORT_HEADER[:4], ["吴兴-001", "2024-03", 1200, 300]]},
                            "您的数据范围内没有编号为“吴兴-001”的项目", user=self.bob)
        self.assertNotIn("吴兴区", text)


class ProvinceRateSheetTestCase(KeyProjectSheetsTestCase):
    def test_rates_import_and_update_by_month(self):
        self.import_ok({"全省进度": [RATE_HEADER, ["2024-10", 98.6], ["2024年11月", "108.9"]]}, user=self.alice)
        self.import_ok({"全省进度": [RATE_HEADER, ["2024.11", 109.2]]}, user=self.alice)

        self.assertEqual(list(ProvinceRate.objects.order_by("month").values_list("year", "month", "rate")),
                         [(2024, 10, Decimal("98.6")), (2024, 11, Decimal("109.2"))])

    def test_a_district_reporter_cannot_import_the_provinces_rate(self):
        ProvinceRate.objects.create(year=2024, month=10, rate=Decimal("98.6"))
        text = self.refused({"全省进度": [RATE_HEADER, ["2024-10", 99], ["2024-11", 108.9]]},
                            "工作表“全省进度” 第2行：您没有新增或修改“全省进度”的权限", user=self.bob)
        self.assertNotIn("市区域合作办", text)
        self.assertNotIn("alice", text)

    def test_a_rate_of_a_closed_year_is_refused(self):
        periods.close_year(2024, actor=CONSOLE)
        self.refused({"全省进度": [RATE_HEADER, ["2024-10", 98.6]]}, "第2行", "2024年")


class TargetSheetTestCase(KeyProjectSheetsTestCase):
    def test_targets_on_built_in_and_own_indicators_import_in_their_units(self):
        self.import_ok({"目标任务": [
            TARGET_HEADER,
            ["消费帮扶", "援疆", 2024, 3000, "万元", None, None],
            ["援助资金(安排)", "援疆", 2024, 1.2, "亿元", "南浔区", None],
            ["派遣人次", "东西部协作", 2024, 120, "人次", None, None],
            ["茶苗种植面积", "援疆", 2024, 500, "亩", None, 520.5],
        ]}, user=self.alice)

        got = {(t.indicator or t.custom.name, t.program.name, t.unit.name if t.unit else ""): (t.value, t.actual_value)
               for t in Target.objects.select_related("custom", "program", "unit")}
        self.assertEqual(got, {
            ("consumption", "援疆", ""): (Decimal("30000000.00"), None),
            ("funds_arranged", "援疆", "南浔区"): (Decimal("120000000.00"), None),
            ("dispatch_person_times", "东西部协作", ""): (Decimal("120.00"), None),
            ("茶苗种植面积", "援疆", ""): (Decimal("500.00"), Decimal("520.50")),
        })

    def test_reimporting_a_target_updates_it(self):
        self.import_ok({"目标任务": [TARGET_HEADER, ["消费帮扶", "援疆", 2024, 3000, "万元", None, None]]})
        result = self.import_ok({"目标任务": [TARGET_HEADER, ["消费帮扶", "援疆", 2024, 30000000, "元", None, None],
                                             ["茶苗种植面积", "援疆", 2024, 500, "亩", None, 10]]})
        self.import_ok({"目标任务": [TARGET_HEADER, ["茶苗种植面积", "援疆", 2024, 500, "亩", None, 20]]})

        self.assertEqual([(s.created, s.updated, s.unchanged) for s in result.sheets], [(1, 0, 1)])
        self.assertEqual(Target.objects.count(), 2)
        self.assertEqual(Target.objects.get(custom=self.tea).actual_value, Decimal("20.00"))

    def test_an_imported_actual_says_who_entered_it(self):
        rows = [TARGET_HEADER, ["茶苗种植面积", "援疆", 2024, 500, "亩", None, 10],
                ["茶苗种植面积", "东西部协作", 2024, 500, "亩", None, None]]
        self.import_ok({"目标任务": rows}, user=self.alice)
        stamped = {t.program.name: (t.actual_by, t.actual_at is not None) for t in Target.objects.all()}
        self.assertEqual(stamped, {"援疆": (self.alice, True), "东西部协作": (None, False)})

        rows[2][6] = 30
        result = self.import_ok({"目标任务": rows})  # the console: no user

        self.assertEqual([(s.updated, s.unchanged) for s in result.sheets], [(1, 1)])
        stamped = {t.program.name: (t.actual_by, t.actual_at is not None) for t in Target.objects.all()}
        self.assertEqual(stamped, {"援疆": (self.alice, True), "东西部协作": (None, True)})

    def test_a_unit_other_than_the_indicators_is_refused_naming_row_column_and_the_right_unit(self):
        self.refused({"目标任务": [TARGET_HEADER, ["消费帮扶", "援疆", 2024, 3000, "万元", None, None],
                                   ["派遣人次", "援疆", 2024, 3000, "万元", None, None],
                                   ["茶苗种植面积", "援疆", 2024, 500, "公顷", None, None],
                                   ["消费帮扶", "东西部协作", 2024, 3000, "人次", None, None]]},
                     "第3行 E列（计量单位）：计量单位“万元”与指标“派遣人次”的计量单位不符：该指标的计量单位为“人次”",
                     "第4行 E列（计量单位）：计量单位“公顷”与指标“茶苗种植面积”的计量单位不符：该指标的计量单位为“亩”",
                     "第5行 E列（计量单位）：计量单位“人次”与指标“消费帮扶”的计量单位不符：该指标的计量单位为元、万元或亿元")

    def test_an_actual_of_a_built_in_indicator_is_refused(self):
        self.refused({"目标任务": [TARGET_HEADER, ["消费帮扶", "援疆", 2024, 3000, "万元", None, 3100]]},
                     "第2行 G列（完成值）：“消费帮扶”是内置指标，完成值按记录自动计算，不能填写")

    def test_an_unknown_indicator_is_refused(self):
        self.refused({"目标任务": [TARGET_HEADER, ["茶叶面积", "援疆", 2024, 3000, "亩", None, None]]},
                     "第2行 A列（指标）：没有名为“茶叶面积”的指标")

    def test_a_district_reporter_cannot_import_targets(self):
        self.refused({"目标任务": [TARGET_HEADER, ["消费帮扶", "援疆", 2024, 3000, "万元", "南浔区", None]]},
                     "您没有新增或修改“目标任务”的权限", user=self.bob)


class ExportTestCase(KeyProjectSheetsTestCase):
    def fill(self):
        AnnualPlan.objects.create(project=self.key, year=2024, amount=Decimal("12345678.91"))
        AnnualPlan.objects.create(project=self.key, year=2023, amount=Decimal("500000"))
        MonthlyReport.objects.create(project=self.key, month=datetime.date(2023, 12, 1),
                                     completed_ytd=Decimal("480000"))
        MonthlyReport.objects.create(
            project=self.key, month=datetime.date(2024, 3, 1), completed_ytd=Decimal("3000000.07"),
            completed_month=Decimal("1000000.01"), completed_total=Decimal("9000000"), progress="=主体完工",
            problems="用地", responsible="南浔区农业农村局", deadline=datetime.date(2024, 6, 30), resolution="已协调")
        MonthlyReport.objects.create(project=self.key, month=datetime.date(2024, 4, 1),
                                     completed_ytd=Decimal("2500000"), decline_reason="核减")
        ProvinceRate.objects.create(year=2024, month=3, rate=Decimal("25.4"))
        ProvinceRate.objects.create(year=2023, month=12, rate=Decimal("101.0"))
        program = self.xinjiang
        Target.objects.create(indicator="consumption", program=program, year=2024, value=Decimal("12345678.91"))
        Target.objects.create(indicator="dispatch_person_times", program=program, year=2024, unit=self.nanxun,
                              value=Decimal("120"))
        Target.objects.create(custom=self.tea, program=program, year=2024, value=Decimal("500.5"),
                              actual_value=Decimal("520.25"))

    def cells(self, path):
        book = openpyxl.load_workbook(path)
        return {name: [[c.value for c in row] for row in book[name].iter_rows()] for name in SHEETS}

    def test_the_three_sheets_are_read_now_and_none_is_planned(self):
        self.assertEqual(PLANNED_SHEETS, ())  # 岗位 is read too (hezuo.jobs)
        for name in SHEETS:
            self.assertIn(name, BY_NAME)

    def test_the_export_writes_the_sheets_as_clerks_fill_them(self):
        self.fill()
        export_workbook(self.dir / "out.xlsx", CONSOLE, year=2024)
        cells = self.cells(self.dir / "out.xlsx")

        self.assertEqual(cells["重点项目月报"][0][:4], REPORT_HEADER[:4])
        self.assertEqual(cells["重点项目月报"][1][:5], ["南浔-001", "2024-03", 1234.567891, 300.000007, 100.000001])
        self.assertEqual(cells["重点项目月报"][1][6], "=主体完工")  # text, never a formula
        self.assertEqual(len(cells["重点项目月报"]), 3, "the year's months only")
        self.assertEqual(cells["全省进度"], [RATE_HEADER, ["2024-03", 25.4]])
        self.assertEqual(sorted(cells["目标任务"][1:]), sorted([
            ["消费帮扶", "援疆", 2024, 1234.567891, "万元", None, None],
            ["派遣人次", "援疆", 2024, 120, "人次", "南浔区", None],
            ["茶苗种植面积", "援疆", 2024, 500.5, "亩", None, 520.25]]))

    def test_export_import_into_an_empty_database_and_export_again_gives_the_same_cells(self):
        self.fill()
        first, second = self.dir / "first.xlsx", self.dir / "second.xlsx"
        export_workbook(first, CONSOLE)
        for model in (MonthlyReport, AnnualPlan, ProvinceRate, Target):
            model.objects.all().delete()

        result = import_workbook(first, CONSOLE)
        self.assertEqual([str(p) for p in result.problems], [])

        export_workbook(second, CONSOLE)
        self.assertEqual(self.cells(second), self.cells(first))
        again = import_workbook(second, CONSOLE)
        self.assertEqual([(s.name, s.created, s.updated) for s in again.sheets if s.created or s.updated], [])

    def test_the_template_describes_the_three_sheets(self):
        export_workbook(self.dir / "blank.xlsx", blank=True)
        book = openpyxl.load_workbook(self.dir / "blank.xlsx")
        described = {(row[0].value, row[1].value) for row in book["填写说明"].iter_rows() if len(row) > 1}
        for name in SHEETS:
            self.assertEqual([c.value for c in book[name][1]], [c.title for c in BY_NAME[name].columns])
            for column in BY_NAME[name].columns:
                self.assertIn((name, column.header), described)
        self.assertTrue(import_workbook(self.dir / "blank.xlsx", CONSOLE).ok)
        indicator = next(row for row in book["填写说明"].iter_rows(values_only=True) if row[:2] == ("目标任务", "指标"))
        self.assertIn("消费帮扶", indicator[3])
        self.assertIn("茶苗种植面积", indicator[3])


class StatsAfterImportTestCase(KeyProjectSheetsTestCase):
    def test_key_project_figures_of_the_stats_command_are_the_imported_ones(self):
        header = ["项目编号", "项目名称", "工作类别", "实施单位", "结对地区", "项目类别", "年度", "总投资（万元）",
                  "状态", "重点级别"]
        self.import_ok({
            "项目": [header, ["南浔-002", "第二个省重点项目", "援疆", "南浔区", "柯坪县", "产业合作", 2024, 9000,
                             "实施中", "省重点"]],
            "重点项目月报": [REPORT_HEADER[:4], ["南浔-001", "2024-05", 1000, 500],
                              ["南浔-001", "2024-06", 1000, 600], ["南浔-002", "2024-06", 3000, 900]],
            "全省进度": [RATE_HEADER, ["2024-06", 40.2]],
        })
        out = io.StringIO()
        call_command("stats", "--year", "2024", "--through-month", "6", "--format", "json", stdout=out)
        figures = json.loads(out.getvalue())["key_projects"]

        # Plans 1000 + 3000 万元; completed 600 + 900 万元: 1500/4000 = 37.5 %; 37.5 − 40.2 = −2.7.
        # Time progress 6/12 = 50 %: 南浔-001 at 60 % is ahead, 南浔-002 at 30 % lags.
        self.assertEqual(
            {k: figures[k] for k in ("count", "annual_plan", "completed", "through_month", "completion_rate",
                                     "province_rate", "ahead_points")},
            {"count": 2, "annual_plan": 40000000.0, "completed": 15000000.0, "through_month": 6,
             "completion_rate": 37.5, "province_rate": 40.2, "ahead_points": -2.7})
        self.assertEqual([(p["code"], p["completion_rate"], p["time_progress"]) for p in figures["lagging"]],
                         [("南浔-002", 30.0, 50.0)])
