"""Error pages (403, 404, 500, CSRF failure) speak Chinese, keep the site's layout and
navigation, and say what to do next. The 500 page needs neither the database nor the context
processors, which may be what failed."""

from unittest import mock

from django.db import connection
from django.test import Client, RequestFactory, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import strip_tags

from hezuo.core import errors
from tests.base import BaseTestCase


class Unreadable:
    """A user or session that fails when anything reads it, as when the database is down."""

    def __getattr__(self, name):
        raise AssertionError(f"the 500 page read {name}")


def text(response):
    return strip_tags(response.content.decode())


class ErrorPagesTestCase(BaseTestCase):
    def assertInLayout(self, r, *shown):
        page = text(r)
        self.assertIn("区域合作工作平台", page)
        self.assertIn("您可以", page)
        self.assertIn("回到工作台", page)
        for words in shown:
            self.assertIn(words, page)

    def test_404_keeps_the_menu_and_points_to_the_trash(self):
        self.client.force_login(self.bob)
        r = self.client.get("/no-such-page/")
        self.assertEqual(r.status_code, 404)
        self.assertInLayout(r, "页面不存在", "不在您的数据范围内", "回收站保留 30 天", "▤ 项目")
        self.assertContains(r, 'aria-label="主菜单"', status_code=404)
        self.assertContains(r, f'href="{reverse("trash:list")}"', status_code=404)

    def test_a_record_outside_the_scope_is_the_same_404(self):
        self.client.force_login(self.bob)
        r = self.client.get(reverse("projects:detail", args=[self.other["projects"].pk]))
        self.assertEqual(r.status_code, 404)
        self.assertInLayout(r, "页面不存在")

    def test_403_says_who_grants_a_role(self):
        self.client.force_login(self.lily)
        r = self.client.get(reverse("projects:edit", args=[self.own["projects"].pk]))
        self.assertEqual(r.status_code, 403)
        self.assertInLayout(r, "没有权限", "安全管理员", "◈ 驾驶舱")

    def test_a_link_back_only_to_this_site(self):
        self.client.force_login(self.bob)
        r = self.client.get("/no-such-page/", headers={"referer": "http://testserver/projects/?q=1"})
        self.assertContains(r, '<a href="http://testserver/projects/?q=1">返回上一页</a>', status_code=404, html=True)
        r = self.client.get("/no-such-page/", headers={"referer": "http://example.com/"})
        self.assertNotContains(r, "返回上一页", status_code=404)

    def test_csrf_failure_keeps_the_menu_and_says_to_refresh(self):
        client = Client(enforce_csrf_checks=True)
        client.force_login(self.bob)
        r = client.post(reverse("projects:create"), {"name": "x"})
        self.assertEqual(r.status_code, 403)
        self.assertInLayout(r, "页面已过期", "刷新后重新提交", "重新登录", "▤ 项目")
        self.assertNotIn("CSRF", text(r))

    @override_settings(ROOT_URLCONF="tests.urls_failing")
    def test_500_is_chinese_with_an_error_number_and_a_fixed_menu(self):
        client = Client(raise_request_exception=False)
        client.force_login(self.bob)
        with self.assertLogs("hezuo.errors", "ERROR") as logged:
            r = client.get("/fails/")
        self.assertEqual(r.status_code, 500)
        self.assertInLayout(r, "系统出错", "错误编号", "请联系系统管理员")
        number = logged.records[0].args[0]
        self.assertIn(f"错误编号 {number}", text(r))
        self.assertIn("/fails/", logged.output[0])
        self.assertContains(r, "⌂ 工作台", status_code=500)
        self.assertNotContains(r, "▤ 项目", status_code=500)  # the menu needs the database: not drawn

    def test_500_reads_no_database_and_no_context_processor(self):
        request = RequestFactory().get("/projects/", headers={"referer": "http://testserver/"})
        request.user = request.session = Unreadable()
        broken = mock.patch("hezuo.core.context_processors.navigation", side_effect=RuntimeError("broken"))
        with broken, CaptureQueriesContext(connection) as queries, self.assertLogs("hezuo.errors", "ERROR"):
            r = errors.server_error(request)
        self.assertEqual(len(queries), 0)
        self.assertEqual(r.status_code, 500)
        self.assertIn("系统出错", text(r))
        self.assertIn("返回上一页", text(r))
