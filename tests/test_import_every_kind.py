"""Every record kind has a sheet: 援派干部人才, 物资帮扶, 园区·飞地, 入驻企业, 园区年度数据, 荣誉,
典型案例, and the project's 开工日期, 完工日期, 建设内容, 所在园区 and the fund's 备注 round-trip
through export and import; a bad row of each is refused naming its sheet, row and column;
a cadre's personal data is masked for roles without the right and a masked value never
overwrites the real one; columns nothing reads are listed, not dropped silently."""

import datetime
import tempfile
from decimal import Decimal
from pathlib import Path

import openpyxl

from hezuo import access
from hezuo.access import CONSOLE
from hezuo.assistance.models import InKindAid
from hezuo.exchanges.models import Cadre, Dispatch
from hezuo.honors.models import Case, Honor
from hezuo.imports.services.exporter import export_workbook
from hezuo.imports.services.importer import import_workbook
from hezuo.imports.specs import BY_NAME
from hezuo.parks.models import Enterprise, Park, ParkFigure
from hezuo.projects.models import FundRecord, Project
from tests.base import BaseTestCase
from tests.test_roundtrip import snapshot
from tests.workbooks import write_workbook

NEW_SHEETS = ("援派干部人才", "物资帮扶", "园区·飞地", "入驻企业", "园区年度数据", "荣誉", "典型案例")
# Deleted children first: what an emptied database holds of these kinds is nothing.
NEW_MODELS = (Cadre, InKindAid, ParkFigure, Enterprise, Honor, Case)


class EveryKindTestCase(BaseTestCase):
    def setUp(self):
        self.dir = Path(self.enterContext(tempfile.TemporaryDirectory()))

    def path(self, name="export.xlsx"):
        return self.dir / name

    def import_ok(self, path, user=None):
        result = import_workbook(path, user or CONSOLE)
        self.assertEqual([str(p) for p in result.problems], [])
        return result

    def workbook(self, sheets, name="in.xlsx"):
        return write_workbook(self.path(name), sheets)

    def refused(self, sheets, *fragments, user=None):
        counts = {model: model.objects.count() for model in (*NEW_MODELS, Park, Project, FundRecord, Dispatch)}
        result = import_workbook(self.workbook(sheets), user or CONSOLE)
        self.assertFalse(result.ok)
        text = "\n".join(str(p) for p in result.problems)
        for fragment in fragments:
            self.assertIn(fragment, text)
        self.assertEqual({model: model.objects.count() for model in counts}, counts, "nothing is written")
        return text


class RoundTripTestCase(EveryKindTestCase):
    def enrich(self):
        """Every optional column of the new sheets filled, so the round trip covers it."""
        park = self.own["parks"]
        Park.objects.filter(pk=park.pk).update(location=self.kalpin, established_year=2021,
                                               area_mu=Decimal("1234.56"), description="产业飞地")
        project = self.own["projects"]
        Project.objects.filter(pk=project.pk).update(
            start_date=datetime.date(2024, 3, 1), end_date=datetime.date(2024, 12, 30), description="建设厂房2栋",
            key_level=Project.KeyLevel.CITY)
        FundRecord.objects.filter(pk=self.own["funds"].pk).update(note="湖区合〔2024〕12号")
        Cadre.objects.filter(pk=self.own["cadres"].pk).update(gender="M", employer="南浔区人民医院", position="副院长")
        InKindAid.objects.filter(pk=self.own["in-kind"].pk).update(
            value=Decimal("1234567.89"), beneficiaries=120, outcome="带动增收")
        Enterprise.objects.filter(pk=self.own["enterprises"].pk).update(
            credit_code="91330503MA2B12345X", industry="装备制造", from_our_side=False, settled_year=2022)
        enterprise_figure = ParkFigure.objects.create(
            park=park, enterprise=self.own["enterprises"], year=2024, output=Decimal("88000000"), employment=35,
            credited_to=ParkFigure.CreditedTo.SHARED, cumulative=True)
        Honor.objects.filter(pk=self.own["honors"].pk).update(
            program=self.xinjiang, awarded_by="浙江省人民政府", recipient="张三", description="表彰")
        Case.objects.filter(pk=self.own["cases"].pk).update(selection="全国东西部协作最佳案例", summary="摘要")
        return enterprise_figure

    def test_each_new_sheet_exports_and_imports_back_into_an_empty_database_with_the_same_rows(self):
        self.enrich()
        specs = [BY_NAME[name] for name in (*NEW_SHEETS, "项目", "资金")]
        before = snapshot(specs)
        for name in NEW_SHEETS:
            self.assertTrue(before[name], name)
        export_workbook(self.path(), access.CONSOLE)
        for model in (FundRecord, *NEW_MODELS, Project, Park):
            model.objects.all().delete()

        result = self.import_ok(self.path())

        self.assertEqual(snapshot(specs), before)
        created = {sheet.name: sheet.created for sheet in result.sheets}
        for name in NEW_SHEETS:
            self.assertEqual(created[name], len(before[name]), name)
        project = Project.objects.get(code=self.own["projects"].code)
        self.assertEqual((project.park.name, project.description, project.key_level), ("南浔产业园", "建设厂房2栋", "city"))

    def test_importing_the_export_again_changes_nothing(self):
        self.enrich()
        export_workbook(self.path(), access.CONSOLE)
        result = self.import_ok(self.path())
        for sheet in result.sheets:
            self.assertEqual((sheet.created, sheet.updated), (0, 0), sheet.name)

    def test_a_park_its_enterprises_figures_and_a_dispatch_with_cadres_come_in_one_new_workbook(self):
        path = self.workbook({
            "园区·飞地": [["名称", "类型", "工作类别", "建设单位", "合作地区"], ["柯坪湖州工业园", "产业飞地", "援疆", "南浔区", "652929"]],
            "入驻企业": [["企业名称", "所在园区", "本地企业投资"], ["湖州丝绸有限公司", "柯坪湖州工业园", "是"]],
            "园区年度数据": [["园区", "企业名称", "年度", "产值（万元）"],
                         ["柯坪湖州工业园", "", 2024, 5000], ["柯坪湖州工业园", "湖州丝绸有限公司", 2024, 1200]],
            "人员派遣": [["批次名称", "人员类型", "工作类别", "派出单位", "派往地区", "开始日期", "人次"],
                     ["2024年第二批援疆干部", "党政干部", "援疆", "南浔区", "652929", "2024-08-01", 2]],
            "援派干部人才": [["姓名", "批次名称", "派出单位", "开始日期", "联系电话"],
                       ["李四", "2024年第二批援疆干部", "南浔区", "2024.08.01", "13900001111"]],
            "项目": [["项目编号", "项目名称", "工作类别", "实施单位", "结对地区", "项目类别", "年度", "总投资（万元）", "状态",
                    "所在园区"], ["NX-9", "园区厂房", "援疆", "南浔区", "652929", "产业合作", 2024, 100, "实施中", "柯坪湖州工业园"]],
        })
        self.import_ok(path, self.bob)
        park = Park.objects.get(name="柯坪湖州工业园")
        enterprise = Enterprise.objects.get(park=park)
        self.assertEqual(set(ParkFigure.objects.filter(park=park).values_list("enterprise", "output")),
                         {(None, Decimal("50000000.00")), (enterprise.pk, Decimal("12000000.00"))})
        cadre = Cadre.objects.get(name="李四")
        self.assertEqual((cadre.dispatch.batch_name, cadre.phone), ("2024年第二批援疆干部", "13900001111"))
        self.assertEqual(Project.objects.get(code="NX-9").park, park)


class PersonalDataTestCase(EveryKindTestCase):
    def test_a_role_without_the_right_exports_cadres_masked(self):
        export_workbook(self.path(), self.lily)
        rows = list(openpyxl.load_workbook(self.path())["援派干部人才"].iter_rows(min_row=2, values_only=True))
        mine = next(r for r in rows if r[0] == "南浔张三")
        self.assertEqual((mine[7], mine[8]), ("138****5678", "330501********1234"))
        export_workbook(self.path("city.xlsx"), self.alice)
        rows = list(openpyxl.load_workbook(self.path("city.xlsx"))["援派干部人才"].iter_rows(min_row=2, values_only=True))
        self.assertEqual(next(r for r in rows if r[0] == "南浔张三")[7:9], ("13812345678", "330501198001011234"))

    def test_a_masked_value_keeps_what_is_stored(self):
        export_workbook(self.path(), self.lily)
        result = self.import_ok(self.path())
        self.assertEqual(next(s for s in result.sheets if s.name == "援派干部人才").updated, 0)
        cadre = Cadre.objects.get(pk=self.own["cadres"].pk)
        self.assertEqual((cadre.phone, cadre.id_number), ("13812345678", "330501198001011234"))

    def test_a_masked_value_for_a_new_cadre_is_refused(self):
        dispatch = self.own["dispatches"]
        self.refused({"援派干部人才": [["姓名", "批次名称", "派出单位", "开始日期", "联系电话"],
                                   ["王五", dispatch.batch_name, dispatch.unit.name, dispatch.start_date, "139****1111"]]},
                     "工作表“援派干部人才” 第2行 E列（联系电话）：联系电话是脱敏后的值，不能导入")


class BadRowTestCase(EveryKindTestCase):
    def test_a_park_of_an_unknown_kind(self):
        self.refused({"园区·飞地": [["名称", "类型", "工作类别", "建设单位", "合作地区"], ["新园区", "工业区", "援疆", "南浔区", "652929"]]},
                     "工作表“园区·飞地” 第2行 B列（类型）：“工业区”不是可选值")

    def test_a_project_in_an_unknown_park_or_finished_before_it_started(self):
        header = ["项目编号", "项目名称", "工作类别", "实施单位", "结对地区", "项目类别", "年度", "总投资（万元）", "状态",
                  "开工日期", "完工日期", "所在园区"]
        row = ["NX-9", "园区厂房", "援疆", "南浔区", "652929", "产业合作", 2024, 100, "实施中"]
        self.refused({"项目": [header, [*row, "2024-05-01", "2024-04-01", None]]},
                     "第2行 K列（完工日期）：完工日期不能早于开工日期")
        self.refused({"项目": [header, [*row, None, None, "不存在园区"]]},
                     "第2行 L列（所在园区）：没有名为“不存在园区”的园区（可在“园区·飞地”工作表中新增）")

    def test_a_cadre_of_an_unknown_dispatch_or_with_a_bad_id_number(self):
        dispatch = self.own["dispatches"]
        header = ["姓名", "批次名称", "派出单位", "开始日期", "身份证号"]
        self.refused({"援派干部人才": [header, ["王五", dispatch.batch_name, dispatch.unit.name, "2023-01-01", ""]]},
                     f"第2行 B列（批次名称）：没有批次名称为“{dispatch.batch_name}”、派出单位为“南浔区农业农村局”、"
                     "开始日期为“2023-01-01”的派遣批次（可在“人员派遣”工作表中新增）")
        self.refused({"援派干部人才": [header, ["王五", dispatch.batch_name, dispatch.unit.name, dispatch.start_date, "12345"]]},
                     "第2行 E列（身份证号）：身份证号应为18位")

    def test_a_reporter_cannot_add_a_cadre_to_another_units_dispatch(self):
        theirs = Dispatch.objects.exclude(unit__path__startswith=self.nanxun.path).first()
        self.refused({"援派干部人才": [["姓名", "批次名称", "派出单位", "开始日期"],
                                   ["王五", theirs.batch_name, theirs.unit.name, theirs.start_date]]},
                     "您的数据范围内没有批次名称为", user=self.bob)

    def test_in_kind_aid_with_a_vague_quantity(self):
        self.refused({"物资帮扶": [["物资名称", "工作类别", "实施单位", "受援地区", "日期", "数量", "计量单位"],
                               ["茶苗", "援疆", "南浔区", "652929", "2024-05-06", "很多", "万株"]]},
                     "工作表“物资帮扶” 第2行 F列（数量）")

    def test_an_enterprise_in_an_unknown_park(self):
        self.refused({"入驻企业": [["企业名称", "所在园区"], ["某公司", "没有的园区"]]},
                     "工作表“入驻企业” 第2行 B列（所在园区）：没有名为“没有的园区”的园区")

    def test_a_figure_of_an_enterprise_not_in_the_park(self):
        self.refused({"园区年度数据": [["园区", "企业名称", "年度", "产值（万元）"], ["南浔产业园", "外地公司", 2024, 1]]},
                     "工作表“园区年度数据” 第2行 B列（企业名称）：没有园区为“南浔产业园”、企业名称为“外地公司”的企业")

    def test_an_honor_of_an_unknown_level(self):
        self.refused({"荣誉": [["荣誉名称", "级别", "获得单位", "年度"], ["先进集体", "世界级", "南浔区", 2024]]},
                     "工作表“荣誉” 第2行 B列（级别）：“世界级”不是可选值")

    def test_a_case_without_its_unit(self):
        self.refused({"典型案例": [["案例名称", "入选级别", "报送单位", "工作类别", "年度"], ["案例", "省级", None, "援疆", 2024]]},
                     "工作表“典型案例” 第2行 C列（报送单位）：必填，不能为空")


class IgnoredColumnsTestCase(EveryKindTestCase):
    def test_columns_nothing_reads_are_listed_in_the_result(self):
        path = self.workbook({"荣誉": [["荣誉名称", "级别", "获得单位", "年度", "联系人", "审核意见"],
                                     ["先进集体", "省级", "南浔区", 2024, "张三", "同意"]]})
        result = self.import_ok(path)
        self.assertIn("工作表“荣誉”已忽略的列：联系人、审核意见（不是标准模板中的列，未导入）", result.summary_lines()[-1])
