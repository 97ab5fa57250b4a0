"""Validation rules (hezuo/rules.py), one module for forms and import.

Errors block: a year outside 2000–2100 or not the year of the record's date, a negative
amount, a date after the end of next year, an end before its start, a dispatch of nobody.
A form shows them on the field (422) and writes nothing; an import names sheet, row and
column and writes nothing. 提醒 never block: a project's cumulative 拨付 above its 下达 or
安排, 支出 above 拨付, funds above 总投资, no fund record, no pairing; an import lists them
with the row and the project's code."""

import datetime
import io
from decimal import Decimal
from pathlib import Path

from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import strip_tags

from hezuo.access import CONSOLE
from hezuo import rules
from hezuo.exchanges.models import Dispatch
from hezuo.imports.models import ImportRecord
from hezuo.imports.services.importer import import_workbook
from hezuo.org.models import Pairing, Region
from hezuo.projects.models import FundRecord, Project
from tests.base import BaseTestCase
from tests.record_data import form_data, new_record_data
from tests.workbooks import write_workbook

Stage = FundRecord.Stage
PROJECT_HEADER = ["项目编号", "项目名称", "工作类别", "实施单位", "结对地区", "项目类别", "年度", "总投资（万元）", "状态"]
FUND_HEADER = ["项目编号", "日期", "环节", "金额（万元）", "资金来源"]
DISPATCH_HEADER = ["批次名称", "人员类型", "工作类别", "派出单位", "派往地区", "开始日期", "结束日期", "人次"]


def too_late():
    """The first day a record's date may not be: the day after the end of next year."""
    return rules.latest_allowed_date() + datetime.timedelta(days=1)


class RowRulesInFormsTestCase(BaseTestCase):
    def setUp(self):
        self.client.force_login(self.alice)
        self.project = self.own["projects"]
        self.fund = self.own["funds"]
        self.counts = (Project.objects.count(), FundRecord.objects.count(), Dispatch.objects.count())

    def post(self, name, data):
        return self.client.post(reverse(name), data)

    def assertRefused(self, r, message):
        """The form came back (422) with `message` ("字段：问题") and nothing was written."""
        self.assertEqual(r.status_code, 422)
        self.assertIn(message, strip_tags(r.content.decode()))
        self.assertEqual((Project.objects.count(), FundRecord.objects.count(), Dispatch.objects.count()),
                         self.counts)

    def test_it_refuses_a_project_year_of_five_digits(self):
        r = self.post("projects:create", {**new_record_data(self.project), "year": "20244"})
        self.assertRefused(r, "年度：年份 20244 不在 2000—2100 之间")

    def test_it_refuses_a_project_year_before_2000(self):
        r = self.post("projects:create", {**new_record_data(self.project), "year": "1999"})
        self.assertRefused(r, "年度：年份 1999 不在 2000—2100 之间")

    def test_it_refuses_a_fund_dated_after_the_end_of_next_year(self):
        day = too_late()
        r = self.post("funds:create", {**new_record_data(self.fund), "date": day.isoformat()})
        self.assertRefused(r, f"日期：{day:%Y-%m-%d} 晚于明年年底（{rules.latest_allowed_date():%Y-%m-%d}），请检查年份")

    def test_it_accepts_a_fund_dated_on_the_last_day_of_next_year(self):
        r = self.post("funds:create", {**new_record_data(self.fund), "date": rules.latest_allowed_date().isoformat()})
        self.assertEqual(r.status_code, 302)

    def test_it_refuses_a_fund_dated_before_2000(self):
        r = self.post("funds:create", {**new_record_data(self.fund), "date": "1999-12-31"})
        self.assertRefused(r, "日期：1999-12-31 的年份不在 2000—2100 之间")

    def test_it_refuses_a_negative_fund_amount(self):
        r = self.post("funds:create", {**new_record_data(self.fund), "amount_0": "-5", "amount_1": "万元"})
        self.assertRefused(r, "金额：金额不能为负数")

    def test_it_refuses_a_completion_before_the_start(self):
        r = self.post("projects:create", {**new_record_data(self.project), "start_date": "2024-05-01",
                                          "end_date": "2024-04-30"})
        self.assertRefused(r, "完工日期：完工日期不能早于开工日期")

    def test_it_refuses_a_dispatch_ending_before_it_starts_or_of_nobody(self):
        dispatch = self.own["dispatches"]
        r = self.post("dispatches:create", {**new_record_data(dispatch), "start_date": "2024-05-06",
                                            "end_date": "2024-05-01"})
        self.assertRefused(r, "结束日期：结束日期不能早于开始日期")
        r = self.post("dispatches:create", {**new_record_data(dispatch), "person_times": "0"})
        self.assertRefused(r, "人次：人次必须大于 0")

    def test_an_edit_breaking_a_rule_changes_nothing(self):
        r = self.client.post(reverse("projects:edit", args=[self.project.pk]), form_data(self.project, year="20244"))
        self.assertEqual(r.status_code, 422)
        self.project.refresh_from_db()
        self.assertEqual((self.project.year, self.project.version), (2024, 1))

    def test_a_pairing_ending_before_it_starts_is_refused(self):
        pairing = self.own["pairings"]
        r = self.post("pairings:create", {**new_record_data(pairing), "start_year": "2021", "end_year": "2020"})
        self.assertEqual(r.status_code, 422)
        self.assertIn("结束年份：结束年份不能早于起始年份", strip_tags(r.content.decode()))


class RowRulesTestCase(BaseTestCase):
    """The rules themselves, on values as an import or the API hands them over."""

    def test_a_year_given_with_a_date_must_be_the_dates_year(self):
        found = rules.check_values(FundRecord, {"date": datetime.date(2024, 5, 6), "year": 2023,
                                                "amount": Decimal(1)})
        self.assertEqual([str(v) for v in found], ["年度 2023 与日期 2024-05-06 不在同一年，应为 2024"])
        self.assertEqual(found[0].severity, rules.ERROR)

    def test_a_record_within_every_rule_breaks_none(self):
        values = {"date": datetime.date(2024, 5, 6), "year": 2024, "amount": Decimal("1200000")}
        self.assertEqual(rules.check_values(FundRecord, values), [])

    def test_a_negative_amount_or_quantity_is_an_error_on_its_field(self):
        found = rules.check_values(Project, {"year": 2024, "total_investment": Decimal("-1")})
        self.assertEqual([(v.field, str(v)) for v in found], [("total_investment", "总投资：不能为负数")])

    def test_a_planned_completion_years_ahead_is_no_error(self):
        # A project's 完工 and a cadre's three-year term are plans, not things that happened.
        later = datetime.date(rules.latest_allowed_date().year + 2, 6, 30)
        self.assertEqual(rules.check_values(Project, {"year": 2024, "start_date": datetime.date(2024, 3, 1),
                                                      "end_date": later}), [])


class ImportTestCase(BaseTestCase):
    def setUp(self):
        self.dir = Path(self.enterContext(__import__("tempfile").TemporaryDirectory()))
        self.counts = self.record_counts()

    def record_counts(self):
        return Project.objects.count(), FundRecord.objects.count(), Dispatch.objects.count()

    def workbook(self, sheets):
        return write_workbook(self.dir / "in.xlsx", sheets)

    def project_row(self, code="NX-100", **changes):
        row = dict(zip(PROJECT_HEADER, [code, "测试项目", "援疆", "南浔区农业农村局", "652929", "乡村振兴", 2024, 1000,
                                        "实施中"]))
        row.update(changes)
        return [row[h] for h in PROJECT_HEADER]

    def problems(self, result):
        return [str(p) for p in result.problems]

    def assertNothingWritten(self, result):
        self.assertFalse(result.ok)
        self.assertEqual(self.record_counts(), self.counts)


class RowRulesInImportTestCase(ImportTestCase):
    def test_a_year_of_five_digits_and_a_negative_amount_are_refused_naming_their_rows(self):
        path = self.workbook({
            "项目": [PROJECT_HEADER, self.project_row("NX-100"), self.project_row("NX-101", 年度=20244)],
            "资金": [FUND_HEADER, ["NX-100", "2024-03-01", "安排", 100, "财政援助资金"],
                     ["NX-100", "2024-06-01", "拨付", -30, "财政援助资金"]],
        })
        result = import_workbook(path, CONSOLE)
        self.assertIn("工作表“项目” 第3行 G列（年度）：年份 20244 不在 2000—2100 之间", self.problems(result))
        self.assertIn("工作表“资金” 第3行 D列（金额（万元））：金额不能为负数，值为“-30”", self.problems(result))
        self.assertNothingWritten(result)

    def test_a_year_before_2000_is_refused(self):
        result = import_workbook(self.workbook({"项目": [PROJECT_HEADER, self.project_row(年度=1999)]}), CONSOLE)
        self.assertEqual(self.problems(result), ["工作表“项目” 第2行 G列（年度）：年份 1999 不在 2000—2100 之间"])
        self.assertNothingWritten(result)

    def test_a_fund_dated_after_next_year_is_refused_naming_its_cell(self):
        day = too_late()
        path = self.workbook({"资金": [FUND_HEADER, [self.own["projects"].code, day, "拨付", 10, "财政援助资金"]]})
        result = import_workbook(path, CONSOLE, dry_run=True)  # a dry run already says so
        self.assertEqual(self.problems(result), [
            f"工作表“资金” 第2行 B列（日期）：{day:%Y-%m-%d} 晚于明年年底（{rules.latest_allowed_date():%Y-%m-%d}），"
            "请检查年份"])
        self.assertNothingWritten(import_workbook(path, CONSOLE))

    def test_a_completion_before_the_start_and_a_dispatch_of_nobody_are_refused(self):
        path = self.workbook({"人员派遣": [
            DISPATCH_HEADER,
            ["第一批专家", "柔性专家", "援疆", "南浔区", "652929", "2024-05-06", "2024-05-01", 8],
            ["第二批专家", "柔性专家", "援疆", "南浔区", "652929", "2024-06-06", "", 0],
        ]})
        result = import_workbook(path, CONSOLE)
        self.assertEqual(self.problems(result), [
            "工作表“人员派遣” 第2行 G列（结束日期）：结束日期不能早于开始日期",
            "工作表“人员派遣” 第3行 H列（人次）：人次必须大于 0",
        ])
        self.assertNothingWritten(result)


class WarningsInImportTestCase(ImportTestCase):
    def three_times_what_was_arranged(self):
        return self.workbook({
            "项目": [PROJECT_HEADER, self.project_row("NX-300", 总投资=5000)],
            "资金": [FUND_HEADER,
                     ["NX-300", "2024-03-01", "安排", 100, "财政援助资金"],
                     ["NX-300", "2024-04-01", "下达", 100, "财政援助资金"],
                     ["NX-300", "2024-06-01", "拨付", 300, "财政援助资金"]],
        })

    def test_a_project_disbursing_three_times_what_was_arranged_imports_with_a_warning_naming_its_code(self):
        result = import_workbook(self.three_times_what_was_arranged(), CONSOLE)
        self.assertTrue(result.ok)
        self.assertEqual(Project.objects.get(code="NX-300").funds.count(), 3)
        self.assertEqual([str(w) for w in result.warnings], [
            "工作表“项目”第2行 项目 NX-300：拨付累计 300万元，超过下达累计 100万元",
            "工作表“项目”第2行 项目 NX-300：拨付累计 300万元，超过安排累计 100万元",
        ])

    def test_past_two_hundred_warnings_are_counted_not_written_out(self):
        from unittest import mock

        from hezuo.imports.services import importer

        with mock.patch.object(importer, "WARNINGS_LISTED", 1):  # the limit, not the 200 rows it takes
            result = import_workbook(self.three_times_what_was_arranged(), CONSOLE)
        self.assertTrue(result.ok)
        self.assertEqual(len(result.warnings), 1)
        self.assertIn("另有 1 条提醒未逐条列出，请在“数据质量”页查看全部", result.notes)

    def test_a_warning_names_the_fund_row_when_the_workbook_has_no_project_row(self):
        project = self.own["projects"]  # 120万元 arranged, nothing else
        path = self.workbook({"资金": [FUND_HEADER, [project.code, "2024-05-01", "下达", 120, "财政援助资金"],
                                       [project.code, "2024-06-01", "拨付", 150, "财政援助资金"]]})
        result = import_workbook(path, self.bob)
        self.assertTrue(result.ok)
        self.assertEqual([str(w) for w in result.warnings], [
            f"工作表“资金”第2行 项目 {project.code}：拨付累计 150万元，超过下达累计 120万元",
            f"工作表“资金”第2行 项目 {project.code}：拨付累计 150万元，超过安排累计 120万元",
        ])

    def test_a_dry_run_lists_the_warnings_and_writes_nothing(self):
        real = [str(w) for w in import_workbook(self.three_times_what_was_arranged(), CONSOLE, dry_run=True).warnings]
        self.assertTrue(real)
        self.assertEqual(self.record_counts(), self.counts)
        self.assertEqual([str(w) for w in import_workbook(self.three_times_what_was_arranged(), CONSOLE).warnings], real)

    def test_the_command_prints_the_warnings_after_the_summary(self):
        out = io.StringIO()
        with override_settings(MEDIA_ROOT=str(self.dir / "media")):
            call_command("import", str(self.three_times_what_was_arranged()), stdout=out)
        text = out.getvalue()
        self.assertIn("导入完成", text)
        self.assertIn("提醒（2 条，不影响导入，请核对）：", text)
        self.assertIn("工作表“项目”第2行 项目 NX-300：拨付累计 300万元，超过安排累计 100万元", text)

    def test_the_import_page_lists_the_warnings_with_row_and_code(self):
        from django.core.files.uploadedfile import SimpleUploadedFile

        self.client.force_login(self.bob)
        upload = SimpleUploadedFile("资金.xlsx", self.three_times_what_was_arranged().read_bytes())
        with override_settings(MEDIA_ROOT=str(self.dir / "media")):
            r = self.client.post(reverse("imports:upload"), {"file": upload}, follow=True)
        record = ImportRecord.objects.latest("pk")
        self.assertEqual(record.status, ImportRecord.Status.SUCCEEDED)
        self.assertEqual([(w["sheet"], w["row"], w["code"]) for w in record.warnings],
                         [("项目", 2, "NX-300"), ("项目", 2, "NX-300")])
        text = " ".join(strip_tags(r.content.decode()).split())
        self.assertIn("提醒（2 条）", text)
        self.assertIn("项目 2 NX-300 拨付累计 300万元，超过安排累计 100万元", text)


class ProjectRulesTestCase(BaseTestCase):
    """Each 提醒 on a project of 南浔区农业农村局, paired with 柯坪县 under 援疆 (tests/base.py)."""

    def setUp(self):
        self.n = 0

    def project(self, **values):
        self.n += 1
        values = {"code": f"R-{self.n:03d}", "name": "规则测试项目", "program": self.xinjiang, "unit": self.nanxun_agri,
                  "partner_region": self.kalpin, "year": 2024, "total_investment": Decimal("10000000"),
                  "category": Project.Category.RURAL, **values}
        return Project.objects.create(**values)

    def fund(self, project, stage, wan, day=datetime.date(2024, 5, 6)):
        FundRecord.objects.create(project=project, stage=stage, date=day, amount=Decimal(wan) * 10000)

    def warnings(self, project):
        return [(w.rule.code, w.message) for w in rules.project_warnings(Project.objects.filter(pk=project.pk))]

    def test_stages_in_order_and_within_the_investment_warn_of_nothing(self):
        p = self.project()
        for stage, wan in ((Stage.ARRANGED, 500), (Stage.ALLOCATED, 500), (Stage.DISBURSED, 400), (Stage.SPENT, 300)):
            self.fund(p, stage, wan)
        self.assertEqual(self.warnings(p), [])

    def test_disbursed_above_allocated_and_arranged(self):
        p = self.project()
        self.fund(p, Stage.ARRANGED, 1200)
        self.fund(p, Stage.ALLOCATED, 1200)
        self.fund(p, Stage.DISBURSED, 900)
        self.fund(p, Stage.DISBURSED, 600, datetime.date(2024, 9, 1))  # cumulative: 1500万
        self.assertEqual(self.warnings(p), [
            ("disbursed_over_allocated", "拨付累计 1500万元，超过下达累计 1200万元"),
            ("disbursed_over_arranged", "拨付累计 1500万元，超过安排累计 1200万元"),
            ("funds_over_investment", "拨付累计 1500万元，超过项目总投资 1000万元"),
        ])

    def test_disbursed_with_nothing_arranged(self):
        p = self.project()
        self.fund(p, Stage.DISBURSED, 100)
        self.assertEqual(self.warnings(p), [
            ("disbursed_over_allocated", "拨付累计 100万元，但没有下达记录"),
            ("disbursed_over_arranged", "拨付累计 100万元，但没有安排记录"),
        ])

    def test_spent_above_disbursed(self):
        p = self.project()
        for stage, wan in ((Stage.ARRANGED, 500), (Stage.ALLOCATED, 500), (Stage.DISBURSED, 200), (Stage.SPENT, 260)):
            self.fund(p, stage, wan)
        self.assertEqual(self.warnings(p), [("spent_over_disbursed", "支出累计 260万元，超过拨付累计 200万元")])

    def test_funds_with_no_total_investment(self):
        p = self.project(total_investment=0)
        self.fund(p, Stage.ARRANGED, 80)
        self.assertEqual(self.warnings(p), [("funds_over_investment", "安排累计 80万元，但项目总投资为 0（未填写？）")])

    def test_a_project_under_way_with_no_fund_record(self):
        p = self.project()
        self.assertEqual(self.warnings(p), [("no_funds", "实施中或已完工，但没有任何资金记录")])

    def test_key_industry_planned_and_stopped_projects_need_no_fund_record(self):
        quiet = [self.project(key_level=Project.KeyLevel.PROVINCE), self.project(category=Project.Category.INDUSTRY),
                 self.project(status=Project.Status.PLANNED), self.project(status=Project.Status.SUSPENDED)]
        for p in quiet:
            self.assertEqual(self.warnings(p), [], p.code)

    def test_a_partner_region_the_unit_is_not_paired_with(self):
        p = self.project(partner_region=self.guang_an, category=Project.Category.INDUSTRY)
        self.assertEqual(self.warnings(p), [
            ("not_paired", "南浔区农业农村局在“援疆”下与广安区没有 2024 年有效的结对关系")])

    def test_a_pairing_of_a_unit_above_of_a_region_above_or_of_the_parent_program_counts(self):
        town = Region.objects.create(code="652929100", name="柯坪镇", parent=self.kalpin, level=Region.Level.TOWN)
        Pairing.objects.create(unit=self.city_office, region=Region.objects.get(code="511600"), program=self.aid,
                               start_year=2021)  # 市区域合作办 — 广安市 under 对口支援
        for p in (self.project(partner_region=town), self.project(partner_region=self.guang_an)):
            self.fund(p, Stage.ARRANGED, 100)
            self.assertEqual(self.warnings(p), [], p.code)

    def test_a_pairing_not_yet_in_force_in_the_projects_year_does_not_count(self):
        p = self.project(year=2020, category=Project.Category.INDUSTRY)  # the pairing is from 2021
        self.assertEqual([code for code, _message in self.warnings(p)], ["not_paired"])
        Pairing.objects.filter(unit=self.nanxun_agri).update(end_year=2023)
        self.assertEqual([code for code, _message in self.warnings(self.project(year=2024, category="industry"))],
                         ["not_paired"])

    def test_the_warnings_of_many_projects_take_four_queries(self):
        for _ in range(30):
            self.fund(self.project(), Stage.DISBURSED, 100)
        with CaptureQueriesContext(connection) as queries:
            found = rules.project_warnings(Project.objects.all())
        self.assertEqual(len(queries), 4)
        self.assertEqual(len([w for w in found if w.rule.code == "disbursed_over_arranged"]), 30)
