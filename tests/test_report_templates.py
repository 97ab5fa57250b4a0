"""Sentence templates: editable files, read at run time; a zero figure leaves its sentence
out; a bad line is refused in Chinese, naming the file and the line."""

import io
import tempfile
from pathlib import Path

from django.core.management import CommandError, call_command
from django.test import override_settings

from hezuo import access
from hezuo.reports import sentences
from hezuo.reports.sentences import TemplateError, load_template
from hezuo.reports.services.report import build_report
from tests.base import BaseTestCase

PROGRAMS = {"对口支援", "援疆", "援青", "援藏", "东西部协作"}


def write(directory, name, text):
    path = Path(directory) / name
    path.write_text(text, encoding="utf-8")
    return path


class TemplateParsingTestCase(BaseTestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp()

    def refused(self, line, number=2):
        write(self.dir, "对口支援.txt", f"# 注释\n{line}\n")
        with self.assertRaises(TemplateError) as caught:
            load_template("对口支援", PROGRAMS, self.dir)
        message = str(caught.exception)
        self.assertIn("报告模板“对口支援.txt”", message)
        self.assertIn(f"第{number}行", message)
        return message

    def test_it_rejects_an_unknown_measure(self):
        self.assertIn("未知的指标“fund”", self.refused("投入资金{援疆/fund}。"))

    def test_it_rejects_an_unknown_program(self):
        self.assertIn("未知的工作类别“援火星”", self.refused("投入资金{援火星/funds_arranged}。"))

    def test_it_rejects_an_unknown_format(self):
        self.assertIn("未知的格式“大约”", self.refused("投入资金{funds_arranged:大约}。"))

    def test_it_rejects_unbalanced_braces(self):
        self.assertIn("花括号不成对", self.refused("投入资金{funds_arranged。"))

    def test_it_rejects_a_malformed_placeholder(self):
        self.assertIn("写法有误", self.refused("投入资金{援疆/funds arranged}。"))

    def test_it_rejects_unbalanced_clause_brackets(self):
        self.assertIn("方括号不成对（缺少“]”）", self.refused("{全市}[投入资金{funds_arranged}。"))
        self.assertIn("方括号不成对（多了“]”）", self.refused("{全市}投入资金{funds_arranged}]。"))

    def test_it_rejects_an_unknown_word(self):
        self.assertIn("未知的词“{全省}”", self.refused("{全省}投入资金{funds_arranged}。"))

    def test_it_rejects_a_program_on_a_word_that_takes_none(self):
        self.assertIn("“{援疆/全市}”不带工作类别", self.refused("{援疆/全市}投入资金{funds_arranged}。"))

    def test_a_template_is_read_from_its_text_as_an_editor_would_preview_it(self):
        template = sentences.parse_text("# 注释\n{全市}[投入资金{援疆/funds_arranged}][，安排项目{援疆/projects}]。\n",
                                        "对口支援", PROGRAMS)
        line = template.lines[0]
        self.assertEqual([p.measure for p in line.placeholders], ["funds_arranged", "projects"])
        self.assertEqual(line.items[0], sentences.Word("全市"))
        self.assertEqual([type(item).__name__ for item in line.items], ["Word", "Clause", "Clause", "str"])
        with self.assertRaises(TemplateError) as caught:
            sentences.parse_text("一句{援疆/projects}。\n\n坏的一句{援疆/projects:超过}。\n", "对口支援", PROGRAMS)
        self.assertIn("报告模板“对口支援.txt”第3行：未知的格式“超过”", str(caught.exception))

    def test_it_reads_headings_sentences_and_placeholders(self):
        write(self.dir, "对口支援.txt", "## 援疆\n安排项目{援疆/projects}，资金{funds_arranged:超}{funds_arranged:同比}。\n")
        template = load_template("对口支援", PROGRAMS, self.dir)
        self.assertEqual([line.kind for line in template.lines], ["heading", "sentence"])
        self.assertEqual([(p.program, p.measure, p.style) for p in template.lines[1].placeholders],
                         [("援疆", "projects", ""), ("对口支援", "funds_arranged", "超"), ("对口支援", "funds_arranged", "同比")])

    def test_the_packaged_templates_are_valid(self):
        from hezuo.org.models import Program

        names = set(Program.objects.values_list("name", flat=True))
        for path in sentences.DEFAULT_DIR.glob("*.txt"):
            with self.subTest(path.name):
                self.assertIsNotNone(load_template(path.stem, names, sentences.DEFAULT_DIR))


class TemplateSentencesTestCase(BaseTestCase):
    """Base data: 南浔 has one 援疆 project with 120万 arranged, 8 expert person-times; 援青 has nothing."""

    def setUp(self):
        self.dir = tempfile.mkdtemp()

    def test_a_sentence_with_a_zero_figure_is_left_out(self):
        write(self.dir, "对口支援.txt",
              "安排援疆项目{援疆/projects}，投入资金{援疆/funds_arranged}；\n"
              "投入援青资金{援青/funds_arranged}，安排援青项目{援青/projects}；\n"
              "派出专家{援疆/dispatch_person_times}。\n")
        report = build_report(access.CONSOLE, 2024, template_dir=self.dir)
        text = report.text()
        self.assertIn("安排援疆项目1个，投入资金120万元；派出专家8人次。", text)
        section = text.split("（二）")[0]
        self.assertNotIn("援青", section)
        self.assertNotIn("资金0", section)
        self.assertNotIn("项目0", section)
        self.assertIn("援疆资金尚未拨付：安排120万元，至年底未有拨付记录。", text)

    def test_a_zero_figure_drops_its_clause_not_the_sentence(self):
        write(self.dir, "对口支援.txt",
              "{全市}投入援疆资金{援疆/funds_arranged}[，安排援青项目{援青/projects}][，派出专家{援疆/dispatch_person_times}]。\n")
        text = build_report(access.CONSOLE, 2024, template_dir=self.dir).text()
        self.assertIn("全市投入援疆资金120万元，派出专家8人次。", text)

    def test_a_sentence_whose_first_clause_drops_reads_on_without_a_stray_comma(self):
        write(self.dir, "对口支援.txt", "{全市}[投入援青资金{援青/funds_arranged}][，安排援疆项目{援疆/projects}]。\n")
        self.assertIn("全市安排援疆项目1个。", build_report(access.CONSOLE, 2024, template_dir=self.dir).text())

    def test_a_sentence_whose_clauses_all_drop_is_left_out(self):
        write(self.dir, "对口支援.txt",
              "{全市}[投入援青资金{援青/funds_arranged}][，安排援青项目{援青/projects}]。\n"
              "安排援疆项目{援疆/projects}。\n")
        text = build_report(access.CONSOLE, 2024, template_dir=self.dir).text()
        self.assertIn("（一）对口支援\n安排援疆项目1个。", text)
        self.assertNotIn("全市。", text)

    def test_the_last_kept_sentence_ends_the_paragraph(self):
        write(self.dir, "对口支援.txt", "安排援疆项目{援疆/projects}，\n投入援青资金{援青/funds_arranged}。\n")
        self.assertIn("安排援疆项目1个。", build_report(access.CONSOLE, 2024, template_dir=self.dir).text())

    def test_a_sub_heading_without_sentences_is_left_out(self):
        write(self.dir, "对口支援.txt", "## 援青\n投入援青资金{援青/funds_arranged}。\n## 援疆\n投入援疆资金{援疆/funds_arranged:超}。\n")
        text = build_report(access.CONSOLE, 2024, template_dir=self.dir).text()
        self.assertIn("1.援疆\n投入援疆资金120万元。", text)
        self.assertNotIn("援青", text)

    def test_suspended_projects_are_listed_as_a_problem(self):
        project = self.own["projects"]
        project.status = project.Status.SUSPENDED
        project.save()
        text = build_report(access.CONSOLE, 2024, template_dir=self.dir).text()
        self.assertIn("2024年度有1个项目已终止（南浔示范项目），需分析原因、做好资金收回或调整。", text)

    def test_the_directory_setting_overrides_the_packaged_wording(self):
        write(self.dir, "对口支援.txt", "本年共有援疆项目{援疆/projects}。\n")
        with override_settings(HEZUO_REPORT_TEMPLATES_DIR=self.dir):
            text = build_report(access.CONSOLE, 2024).text()
        self.assertIn("本年共有援疆项目1个。", text)

    def test_a_family_without_a_template_gets_a_placeholder(self):
        text = build_report(access.CONSOLE, 2024, template_dir=self.dir).text()
        self.assertIn("【请填写：对口支援工作情况（未找到该类别的句式模板）。】", text)

    def test_the_command_reports_a_bad_template_in_chinese(self):
        write(self.dir, "对口支援.txt", "正常一句{援疆/projects}。\n错误一句{援疆/nothing}。\n")
        out = Path(self.dir) / "summary.docx"
        with override_settings(HEZUO_REPORT_TEMPLATES_DIR=self.dir):
            with self.assertRaises(CommandError) as caught:
                call_command("report", year=2024, format="docx", output=str(out), stdout=io.StringIO())
        self.assertIn("报告模板“对口支援.txt”第2行：未知的指标“nothing”", str(caught.exception))
        self.assertFalse(out.exists())

    def test_the_page_reports_a_bad_template_in_chinese(self):
        write(self.dir, "对口支援.txt", "错误一句{援疆/projects:超过}。\n")
        self.client.force_login(self.alice)
        with override_settings(HEZUO_REPORT_TEMPLATES_DIR=self.dir):
            response = self.client.get("/reports/?year=2024")
        self.assertContains(response, "报告模板“对口支援.txt”第1行：未知的格式“超过”", status_code=500)


class OfficeWordTemplateTestCase(BaseTestCase):
    def test_an_offices_own_docx_gives_the_look(self):
        import docx
        from docx.shared import Mm

        from hezuo.reports.services import render

        directory = Path(tempfile.mkdtemp())
        own = docx.Document()
        own.sections[0].page_width = Mm(200)
        own.sections[0].header.paragraphs[0].text = "湖州市区域合作办文件"
        own.add_paragraph("模板里的示例正文")
        own.save(directory / "office.docx")
        with override_settings(HEZUO_REPORT_DOCX_TEMPLATE=str(directory / "office.docx")):
            render.to_docx(build_report(access.CONSOLE, 2024), directory / "out.docx")
        written = docx.Document(str(directory / "out.docx"))
        self.assertEqual(round(written.sections[0].page_width.mm), 200)
        self.assertEqual(written.sections[0].header.paragraphs[0].text, "湖州市区域合作办文件")
        texts = [p.text for p in written.paragraphs]
        self.assertNotIn("模板里的示例正文", texts)
        self.assertEqual(texts[0], "湖州市区域合作办2024年工作总结")
