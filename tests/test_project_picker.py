"""A fund's project is picked by typing its code or name (suggestions from the user's own
projects, a handful at a time) instead of a dropdown of every project; a reporter whose
scope is one unit finds it preselected."""

from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import strip_tags

from hezuo.core.entry import PICK_SHOWN
from hezuo.projects.models import FundRecord
from tests.base import BaseTestCase
from tests.record_data import copy_of


class ProjectPickerTestCase(BaseTestCase):
    def suggest(self, text):
        r = self.client.get(reverse("projects:suggest"), {"project": text},
                            headers={"HX-Request": "true"})
        self.assertEqual(r.status_code, 200)
        return r.content.decode()

    def fund_post(self, project_text, **changes):
        return self.client.post(reverse("funds:create"), {
            "project": project_text, "date": "2024-07-01", "stage": "arranged", "amount_0": "350万",
            "amount_1": "万元", "source": "fiscal_aid", "note": "", **changes})

    def test_the_fund_form_has_a_search_box_not_a_dropdown_of_every_project(self):
        self.client.force_login(self.alice)
        r = self.client.get(reverse("funds:create"))
        page = r.content.decode()
        self.assertNotIn('<select name="project"', page)
        self.assertIn(f'hx-get="{reverse("projects:suggest")}"', page)
        self.assertIn('list="id_project-list"', page)
        self.assertIn("输入项目编号或名称查找", page)

    def test_it_suggests_projects_by_code_or_name_within_the_scope(self):
        self.client.force_login(self.bob)
        own, other = self.own["projects"], self.other["projects"]
        self.assertIn(f'<option value="{own}">南浔区农业农村局 · 2024年</option>', self.suggest("南浔-0"))
        self.assertIn(f'value="{own}"', self.suggest("示范"))
        self.assertNotIn(str(other), self.suggest("示范"))  # 吴兴示范项目 is another district's
        self.assertNotIn(str(other), self.suggest("吴兴-001"))
        self.client.force_login(self.alice)
        self.assertIn(f'value="{other}"', self.suggest("吴兴-001"))

    def test_it_shows_a_handful_and_costs_the_same_however_many_match(self):
        self.client.force_login(self.alice)
        with CaptureQueriesContext(connection) as few:
            self.suggest("示范")
        for n in range(1, 30):
            copy_of(self.own["projects"], n)
        with CaptureQueriesContext(connection) as many:
            page = self.suggest("示范")
        self.assertEqual(page.count("<option"), PICK_SHOWN)
        self.assertEqual(len(many), len(few))

    def test_a_fund_is_saved_with_the_project_typed_as_code_or_as_suggested(self):
        self.client.force_login(self.bob)
        project = self.own["projects"]
        for typed in (project.code, str(project), project.name):
            with self.subTest(typed=typed):
                r = self.fund_post(typed)
                self.assertEqual(r.status_code, 302, strip_tags(r.content.decode())[-300:])
        self.assertEqual(FundRecord.objects.filter(project=project, amount=Decimal("3500000")).count(), 3)

    def test_another_units_project_reads_like_a_missing_one(self):
        self.client.force_login(self.bob)
        for typed in (self.other["projects"].code, "NX-404"):
            with self.subTest(typed=typed):
                r = self.fund_post(typed)
                self.assertEqual(r.status_code, 422)
                self.assertIn("项目：所选项目不存在或不在您的数据范围内，请从列表中选择", strip_tags(r.content.decode()))
        self.assertEqual(FundRecord.objects.count(), 2)

    def test_the_fund_page_of_a_project_starts_with_it_filled_in(self):
        self.client.force_login(self.bob)
        project = self.own["projects"]
        r = self.client.get(reverse("funds:create"), {"project": project.pk})
        self.assertContains(r, f'value="{project}"')

    def test_the_edit_form_shows_the_project_and_saves_unchanged(self):
        from tests.record_data import form_data

        self.client.force_login(self.bob)
        fund = self.own["funds"]
        data = form_data(fund)
        self.assertEqual(data["project"], str(fund.project))
        r = self.client.post(reverse("funds:edit", args=[fund.pk]), data)
        self.assertEqual(r.status_code, 302)


class OnlyChoiceTestCase(BaseTestCase):
    def test_a_reporter_with_one_unit_finds_it_preselected(self):
        self.client.force_login(self.charlie)  # 吴兴区 has no units below it
        r = self.client.get(reverse("projects:create"))
        self.assertContains(r, f'<option value="{self.wuxing.pk}" selected>吴兴区</option>', html=True)

    def test_a_reporter_with_several_units_chooses(self):
        self.client.force_login(self.bob)  # 南浔区 and 南浔区农业农村局
        r = self.client.get(reverse("projects:create"))
        self.assertNotContains(r, f'<option value="{self.nanxun.pk}" selected>', html=False)
        self.assertContains(r, '<option value="" selected>---------</option>', html=True)

    def test_a_city_officer_chooses_among_every_unit(self):
        self.client.force_login(self.alice)
        r = self.client.get(reverse("dispatches:create"))
        self.assertContains(r, '<option value="" selected>---------</option>', html=True)


class AmbiguousNameTestCase(BaseTestCase):
    def test_a_name_two_projects_share_asks_for_the_code(self):
        copy_of(self.own["projects"], 1, name="南浔示范项目")
        self.client.force_login(self.bob)
        r = self.client.post(reverse("funds:create"), {
            "project": "南浔示范项目", "date": "2024-07-01", "stage": "arranged", "amount_0": "1",
            "amount_1": "万元", "source": "fiscal_aid", "note": ""})
        self.assertEqual(r.status_code, 422)
        self.assertIn("项目：有多个名为“南浔示范项目”的项目，请从提示列表中选择带编号的一项", strip_tags(r.content.decode()))
