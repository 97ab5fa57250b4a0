"""Whatever an office sends, the import answers with a clear Chinese message, never a
crash, and writes nothing unless every row is right. Real files: openpyxl workbooks, an
.xls written by xlwt, CSV in UTF-8, UTF-8 with BOM and GBK."""

import datetime
import random
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import xlwt
from openpyxl.utils.exceptions import IllegalCharacterError
from django.test import override_settings

from hezuo.access import CONSOLE
from hezuo.imports.services.importer import import_workbook
from hezuo.projects.models import FundRecord, Project
from tests.base import BaseTestCase
from tests.workbooks import write_workbook

PROJECT_HEADER = ["项目编号", "项目名称", "工作类别", "实施单位", "结对地区", "项目类别", "年度", "总投资（万元）", "状态"]
FUND_HEADER = ["项目编号", "日期", "环节", "金额（万元）", "资金来源"]


class WorkbookTestCase(BaseTestCase):
    """Writes real workbooks into a temporary folder and imports them."""

    def setUp(self):
        self.dir = Path(self.enterContext(__import__("tempfile").TemporaryDirectory()))
        self.counts = self.record_counts()

    def record_counts(self):
        return Project.objects.count(), FundRecord.objects.count()

    def workbook(self, sheets, name="in.xlsx"):
        return write_workbook(self.dir / name, sheets)

    def project_row(self, code="NX-100", **changes):
        row = dict(zip(PROJECT_HEADER, [code, "测试项目", "援疆", "南浔区", "652929", "产业合作", 2024, 100, "实施中"]))
        row.update(changes)
        return [row[h] for h in PROJECT_HEADER]

    def run_import(self, path, user=None, dry_run=False):
        return import_workbook(path, user or CONSOLE, dry_run=dry_run)

    def assertRefused(self, result, *fragments):
        self.assertFalse(result.ok)
        text = "\n".join(str(p) for p in result.problems)
        for fragment in fragments:
            self.assertIn(fragment, text)
        self.assertEqual(self.record_counts(), self.counts, "nothing is written")


class BadInputTestCase(WorkbookTestCase):
    # Files that are not workbooks

    def test_it_refuses_an_empty_file(self):
        path = self.dir / "empty.xlsx"
        path.write_bytes(b"")
        self.assertRefused(self.run_import(path), "是空的")

    def test_it_refuses_a_file_that_is_not_a_workbook(self):
        path = self.dir / "photo.xlsx"
        path.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(random.Random(1).randrange(256) for _ in range(5000)))
        self.assertRefused(self.run_import(path), "不是 Excel 工作簿")

    def test_it_refuses_a_broken_xlsx(self):
        good = self.workbook({"项目": [PROJECT_HEADER, self.project_row()]})
        path = self.dir / "broken.xlsx"
        path.write_bytes(good.read_bytes()[:2000])
        self.assertRefused(self.run_import(path), "损坏")

    def test_it_refuses_a_zip_bomb(self):
        path = self.dir / "bomb.xlsx"
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("[Content_Types].xml", "<Types/>")
            archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (60 * 1024 * 1024))
        self.assertRefused(self.run_import(path), "压缩炸弹")

    def test_it_refuses_a_file_of_200_mb_without_reading_it(self):
        path = self.dir / "huge.xlsx"
        with path.open("wb") as f:
            f.truncate(200 * 1024 * 1024)  # sparse: no disk is used
        self.assertRefused(self.run_import(path), "太大", "200.0 MB")

    @override_settings(IMPORT_MAX_BYTES=10)
    def test_the_size_limit_is_a_setting(self):
        path = self.workbook({"项目": [PROJECT_HEADER, self.project_row()]})
        self.assertRefused(self.run_import(path), "太大")

    # Workbooks with the wrong shape

    def test_it_explains_a_misnamed_sheet(self):
        path = self.workbook({"项目明细": [PROJECT_HEADER, self.project_row()]})
        self.assertRefused(self.run_import(path), "工作表名称不是标准名称", "改名为“项目”")

    def test_it_says_what_sheets_it_expects_when_none_is_known(self):
        path = self.workbook({"Sheet1": [["随便", "什么"], [1, 2]]})
        self.assertRefused(self.run_import(path), "没有找到可导入的工作表", "资金")

    def test_it_names_missing_columns(self):
        header = [h for h in PROJECT_HEADER if h != "项目名称"]
        path = self.workbook({"项目": [header, ["NX-1", "援疆"]]})
        self.assertRefused(self.run_import(path), "表头缺少必填列：项目名称")

    def test_it_reads_past_a_million_blank_rows(self):
        wb = openpyxl.Workbook()
        ws = wb.active
        ws.title = "项目"
        ws.append(PROJECT_HEADER)
        ws.append(self.project_row())
        ws.cell(row=1_000_000, column=1).value = " "
        path = self.dir / "tall.xlsx"
        wb.save(path)
        result = self.run_import(path)
        self.assertTrue(result.ok, result.problems)
        self.assertEqual(result.sheets[0].created, 1)

    def test_it_skips_title_rows_above_the_header_and_a_total_row_below(self):
        path = self.workbook({"项目": [
            ["2024年南浔区援疆项目汇总表"], [], PROJECT_HEADER, self.project_row("NX-1"), self.project_row("NX-2"),
            ["合计", None, None, None, None, None, None, 200, None],
        ]})
        wb = openpyxl.load_workbook(path)
        wb["项目"].merge_cells("A1:I1")
        wb.save(path)
        result = self.run_import(path)
        self.assertTrue(result.ok, result.problems)
        self.assertEqual(result.sheets[0].created, 2)

    # Cells

    def test_a_formula_without_a_stored_result_is_explained(self):
        path = self.workbook({"项目": [PROJECT_HEADER, self.project_row(**{"总投资（万元）": "=50+50"})]})
        self.assertRefused(self.run_import(path), "第2行 H列（总投资（万元））", "公式")

    def test_dates_as_text_and_as_excel_serials_are_read(self):
        fund_rows = [FUND_HEADER]
        for day in ("2024-05-06", "2024/5/7", "2024年5月8日", "20240509", 45422, datetime.date(2024, 5, 11)):
            fund_rows.append(["NX-100", day, "安排", 1, "财政援助资金"])
        path = self.workbook({"项目": [PROJECT_HEADER, self.project_row()], "资金": fund_rows})
        result = self.run_import(path)
        self.assertTrue(result.ok, result.problems)
        days = sorted(FundRecord.objects.filter(project__code="NX-100").values_list("date", flat=True))
        self.assertEqual(days, [datetime.date(2024, 5, d) for d in range(6, 12)])

    def test_numbers_as_text_and_chinese_amounts_are_read_exactly(self):
        rows = [self.project_row("NX-1", **{"总投资（万元）": "2,838"}),
                self.project_row("NX-2", **{"总投资（万元）": "１.１亿"}),
                self.project_row("NX-3", **{"总投资（万元）": "2838万元", "年度": "2024年"})]
        result = self.run_import(self.workbook({"项目": [PROJECT_HEADER, *rows]}))
        self.assertTrue(result.ok, result.problems)
        amounts = dict(Project.objects.filter(code__startswith="NX-").values_list("code", "total_investment"))
        self.assertEqual(amounts, {"NX-1": Decimal("28380000.00"), "NX-2": Decimal("110000000.00"),
                                   "NX-3": Decimal("28380000.00")})

    def test_header_units_and_spacing_are_understood(self):
        header = ["项目 编号", "项目名称", "工作类别", "实施单位", "结对地区", "项目类别", "年度", "总投资(元)", "状态"]
        result = self.run_import(self.workbook({"项目": [header, self.project_row(**{"总投资（万元）": 2838})]}))
        self.assertTrue(result.ok, result.problems)
        self.assertEqual(Project.objects.get(code="NX-100").total_investment, Decimal("2838.00"))

    def test_every_bad_cell_is_reported_with_sheet_row_column_and_value(self):
        rows = [FUND_HEADER,
                ["NX-404", "2024-05-06", "安排", 1, "财政援助资金"],
                ["吴兴-001", "2024-13-01", "发放", -5, "财政援助资金"],
                ["吴兴-001", "2024-05-06", "安排", "超1.1亿", "天上掉的"]]
        result = self.run_import(self.workbook({"资金": rows}))
        problems = [str(p) for p in result.problems]
        self.assertIn("工作表“资金” 第2行 A列（项目编号）：没有编号为“NX-404”的项目（可在“项目”工作表中新增）", problems)
        self.assertIn("工作表“资金” 第3行 B列（日期）：“2024-13-01”不是有效的日期", problems)
        self.assertIn("工作表“资金” 第3行 C列（环节）：“发放”不是可选值，应为：安排、下达、拨付、支出", problems)
        self.assertIn("工作表“资金” 第3行 D列（金额（万元））：金额不能为负数，值为“-5”", problems)
        self.assertTrue(any("第4行 D列" in p and "超" in p for p in problems), problems)
        self.assertTrue(any("第4行 E列" in p and "天上掉的" in p for p in problems), problems)
        self.assertEqual(self.record_counts(), self.counts)

    def test_one_bad_row_among_good_ones_writes_nothing(self):
        rows = [self.project_row(f"NX-{i}") for i in range(50)] + [self.project_row("NX-bad", 年度="去年")]
        self.assertRefused(self.run_import(self.workbook({"项目": [PROJECT_HEADER, *rows]})), "第52行")

    # Other formats

    def test_an_xls_workbook_imports(self):
        book = xlwt.Workbook()
        sheet = book.add_sheet("项目")
        for r, row in enumerate([PROJECT_HEADER, self.project_row()]):
            for c, value in enumerate(row):
                sheet.write(r, c, value)
        path = self.dir / "old.xls"
        book.save(str(path))
        result = self.run_import(path)
        self.assertTrue(result.ok, result.problems)
        self.assertTrue(Project.objects.filter(code="NX-100", name="测试项目").exists())

    def test_csv_in_gbk_utf8_and_utf8_with_bom_import(self):
        for encoding, code in (("gbk", "NX-G"), ("utf-8", "NX-U"), ("utf-8-sig", "NX-B"), ("gb18030", "NX-C")):
            text = "\r\n".join(",".join(str(c) for c in row) for row in [PROJECT_HEADER, self.project_row(code)])
            path = self.dir / f"{code}.csv"
            path.write_bytes(text.encode(encoding))
            result = self.run_import(path)
            self.assertTrue(result.ok, (encoding, result.problems))
            self.assertEqual(Project.objects.get(code=code).name, "测试项目", encoding)

    def test_a_csv_of_unknown_columns_is_refused(self):
        path = self.dir / "x.csv"
        path.write_bytes("甲,乙\n1,2\n".encode("gbk"))
        self.assertRefused(self.run_import(path), "无法识别这个 CSV 文件")

    # Scope

    def test_a_district_reporter_cannot_import_another_units_rows(self):
        rows = [self.project_row("NX-1", 实施单位="南浔区"), self.project_row("WX-1", 实施单位="吴兴区")]
        result = self.run_import(self.workbook({"项目": [PROJECT_HEADER, *rows]}), user=self.bob)
        self.assertRefused(result, "第3行", "吴兴区", "不在您的数据范围内")

    def test_a_leader_cannot_import(self):
        result = self.run_import(self.workbook({"项目": [PROJECT_HEADER, self.project_row()]}), user=self.lily)
        self.assertRefused(result, "没有新增或修改")


class FuzzTestCase(BaseTestCase):
    """Mutated workbooks: whatever the bytes or cells, a result with problems or a clean
    import — never an exception, never a partial write."""

    def setUp(self):
        self.dir = Path(self.enterContext(__import__("tempfile").TemporaryDirectory()))
        wb = openpyxl.Workbook()
        ws = wb.active
        ws.title = "项目"
        ws.append(PROJECT_HEADER)
        for i in range(5):
            ws.append([f"FZ-{i}", f"项目{i}", "援疆", "南浔区", "652929", "产业合作", 2024, 10 + i, "实施中"])
        funds = wb.create_sheet("资金")
        funds.append(FUND_HEADER)
        for i in range(5):
            funds.append([f"FZ-{i}", datetime.date(2024, 3, i + 1), "安排", 5, "财政援助资金"])
        self.source = self.dir / "good.xlsx"
        wb.save(self.source)

    def counts(self):
        return Project.objects.count(), FundRecord.objects.count()

    def check(self, path):
        before = self.counts()
        result = import_workbook(path, CONSOLE)
        if not result.ok:
            self.assertEqual(self.counts(), before, "a failed import wrote something")
            self.assertTrue(all(str(p) for p in result.problems))

    def test_byte_mutations_never_crash(self):
        rng = random.Random(7)
        data = self.source.read_bytes()
        for n in range(60):
            mutated = bytearray(data)
            for _ in range(rng.randint(1, 20)):
                mutated[rng.randrange(len(mutated))] = rng.randrange(256)
            if n % 5 == 0:
                mutated = mutated[: rng.randrange(len(mutated))]
            path = self.dir / f"m{n}.xlsx"
            path.write_bytes(bytes(mutated))
            with self.subTest(n=n):
                self.check(path)

    def test_cell_mutations_never_crash(self):
        rng = random.Random(11)
        junk = ["", " ", "—", "N/A", "超1亿", "1e400", "-0", "１２３", "=1/0", "#REF!", "２０２４年", "二〇二四",
                "1,2,3", 1e300, -1, 0.1, True, datetime.datetime(1900, 1, 1), "9" * 40, "\u0000", "吴兴区", "652929",
                "柯坪县", "朝阳区", "援疆", "已完工", "安排"]
        for n in range(60):
            wb = openpyxl.load_workbook(self.source)
            for _ in range(rng.randint(1, 6)):
                ws = wb[rng.choice(["项目", "资金"])]
                cell = ws.cell(row=rng.randint(1, ws.max_row + 1), column=rng.randint(1, ws.max_column + 1))
                try:
                    cell.value = rng.choice(junk)
                except IllegalCharacterError:
                    pass  # openpyxl itself refuses control characters
            path = self.dir / f"c{n}.xlsx"
            try:
                wb.save(path)
            except AttributeError:
                continue  # openpyxl cannot write a datetime into some cells; not our input

            with self.subTest(n=n):
                self.check(path)


class ImportRulesTestCase(WorkbookTestCase):
    def test_a_dry_run_catches_rules_across_fields_with_the_row(self):
        header = ["批次名称", "人员类型", "工作类别", "派出单位", "派往地区", "开始日期", "结束日期", "人次"]
        rows = [header, ["第一批专家", "柔性专家", "援疆", "南浔区", "652929", "2024-05-06", "2024-05-01", 8]]
        result = self.run_import(self.workbook({"人员派遣": rows}), dry_run=True)
        self.assertIn("工作表“人员派遣” 第2行 G列（结束日期）：结束日期不能早于开始日期", [str(p) for p in result.problems])

    def test_a_district_reporter_cannot_take_over_another_units_project_by_its_code(self):
        code = self.other["projects"].code  # 吴兴's project
        result = self.run_import(self.workbook({"项目": [PROJECT_HEADER, self.project_row(code)]}), user=self.bob)
        self.assertRefused(result, "项目编号已被使用", "不能通过导入修改")
        self.assertNotIn("吴兴区", "\n".join(str(p) for p in result.problems))  # never whose it is
        self.assertEqual(Project.objects.get(code=code).unit, self.wuxing)
