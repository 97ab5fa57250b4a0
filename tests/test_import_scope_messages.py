"""A refusal of something outside the user's scope says only that it is not theirs, never
whose it is: Bob (南浔区) importing or posting references to Charlie's (吴兴区) records is
told the sheet, row and column (or the field) and that it is outside his scope, in the same
words as for something that does not exist, wherever a unique key does not force saying
that it is taken — and nothing of Charlie's record: not his unit, nor its name, program,
partner region or figures."""

import datetime
import io

from django.urls import reverse
from django.utils.html import strip_tags
from openpyxl import load_workbook

from hezuo.exchanges.models import Cadre
from hezuo.imports.models import ImportRecord
from hezuo.parks.models import Enterprise, ParkFigure
from hezuo.projects.models import FundRecord, Project
from tests.base import BaseTestCase
from tests.record_data import form_data, new_record_data
from tests.test_import_bad_input import FUND_HEADER, PROJECT_HEADER, WorkbookTestCase
from tests.test_import_pages import ImportTestCase, workbook, xlsx_upload


class OtherUnitMixin:
    def other_record_words(self, dictionaries=True):
        """What of Charlie's records a message to Bob must not contain. A page also shows
        the dictionaries (every program and region), so only a message is checked for those."""
        other = self.other
        words = ["吴兴区", other["projects"].name, other["parks"].name, other["dispatches"].batch_name,
                 other["enterprises"].name, other["cadres"].name]
        return words + [self.east_west.name, self.guang_an.name] if dictionaries else words

    def assertTellsNothingOfTheOtherUnit(self, text, dictionaries=True):
        for word in self.other_record_words(dictionaries):
            self.assertNotIn(word, text)


class ImportScopeMessagesTestCase(OtherUnitMixin, WorkbookTestCase):
    def problems(self, sheets):
        result = self.run_import(self.workbook(sheets), user=self.bob)
        self.assertFalse(result.ok)
        self.assertEqual(self.record_counts(), self.counts)
        return result.problems

    def test_a_fund_of_another_units_project_is_refused_as_outside_the_scope_without_naming_its_unit(self):
        code = self.other["projects"].code
        problems = self.problems({"资金": [FUND_HEADER, [code, "2024-05-06", "安排", 120, "财政援助资金"]]})
        self.assertEqual([str(p) for p in problems], [
            f"工作表“资金” 第2行 A列（项目编号）：您的数据范围内没有编号为“{code}”的项目（可在“项目”工作表中新增）"])
        self.assertEqual(problems[0].value, code)
        self.assertTellsNothingOfTheOtherUnit(str(problems[0]) + repr(problems[0].as_dict()))

    def test_it_says_the_same_whether_the_project_is_another_units_or_does_not_exist(self):
        other, missing = self.other["projects"].code, "NX-404"
        problems = self.problems({"资金": [FUND_HEADER, [other, "2024-05-06", "安排", 1, "财政援助资金"],
                                            [missing, "2024-05-06", "安排", 1, "财政援助资金"]]})
        first, second = (str(p) for p in problems)
        self.assertEqual(first.replace(other, "X").replace("第2行", ""), second.replace(missing, "X").replace("第3行", ""))

    def test_a_project_row_with_another_units_code_says_the_code_is_taken_and_nothing_of_its_owner(self):
        code = self.other["projects"].code
        problems = self.problems({"项目": [PROJECT_HEADER, self.project_row(code)]})
        self.assertEqual([str(p) for p in problems], [
            f"工作表“项目” 第2行 A列（项目编号）：项目编号已被使用，该记录不在您的数据范围内，不能通过导入修改，值为“{code}”"])
        self.assertTellsNothingOfTheOtherUnit(repr(problems[0].as_dict()))
        self.assertEqual(Project.objects.get(code=code).unit, self.wuxing)

    def test_a_fund_row_matching_another_units_fund_exactly_is_refused_the_same_way(self):
        fund = self.other["funds"]
        row = [fund.project.code, fund.date, "安排", 120, "财政援助资金"]
        problems = self.problems({"资金": [FUND_HEADER, row]})
        self.assertEqual(len(problems), 1)
        self.assertIn("您的数据范围内没有编号为", str(problems[0]))
        self.assertTellsNothingOfTheOtherUnit(repr(problems[0].as_dict()))

    def test_a_unit_the_reporter_typed_is_named_only_as_typed(self):
        problems = self.problems({"项目": [PROJECT_HEADER, self.project_row("NX-9", 实施单位="吴兴区")]})
        self.assertEqual([str(p) for p in problems], [
            "工作表“项目” 第2行 D列（实施单位）：单位“吴兴区”不在您的数据范围内，您只能导入本单位及下属单位的数据"])

    def test_a_city_officer_is_told_plainly_that_a_project_does_not_exist(self):
        result = self.run_import(self.workbook({"资金": [FUND_HEADER, ["NX-404", "2024-05-06", "安排", 1, "财政援助资金"]]}),
                                 user=self.alice)
        self.assertIn("没有编号为“NX-404”的项目（可在“项目”工作表中新增）", str(result.problems[0]))
        self.assertNotIn("数据范围", str(result.problems[0]))


class ImportPageScopeMessagesTestCase(OtherUnitMixin, ImportTestCase):
    def test_the_import_page_and_its_error_report_tell_nothing_of_the_other_unit(self):
        code = self.other["projects"].code
        projects = [[code, "柯坪县湖州新村庭院改造", "援疆", "南浔区", "652929", "乡村振兴", 2024, 2838, "实施中", "否"]]
        funds = [[code, datetime.date(2024, 3, 15), "安排", 1000, "财政援助资金"]]
        r = self.upload(self.bob, xlsx_upload(workbook(projects, funds)))
        self.assertEqual(self.latest().status, ImportRecord.Status.FAILED)
        text = self.text(r)
        self.assertIn(f"项目 2 A 项目编号 {code} 项目编号已被使用，该记录不在您的数据范围内", text)
        self.assertTellsNothingOfTheOtherUnit(text, dictionaries=False)
        report = self.client.get(reverse("imports:problems", args=[self.latest().pk]))
        book = load_workbook(io.BytesIO(report.content))
        listing = " ".join(str(c.value) for row in book["错误清单"].iter_rows() for c in row)
        self.assertIn("不在您的数据范围内", listing)
        self.assertTellsNothingOfTheOtherUnit(listing)


class FormScopeMessagesTestCase(OtherUnitMixin, BaseTestCase):
    """Bob's forms, posted with Charlie's records picked by id."""

    def setUp(self):
        super().setUp()
        self.client.force_login(self.bob)

    def post(self, slug, data, obj=None):
        url = reverse(f"{slug}:edit", args=[obj.pk]) if obj else reverse(f"{slug}:create")
        r = self.client.post(url, data)
        self.assertEqual(r.status_code, 422, slug)
        return strip_tags(r.content.decode())

    def assertRefusedField(self, text, label):
        self.assertIn(f"所选{label}不存在或不在您的数据范围内，请从列表中选择", text)
        self.assertTellsNothingOfTheOtherUnit(text, dictionaries=False)

    def test_a_fund_of_another_units_project_is_refused_as_outside_the_scope(self):
        fund = self.own["funds"]
        before = FundRecord.objects.count()
        text = self.post("funds", {**new_record_data(fund), "project": self.other["projects"].pk})
        self.assertRefusedField(text, "项目")
        missing = self.post("funds", {**new_record_data(fund), "project": 999999})
        self.assertRefusedField(missing, "项目")
        self.post("funds", form_data(fund, project=self.other["projects"].pk), obj=fund)
        self.assertEqual(FundRecord.objects.count(), before)

    def test_a_cadre_of_another_units_dispatch_is_refused(self):
        text = self.post("cadres", {**new_record_data(self.own["cadres"]), "dispatch": self.other["dispatches"].pk})
        self.assertRefusedField(text, "派遣批次")
        self.assertFalse(Cadre.objects.filter(dispatch=self.other["dispatches"], name__startswith="南浔").exists())

    def test_an_enterprise_or_figure_of_another_units_park_is_refused(self):
        text = self.post("enterprises", {**new_record_data(self.own["enterprises"]), "park": self.other["parks"].pk})
        self.assertRefusedField(text, "所在园区")
        text = self.post("park-figures", {**new_record_data(self.own["park-figures"]), "park": self.other["parks"].pk,
                                          "enterprise": self.other["enterprises"].pk})
        self.assertRefusedField(text, "园区")
        self.assertRefusedField(text, "企业")
        self.assertFalse(Enterprise.objects.filter(park=self.other["parks"], name__startswith="南浔").exists())
        self.assertEqual(ParkFigure.objects.filter(park=self.other["parks"]).count(), 1)

    def test_a_project_of_another_unit_is_refused(self):
        text = self.post("projects", {**new_record_data(self.own["projects"]), "unit": self.wuxing.pk})
        self.assertRefusedField(text, "实施单位")

    def test_a_code_or_park_name_taken_by_another_unit_says_only_that_it_is_taken(self):
        text = self.post("projects", {**new_record_data(self.own["projects"]), "code": self.other["projects"].code})
        self.assertIn("项目编号：具有 项目编号 的 项目 已存在。", text)
        self.assertTellsNothingOfTheOtherUnit(text, dictionaries=False)
        text = self.post("parks", {**new_record_data(self.own["parks"]), "name": self.other["parks"].name})
        self.assertIn("名称：具有 名称 的 园区·飞地 已存在。", text)
        self.assertTellsNothingOfTheOtherUnit(text.replace(self.other["parks"].name, ""), dictionaries=False)
