"""Exporting the standard workbook: its shape (headers, frozen header row, widths, drop-downs
from a hidden sheet, real dates, amounts in 万元 with two decimals), whose rows each person
gets, the `export` command, the download pages, the blank template, and the 导出 Excel
button of every list page."""

import datetime
import io
import tempfile
from decimal import Decimal
from pathlib import Path
from urllib.parse import quote

import openpyxl
from openpyxl.utils import get_column_letter
from django.core.management import CommandError, call_command
from django.urls import reverse

from hezuo import access
from hezuo.exchanges.models import Cadre
from hezuo.imports.services.exporter import export_workbook
from hezuo.imports.services.importer import import_workbook
from hezuo.imports.specs import BY_NAME, SHEETS
from hezuo.org.models import Program, Region, Unit
from hezuo.projects.models import FundRecord, Project
from tests.base import BaseTestCase

SHEET_NAMES = [spec.name for spec in SHEETS]


def column_values(ws, letter):
    return [cell.value for cell in ws[letter][1:]]


def validations(ws):
    """{column letter: formula} of the sheet's drop-downs."""
    found = {}
    for dv in ws.data_validations.dataValidation:
        for cell_range in dv.sqref.ranges:
            found[cell_range.coord.split(":")[0].rstrip("0123456789")] = dv.formula1
    return found


def list_values(workbook, name):
    """The labels a defined name (behind a drop-down) points at."""
    sheet, cells = next(workbook.defined_names[name].destinations)
    return [row[0].value for row in workbook[sheet][cells.replace("$", "")]]


class ExportTestCase(BaseTestCase):
    def setUp(self):
        super().setUp()
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)

    def export(self, user=None, **options):
        path = Path(self.tmp.name) / "export.xlsx"
        export_workbook(path, user, **options)
        return openpyxl.load_workbook(path)

    def download(self, url, user, status=200):
        self.client.force_login(user)
        response = self.client.get(url)
        self.assertEqual(response.status_code, status, url)
        if status != 200:
            return response, None
        content = b"".join(response.streaming_content)
        return response, openpyxl.load_workbook(io.BytesIO(content))


class WorkbookShapeTestCase(ExportTestCase):
    def test_it_writes_one_sheet_per_record_kind_and_a_hidden_sheet_of_lists(self):
        wb = self.export(self.alice)
        self.assertEqual(wb.sheetnames, SHEET_NAMES + ["下拉选项"])
        self.assertEqual(wb["下拉选项"].sheet_state, "hidden")
        self.assertTrue(all(wb[name].sheet_state == "visible" for name in SHEET_NAMES))

    def test_every_sheet_has_the_spec_headers_bold_and_filled_and_frozen_below(self):
        wb = self.export(self.alice)
        for spec in SHEETS:
            ws = wb[spec.name]
            self.assertEqual([c.value for c in ws[1]], [column.title for column in spec.columns], spec.name)
            self.assertTrue(all(c.font.b and c.fill.fgColor.rgb.endswith("DDEBF7") for c in ws[1]), spec.name)
            self.assertEqual(ws.freeze_panes, "A2", spec.name)
        self.assertIn("金额（万元）", [c.value for c in wb["资金"][1]])
        self.assertIn("签约金额（亿元）", [c.value for c in wb["交流活动"][1]])

    def test_column_widths_come_from_the_spec(self):
        wb = self.export(self.alice)
        self.assertEqual(wb["项目"].column_dimensions["B"].width, 36)  # 项目名称
        self.assertEqual(wb["资金"].column_dimensions["A"].width, 18)  # 项目编号
        self.assertEqual(wb["资金"].column_dimensions["C"].width, 8)  # 环节
        # never narrower than the header itself
        self.assertGreaterEqual(wb["交流活动"].column_dimensions["K"].width, 18)  # 签约金额（亿元）

    def test_drop_downs_point_at_lists_of_programs_and_choice_labels(self):
        wb = self.export(self.alice)
        self.assertEqual(validations(wb["资金"]), {"C": "list_fundrecord_stage", "E": "list_fundrecord_source"})
        self.assertEqual(validations(wb["项目"]), {"C": "list_program", "F": "list_project_category",
                                                 "I": "list_project_status", "J": "list_yes_no",
                                                 "K": "list_project_key_level"})
        self.assertEqual(list_values(wb, "list_fundrecord_stage"), ["安排", "下达", "拨付", "支出"])
        self.assertEqual(list_values(wb, "list_project_status"), ["谋划中", "实施中", "已完工", "已终止"])
        self.assertEqual(list_values(wb, "list_yes_no"), ["是", "否"])
        self.assertEqual(list_values(wb, "list_project_key_level"), ["省重点", "市重点"])
        self.assertEqual(list_values(wb, "list_program"),
                         list(Program.objects.order_by("sort_order", "id").values_list("name", flat=True)))
        self.assertIn("财政援助资金", list_values(wb, "list_fundrecord_source"))
        for dv in wb["项目"].data_validations.dataValidation:
            self.assertEqual((dv.type, dv.allow_blank, dv.showErrorMessage), ("list", True, True))
            self.assertEqual(str(dv.sqref).split(":")[1][1:], "1048576")  # rows people add get it too

    def test_a_date_is_an_excel_date_and_an_amount_a_number_in_wan_with_two_decimals(self):
        wb = self.export(self.alice)
        funds = wb["资金"]
        row = next(r for r in funds.iter_rows(min_row=2) if r[0].value == "南浔-001")
        date, amount = row[1], row[3]
        self.assertTrue(date.is_date)
        self.assertEqual(date.value.date(), datetime.date(2024, 5, 6))
        self.assertEqual(date.number_format, "yyyy-mm-dd")
        self.assertEqual(amount.value, 120)  # 1,200,000 元
        self.assertEqual(amount.number_format, "#,##0.00")
        self.assertEqual([c.value for c in row[2::2]], ["安排", "财政援助资金"])  # labels, not stored values
        activity = next(r for r in wb["交流活动"].iter_rows(min_row=2) if r[0].value == "南浔推介会")
        self.assertEqual(activity[10].value, 3)  # 300,000,000 元 in 亿元

    def test_references_are_written_as_the_names_the_importer_reads(self):
        chaoyang = Region.objects.get(code="110105")  # 北京市朝阳区; 长春市也有朝阳区
        self.assertGreater(Region.objects.filter(name=chaoyang.name).count(), 1)
        Project.objects.create(code="P-CY", name="朝阳项目", program=self.xinjiang, unit=self.nanxun,
                               partner_region=chaoyang, year=2024, key_level=Project.KeyLevel.CITY)
        wb = self.export(self.alice)
        rows = {r[0].value: [c.value for c in r] for r in wb["项目"].iter_rows(min_row=2)}
        self.assertEqual(rows["南浔-001"][2:6], ["援疆", "南浔区农业农村局", "柯坪县", "产业合作"])
        self.assertEqual(rows["南浔-001"][9], "否")
        self.assertEqual(rows["P-CY"][4], "110105 朝阳区")  # a shared name goes with its code
        self.assertEqual(rows["P-CY"][9:11], ["是", "市重点"])
        units = column_values(wb["单位"], "A")
        self.assertEqual(units.index("市区域合作办"), 0)  # parents before children
        self.assertLess(units.index("南浔区"), units.index("南浔区农业农村局"))

    def test_the_regions_sheet_holds_only_towns_and_villages_people_added(self):
        town = Region.objects.create(code="652929100", name="柯坪镇", parent=self.kalpin, level=Region.Level.TOWN)
        wb = self.export(self.alice)
        self.assertEqual([[c.value for c in r] for r in wb["地区"].iter_rows(min_row=2)],
                         [["柯坪镇", "柯坪县", town.code]])


class ScopeTestCase(ExportTestCase):
    def test_a_district_reporter_exports_only_their_units_rows(self):
        wb = self.export(self.bob)
        self.assertEqual(column_values(wb["项目"], "A"), ["南浔-001"])
        self.assertEqual(column_values(wb["资金"], "A"), ["南浔-001"])
        self.assertEqual(column_values(wb["人员派遣"], "A"), ["南浔第一批专家"])
        self.assertEqual(column_values(wb["交流活动"], "A"), ["南浔推介会"])
        self.assertEqual(column_values(wb["消费帮扶"], "E"), ["南浔核桃"])
        self.assertEqual(column_values(wb["结对关系"], "A"), ["南浔区农业农村局"])
        # dictionaries are everyone's
        self.assertEqual(len(column_values(wb["单位"], "A")), Unit.objects.count())

    def test_the_operator_and_the_city_officer_export_everything(self):
        for user in (access.CONSOLE, self.alice, self.lily):
            wb = self.export(user)
            self.assertEqual(sorted(column_values(wb["项目"], "A")), ["南浔-001", "吴兴-001"])

    def test_a_year_filters_dated_sheets_and_leaves_dictionaries_whole(self):
        old = Project.objects.create(code="吴兴-2023", name="旧项目", program=self.east_west, unit=self.wuxing,
                                     partner_region=self.guang_an, year=2023)
        FundRecord.objects.create(project=old, date=datetime.date(2023, 6, 1), stage=FundRecord.Stage.ARRANGED,
                                  amount=Decimal("100"))
        wb = self.export(self.alice, year=2024)
        self.assertNotIn("吴兴-2023", column_values(wb["项目"], "A"))
        self.assertEqual(len(column_values(wb["资金"], "A")), 2)
        self.assertEqual(len(column_values(wb["结对关系"], "A")), 2)  # pairings have no year
        wb = self.export(self.alice, year=2023)
        self.assertEqual(column_values(wb["项目"], "A"), ["吴兴-2023"])
        self.assertEqual(column_values(wb["交流活动"], "A"), [])


class CommandTestCase(ExportTestCase):
    def test_it_writes_the_file_and_counts_rows_per_sheet_in_chinese(self):
        path = Path(self.tmp.name) / "数据.xlsx"
        out = io.StringIO()
        call_command("export", str(path), year=2024, stdout=out)
        self.assertIn("已导出2024 年数据", out.getvalue())
        self.assertIn("项目：2 行", out.getvalue())
        self.assertIn("资金：2 行", out.getvalue())
        self.assertEqual(openpyxl.load_workbook(path).sheetnames[:len(SHEET_NAMES)], SHEET_NAMES)

    def test_it_refuses_a_missing_directory_and_other_extensions(self):
        with self.assertRaisesMessage(CommandError, "不存在"):
            call_command("export", str(Path(self.tmp.name) / "no" / "x.xlsx"))
        with self.assertRaisesMessage(CommandError, ".xlsx"):
            call_command("export", str(Path(self.tmp.name) / "x.csv"))


class DownloadTestCase(ExportTestCase):
    def test_export_all_downloads_the_users_data_of_a_year_with_a_chinese_file_name(self):
        response, wb = self.download(reverse("imports:export") + "?year=2024", self.bob)
        self.assertIn(f"filename*=utf-8''{quote('区域合作数据-2024.xlsx')}", response["Content-Disposition"])
        self.assertTrue(response["Content-Disposition"].startswith("attachment"))
        self.assertEqual(column_values(wb["项目"], "A"), ["南浔-001"])

    def test_a_leader_may_export_everything(self):
        response, wb = self.download(reverse("imports:export"), self.lily)
        self.assertIn(quote("区域合作数据-全部年度.xlsx"), response["Content-Disposition"])
        self.assertEqual(len(column_values(wb["项目"], "A")), 2)

    def test_the_system_admin_has_no_business_data_to_export(self):
        self.download(reverse("imports:export"), self.adam, status=403)

    def test_a_year_that_is_not_a_year_is_refused(self):
        self.download(reverse("imports:export") + "?year=20x4", self.alice, status=400)

    def test_signing_in_is_required(self):
        response = self.client.get(reverse("imports:export"))
        self.assertEqual(response.status_code, 302)


class BlankTemplateTestCase(ExportTestCase):
    def test_it_has_instructions_first_then_empty_sheets_with_headers_and_drop_downs(self):
        response, wb = self.download(reverse("imports:template"), self.bob)
        self.assertIn(quote("标准填报模板.xlsx"), response["Content-Disposition"])
        self.assertEqual(wb.sheetnames, ["填写说明"] + SHEET_NAMES + ["下拉选项"])
        for spec in SHEETS:
            ws = wb[spec.name]
            self.assertEqual(ws.max_row, 1, spec.name)
            self.assertEqual(ws.freeze_panes, "A2")
        self.assertEqual(validations(wb["资金"]), {"C": "list_fundrecord_stage", "E": "list_fundrecord_source"})
        self.assertEqual(list_values(wb, "list_fundrecord_stage"), ["安排", "下达", "拨付", "支出"])

    def test_every_header_cell_carries_a_short_comment(self):
        wb = self.export(blank=True)
        for spec in SHEETS:
            for cell, column in zip(wb[spec.name][1], spec.columns):
                self.assertTrue(cell.comment.text.startswith(f"{column.title}："), cell.comment.text)
        self.assertIn("选填", wb["项目"]["J1"].comment.text)
        self.assertIn("是 或 否", wb["项目"]["J1"].comment.text)
        self.assertIn("可选：省重点、市重点", wb["项目"]["K1"].comment.text)

    def test_the_instructions_list_every_column_with_what_it_takes(self):
        wb = self.export(blank=True)
        rows = [row for row in wb["填写说明"].iter_rows(min_row=2, values_only=True)]
        described = {(row[0], row[1]): row for row in rows if row[1]}
        for spec in SHEETS:
            for column in spec.columns:
                sheet, header, required, form, unit, note = described[(spec.name, column.header)]
                self.assertEqual(required, "必填" if column.required else "选填")
                self.assertEqual(unit, column.unit or None)
                self.assertEqual(note, column.note or None)
            if spec.note:
                self.assertIn((spec.name, None, None, None, None, spec.note), rows)
        self.assertTrue(described[("资金", "环节")][3].startswith("可选：安排、下达、拨付、支出；也可写："))
        self.assertIn("拨付资金、资金拨付、已拨付、拨款（即拨付）", described[("资金", "环节")][3])
        self.assertIn("省定财政性援建资金", described[("资金", "资金来源")][3])
        self.assertIn("援疆", described[("项目", "工作类别")][3])
        self.assertIn("2024-05-06", described[("资金", "日期")][3])
        self.assertIn("652929 柯坪县", described[("项目", "结对地区")][3])


class ListExportTestCase(ExportTestCase):
    def test_it_exports_the_filtered_list_as_the_standard_sheet(self):
        url = reverse("projects:list") + f"?year=2024&program={self.xinjiang.pk}&format=xlsx"
        response, wb = self.download(url, self.alice)
        self.assertIn(quote("项目-"), response["Content-Disposition"])
        self.assertEqual(wb.sheetnames, ["项目", "下拉选项"])
        self.assertEqual(column_values(wb["项目"], "A"), ["南浔-001"])
        self.assertEqual(validations(wb["项目"])["C"], "list_program")
        self.assertEqual(wb["项目"].freeze_panes, "A2")

    def test_it_exports_every_page_in_the_order_shown(self):
        for i in range(30):
            Project.objects.create(code=f"X-{i:02d}", name=f"项目{i}", program=self.xinjiang, unit=self.nanxun,
                                   partner_region=self.kalpin, year=2024, total_investment=Decimal(i * 1000))
        _response, wb = self.download(reverse("projects:list") + "?o=-total_investment&format=xlsx&page=2",
                                      self.bob)
        codes = column_values(wb["项目"], "A")
        self.assertEqual(len(codes), 31)
        self.assertEqual(codes[:3], ["南浔-001", "X-29", "X-28"])
        self.assertNotIn("吴兴-001", codes)

    def test_a_list_export_imports_back_unchanged(self):
        _response, wb = self.download(reverse("funds:list") + "?stage=arranged&format=xlsx", self.alice)
        path = Path(self.tmp.name) / "funds.xlsx"
        wb.save(path)
        result = import_workbook(path, self.alice)
        self.assertEqual([str(p) for p in result.problems], [])
        self.assertEqual([(s.name, s.rows, s.unchanged) for s in result.sheets], [("资金", 2, 2)])

    def test_a_district_reporter_gets_only_their_rows(self):
        _response, wb = self.download(reverse("funds:list") + "?format=xlsx", self.bob)
        self.assertEqual(column_values(wb["资金"], "A"), ["南浔-001"])

    def test_every_record_kinds_list_exports_its_standard_sheet_masked_for_a_leader(self):
        _response, wb = self.download(reverse("cadres:list") + "?format=xlsx", self.lily)
        ws = wb["援派干部人才"]
        self.assertEqual([c.value for c in ws[1]], [c.title for c in BY_NAME["援派干部人才"].columns])
        self.assertEqual(ws.freeze_panes, "A2")
        self.assertTrue(ws["A1"].font.b)
        self.assertEqual(sorted(column_values(ws, "H")), ["138****5678", "138****5678"])  # masked for a leader
        self.assertEqual(Cadre.objects.count(), 2)

    def test_list_exports_keep_numbers_as_numbers_in_the_columns_unit(self):
        _response, wb = self.download(reverse("in-kind:list") + "?format=xlsx", self.alice)
        ws = wb["物资帮扶"]
        row = dict(zip([c.value for c in ws[1]], [c.value for c in ws[2]]))
        self.assertEqual((row["数量"], row["计量单位"]), (345, "万株"))
        _response, wb = self.download(reverse("park-figures:list") + "?format=xlsx", self.alice)
        ws = wb["园区年度数据"]
        row = dict(zip([c.value for c in ws[1]], ws[2]))
        self.assertEqual(row["固定资产投资（万元）"].value, 134000)  # 1,340,000,000 元
        self.assertEqual(row["固定资产投资（万元）"].number_format, "#,##0.00")
        self.assertEqual(row["年度"].value, 2024)
        _response, wb = self.download(reverse("enterprises:list") + "?format=xlsx", self.alice)
        ws = wb["入驻企业"]
        self.assertEqual(column_values(ws, "E"), ["是", "是"])  # 本地企业投资

    def test_the_regions_list_is_written_for_people(self):
        _response, wb = self.download(reverse("regions:list") + "?q=柯坪&format=xlsx", self.alice)
        self.assertEqual(wb.sheetnames, ["行政区划"])
        self.assertIn("652929", column_values(wb.worksheets[0], "A"))

    def test_invalid_filters_are_refused_rather_than_exporting_everything(self):
        self.download(reverse("projects:list") + "?year=abc&format=xlsx", self.alice, status=400)

    def test_the_list_page_links_to_the_export_with_its_query(self):
        self.client.force_login(self.alice)
        html = self.client.get(reverse("projects:list") + "?year=2024&page=1").content.decode()
        self.assertIn('href="?year=2024&amp;format=xlsx"', html)
        self.assertIn("导出 Excel", html)
