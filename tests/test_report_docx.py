"""The summary's Word file as an office prints and signs it (GB/T 9704-2012), read back with
python-docx and lxml: fonts named as offices have them, the 22 × 28 grid, the margins, page
numbers at the outer edges, the office as author, nothing left of python-docx's template; an
office's own template still wins; readable tables; an appendix for auditors."""

import io
import tempfile
import zipfile
from decimal import Decimal
from pathlib import Path

import docx
from django.core.management import call_command
from django.test import override_settings
from docx.shared import Mm

from hezuo import access
from hezuo.reports.services import render
from hezuo.reports.services.report import build_report
from hezuo.text import nest_quotes
from tests.base import BaseTestCase, DemoTestCase

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
THEME_ATTRIBUTES = ("asciiTheme", "eastAsiaTheme", "hAnsiTheme", "cstheme")


def east_asian_font(style):
    return style.element.rPr.rFonts.get(f"{W}eastAsia")


def cell_texts(table):
    return [[c.text for c in row.cells] for row in table.rows]


class DemoWordFileTestCase(DemoTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.path = Path(tempfile.mkdtemp()) / "summary.docx"
        call_command("report", year=2024, format="docx", output=str(cls.path), stdout=io.StringIO())
        cls.report = build_report(access.CONSOLE, 2024)

    def setUp(self):
        self.document = docx.Document(str(self.path))

    def part(self, name):
        with zipfile.ZipFile(self.path) as package:
            return package.read(name).decode("utf-8")

    def test_fonts_are_named_as_offices_have_them_whatever_the_server_has(self):
        styles = self.document.styles
        expected = {"Title": "方正小标宋简体", "Normal": "仿宋_GB2312", "Heading 1": "黑体",
                    "Heading 2": "楷体_GB2312", "Heading 3": "仿宋_GB2312"}
        for name, font in expected.items():
            with self.subTest(name):
                self.assertEqual(east_asian_font(styles[name]), font)
                fonts = styles[name].element.rPr.rFonts
                self.assertEqual({fonts.get(f"{W}ascii"), fonts.get(f"{W}hAnsi")}, {"Times New Roman"})
        self.assertEqual(styles["Title"].font.size.pt, 22)  # 二号
        for name in ("Normal", "Heading 1", "Heading 2", "Heading 3"):
            self.assertEqual(styles[name].font.size.pt, 16)  # 三号
        self.assertIs(styles["Heading 1"].font.bold, False)
        self.assertIs(styles["Heading 2"].font.bold, False)
        self.assertIs(styles["Heading 3"].font.bold, True)

    def test_no_theme_font_colour_or_rule_overrides_them(self):
        styles = self.part("word/styles.xml")
        for attribute in THEME_ATTRIBUTES:
            self.assertNotIn(f"w:{attribute}=", styles)
        self.assertNotIn("<w:color", styles)
        self.assertNotIn("<w:pBdr", styles)  # the Title's blue rule
        self.assertIn('w:eastAsia="zh-CN"', styles)
        names = {s.name for s in self.document.styles}
        self.assertNotIn("Light Shading", names)  # the default template's 160 styles are gone

    def test_the_body_is_indented_two_characters_on_28_95_point_lines(self):
        normal = self.document.styles["Normal"].element.pPr
        self.assertEqual(normal.find(f"{W}ind").get(f"{W}firstLineChars"), "200")
        spacing = normal.find(f"{W}spacing")
        self.assertEqual((spacing.get(f"{W}line"), spacing.get(f"{W}lineRule")), ("579", "exact"))

    def test_the_page_is_a4_with_the_standard_margins_and_a_22_by_28_grid(self):
        section = self.document.sections[0]
        self.assertEqual((round(section.page_width.mm), round(section.page_height.mm)), (210, 297))
        self.assertEqual([round(m.mm) for m in (section.top_margin, section.bottom_margin, section.left_margin,
                                                section.right_margin)], [37, 35, 28, 26])
        grid = section._sectPr.find(f"{W}docGrid")
        self.assertEqual(grid.get(f"{W}type"), "linesAndChars")
        pitch, char_space = int(grid.get(f"{W}linePitch")), int(grid.get(f"{W}charSpace"))
        self.assertEqual((pitch, char_space), (579, -842))
        # What Word does with them: whole lines per page, whole characters per line.
        height = section.page_height.twips - section.top_margin.twips - section.bottom_margin.twips
        width_pt = (section.page_width.twips - section.left_margin.twips - section.right_margin.twips) / 20
        self.assertEqual(height // pitch, 22)
        self.assertEqual(int(width_pt // (16 + char_space / 4096)), 28)

    def test_page_numbers_are_dashed_at_the_outer_edges_of_odd_and_even_pages(self):
        self.assertIsNotNone(self.document.settings.element.find(f"{W}evenAndOddHeaders"))
        section = self.document.sections[0]
        for footer, side in ((section.footer, "right"), (section.even_page_footer, "left")):
            with self.subTest(side):
                paragraph = footer.paragraphs[0]
                self.assertIn("PAGE", paragraph._p.xml)
                self.assertTrue(paragraph.text.startswith("— ") and paragraph.text.endswith(" —"), paragraph.text)
                self.assertEqual(paragraph.alignment.name, side.upper())
                self.assertEqual(paragraph.style.font.size.pt, 14)  # 四号
                self.assertEqual(east_asian_font(paragraph.style), "宋体")

    def test_headings_keep_words_outline_levels(self):
        for level in (1, 2, 3):
            outline = self.document.styles[f"Heading {level}"].element.pPr.find(f"{W}outlineLvl")
            self.assertEqual(outline.get(f"{W}val"), str(level - 1))

    def test_the_appendix_is_an_attachment_on_a_page_of_its_own_in_the_outline(self):
        paragraphs = self.document.paragraphs
        label = next(i for i, p in enumerate(paragraphs) if p.text == "附件")
        self.assertEqual(paragraphs[label].style.name, render.ATTACHMENT_LABEL)
        self.assertIsNotNone(paragraphs[label].style.element.pPr.find(f"{W}pageBreakBefore"))
        title = paragraphs[label + 1]
        self.assertEqual((title.text, title.style.name), ("数据来源", render.ATTACHMENT_TITLE))
        self.assertEqual(east_asian_font(title.style), "方正小标宋简体")
        self.assertEqual(title.style.element.pPr.find(f"{W}outlineLvl").get(f"{W}val"), "0")

    def test_the_office_is_the_author_and_nothing_says_python_docx(self):
        props = self.document.core_properties
        self.assertEqual(props.author, "湖州市区域合作办")
        self.assertEqual(props.last_modified_by, "湖州市区域合作办")
        self.assertEqual(props.title, "湖州市区域合作办2024年工作总结")
        self.assertEqual(props.comments, "")
        with zipfile.ZipFile(self.path) as package:
            names = package.namelist()
            for name in names:
                if name.startswith("docProps/"):
                    self.assertNotIn(b"python-docx", package.read(name), name)
        self.assertNotIn("docProps/thumbnail.jpeg", names)
        self.assertFalse([n for n in names if n.startswith("customXml/")])
        self.assertNotIn("word/stylesWithEffects.xml", names)
        self.assertNotIn("Macintosh", self.part("docProps/app.xml"))

    def test_amount_columns_are_in_yi_or_wan_as_their_magnitudes_fit(self):
        delta = next(t for t in self.document.tables if any(r.cells[0].text == "接轨上海" for r in t.rows))
        header = [c.text.replace("\n", "") for c in delta.rows[0].cells]
        signed = header.index("签约金额（亿元）")
        self.assertEqual([r.cells[signed].text for r in delta.rows[1:3]], ["675.2", "675.2"])
        aid = self.document.tables[0]
        header = [c.text.replace("\n", "") for c in aid.rows[0].cells]
        arranged = header.index("安排资金（万元）")
        self.assertEqual([r.cells[arranged].text for r in aid.rows[1:]], ["13924", "11086", "2838"])

    def test_quotes_inside_quotes_are_single(self):
        text = "\n".join(p.text for p in self.document.paragraphs)
        self.assertIn("“共建北翼中心 深化杭湖一体化‘地信+’产业协同”", text)  # a case title quoting a brand
        self.assertNotIn("“地信+”产业协同”", text)

    def test_the_appendix_lists_each_figure_once_as_a_linked_description(self):
        appendix = self.document.tables[-1]
        rows = cell_texts(appendix)[1:]
        figures = {(ref.figure.url, ref.figure.total, ref.figure.value) for ref in self.report.appendix}
        self.assertEqual(len(rows), len(figures))
        self.assertLess(len(rows), len(self.report.appendix))  # text and tables share figures
        self.assertEqual([r[0] for r in rows], [str(n) for n in range(1, len(rows) + 1)])
        links = appendix._tbl.findall(f".//{W}hyperlink")
        self.assertEqual(len(links), len(rows))
        targets = {self.document.part.rels[link.get(f"{R}id")].target_ref for link in links}
        self.assertEqual(targets, {url for url, _, _ in figures})  # relative: no site URL is set
        everything = "\n".join([p.text for p in self.document.paragraphs]
                               + [c for t in self.document.tables for row in cell_texts(t) for c in row])
        for raw in ("http", "/funds/?", "/projects/?", "?year="):
            self.assertNotIn(raw, everything)

    def test_a_compared_figure_shows_last_years_exact_value(self):
        rows = cell_texts(self.document.tables[-1])
        arranged = next(r for r in rows if r[1] == "对口支援安排资金")
        self.assertEqual(arranged[2].splitlines()[0], "139,240,000.00元")
        self.assertTrue(arranged[2].splitlines()[1].startswith("上年 "))


class WordFileSettingsTestCase(BaseTestCase):
    def write(self, **settings):
        out = Path(tempfile.mkdtemp()) / "out.docx"
        with override_settings(**settings):
            render.to_docx(build_report(access.CONSOLE, 2024), out)
        return docx.Document(str(out))

    def test_with_a_site_url_the_appendix_links_are_absolute(self):
        document = self.write(HEZUO_SITE_URL="https://hezuo.huzhou.gov.cn/")
        links = document.tables[-1]._tbl.findall(f".//{W}hyperlink")
        targets = [document.part.rels[link.get(f"{R}id")].target_ref for link in links]
        self.assertTrue(targets)
        self.assertTrue(all(t.startswith("https://hezuo.huzhou.gov.cn/") for t in targets), targets)

    def test_an_offices_own_template_still_controls_the_look(self):
        directory = Path(tempfile.mkdtemp())
        own = docx.Document()
        own.sections[0].page_width = Mm(200)
        own.sections[0].footer.paragraphs[0].text = "本办页脚"
        normal = own.styles["Normal"].element.get_or_add_rPr()
        fonts = normal.get_or_add_rFonts()
        fonts.set(f"{W}eastAsia", "宋体")
        own.save(directory / "office.docx")
        document = self.write(HEZUO_REPORT_DOCX_TEMPLATE=str(directory / "office.docx"))
        section = document.sections[0]
        self.assertEqual(round(section.page_width.mm), 200)
        self.assertEqual(section.footer.paragraphs[0].text, "本办页脚")
        self.assertIsNone(section._sectPr.find(f"{W}docGrid[@{W}type='linesAndChars']"))
        self.assertEqual(east_asian_font(document.styles["Normal"]), "宋体")
        # The styles it lacked are added without fonts of ours: its Normal's fonts rule them.
        table_text = document.styles[render.TABLE_TEXT]
        self.assertIsNone(table_text.element.rPr.rFonts)
        self.assertEqual(document.core_properties.author, "湖州市区域合作办")
        self.assertEqual(document.paragraphs[0].text, "湖州市区域合作办2024年工作总结")


class NestedQuotesTestCase(BaseTestCase):
    def test_inner_double_quotes_become_single(self):
        self.assertEqual(nest_quotes("获“实干争先“奔跑者”奖”"), "获“实干争先‘奔跑者’奖”")
        self.assertEqual(nest_quotes("“甲“乙“丙”乙”甲”与“丁”"), "“甲‘乙“丙”乙’甲”与“丁”")

    def test_quotes_already_nested_or_unpaired_are_left_alone(self):
        for text in ("“实干争先‘奔跑者’奖”", "Xi’an “西安”", "“未闭合", "没有引号", "多余的”"):
            self.assertEqual(nest_quotes(text), text)

    def test_the_length_is_kept(self):
        text = "“共建“地信+”产业”"
        self.assertEqual(len(nest_quotes(text)), len(text))

    def test_a_quote_split_across_a_paragraphs_parts_is_nested_as_one(self):
        from hezuo.reports.services.report import Block, Ref
        from hezuo.stats.queries import Figure

        report = build_report(access.CONSOLE, 2024)
        figure = Figure(Decimal("3"), "/projects/?year=2024", "个", label="项目数")
        ref = Ref("3个", figure, 1)
        report.blocks = [Block("paragraph", parts=["获“先进“", ref, "”集体”。"])]
        report.appendix = [ref]
        printed = render.printed(report)
        self.assertEqual(printed.report.blocks[0].plain, "获“先进‘3个’集体”。")
