"""Importing through the page: a reporter uploads the standard workbook and either every
row is written, or none is and every problem is listed, with an error report that marks
the bad cells in their own file. Who may import, and who may see an import, is checked."""

import datetime
import html
import io
import re
import shutil
import tempfile

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hezuo.imports.models import ImportRecord
from hezuo.projects.models import FundRecord, Project
from tests.base import BaseTestCase

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PROJECT_HEADERS = ["项目编号", "项目名称", "工作类别", "实施单位", "结对地区", "项目类别", "年度", "总投资（万元）",
                   "状态", "是否重点项目"]
FUND_HEADERS = ["项目编号", "日期", "环节", "金额（万元）", "资金来源"]
PROJECTS = [
    ["NX-2024-101", "柯坪县湖州新村庭院改造", "援疆", "南浔区", "652929 柯坪县", "乡村振兴", 2024, 2838, "实施中", "否"],
    ["NX-2024-102", "柯坪县农技人员培训", "援疆", "南浔区农业农村局", "652929", "人才智力", 2024, "500", "谋划中", ""],
]
FUNDS = [
    ["NX-2024-101", datetime.date(2024, 3, 15), "安排", 1000, "财政援助资金"],
    ["NX-2024-101", "2024-06-01", "拨付", 800.5, "财政援助资金"],
    ["NX-2024-102", datetime.date(2024, 4, 1), "安排", "500", "社会帮扶资金"],
]


def workbook(projects=PROJECTS, funds=FUNDS, project_headers=PROJECT_HEADERS):
    """The standard workbook as .xlsx bytes: a 项目 sheet and a 资金 sheet."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "项目"
    sheet.append(project_headers)
    for row in projects:
        sheet.append(row)
    funds_sheet = book.create_sheet("资金")
    funds_sheet.append(FUND_HEADERS)
    for row in funds:
        funds_sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def xlsx_upload(data=None, name="2024年项目.xlsx"):
    return SimpleUploadedFile(name, workbook() if data is None else data, content_type=XLSX)


class ImportTestCase(BaseTestCase):
    """Uploads land in a throw-away media directory."""

    def setUp(self):
        media = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, media, ignore_errors=True)
        self.enterContext(override_settings(MEDIA_ROOT=media))

    def upload(self, user, file=None, dry_run=False, follow=True):
        self.client.force_login(user)
        data = {"file": file or xlsx_upload()}
        if dry_run:
            data["dry_run"] = "on"
        return self.client.post(reverse("imports:upload"), data, follow=follow)

    def text(self, response):
        """The page's text, one space between cells."""
        return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())

    def latest(self):
        return ImportRecord.objects.latest("pk")


class ImportPageTestCase(ImportTestCase):
    # Importing

    def test_a_district_reporter_imports_a_workbook(self):
        r = self.upload(self.bob)
        record = self.latest()
        self.assertRedirects(r, reverse("imports:detail", args=[record.pk]))
        self.assertEqual(record.status, ImportRecord.Status.SUCCEEDED)
        self.assertEqual(record.uploaded_by, self.bob)
        self.assertEqual(record.source, "page")
        text = self.text(r)
        self.assertIn("导入完成：共 5 行，新增 5 条，更新 0 条，未变 0 条。", text)
        self.assertIn("项目 2 2 0 0", text)
        self.assertIn("资金 3 3 0 0", text)

        project = Project.objects.get(code="NX-2024-101")
        self.assertEqual(project.unit, self.nanxun)
        self.assertEqual(project.partner_region, self.kalpin)
        self.assertEqual(str(project.total_investment), "28380000.00")
        self.assertEqual(Project.objects.get(code="NX-2024-102").unit, self.nanxun_agri)
        funds = FundRecord.objects.filter(project__code__startswith="NX-2024-1").order_by("date")
        self.assertEqual([str(f.amount) for f in funds], ["10000000.00", "5000000.00", "8005000.00"])

    def test_the_detail_page_shows_who_and_what_file(self):
        self.upload(self.bob)
        record = self.latest()
        r = self.client.get(reverse("imports:detail", args=[record.pk]))
        text = self.text(r)
        self.assertIn("Bob（南浔区）", text)
        self.assertIn("2024年项目.xlsx", text)
        self.assertIn(record.checksum, text)
        self.assertContains(r, reverse("imports:file", args=[record.pk]))
        self.assertNotContains(r, 'hx-trigger="every 1s"')

    def test_reimporting_the_same_file_changes_nothing(self):
        self.upload(self.bob)
        versions = dict(Project.objects.values_list("code", "version"))
        funds = FundRecord.objects.count()
        r = self.upload(self.bob)
        self.assertEqual(self.latest().status, ImportRecord.Status.SUCCEEDED)
        self.assertIn("新增 0 条，更新 0 条，未变 5 条", self.text(r))
        self.assertEqual(dict(Project.objects.values_list("code", "version")), versions)
        self.assertEqual(FundRecord.objects.count(), funds)

    def test_a_changed_row_updates_its_record(self):
        self.upload(self.bob)
        changed = [PROJECTS[0][:7] + [3000] + PROJECTS[0][8:], PROJECTS[1]]
        r = self.upload(self.bob, xlsx_upload(workbook(projects=changed)))
        self.assertIn("新增 0 条，更新 1 条，未变 4 条", self.text(r))
        self.assertEqual(str(Project.objects.get(code="NX-2024-101").total_investment), "30000000.00")

    def test_a_city_officer_imports_rows_of_any_district(self):
        rows = PROJECTS + [["WX-2024-101", "广安区吴兴工业园", "东西部协作", "吴兴区", "511602", "产业合作", 2024, 1200,
                            "实施中", "市重点"]]
        self.upload(self.alice, xlsx_upload(workbook(projects=rows)))
        self.assertEqual(self.latest().status, ImportRecord.Status.SUCCEEDED)
        self.assertEqual(Project.objects.get(code="WX-2024-101").unit, self.wuxing)

    def test_a_dry_run_checks_everything_and_writes_nothing(self):
        r = self.upload(self.bob, dry_run=True)
        self.assertEqual(self.latest().status, ImportRecord.Status.CHECKED)
        self.assertTrue(self.latest().dry_run)
        self.assertIn("校验通过，未写入任何数据。正式导入时将新增 5 条", self.text(r))
        self.assertFalse(Project.objects.filter(code__startswith="NX-2024-1").exists())

    def test_a_gbk_csv_imports(self):
        text = ",".join(PROJECT_HEADERS) + "\nNX-2024-201,南浔区善琏湖笔技艺培训,援疆,南浔区,652929,人才智力,2024,120,实施中,否\n"
        r = self.upload(self.bob, SimpleUploadedFile("项目.csv", text.encode("gbk"), content_type="text/csv"))
        self.assertEqual(self.latest().status, ImportRecord.Status.SUCCEEDED, self.latest().problems)
        self.assertIn("新增 1 条", self.text(r))
        self.assertEqual(Project.objects.get(code="NX-2024-201").name, "南浔区善琏湖笔技艺培训")

    # Refusing

    def test_an_invalid_file_lists_every_problem_and_writes_nothing(self):
        projects = [PROJECTS[0], PROJECTS[1][:3] + ["南浔县"] + PROJECTS[1][4:]]
        funds = [FUNDS[0], ["NX-2024-101", "2024-13-45", "拨付", 800, "财政援助资金"],
                 ["NX-2024-102", datetime.date(2024, 4, 1), "安排", -100, "社会帮扶资金"]]
        r = self.upload(self.bob, xlsx_upload(workbook(projects, funds)))
        record = self.latest()
        self.assertEqual(record.status, ImportRecord.Status.FAILED)
        text = self.text(r)
        self.assertIn("发现 3 处错误，未写入任何数据", text)
        self.assertIn("工作表 行 列 表头 值 原因", text)
        self.assertIn("项目 3 D 实施单位 南浔县 没有名为“南浔县”的单位", text)
        self.assertIn("资金 3 B 日期 2024-13-45 “2024-13-45”不是有效的日期", text)
        self.assertIn("资金 4 D 金额（万元） -100 金额不能为负数", text)
        self.assertContains(r, reverse("imports:problems", args=[record.pk]))
        self.assertIn("下载错误报告 (.xlsx)", text)
        self.assertFalse(Project.objects.filter(code__startswith="NX-2024-1").exists())
        self.assertEqual(FundRecord.objects.count(), 2)

    def test_the_error_report_marks_bad_cells_in_the_original_workbook(self):
        funds = [FUNDS[0], ["NX-2024-101", "2024-13-45", "拨付", 800, "财政援助资金"]]
        self.upload(self.bob, xlsx_upload(workbook(funds=funds)))
        record = self.latest()
        r = self.client.get(reverse("imports:problems", args=[record.pk]))
        self.assertEqual(r.status_code, 200)
        self.assertEqual(r["Content-Type"], XLSX)
        self.assertIn("attachment", r["Content-Disposition"])
        book = openpyxl.load_workbook(io.BytesIO(r.content))
        self.assertEqual(book.sheetnames, ["错误清单", "项目", "资金"])
        listing = [[c.value for c in row] for row in book["错误清单"].iter_rows()]
        self.assertEqual(listing[0], ["工作表", "行", "列", "表头", "值", "原因"])
        self.assertEqual(listing[1], ["资金", 3, "B", "日期", "2024-13-45", "“2024-13-45”不是有效的日期"])
        bad = book["资金"]["B3"]
        self.assertEqual(bad.value, "2024-13-45")
        self.assertEqual(bad.fill.fgColor.rgb, "FFFFC7CE")
        self.assertIn("不是有效的日期", bad.comment.text)
        self.assertIsNone(book["资金"]["B2"].comment)
        self.assertNotEqual(book["资金"]["B2"].fill.fgColor.rgb, "FFFFC7CE")
        self.assertEqual(book["项目"]["B2"].value, "柯坪县湖州新村庭院改造")  # the rest of the file is as sent

    def test_the_error_report_of_a_csv_holds_its_rows(self):
        text = ",".join(PROJECT_HEADERS) + "\nNX-2024-201,湖笔培训,援疆,南浔区,652929,人才智力,2024,-5,实施中,否\n"
        self.upload(self.bob, SimpleUploadedFile("项目.csv", text.encode("gbk"), content_type="text/csv"))
        r = self.client.get(reverse("imports:problems", args=[self.latest().pk]))
        book = openpyxl.load_workbook(io.BytesIO(r.content))
        self.assertEqual(book.sheetnames, ["错误清单", "项目"])
        self.assertEqual(book["项目"]["A2"].value, "NX-2024-201")
        self.assertEqual(book["项目"]["H2"].fill.fgColor.rgb, "FFFFC7CE")
        self.assertIn("金额不能为负数", book["项目"]["H2"].comment.text)

    def test_a_problem_names_the_column_where_it_really_is(self):
        headers = ["序号"] + PROJECT_HEADERS  # an extra column first moves every column one to the right
        projects = [[1] + PROJECTS[0][:3] + ["南浔县"] + PROJECTS[0][4:]]
        r = self.upload(self.bob, xlsx_upload(workbook(projects, funds=[], project_headers=headers)))
        self.assertIn("项目 2 E 实施单位 南浔县 没有名为“南浔县”的单位", self.text(r))

    def test_a_district_reporter_cannot_import_another_districts_rows(self):
        rows = PROJECTS + [["WX-2024-101", "广安区吴兴工业园", "东西部协作", "吴兴区", "511602", "产业合作", 2024, 1200,
                            "实施中", "否"]]
        r = self.upload(self.bob, xlsx_upload(workbook(projects=rows)))
        self.assertEqual(self.latest().status, ImportRecord.Status.FAILED)
        self.assertIn("单位“吴兴区”不在您的数据范围内，您只能导入本单位及下属单位的数据", self.text(r))
        self.assertFalse(Project.objects.filter(code__in=["WX-2024-101", "NX-2024-101"]).exists())

    def test_the_error_report_marks_the_unit_cell_of_a_row_out_of_scope(self):
        rows = PROJECTS + [["WX-2024-101", "广安区吴兴工业园", "东西部协作", "吴兴区", "511602", "产业合作", 2024, 1200,
                            "实施中", "否"]]
        self.upload(self.bob, xlsx_upload(workbook(projects=rows)))
        r = self.client.get(reverse("imports:problems", args=[self.latest().pk]))
        sheet = openpyxl.load_workbook(io.BytesIO(r.content))["项目"]
        self.assertEqual(sheet["D4"].fill.fgColor.rgb, "FFFFC7CE")
        self.assertIn("不在您的数据范围内", sheet["D4"].comment.text)
        self.assertNotEqual(sheet["A4"].fill.fgColor.rgb, "FFFFC7CE")
        self.assertNotEqual(sheet["D3"].fill.fgColor.rgb, "FFFFC7CE")

    def test_the_error_report_fills_a_duplicated_row_as_a_whole(self):
        self.upload(self.bob, xlsx_upload(workbook(projects=PROJECTS + [PROJECTS[0]])))
        r = self.client.get(reverse("imports:problems", args=[self.latest().pk]))
        sheet = openpyxl.load_workbook(io.BytesIO(r.content))["项目"]
        last = sheet.max_row
        self.assertEqual({c.fill.fgColor.rgb for c in sheet[last]}, {"FFFFC7CE"})
        self.assertIn("重复", sheet.cell(row=last, column=1).comment.text)

    def test_it_refuses_a_file_of_another_kind(self):
        self.client.force_login(self.bob)
        r = self.client.post(reverse("imports:upload"), {"file": SimpleUploadedFile("项目.docx", b"PK\x03\x04xx")})
        self.assertEqual(r.status_code, 422)
        self.assertIn("文件 ：只能导入 .xlsx、.xls 或 .csv 文件", self.text(r))
        self.assertFalse(ImportRecord.objects.exists())

    def test_it_requires_a_file(self):
        self.client.force_login(self.bob)
        r = self.client.post(reverse("imports:upload"), {"dry_run": "on"})
        self.assertEqual(r.status_code, 422)
        self.assertIn("文件 ：请选择要导入的文件", self.text(r))

    def test_a_broken_workbook_is_reported_not_crashed_on(self):
        r = self.upload(self.bob, SimpleUploadedFile("坏文件.xlsx", b"PK\x03\x04 this is not a zip"))
        self.assertEqual(self.latest().status, ImportRecord.Status.FAILED)
        self.assertIn("坏文件.xlsx", self.text(r))
        self.assertIn("已损坏", self.text(r))

    # Who may import

    def test_the_upload_page_has_the_file_field_and_the_check_only_box(self):
        self.client.force_login(self.bob)
        r = self.client.get(reverse("imports:upload"))
        self.assertContains(r, 'type="file"')
        self.assertContains(r, 'enctype="multipart/form-data"')
        self.assertContains(r, "仅校验，不写入")

    def test_leaders_and_admins_cannot_upload(self):
        for user in (self.lily, self.adam):
            self.client.force_login(user)
            self.assertEqual(self.client.get(reverse("imports:upload")).status_code, 403)
            r = self.client.post(reverse("imports:upload"), {"file": xlsx_upload()})
            self.assertEqual(r.status_code, 403)
        self.assertFalse(ImportRecord.objects.exists())

    def test_the_leaders_list_page_explains_they_can_only_export(self):
        self.upload(self.bob)
        self.client.force_login(self.lily)
        r = self.client.get(reverse("imports:list"))
        self.assertContains(r, "领导账号可以查看和导出数据，不能导入或修改数据")
        self.assertNotContains(r, reverse("imports:upload"))
        self.assertNotContains(r, "2024年项目.xlsx")

    # Who may see an import

    def test_others_cannot_see_an_import(self):
        self.upload(self.bob, xlsx_upload(workbook(funds=[FUNDS[0], ["NX-2024-101", "2024-13-45", "拨付", 1, "其他"]])))
        record = self.latest()
        for user in (self.charlie, self.lily):
            self.client.force_login(user)
            for name in ("detail", "progress", "problems", "file"):
                r = self.client.get(reverse(f"imports:{name}", args=[record.pk]))
                self.assertEqual(r.status_code, 404, (user, name))

    def test_a_city_officer_sees_every_import(self):
        self.upload(self.bob, xlsx_upload(workbook(funds=[FUNDS[0], ["NX-2024-101", "2024-13-45", "拨付", 1, "其他"]])))
        record = self.latest()
        self.client.force_login(self.alice)
        for name in ("detail", "progress", "problems", "file"):
            self.assertEqual(self.client.get(reverse(f"imports:{name}", args=[record.pk])).status_code, 200, name)

    def test_the_admin_audits_imports_but_not_their_contents(self):
        self.upload(self.bob, xlsx_upload(workbook(funds=[FUNDS[0], ["NX-2024-101", "2024-13-45", "拨付", 1, "其他"]])))
        record = self.latest()
        self.client.force_login(self.adam)
        r = self.client.get(reverse("imports:detail", args=[record.pk]))
        self.assertContains(r, record.checksum)
        self.assertContains(r, "系统管理员不能查看")
        self.assertNotContains(r, "2024-13-45")
        self.assertContains(self.client.get(reverse("imports:list")), "2024年项目.xlsx")
        self.assertEqual(self.client.get(reverse("imports:file", args=[record.pk])).status_code, 403)
        self.assertEqual(self.client.get(reverse("imports:problems", args=[record.pk])).status_code, 403)

    def test_the_uploader_downloads_the_original_file(self):
        data = workbook()
        self.upload(self.bob, xlsx_upload(data))
        r = self.client.get(reverse("imports:file", args=[self.latest().pk]))
        self.assertEqual(b"".join(r.streaming_content), data)
        self.assertIn("attachment", r["Content-Disposition"])

    def test_a_successful_import_has_no_error_report(self):
        self.upload(self.bob)
        self.assertEqual(self.client.get(reverse("imports:problems", args=[self.latest().pk])).status_code, 404)

    # The list

    def test_the_list_shows_own_imports_newest_first_and_everyones_to_the_city(self):
        self.upload(self.bob, xlsx_upload(name="第一次.xlsx"))
        self.upload(self.bob, xlsx_upload(name="第二次.xlsx"), dry_run=True)
        self.upload(self.alice, xlsx_upload(name="市里的.xlsx"))
        self.client.force_login(self.bob)
        text = self.text(self.client.get(reverse("imports:list")))
        self.assertNotIn("市里的.xlsx", text)
        self.assertLess(text.index("第二次.xlsx"), text.index("第一次.xlsx"))
        self.assertIn("第二次.xlsx 仅校验 校验通过（未写入） 5 0 0", text)
        self.assertIn("第一次.xlsx 导入 已导入 5 5 0", text)

        self.client.force_login(self.alice)
        text = self.text(self.client.get(reverse("imports:list")))
        self.assertIn("市里的.xlsx Alice 导入 已导入 5 0 0", text)
        self.assertIn("第一次.xlsx Bob", text)

    def test_the_list_is_paginated(self):
        self.client.force_login(self.bob)
        for n in range(3):
            ImportRecord.objects.create(original_name=f"文件{n}.xlsx", size=1, checksum="0" * 64, uploaded_by=self.bob)
        with override_settings(PAGE_SIZE=2):
            r = self.client.get(reverse("imports:list"))
            self.assertContains(r, "第 1 / 2 页")
            self.assertContains(r, "文件2.xlsx")
            self.assertNotContains(r, "文件0.xlsx")

    def test_the_list_page_query_count_stays_put(self):
        self.client.force_login(self.alice)
        ImportRecord.objects.create(original_name="a.xlsx", size=1, checksum="0" * 64, uploaded_by=self.bob)
        self.client.get(reverse("imports:list"))  # warm up sessions and caches
        with CaptureQueriesContext(connection) as first:
            self.client.get(reverse("imports:list"))
        for n in range(5):
            ImportRecord.objects.create(original_name=f"{n}.xlsx", size=1, checksum="0" * 64,
                                        uploaded_by=(self.bob, self.charlie, self.alice)[n % 3])
        with self.assertNumQueries(len(first.captured_queries)):
            self.client.get(reverse("imports:list"))
