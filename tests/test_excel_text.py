"""Every Excel file Hezuo writes keeps text as text: a value starting with = + - @ (or their
full-width forms), a tab or a CR, or one that reads as an error value (#N/A), is a string
cell with the quote prefix — never a formula — in list exports, the full export, the blank
template, the statistics page, the report's tables and the import error report; and what the
export wrote imports back exactly as it was."""

import io
import tempfile
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import openpyxl
import python_calamine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from hezuo import access, workbooks
from hezuo.access import CONSOLE
from hezuo.assistance.models import ConsumptionRecord, InKindAid
from hezuo.exchanges.models import Activity, Dispatch
from hezuo.honors.models import Case
from hezuo.imports.services.exporter import export_workbook
from hezuo.imports.services.importer import import_workbook
from hezuo.projects.models import Project
from hezuo.reports.services import export as report_export
from tests.base import BaseTestCase
from tests.test_import_pages import PROJECT_HEADERS, ImportTestCase
from tests.test_roundtrip import WIPED, snapshot

NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
RELS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"

# One planted value per field, each reaching the outputs the test below names.
PROJECT_NAME = '=HYPERLINK("http://example.invalid/","点我")'
ACTIVITY_NAME = "@SUM(1+1)*cmd|' /C calc'!A0"
LOCATION = "＠湖州"
BATCH_NAME = "+1+1第二批专家"
PRODUCT = "-2+3核桃"
PROGRAM_NAME = "＝1+1援疆"
CADRE_NAME = "=1+2张三"
PARK_NAME = "＋湖州产业园"
ENTERPRISE_NAME = "－电梯有限公司"
HONOR_NAME = "#N/A"
IN_KIND_ITEM = "\t=1+1茶苗"
CASE_TITLE = "\r=1+1案例"


def sheet_cells(data):
    """{sheet name: [(text, type attribute, has a formula)]} read from the sheet XML itself."""
    archive = zipfile.ZipFile(io.BytesIO(data))
    names = archive.namelist()
    shared = []
    if "xl/sharedStrings.xml" in names:
        root = ElementTree.fromstring(archive.read("xl/sharedStrings.xml"))
        shared = ["".join(t.text or "" for t in si.iter(f"{{{NS['m']}}}t")) for si in root.findall("m:si", NS)]
    targets = {rel.get("Id"): rel.get("Target")
               for rel in ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))}
    result = {}
    for sheet in ElementTree.fromstring(archive.read("xl/workbook.xml")).iter(f"{{{NS['m']}}}sheet"):
        target = targets[sheet.get(RELS)].lstrip("/")
        root = ElementTree.fromstring(archive.read(target if target.startswith("xl/") else f"xl/{target}"))
        cells = []
        for c in root.iter(f"{{{NS['m']}}}c"):
            kind = c.get("t", "n")
            if kind == "inlineStr":
                text = "".join(t.text or "" for t in c.iter(f"{{{NS['m']}}}t"))
            elif kind == "s":
                text = shared[int(c.findtext("m:v", namespaces=NS))]
            else:
                text = c.findtext("m:v", namespaces=NS)
            cells.append((text, kind, c.find("m:f", NS) is not None))
        result[sheet.get("name")] = cells
    return result


class ExcelTextTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        own = cls.own
        cls.xinjiang.name = PROGRAM_NAME
        cls.xinjiang.save()
        own["projects"].name = PROJECT_NAME
        own["activities"].name, own["activities"].location = ACTIVITY_NAME, LOCATION
        own["dispatches"].batch_name = BATCH_NAME
        own["consumption"].product = PRODUCT
        own["cadres"].name = CADRE_NAME
        own["parks"].name = PARK_NAME
        own["enterprises"].name = ENTERPRISE_NAME
        own["honors"].name = HONOR_NAME
        own["in-kind"].item = IN_KIND_ITEM
        own["cases"].title = CASE_TITLE
        for slug in ("projects", "activities", "dispatches", "consumption", "cadres", "parks", "enterprises",
                     "honors", "in-kind", "cases"):
            own[slug].save()

    def setUp(self):
        super().setUp()
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)

    def path(self, name="out.xlsx"):
        return Path(self.tmp.name) / name

    def download(self, url, user):
        self.client.force_login(user)
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200, url)
        return b"".join(response.streaming_content) if response.streaming else response.content

    def assertText(self, data, sheet, *values, formulas_allowed=False):
        """Each value is a string cell of `sheet` with the quote prefix, in the XML, to openpyxl
        and to calamine (what the importer reads); and the sheet holds no formula at all."""
        xml = sheet_cells(data)[sheet]
        if not formulas_allowed:
            self.assertEqual([c for c in xml if c[2]], [], f"{sheet}: no formula")
        book = openpyxl.load_workbook(io.BytesIO(data))
        cells = {c.value: c for row in book[sheet].iter_rows() for c in row if c.value is not None}
        calamine = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        read = {v for row in calamine.get_sheet_by_name(sheet).to_python() for v in row}
        for value in values:
            with self.subTest(sheet=sheet, value=value):
                kinds = [(kind, has_formula) for text, kind, has_formula in xml if text == value]
                self.assertTrue(kinds, f"{value!r} not in the sheet XML")
                for kind, has_formula in kinds:
                    self.assertIn(kind, ("inlineStr", "s"))
                    self.assertFalse(has_formula)
                self.assertEqual(cells[value].data_type, "s")
                self.assertTrue(cells[value].quotePrefix, "quote prefix: stays text when edited")
                self.assertIn(value, read)


class WriterTestCase(ExcelTextTestCase):
    def test_it_keeps_strings_a_spreadsheet_would_evaluate_as_text_and_leaves_the_rest_alone(self):
        for value in ("=1+1", "+1", "-1", "@A1", "\t1", "\r1", "＝1", "＋1", "－1", "＠1", "#N/A", "#DIV/0!"):
            self.assertTrue(workbooks.needs_text(value), repr(value))
        for value in ("湖州", "1+1", " =1", "#1车间", "", None, 5, -1, 2.5):
            self.assertFalse(workbooks.needs_text(value), repr(value))
        writer = workbooks.WorkbookWriter()
        ws = writer.new_sheet("表", ["=表头"], [10])
        writer.append(ws, ["=1+1", "+1", "#N/A", "普通", 5])
        out = io.BytesIO()
        writer.save(out)
        self.assertText(out.getvalue(), "表", "=表头", "=1+1", "+1", "#N/A")
        plain = openpyxl.load_workbook(io.BytesIO(out.getvalue()))["表"]
        self.assertFalse(plain["D2"].quotePrefix)
        self.assertEqual(plain["E2"].value, 5)


class FullExportTestCase(ExcelTextTestCase):
    def test_the_full_export_writes_planted_values_as_text(self):
        export_workbook(self.path(), self.bob)
        data = self.path().read_bytes()
        self.assertText(data, "项目", PROJECT_NAME, PROGRAM_NAME)
        self.assertText(data, "交流活动", ACTIVITY_NAME, LOCATION)
        self.assertText(data, "人员派遣", BATCH_NAME)
        self.assertText(data, "消费帮扶", PRODUCT)
        self.assertText(data, "下拉选项", PROGRAM_NAME)  # the list behind the 工作类别 drop-down

    def test_the_export_page_writes_them_as_text_too(self):
        data = self.download(reverse("imports:export") + "?year=2024", self.bob)
        self.assertText(data, "项目", PROJECT_NAME)

    def test_the_blank_template_lists_a_program_name_as_text(self):
        data = self.download(reverse("imports:template"), self.bob)
        self.assertText(data, "下拉选项", PROGRAM_NAME)


class ListExportTestCase(ExcelTextTestCase):
    def test_every_list_export_writes_planted_values_as_text(self):
        for slug, sheet, value in (
            ("projects", "项目", PROJECT_NAME),
            ("activities", "交流活动", ACTIVITY_NAME),
            ("dispatches", "人员派遣", BATCH_NAME),
            ("consumption", "消费帮扶", PRODUCT),
            ("cadres", None, CADRE_NAME),
            ("parks", None, PARK_NAME),
            ("enterprises", None, ENTERPRISE_NAME),
            ("honors", None, HONOR_NAME),
            ("in-kind", None, IN_KIND_ITEM),
            ("cases", None, CASE_TITLE),
            ("programs", None, PROGRAM_NAME),
        ):
            with self.subTest(slug):
                data = self.download(reverse(f"{slug}:list") + "?format=xlsx", self.alice)
                name = sheet or openpyxl.load_workbook(io.BytesIO(data)).sheetnames[0]
                self.assertText(data, name, value)


class StatisticsTestCase(ExcelTextTestCase):
    def test_the_statistics_workbook_writes_a_program_name_as_text(self):
        data = self.download(reverse("stats:table") + "?year=2024&format=xlsx", self.alice)
        self.assertText(data, "按工作类别", PROGRAM_NAME)

    def test_the_reports_statistical_tables_write_it_as_text(self):
        out = io.BytesIO()
        report_export.write("xlsx", self.alice, 2024, out)
        self.assertText(out.getvalue(), "按工作类别", PROGRAM_NAME)


class ErrorReportTestCase(ImportTestCase, ExcelTextTestCase):
    def problems_workbook(self):
        from hezuo.imports.models import ImportRecord

        record = ImportRecord.objects.latest("pk")
        response = self.client.get(reverse("imports:problems", args=[record.pk]))
        self.assertEqual(response.status_code, 200)
        return response.content

    def test_the_error_report_of_a_csv_writes_its_cells_and_the_bad_value_as_text(self):
        name, bad = "=cmd|' /C calc'!A0", "-1+1"
        row = ["NX-2024-301", name, "援疆", "南浔区", "652929", bad, "2024", "10", "实施中", "否"]
        self.upload(self.bob, SimpleUploadedFile(
            "项目.csv", (",".join(PROJECT_HEADERS) + "\n" + ",".join(row) + "\n").encode(), content_type="text/csv"))
        data = self.problems_workbook()
        self.assertText(data, "项目", name, bad)
        self.assertText(data, "错误清单", bad)

    def test_the_error_report_of_an_xlsx_keeps_its_strings_text(self):
        book = openpyxl.Workbook()
        sheet = book.active
        sheet.title = "项目"
        sheet.append(PROJECT_HEADERS)
        name, bad = "+1+1湖笔", "=SUM(1)"
        sheet.append(["NX-2024-302", name, "援疆", "南浔区", "652929", bad, 2024, 10, "实施中", "否"])
        sheet["F2"].data_type = "s"  # text typed as '=SUM(1) in Excel or WPS: a string without the prefix
        out = io.BytesIO()
        book.save(out)
        self.upload(self.bob, SimpleUploadedFile("项目.xlsx", out.getvalue()))
        data = self.problems_workbook()
        self.assertText(data, "项目", name, bad)
        self.assertText(data, "错误清单", bad)


class RoundTripTestCase(ExcelTextTestCase):
    def setUp(self):
        super().setUp()
        # No form and no import stores a leading tab or CR (both trim what is typed); how such
        # a value is exported is covered above. Here the rest of each value must come back.
        InKindAid.objects.filter(item=IN_KIND_ITEM).update(item=IN_KIND_ITEM.strip())
        Case.objects.filter(title=CASE_TITLE).update(title=CASE_TITLE.strip())

    def test_export_then_import_by_the_reporter_changes_nothing(self):
        before = snapshot()
        export_workbook(self.path(), self.bob)
        result = import_workbook(self.path(), self.bob)
        self.assertEqual([str(p) for p in result.problems], [])
        self.assertEqual([(s.name, s.created, s.updated) for s in result.sheets if s.created or s.updated], [])
        self.assertEqual(snapshot(), before)

    def test_export_then_import_into_an_emptied_database_restores_the_values_exactly(self):
        export_workbook(self.path(), access.CONSOLE)
        before = snapshot()
        for model in WIPED:
            model.objects.all().delete()
        result = import_workbook(self.path(), CONSOLE)
        self.assertEqual([str(p) for p in result.problems], [])
        self.assertEqual(snapshot(), before)
        self.assertEqual(Project.objects.get(name=PROJECT_NAME).program.name, PROGRAM_NAME)
        self.assertEqual(Activity.objects.get(name=ACTIVITY_NAME).location, LOCATION)
        self.assertTrue(Dispatch.objects.filter(batch_name=BATCH_NAME).exists())
        self.assertTrue(ConsumptionRecord.objects.filter(product=PRODUCT).exists())
