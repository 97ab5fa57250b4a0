"""The annual summary drafted from the Huzhou demo: Word and PDF read back, the preview's
figures each open a list whose total is the figure, the statistical tables, the command."""

import io
import re
import subprocess
import tempfile
from decimal import Decimal
from html import unescape
from pathlib import Path

import docx
import openpyxl
import pypdf
from django.core.management import call_command
from django.test import TestCase

from hezuo import access
from hezuo.accounts.models import User
from hezuo.demo.huzhou import load_demo
from hezuo.reports.services import render
from hezuo.reports.services.report import build_report
from hezuo.stats.queries import statistics

# The seed article's figures the demo holds, as the summary writes them.
SEED_FIGURES = [
    "援疆资金超1.1亿元", "援疆项目28个", "援青资金2838万元", "援青项目10个", "12批97人次",
    "8批162人次", "1.74亿元", "项目42个", "2.4亿余元",
]


def squeeze(text):
    """PDF text comes back with line breaks where lines wrapped."""
    return re.sub(r"\s+", "", text)


class ReportFilesTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_demo()
        cls.dir = Path(tempfile.mkdtemp())
        for fmt in ("docx", "pdf", "md", "html", "xlsx"):
            call_command("report", year=2024, format=fmt, output=str(cls.dir / f"summary.{fmt}"), stdout=io.StringIO())

    def docx(self):
        return docx.Document(str(self.dir / "summary.docx"))

    def test_the_word_file_holds_the_seed_articles_figures(self):
        text = "\n".join(p.text for p in self.docx().paragraphs)
        for figure in SEED_FIGURES:
            self.assertIn(figure, text)
        self.assertIn("全市投入援疆资金超1.1亿元，安排援疆项目28个，投入援青资金2838万元，安排援青项目10个", text)

    def test_the_word_file_has_the_outline_in_heading_styles(self):
        by_style = {}
        for p in self.docx().paragraphs:
            by_style.setdefault(p.style.name, []).append(p.text)
        self.assertEqual(by_style["Title"], ["湖州市区域合作办2024年工作总结"])
        self.assertEqual(by_style["Heading 1"][:4], ["一、主要工作成效", "二、荣誉与典型案例", "三、存在问题", "四、下一步打算"])
        self.assertEqual(by_style["Heading 2"][:3], ["（一）对口支援", "（二）东西部协作", "（三）对口合作"])

    def test_the_word_file_is_a4_in_cjk_fonts_with_page_numbers(self):
        document = self.docx()
        section = document.sections[0]
        self.assertEqual((round(section.page_width.mm), round(section.page_height.mm)), (210, 297))
        self.assertIn("PAGE", section.footer._element.xml)
        normal = document.styles["Normal"]
        self.assertEqual(normal.font.size.pt, 16)
        east_asia = normal.element.rPr.rFonts.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia")
        self.assertIn(east_asia, render.installed_fonts() | set(render.BODY_FONTS[:4]))

    def test_the_word_file_has_a_table_per_family_and_the_sources_appendix(self):
        document = self.docx()
        first = document.tables[0]
        self.assertEqual([c.text for c in first.rows[0].cells][:3], ["工作类别", "项目数（个）", "安排资金（万元）"])
        self.assertEqual([c.text for c in first.rows[2].cells][:3], ["援疆", "28", "11,086"])
        appendix = document.tables[-1]
        self.assertEqual([c.text for c in appendix.rows[0].cells][:3], ["序号", "指标", "文中写法"])
        first_source = next([c.text for c in row.cells] for row in appendix.rows if row.cells[1].text == "援疆安排资金")
        self.assertEqual(first_source[1:4], ["援疆安排资金", "超1.1亿元", "110,860,000.00元"])
        self.assertIn("资金：年度 2024，工作类别 援疆，环节 安排", first_source[4])
        self.assertIn("/funds/?year=2024", first_source[4])

    def test_the_pdf_holds_the_seed_articles_figures_as_text(self):
        reader = pypdf.PdfReader(str(self.dir / "summary.pdf"))
        text = squeeze("".join(page.extract_text() for page in reader.pages))
        self.assertIn("湖州市区域合作办2024年工作总结", text)
        for figure in SEED_FIGURES:
            self.assertIn(figure, text)
        fonts = {font["/BaseFont"] for page in reader.pages for font in page["/Resources"]["/Font"].values()
                 if "/BaseFont" in font.get_object()}
        self.assertTrue(any("CJK" in str(name) for name in fonts), fonts)

    def test_the_pdf_renders_to_images(self):
        out = self.dir / "page"
        subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(self.dir / "summary.pdf"),
                        str(out)], check=True)
        self.assertTrue(list(self.dir.glob("page*.png")))

    def test_markdown_and_html_link_the_figures(self):
        markdown = (self.dir / "summary.md").read_text(encoding="utf-8")
        self.assertIn("[超1.1亿元](/funds/?year=2024&program=", markdown)
        html = (self.dir / "summary.html").read_text(encoding="utf-8")
        self.assertIn("湖州市区域合作办2024年工作总结", html)
        self.assertNotIn("http://", html.replace("http://www.w3.org", ""))

    def test_the_statistical_tables_total_as_the_dashboard(self):
        workbook = openpyxl.load_workbook(self.dir / "summary.xlsx")
        self.assertEqual(workbook.sheetnames[:3], ["按工作类别", "按单位", "按结对地区"])
        sheet = workbook["按工作类别"]
        rows = list(sheet.iter_rows(values_only=True))
        total = next(r for r in rows if r[0] == "合计")
        stats = statistics(access.CONSOLE, 2024)
        header = rows[0]
        projects = header.index("项目数（个）")
        self.assertEqual(total[projects], stats.total["projects"].value)
        arranged = header.index("安排资金（万元）")
        self.assertAlmostEqual(Decimal(str(total[arranged])) * 10000, stats.total["funds_arranged"].value, places=0)

    def test_problems_are_computed_and_next_steps_left_for_the_author(self):
        text = "\n".join(p.text for p in self.docx().paragraphs)
        self.assertIn("资金拨付进度偏慢。援疆资金安排1.11亿元、已拨付9511.75万元，拨付率85.8%；", text)
        self.assertIn("【请填写：下一年度的工作思路和重点任务（记录中尚无下一年度的目标任务和计划）。】", text)

    def test_honors_and_cases_come_from_their_records(self):
        text = "\n".join(p.text for p in self.docx().paragraphs)
        self.assertIn("深入推进长三角一体化发展重要专项工作集体三等功", text)
        self.assertIn("（二）典型案例", text)


class ReportPreviewTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_demo()
        cls.city = User.objects.get(username="city")

    def test_every_figure_opens_a_list_that_totals_to_it(self):
        self.client.force_login(self.city)
        page = self.client.get("/reports/?year=2024")
        self.assertEqual(page.status_code, 200)
        report = build_report(self.city, 2024)
        shown = set(re.findall(r'<a class="figure" href="([^"]+)"', page.content.decode()))
        self.assertEqual({unescape(u) for u in shown}, {ref.figure.url for ref in report.appendix})
        for ref in report.appendix:
            with self.subTest(ref.figure.label, url=ref.figure.url):
                listed = self.client.get(ref.figure.url)
                self.assertEqual(listed.status_code, 200)
                if ref.figure.url.startswith("/key-projects/"):
                    continue  # key projects' progress: the list of key projects, with their reports
                totals = {c.name: c.value for c in listed.context["totals"] if c}
                if ref.figure.total in totals:
                    self.assertEqual(Decimal(str(totals[ref.figure.total])), Decimal(ref.figure.value))
                elif ref.figure.total:  # a column the list does not total (企业数, 数量): its rows add up
                    page = listed.context["page"]
                    self.assertFalse(page.has_next())
                    self.assertEqual(sum(getattr(row, ref.figure.total) for row in page), ref.figure.value)
                else:
                    self.assertEqual(listed.context["page"].paginator.count, ref.figure.value)

    def test_it_downloads_word_pdf_markdown_and_tables(self):
        self.client.force_login(self.city)
        for fmt, magic in (("docx", b"PK"), ("pdf", b"%PDF"), ("md", b"# "), ("xlsx", b"PK")):
            response = self.client.get(f"/reports/download/?year=2024&format={fmt}")
            self.assertEqual(response.status_code, 200, fmt)
            self.assertTrue(b"".join(response.streaming_content).startswith(magic), fmt)

    def test_a_reporter_gets_only_their_own_units_figures(self):
        nanxun = User.objects.get(username="nanxun")
        whole = build_report(access.CONSOLE, 2024)
        own = build_report(nanxun, 2024)
        self.assertLess(len(own.appendix), len(whole.appendix))
        self.assertNotIn("超1.1亿元", own.text())

    def test_the_pdf_fetches_nothing_from_the_network(self):
        fetcher = render.static_files_fetcher()
        with self.assertRaises(render.OfflineFetchError):
            fetcher("https://static.example.com/font.woff2")
        with self.assertRaises(render.OfflineFetchError):
            fetcher("file:///etc/passwd")
        response = fetcher(render.site_url() + "static/hezuo/hezuo.css")
        self.assertTrue(response.read())
        response.close()
