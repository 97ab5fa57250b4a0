"""Two people open the same record; the first to save wins, the second is told who got
there first instead of silently overwriting them (optimistic locking on `version`)."""

from django.test import Client
from django.urls import reverse

from hezuo.projects.models import Project
from tests.base import BaseTestCase
from tests.record_data import form_data


class ConcurrentEditTestCase(BaseTestCase):
    def setUp(self):
        self.project = self.own["projects"]
        self.edit_url = reverse("projects:edit", args=[self.project.pk])
        self.delete_url = reverse("projects:delete", args=[self.project.pk])
        self.alices_browser = Client()
        self.alices_browser.force_login(self.alice)
        self.bobs_browser = Client()
        self.bobs_browser.force_login(self.bob)

    def open_edit_form(self, browser):
        """What the browser will post back: the form's values and the version it was opened at."""
        r = browser.get(self.edit_url)
        self.assertEqual(r.status_code, 200)
        self.assertContains(r, f'<input type="hidden" name="version" value="{self.project.version}">', html=True)
        return form_data(self.project)

    def test_the_second_save_is_refused_and_names_who_changed_it(self):
        alices_form = self.open_edit_form(self.alices_browser)
        bobs_form = self.open_edit_form(self.bobs_browser)

        r = self.alices_browser.post(self.edit_url, {**alices_form, "name": "南浔示范项目（市里改）"})
        self.assertEqual(r.status_code, 302)

        r = self.bobs_browser.post(self.edit_url, {**bobs_form, "name": "南浔示范项目（区里改）"})
        self.assertEqual(r.status_code, 409)
        self.assertContains(r, "保存失败：这条记录已被 Alice 于", status_code=409)
        self.assertContains(r, "为避免覆盖他人的修改，请重新打开后再编辑。", status_code=409)

        project = Project.objects.get(pk=self.project.pk)
        self.assertEqual(project.name, "南浔示范项目（市里改）")
        self.assertEqual((project.version, project.updated_by), (self.project.version + 1, self.alice))

    def test_the_second_save_is_refused_again_until_the_form_is_reopened(self):
        bobs_form = self.open_edit_form(self.bobs_browser)
        self.alices_browser.post(self.edit_url, {**self.open_edit_form(self.alices_browser), "name": "市里改"})

        r = self.bobs_browser.post(self.edit_url, {**bobs_form, "name": "区里改"})
        self.assertEqual(r.status_code, 409)
        r = self.bobs_browser.post(self.edit_url, {**bobs_form, "name": "区里改", "version": r.context["version"]})
        self.assertEqual(r.status_code, 409)

        fresh_form = form_data(Project.objects.get(pk=self.project.pk))
        r = self.bobs_browser.post(self.edit_url, {**fresh_form, "name": "区里改"})
        self.assertEqual(r.status_code, 302)
        self.assertEqual(Project.objects.get(pk=self.project.pk).name, "区里改")

    def test_a_delete_from_a_stale_page_is_refused(self):
        r = self.bobs_browser.get(self.delete_url)
        self.assertContains(r, f'<input type="hidden" name="version" value="{self.project.version}">', html=True)

        r = self.alices_browser.post(self.edit_url, {**self.open_edit_form(self.alices_browser), "name": "市里改"})
        self.assertEqual(r.status_code, 302)

        r = self.bobs_browser.post(self.delete_url, {"version": self.project.version})
        self.assertEqual(r.status_code, 409)
        self.assertContains(r, "删除失败：这条记录已被 Alice 于", status_code=409)
        self.assertContains(r, "请重新打开，看过修改后的内容再决定是否删除。", status_code=409)

        project = Project.objects.get(pk=self.project.pk)
        self.assertEqual(project.name, "市里改")
        self.assertTrue(project.funds.exists())

    def test_a_delete_from_a_current_page_goes_through(self):
        r = self.bobs_browser.post(self.delete_url, {"version": self.project.version})
        self.assertRedirects(r, reverse("projects:list"), fetch_redirect_response=False)
        self.assertFalse(Project.objects.filter(pk=self.project.pk).exists())

    def test_a_garbled_version_is_refused_not_crashed(self):
        for garbled in ("abc", "", "1.5"):
            with self.subTest(version=garbled):
                r = self.bobs_browser.post(self.edit_url, {**form_data(self.project), "name": "乱改", "version": garbled})
                self.assertEqual(r.status_code, 409)
                r = self.bobs_browser.post(self.delete_url, {"version": garbled})
                self.assertEqual(r.status_code, 409)
        project = Project.objects.get(pk=self.project.pk)
        self.assertEqual((project.name, project.version), ("南浔示范项目", self.project.version))
