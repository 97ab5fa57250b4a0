"""Issue 10's acceptance: a workbook filled the way an office's clerk fills it — synonym
statuses, Chinese dates, full-path regions, stray spaces, 1.2亿 in a 万元 column — imports
with one --map for the office's own word, and `hezuo stats` gives its figures exactly; a
unit-less amount header, a year 20244 and a negative amount are refused by row with nothing
written; a project disbursing 3× what was arranged imports with a 提醒 naming its code."""

import io
import json
import re
import tempfile
from decimal import Decimal
from pathlib import Path

from django.core.management import call_command

from hezuo.exchanges.models import Activity, Dispatch
from hezuo.org.models import Pairing, Unit
from hezuo.projects.models import FundRecord, Project
from tests.base import BaseTestCase
from tests.workbooks import write_workbook

PROJECTS = ["项目编号", "项目名称", "工作类别", "实施单位", "结对地区", "项目类别", "年度", "总投资（万元）", "状态"]
FUNDS = ["项目编号", "日期", "环节", "金额（万元）", "资金来源"]


class ClerkWorkbookTestCase(BaseTestCase):
    def setUp(self):
        self.dir = Path(self.enterContext(tempfile.TemporaryDirectory()))

    def workbook(self, sheets):
        return write_workbook(self.dir / "clerk.xlsx", sheets)

    def clerk_sheets(self):
        return {
            "单位": [["单位名称", "上级单位", "类型"],
                   ["湖州市经信局", "市区域合作办", "市级"],
                   ["湖州市发改委 ", "市区域合作办", "市直部门"]],
            "结对关系": [["本地单位", "结对地区", "工作类别", "起始年份"],
                     ["南浔区", "四川省 广元市 苍溪县", "东西部协作", 2021]],
            "项目": [PROJECTS,
                   ["NX-2024-01", "苍溪猕猴桃产业园", "东西部协作", " 南浔区", "四川省广元市苍溪县", "产业", "2024", "1.2亿", "在建"],
                   ["NX-2024-02", "旺苍茶叶加工厂", "东西部协作", "南浔区", "四川省 广元市 旺苍县", "产业合作", 2024, 800, "已完成"]],
            "资金": [FUNDS,
                   ["NX-2024-01", "2024.03.05.", "安排", "100万元整", "财政资金"],
                   ["NX-2024-01", "2024—3—5", "下达", 100, "财政资金"],
                   ["NX-2024-01", "2024年4月10日", "拨付资金", "80", "财政援助资金"],
                   ["NX-2024-02", "2024-05-06", "安排", 300, "财政援助资金"],
                   ["NX-2024-02", "2024-05-06", "拨付", "2,500", "财政援助资金"]],
            "人员派遣": [["批次名称", "人员类型", "工作类别", "派出单位", "派往地区", "开始日期", "结束日期", "人次"],
                     ["2024年南浔医疗专家", "专技人才", "东西部协作", "南浔区", "四川省广元市苍溪县", "2024/3/1", "", 6]],
            "交流活动": [["活动名称", "活动类型", "工作类别", "主办单位", "日期", "地点", "批次", "人次", "企业数", "签约项目数", "签约金额（亿元）"],
                     ["南浔赴苍溪考察", "考察交流", "东西部协作", "南浔区", "2024.6.18", "苍溪县", 1, 12, 3, 1, 0.5]],
            "消费帮扶": [["日期", "工作类别", "实施单位", "产地", "产品名称", "销售渠道", "金额（万元）"],
                     ["2024-09-01", "东西部协作", "南浔区", "四川省 广元市 苍溪县", "红心猕猴桃", "机关食堂", "35.5"]],
        }

    def import_(self, path, *args):
        out, err = io.StringIO(), io.StringIO()
        try:
            call_command("import", str(path), *args, stdout=out, stderr=err)
        except SystemExit as exit:
            return exit.code, out.getvalue(), err.getvalue()
        return 0, out.getvalue(), err.getvalue()

    def stats(self):
        out = io.StringIO()
        call_command("stats", "--year", "2024", "--format", "json", stdout=out)
        return {p["name"]: p for p in json.loads(out.getvalue())["programs"]}

    def test_it_imports_with_one_mapping_and_the_figures_are_exact(self):
        path = self.workbook(self.clerk_sheets())
        before = self.stats()["东西部协作"]
        code, _out, err = self.import_(path)
        self.assertNotEqual(code, 0)
        self.assertIn("“市级”不是可选值", err)  # the office's own word is asked about, never guessed
        self.assertFalse(Project.objects.filter(code__startswith="NX-2024").exists())

        code, out, err = self.import_(path, "--map", "单位.类型:市级=市级部门")
        self.assertEqual(code, 0, err)
        self.assertEqual(Unit.objects.get(name="湖州市经信局").kind, Unit.Kind.DEPARTMENT)
        self.assertEqual(Unit.objects.get(name="湖州市发改委").kind, Unit.Kind.DEPARTMENT)
        p1 = Project.objects.get(code="NX-2024-01")
        self.assertEqual((p1.status, p1.category, p1.unit, p1.partner_region.code, p1.total_investment),
                         (Project.Status.ACTIVE, Project.Category.INDUSTRY, self.nanxun, "510824", Decimal("120000000.00")))
        self.assertEqual(Project.objects.get(code="NX-2024-02").status, Project.Status.COMPLETED)
        self.assertEqual(Pairing.objects.get(unit=self.nanxun, region__code="510824").start_year, 2021)
        self.assertEqual(Dispatch.objects.get(batch_name="2024年南浔医疗专家").kind, Dispatch.Kind.PROFESSIONAL)
        self.assertEqual(Activity.objects.get(name="南浔赴苍溪考察").kind, Activity.Kind.INSPECTION)
        self.assertEqual(FundRecord.objects.get(project=p1, stage="arranged").date.isoformat(), "2024-03-05")

        after = self.stats()["东西部协作"]
        added = {name: after[name] - before[name] for name in (
            "projects", "funds_arranged", "funds_disbursed", "consumption", "dispatch_person_times",
            "activity_person_times", "signed_projects", "signed_investment")}
        self.assertEqual(added, {"projects": 2, "funds_arranged": 4_000_000.0, "funds_disbursed": 25_800_000.0,
                                 "consumption": 355_000.0, "dispatch_person_times": 6, "activity_person_times": 12,
                                 "signed_projects": 1, "signed_investment": 50_000_000.0})

        code, out, _err = self.import_(path, "--map", "单位.类型:市级=市级部门")
        self.assertEqual(code, 0)
        counts = re.findall(r"新增 (\d+)，更新 (\d+)", out)  # re-importing changes nothing
        self.assertEqual(len(counts), 7)
        self.assertEqual(set(counts), {("0", "0")})

    def test_a_disbursement_of_several_times_the_arrangement_imports_with_a_warning(self):
        sheets = self.clerk_sheets()
        path = self.workbook(sheets)
        code, out, err = self.import_(path, "--map", "单位.类型:市级=市级部门")
        self.assertEqual(code, 0, err)
        self.assertIn("提醒", out)
        self.assertIn("NX-2024-02", out)  # 拨付 2500万 against 安排 300万

    def test_an_amount_header_without_a_unit_is_refused_naming_it(self):
        sheets = self.clerk_sheets()
        sheets["资金"][0] = ["项目编号", "日期", "环节", "金额", "资金来源"]
        sheets["资金"] = [sheets["资金"][0]] + [row for row in sheets["资金"][1:] if row[0] == "NX-2024-02"]
        code, _out, err = self.import_(self.workbook(sheets), "--map", "单位.类型:市级=市级部门")
        self.assertNotEqual(code, 0)
        self.assertIn("金额", err)
        self.assertIn("（万元）", err)
        self.assertFalse(Project.objects.filter(code__startswith="NX-2024").exists())

    def test_a_wrong_year_and_a_negative_amount_are_refused_by_row(self):
        sheets = self.clerk_sheets()
        sheets["项目"][2][6] = 20244
        sheets["资金"][4][3] = -300
        code, _out, err = self.import_(self.workbook(sheets), "--map", "单位.类型:市级=市级部门")
        self.assertNotEqual(code, 0)
        self.assertRegex(err, r"项目.*第 ?3 ?行")
        self.assertRegex(err, r"资金.*第 ?5 ?行")
        self.assertFalse(Project.objects.filter(code__startswith="NX-2024").exists())
        self.assertFalse(Unit.objects.filter(name="湖州市经信局").exists())
