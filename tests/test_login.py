"""Signing in: a Chinese login page and every other page behind it. Lockout after wrong
passwords: tests/test_sign_in_lockout.py."""

from django.urls import reverse

from hezuo.core.kinds import REGISTRY
from tests.base import PASSWORD, BaseTestCase


class LoginTestCase(BaseTestCase):
    def setUp(self):
        self.login_url = reverse("accounts:login")

    def sign_in(self, username, password, client=None, **extra):
        client = client or self.client
        return client.post(self.login_url, {"username": username, "password": password}, **extra)

    def signed_in_as(self, client=None):
        r = (client or self.client).get(reverse("home"))
        return r.context["user"].username if r.status_code == 200 else None

    def test_the_login_page_is_in_chinese(self):
        r = self.client.get(self.login_url)
        self.assertEqual(r.status_code, 200)
        self.assertContains(r, '<html lang="zh-Hans">')
        self.assertContains(r, "<h1>登录区域合作工作平台</h1>", html=True)
        self.assertContains(r, '<label for="id_username">用户名</label>', html=True)
        self.assertContains(r, '<label for="id_password">密码</label>', html=True)
        self.assertContains(r, '<button class="button primary wide" type="submit">登录</button>', html=True)

    def test_anonymous_visitors_are_sent_to_the_login_page(self):
        urls = [reverse("home"), reverse("audit:changes"), reverse("accounts:users")]
        urls += [reverse(f"{slug}:list") for slug in REGISTRY]
        urls += [reverse(f"{slug}:create") for slug in REGISTRY]
        for url in urls:
            with self.subTest(url=url):
                r = self.client.get(url)
                self.assertRedirects(r, f"{self.login_url}?next={url}", fetch_redirect_response=False)

    def test_anonymous_visitors_cannot_post_either(self):
        project = self.own["projects"]
        r = self.client.post(reverse("projects:delete", args=[project.pk]), {"version": project.version})
        self.assertRedirects(r, f"{self.login_url}?next={reverse('projects:delete', args=[project.pk])}",
                             fetch_redirect_response=False)
        self.assertTrue(type(project).objects.filter(pk=project.pk).exists())

    def test_the_health_check_needs_no_login(self):
        self.assertEqual(self.client.get(reverse("healthz")).status_code, 200)

    def test_the_right_password_signs_in(self):
        r = self.sign_in("bob", PASSWORD)
        self.assertRedirects(r, reverse("home"), fetch_redirect_response=False)
        self.assertEqual(self.signed_in_as(), "bob")

    def test_it_returns_to_the_page_asked_for(self):
        r = self.client.post(f"{self.login_url}?next=/projects/",
                             {"username": "bob", "password": PASSWORD, "next": "/projects/"})
        self.assertRedirects(r, "/projects/", fetch_redirect_response=False)

    def test_a_wrong_password_is_refused_in_chinese(self):
        r = self.sign_in("bob", "wrong-password")
        self.assertEqual(r.status_code, 200)
        self.assertContains(r, "用户名或密码不正确，请重新输入。连续失败 5 次将锁定 15 分钟。")
        self.assertIsNone(self.signed_in_as())
