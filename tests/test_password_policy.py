"""Passwords to 等保 2.0 level 3: at least 8 characters of 3 of the 4 kinds (upper, lower,
digit, symbol), none of the last 5, replaced every 90 days (HEZUO_PASSWORD_MAX_AGE_DAYS) and
at the first sign-in after an admin set it."""

import datetime

from auditlog.models import LogEntry
from django.contrib.auth.hashers import check_password
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from hezuo.accounts.models import PasswordHistory, User
from tests.base import PASSWORD, BaseTestCase

PASSWORD_URL = reverse("accounts:password")


class PasswordPolicyTestCase(BaseTestCase):
    def change(self, old, new):
        return self.client.post(PASSWORD_URL, {"old_password": old, "new_password1": new, "new_password2": new})

    def sign_in(self, username, password):
        return self.client.post(reverse("accounts:login"), {"username": username, "password": password})

    def test_it_refuses_weak_passwords(self):
        self.client.force_login(self.bob)
        for weak, message in [("leader12", "至少 3 类"), ("leaderleader", "至少 3 类"),
                              ("Ab1!", "密码太短，至少 8 位。"), ("abcdefgh1", "至少 3 类")]:
            with self.subTest(weak):
                self.assertContains(self.change(PASSWORD, weak), message, status_code=422)
        self.bob.refresh_from_db()
        self.assertTrue(self.bob.check_password(PASSWORD))

    def test_it_accepts_three_kinds_of_character(self):
        self.client.force_login(self.bob)
        old = PASSWORD
        for strong in ("Leader2024", "leader-2024", "LEADER-2024", "南浔区leader12"):
            with self.subTest(strong):
                self.assertRedirects(self.change(old, strong), reverse("home"), fetch_redirect_response=False)
                old = strong
        self.assertEqual(LogEntry.objects.filter(additional_data__event="password_changed").count(), 4)

    def test_it_refuses_the_current_password_and_the_four_before(self):
        self.client.force_login(self.bob)
        passwords = [PASSWORD, "Second-pw-1", "Third-pw-1", "Fourth-pw-1", "Fifth-pw-1"]
        for old, new in zip(passwords, passwords[1:]):
            self.assertEqual(self.change(old, new).status_code, 302)
        for used in passwords:
            with self.subTest(used):
                self.assertContains(self.change("Fifth-pw-1", used), "不能使用最近 5 次用过的密码", status_code=422)
        self.assertEqual(self.change("Fifth-pw-1", "Sixth-pw-1").status_code, 302)
        self.assertEqual(self.change("Sixth-pw-1", PASSWORD).status_code, 302, "six passwords ago")

    def test_it_keeps_only_hashes_of_the_last_five(self):
        self.client.force_login(self.bob)
        old = PASSWORD
        for n in range(7):
            new = f"Password-{n}"
            self.change(old, new)
            old = new
        history = PasswordHistory.objects.filter(user=self.bob)
        self.assertEqual(history.count(), 5)
        self.assertFalse(history.filter(password__contains="Password-").exists())
        self.assertTrue(check_password("Password-6", history.first().password))

    def test_a_password_set_by_the_admin_is_replaced_at_first_sign_in(self):
        self.client.force_login(self.adam)
        self.client.post(reverse("accounts:user_create"), {
            "username": "dora", "display_name": "Dora", "password": "Initial-2024!", "is_active": "on"})
        self.client.logout()

        r = self.sign_in("dora", "Initial-2024!")
        self.assertEqual(r.status_code, 302)
        r = self.client.get(reverse("home"))
        self.assertRedirects(r, PASSWORD_URL, fetch_redirect_response=False)
        self.assertContains(self.client.get(PASSWORD_URL), "您的密码由管理员设置，请先修改为只有您知道的密码。")
        self.assertEqual(self.change("Initial-2024!", "Dora-own-2024").status_code, 302)
        dora = User.objects.get(username="dora")
        self.assertFalse(dora.must_change_password)
        self.assertRedirects(self.client.get(reverse("home")), reverse("accounts:no_role"),
                             fetch_redirect_response=False)

    def test_a_password_reset_by_the_admin_is_replaced_and_audited(self):
        self.client.force_login(self.adam)
        r = self.client.post(reverse("accounts:user_edit", args=[self.bob.pk]), {
            "username": "bob", "display_name": "Bob", "is_active": "on", "password": "Reset-by-adam-1"})
        self.assertEqual(r.status_code, 302)
        reset = LogEntry.objects.get(additional_data__event="password_reset")
        self.assertEqual((reset.actor, reset.object_pk), (self.adam, str(self.bob.pk)))
        self.client.logout()
        self.sign_in("bob", "Reset-by-adam-1")
        asked = PASSWORD_URL + "?next=%2Fprojects%2F"
        self.assertRedirects(self.client.get(reverse("projects:list")), asked, fetch_redirect_response=False)
        strong = "Only-bob-knows-9"
        r = self.client.post(asked, {"old_password": "Reset-by-adam-1", "new_password1": strong,
                                     "new_password2": strong})
        self.assertRedirects(r, reverse("projects:list"), fetch_redirect_response=False)

    def test_a_password_older_than_90_days_is_replaced(self):
        User.objects.filter(pk=self.bob.pk).update(password_changed_at=timezone.now() - datetime.timedelta(days=89))
        self.sign_in("bob", PASSWORD)
        self.assertEqual(self.client.get(reverse("home")).status_code, 200)
        User.objects.filter(pk=self.bob.pk).update(password_changed_at=timezone.now() - datetime.timedelta(days=91))
        self.assertRedirects(self.client.get(reverse("home")), PASSWORD_URL, fetch_redirect_response=False)
        self.assertContains(self.client.get(PASSWORD_URL), "您的密码已超过 90 天未修改")
        self.change(PASSWORD, "Renewed-2024")
        self.assertEqual(self.client.get(reverse("home")).status_code, 200)

    @override_settings(HEZUO_PASSWORD_MAX_AGE_DAYS=30)
    def test_the_age_is_a_setting(self):
        User.objects.filter(pk=self.bob.pk).update(password_changed_at=timezone.now() - datetime.timedelta(days=31))
        self.sign_in("bob", PASSWORD)
        self.assertRedirects(self.client.get(reverse("home")), PASSWORD_URL, fetch_redirect_response=False)

    def test_users_made_by_fixtures_are_not_asked_to_change(self):
        for user in (self.alice, self.bob, self.lily, self.adam, self.sara, self.otto):
            self.assertFalse(user.must_replace_password(), user.username)


class PasswordPolicyPageTestCase(BaseTestCase):
    URL = reverse("accounts:password_policy")

    def test_the_security_admin_tightens_the_policy_and_it_is_audited(self):
        self.client.force_login(self.sara)
        r = self.client.post(self.URL, {"min_length": 12, "min_classes": 4, "history": 8, "max_age_days": 60})
        self.assertRedirects(r, self.URL, fetch_redirect_response=False)
        self.client.force_login(self.bob)
        self.assertContains(self.client.post(PASSWORD_URL, {
            "old_password": PASSWORD, "new_password1": "Short-pw1", "new_password2": "Short-pw1"}),
            "密码太短，至少 12 位。", status_code=422)
        User.objects.filter(pk=self.bob.pk).update(password_changed_at=timezone.now() - datetime.timedelta(days=61))
        self.assertRedirects(self.client.get(reverse("home")), PASSWORD_URL, fetch_redirect_response=False)
        change = LogEntry.objects.get(content_type__model="passwordpolicy")
        self.assertEqual(change.actor, self.sara)

    def test_it_cannot_go_below_level_three(self):
        self.client.force_login(self.sara)
        r = self.client.post(self.URL, {"min_length": 6, "min_classes": 2, "history": 1, "max_age_days": 365})
        self.assertEqual(r.status_code, 422)
        for field in ("min_length", "min_classes", "history", "max_age_days"):
            self.assertTrue(r.context["form"].errors.get(field), field)

    def test_only_the_security_admin_sets_it(self):
        for user in (self.adam, self.otto, self.alice):
            self.client.force_login(user)
            self.assertEqual(self.client.get(self.URL).status_code, 403)
