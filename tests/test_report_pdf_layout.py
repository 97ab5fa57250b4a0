"""The summary's PDF as it is printed: the Word file's page box (A4, GB/T 9704 margins), page
numbers “— N —” at the outer edges, the office fonts named first; no address printed; the
appendix for auditors shorter than the body. Rendered with WeasyPrint and read back with pypdf."""

import io
import re
import tempfile
from pathlib import Path

import pypdf
from django.core.management import call_command
from django.test import override_settings

from hezuo import access
from hezuo.reports.services import render
from hezuo.reports.services.report import build_report
from tests.base import BaseTestCase, DemoTestCase

A4_POINTS = (595.28, 841.89)


def squeeze(text):
    return re.sub(r"\s+", "", text)


def page_number_x(page):
    """Where the page's “— N —” starts, in points from the left edge."""
    found = []

    def visit(text, cm, tm, font, size):
        if re.fullmatch(r"\s*— \d+ —\s*", text):
            found.append(tm[4] * cm[0] + cm[4])

    page.extract_text(visitor_text=visit)
    return found[0]


class DemoPdfLayoutTestCase(DemoTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.path = Path(tempfile.mkdtemp()) / "summary.pdf"
        call_command("report", year=2024, format="pdf", output=str(cls.path), stdout=io.StringIO())

    def setUp(self):
        self.pdf = pypdf.PdfReader(str(self.path))
        self.pages = [page.extract_text() for page in self.pdf.pages]

    def appendix_start(self):
        return next(i for i, text in enumerate(self.pages) if squeeze(text).startswith("附件数据来源"))

    def test_the_pages_are_a4_and_their_number_is_sane(self):
        self.assertTrue(4 <= len(self.pages) <= 12, len(self.pages))
        for page in self.pdf.pages:
            self.assertEqual((round(float(page.mediabox.width), 2), round(float(page.mediabox.height), 2)), A4_POINTS)

    def test_every_page_is_numbered_with_dashes(self):
        self.assertIn("— 1 —", self.pages[0])
        for number, text in enumerate(self.pages, start=1):
            self.assertIn(f"— {number} —", text)

    def test_page_numbers_sit_at_the_outer_edges(self):
        middle = A4_POINTS[0] / 2
        self.assertGreater(page_number_x(self.pdf.pages[0]), middle)  # odd: right
        self.assertLess(page_number_x(self.pdf.pages[1]), middle)  # even: left

    def test_no_address_is_printed(self):
        text = "".join(self.pages)
        for raw in ("http", "/projects/?", "/funds/?", "?year="):
            self.assertNotIn(raw, text)

    def test_without_a_site_url_nothing_links_to_a_made_up_host(self):
        for page in self.pdf.pages:
            for annotation in page.get("/Annots") or []:
                self.assertNotIn("localhost", str(annotation.get_object().get("/A", {}).get("/URI", "")))

    def test_the_appendix_is_shorter_than_the_body(self):
        start = self.appendix_start()
        body, appendix = start, len(self.pages) - start
        self.assertGreaterEqual(body, 2)
        self.assertLessEqual(appendix, body)

    def test_the_appendix_describes_the_records_in_words(self):
        appendix = squeeze("".join(self.pages[self.appendix_start():]))
        self.assertIn("资金：工作类别援疆，环节安排；合计金额", appendix)
        self.assertIn("未注明年度的为2024年度", appendix)
        self.assertIn("重点项目：省重点项目的月报、年度计划投资和全省进度", appendix)  # a page, not a list
        self.assertNotIn("key-projects", appendix)

    def test_tables_and_quotes_read_as_written(self):
        text = squeeze("".join(self.pages[:self.appendix_start()]))
        self.assertIn("签约金额（亿元）", text)
        self.assertNotIn("6,752,000", text)
        self.assertIn("“共建北翼中心深化杭湖一体化‘地信+’产业协同”", text)  # a case title quoting a brand


class PdfStylesheetTestCase(BaseTestCase):
    def test_the_office_fonts_are_named_first_and_the_servers_after(self):
        html = render.to_html(build_report(access.CONSOLE, 2024))
        for family in ("方正小标宋简体", "仿宋_GB2312", "黑体", "楷体_GB2312"):
            stack = re.search(rf'"{family}"[^;]*;', html)
            self.assertIsNotNone(stack, family)
            self.assertIn('"Noto Serif CJK SC"', stack.group())
        self.assertIn("size: A4; margin: 37mm 26mm 35mm 28mm", html)
        self.assertIn("@page :right", html)
        self.assertIn("@page :left", html)

    def test_with_a_site_url_the_pdfs_figures_link_to_the_site(self):
        with override_settings(HEZUO_SITE_URL="https://hezuo.huzhou.gov.cn/"):
            data = render.to_pdf(build_report(access.CONSOLE, 2024))
        reader = pypdf.PdfReader(io.BytesIO(data))
        uris = {str(a.get_object()["/A"]["/URI"]) for page in reader.pages for a in page.get("/Annots") or []
                if "/A" in a.get_object() and "/URI" in a.get_object()["/A"]}
        self.assertTrue(uris)
        self.assertTrue(all(u.startswith("https://hezuo.huzhou.gov.cn/") for u in uris), uris)
        self.assertNotIn("https", "".join(page.extract_text() for page in reader.pages))
