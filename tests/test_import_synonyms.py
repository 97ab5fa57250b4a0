"""Words offices write: every choice column takes its labels and the built-in synonyms
(在建 → 实施中, 拨付资金 → 拨付), listed in the template's 填写说明; a word that is none of
them is refused with the closest values suggested; `hezuo import --map` and `--map-file` say
once what an office's own word means; a mapping the file does not use is reported, and
nothing is ever guessed."""

import io
from contextlib import redirect_stderr

import openpyxl
from django.core.management import call_command
from django.test import SimpleTestCase
from django.core.management.base import CommandError

from hezuo.assistance.models import ConsumptionRecord
from hezuo.exchanges.models import Activity, Dispatch
from hezuo.imports.mapping import MappingError, parse_mapping
from hezuo.imports.models import ImportRecord
from hezuo.imports.services.exporter import export_workbook
from hezuo.org.models import Unit
from hezuo.projects.models import FundRecord, Project
from tests.test_import_bad_input import FUND_HEADER, PROJECT_HEADER, WorkbookTestCase


class SynonymTestCase(WorkbookTestCase):
    def test_built_in_synonyms_of_every_field_import_as_their_label(self):
        path = self.workbook({
            "项目": [PROJECT_HEADER, self.project_row("NX-1", 状态="在建"), self.project_row("NX-2", 状态="竣工"),
                   self.project_row("NX-3", 状态="前期", 项目类别="产业"), self.project_row("NX-4", 状态="进行中")],
            "资金": [FUND_HEADER, ["NX-1", "2024-03-05", "拨付资金", 10, "财政资金"]],
            "人员派遣": [["批次名称", "人员类型", "工作类别", "派出单位", "派往地区", "开始日期", "人次"],
                     ["第一批", "专技人才", "援疆", "南浔区", "652929", "2024-03-01", 3]],
            "交流活动": [["活动名称", "活动类型", "工作类别", "主办单位", "日期"], ["赴柯坪考察", "考察交流", "援疆", "南浔区", "2024-04-01"]],
            "消费帮扶": [["日期", "工作类别", "实施单位", "产地", "产品名称", "销售渠道", "金额（万元）"],
                     ["2024-05-01", "援疆", "南浔区", "652929", "核桃", "机关食堂", 3]],
        })
        result = self.run_import(path)
        self.assertTrue(result.ok, [str(p) for p in result.problems])
        self.assertEqual(dict(Project.objects.filter(code__startswith="NX-").values_list("code", "status")),
                         {"NX-1": "active", "NX-2": "completed", "NX-3": "planned", "NX-4": "active"})
        self.assertEqual(Project.objects.get(code="NX-3").category, "industry")
        fund = FundRecord.objects.get(project__code="NX-1")
        self.assertEqual((fund.stage, fund.source), ("disbursed", "fiscal_aid"))
        self.assertEqual(Dispatch.objects.get(batch_name="第一批").kind, "professional")
        self.assertEqual(Activity.objects.get(name="赴柯坪考察").kind, "inspection")
        self.assertEqual(ConsumptionRecord.objects.get(product="核桃").channel, "canteen")

    def test_an_unknown_word_is_refused_with_the_closest_values_suggested(self):
        path = self.workbook({"项目": [PROJECT_HEADER, self.project_row("NX-1", 状态="在见"),
                                     self.project_row("NX-2", 状态="完成了"), self.project_row("NX-3", 状态="abc")]})
        text = "\n".join(str(p) for p in self.run_import(path).problems)
        self.assertIn("第2行 I列（状态）：“在见”不是可选值，应为：谋划中、实施中、已完工、已终止。是否为：实施中？", text)
        self.assertIn("第3行 I列（状态）：“完成了”不是可选值，应为：谋划中、实施中、已完工、已终止。是否为：已完工？", text)
        self.assertIn("第4行 I列（状态）：“abc”不是可选值，应为：谋划中、实施中、已完工、已终止", text)
        self.assertFalse(Project.objects.filter(code__startswith="NX-").exists())

    def test_the_template_lists_the_synonyms(self):
        path = self.dir / "template.xlsx"
        export_workbook(path, blank=True)
        rows = list(openpyxl.load_workbook(path)["填写说明"].iter_rows(values_only=True))
        status = next(r for r in rows if r[:2] == ("项目", "状态"))
        self.assertIn("在建、建设中、施工中、进行中", status[3])
        self.assertIn("（即实施中）", status[3])
        stage = next(r for r in rows if r[:2] == ("资金", "环节"))
        self.assertIn("拨付资金", stage[3])


class MappingTestCase(WorkbookTestCase):
    def command(self, path, *args):
        out, err = io.StringIO(), io.StringIO()
        try:
            with redirect_stderr(err):
                call_command("import", str(path), *args, stdout=out, stderr=err)
            code = 0
        except SystemExit as exit:
            code = exit.code
        return code, out.getvalue(), err.getvalue()

    def test_a_mapping_says_once_what_an_offices_word_means(self):
        path = self.workbook({
            "单位": [["单位名称", "上级单位", "类型"], ["南浔区援疆工作队", "南浔区", "前指"]],
            "项目": [PROJECT_HEADER, self.project_row("NX-1", 状态="开工建设"), self.project_row("NX-2", 状态="开工建设")],
            "资金": [FUND_HEADER, ["NX-1", "2024-03-05", "安排", 10, "省级资金"]],
        })
        code, out, err = self.command(path, "--map", "单位.类型:前指=前方指挥部/工作队", "--map", "项目.状态:开工建设=实施中",
                                      "--map", "资金.资金来源:省级资金=省定财政性援建资金")
        self.assertEqual(code, 0, err)
        self.assertEqual(Unit.objects.get(name="南浔区援疆工作队").kind, "command")
        self.assertEqual(set(Project.objects.filter(code__startswith="NX-").values_list("status", flat=True)), {"active"})
        self.assertEqual(FundRecord.objects.get(project__code="NX-1").source, "provincial")
        self.assertEqual(ImportRecord.objects.latest("pk").mappings, [
            "单位.类型:前指=前方指挥部/工作队", "项目.状态:开工建设=实施中", "资金.资金来源:省级资金=省定财政性援建资金"])

    def test_a_name_can_be_mapped_too_and_a_map_file_holds_many(self):
        words = self.dir / "words.txt"
        words.write_text("# 本办的说法\n项目.实施单位:南浔=南浔区\n项目.状态:开工建设=实施中  # 开工即实施\n\n", encoding="utf-8")
        path = self.workbook({"项目": [PROJECT_HEADER, self.project_row("NX-1", 实施单位="南浔", 状态="开工建设")]})
        code, _out, err = self.command(path, "--map-file", str(words))
        self.assertEqual(code, 0, err)
        project = Project.objects.get(code="NX-1")
        self.assertEqual((project.unit.name, project.status), ("南浔区", "active"))

    def test_a_mapping_the_file_does_not_use_is_reported_not_an_error(self):
        path = self.workbook({"项目": [PROJECT_HEADER, self.project_row("NX-1")]})
        code, out, err = self.command(path, "--map", "项目.状态:开工建设=实施中", "--map", "单位.类型:市级=区域合作办")
        self.assertEqual(code, 0, err)
        self.assertIn("提示：映射“项目.状态:开工建设=实施中”未用到：文件中没有这个值", out)
        self.assertIn("提示：映射“单位.类型:市级=区域合作办”未用到", out)

    def test_a_csv_is_mapped_by_the_sheet_it_is_recognised_as(self):
        path = self.dir / "projects.csv"
        rows = [PROJECT_HEADER, self.project_row("NX-1", 状态="开工建设")]
        path.write_text("\n".join(",".join(str(c) for c in row) for row in rows) + "\n", encoding="utf-8")
        code, _out, err = self.command(path, "--map", "项目.状态:开工建设=实施中")
        self.assertEqual(code, 0, err)
        self.assertEqual(Project.objects.get(code="NX-1").status, "active")

    def test_a_mapping_never_guesses(self):
        path = self.workbook({"项目": [PROJECT_HEADER, self.project_row("NX-1", 状态="开工建设"),
                                     self.project_row("NX-2", 状态="开工")]})
        code, _out, err = self.command(path, "--map", "项目.状态:开工建设=实施中")
        self.assertEqual(code, 1)
        self.assertIn("第3行 I列（状态）：“开工”不是可选值", err)
        self.assertNotIn("第2行", err)
        self.assertFalse(Project.objects.filter(code__startswith="NX-").exists())

    def test_a_mapping_to_what_the_column_does_not_take_is_an_error(self):
        path = self.workbook({"项目": [PROJECT_HEADER, self.project_row("NX-1")]})
        for mapping, message in (
            ("项目.状态:开工建设=在建中", "映射“项目.状态:开工建设=在建中”有误：“在建中”不是“状态”的可选值，应为：谋划中、实施中、已完工、已终止"),
            ("项目.阶段:开工=实施中", "工作表“项目”没有“阶段”列"),
            ("工程.状态:开工=实施中", "没有名为“工程”的工作表"),
            ("项目.年度:今年=2024", "“年度”列不是可选值或名称列，不能映射"),
        ):
            with self.subTest(mapping):
                code, _out, err = self.command(path, "--map", mapping)
                self.assertEqual(code, 1)
                self.assertIn(message, err)
        self.assertFalse(Project.objects.filter(code__startswith="NX-").exists())

    def test_a_mapping_not_in_the_form_is_refused_before_anything_is_read(self):
        with self.assertRaisesMessage(CommandError, "格式应为“工作表.列名:文件中的值=系统中的值”"):
            call_command("import", str(self.dir / "none.xlsx"), "--map", "状态=实施中")
        with self.assertRaises(MappingError):
            parse_mapping("项目.状态:=实施中")
        self.assertEqual(str(parse_mapping(" 园区·飞地.类型 : 飞地 = 产业飞地 ")), "园区·飞地.类型:飞地=产业飞地")


class NameSuggestionTestCase(WorkbookTestCase):
    def test_an_unknown_unit_or_program_name_suggests_the_closest_never_takes_it(self):
        path = self.workbook({"项目": [PROJECT_HEADER, self.project_row("NX-1", 实施单位="南浔", 工作类别="援彊")]})
        text = "\n".join(str(p) for p in self.run_import(path).problems)
        self.assertIn("没有名为“南浔”的单位（可在“单位”工作表中新增）。是否为：南浔区", text)
        program = next(line for line in text.splitlines() if "援彊" in line)
        self.assertIn("没有名为“援彊”的工作类别。是否为：", program)
        self.assertIn("援疆", program.split("是否为：")[1])
        self.assertFalse(Project.objects.filter(code="NX-1").exists())

    def test_a_reporter_is_never_shown_another_units_project_code(self):
        theirs = Project.objects.exclude(unit__path__startswith=self.nanxun.path).first()
        path = self.workbook({"资金": [FUND_HEADER, [theirs.code[:-1], "2024-03-05", "安排", 1, "财政援助资金"]]})
        text = "\n".join(str(p) for p in self.run_import(path, self.bob).problems)
        self.assertIn(f"您的数据范围内没有编号为“{theirs.code[:-1]}”的项目（可在“项目”工作表中新增）", text)
        self.assertNotIn("是否为", text)


class KeptMappingsTestCase(WorkbookTestCase):
    def test_a_rerun_of_an_interrupted_import_uses_the_same_mappings(self):
        from hezuo.imports.services.pipeline import keep_file, rerun, run_import

        path = self.workbook({"项目": [PROJECT_HEADER, self.project_row("NX-1", 状态="开工建设")]})
        record = keep_file(path, self.alice, mappings=[parse_mapping("项目.状态:开工建设=实施中")])
        ImportRecord.objects.filter(pk=record.pk).update(status=ImportRecord.Status.FAILED, error="进程中止")
        again, created = rerun(ImportRecord.objects.get(pk=record.pk), self.alice)
        self.assertTrue(created)
        self.assertEqual(again.mappings, ["项目.状态:开工建设=实施中"])
        result = run_import(again)
        self.assertTrue(result.ok, [str(p) for p in result.problems])
        self.assertEqual(Project.objects.get(code="NX-1").status, "active")


class MappingFileEncodingTestCase(SimpleTestCase):
    def test_a_mapping_file_saved_by_notepad_in_gb18030_with_full_width_punctuation_is_read(self):
        import tempfile

        from hezuo.imports.mapping import parse_mappings

        with tempfile.NamedTemporaryFile("wb", suffix=".txt", delete=False) as f:
            f.write("# 本单位的写法\n单位．类型：市级＝区域合作办\n".encode("gb18030"))
        self.assertEqual([str(m) for m in parse_mappings(files=[f.name])], ["单位.类型:市级=区域合作办"])
