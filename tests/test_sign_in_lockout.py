"""Lockout per account (等保 2.0 level 3): 5 wrong passwords lock the account for 15
minutes from whatever address they come, counted from the failure that locked it; attempts
during the lock do not extend it. Behind the documented reverse proxy (HEZUO_PROXY_COUNT=1)
the address recorded is the client's, not the proxy's nor one the client wrote itself."""

import datetime

from auditlog.models import LogEntry
from axes.models import AccessAttempt, AccessFailureLog
from django.test import Client, override_settings
from django.urls import reverse

from tests.base import PASSWORD, BaseTestCase

PROXY = "10.0.0.2"


def events(name):
    return LogEntry.objects.filter(additional_data__event=name)


@override_settings(HEZUO_PROXY_COUNT=1)
class SignInLockoutTestCase(BaseTestCase):
    login_url = reverse("accounts:login")

    def sign_in(self, username, password, client_address="203.0.113.7", client=None, **extra):
        """A sign-in through the proxy: it connects from PROXY and appends the client's address."""
        client = client or Client()
        forwarded = extra.pop("forwarded", "")
        header = f"{forwarded}, {client_address}" if forwarded else client_address
        return client.post(self.login_url, {"username": username, "password": password},
                           REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=header, **extra)

    def fail(self, times, username="bob", **kwargs):
        for _ in range(times):
            self.sign_in(username, "wrong-password", **kwargs)

    def move_failures_back(self, minutes, username="bob"):
        AccessAttempt.objects.filter(username=username).update(
            attempt_time=datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(minutes=minutes))

    def test_four_failures_do_not_lock_the_account(self):
        self.fail(4)
        self.assertEqual(self.sign_in("bob", PASSWORD).status_code, 302)

    def test_it_locks_the_account_after_five_failures(self):
        self.fail(5)
        r = self.sign_in("bob", PASSWORD)
        self.assertContains(r, "该账号连续 5 次登录失败，已锁定 15 分钟", status_code=429)

    def test_it_locks_the_account_whatever_the_address(self):
        for n in range(5):
            self.sign_in("bob", "wrong-password", client_address=f"198.51.100.{n + 1}",
                         HTTP_USER_AGENT=f"agent {n}")
        r = self.sign_in("bob", PASSWORD, client_address="192.0.2.99", HTTP_USER_AGENT="another agent")
        self.assertEqual(r.status_code, 429)

    def test_it_locks_only_that_account(self):
        self.fail(5)
        self.assertEqual(self.sign_in("charlie", PASSWORD).status_code, 302,
                         "another account from the same address behind the same proxy")

    def test_it_records_the_clients_address_not_the_proxys_nor_a_spoofed_one(self):
        self.sign_in("bob", "wrong-password", client_address="203.0.113.7", forwarded="1.2.3.4")
        self.sign_in("charlie", PASSWORD, client_address="203.0.113.8", forwarded="1.2.3.4")
        self.assertEqual(AccessFailureLog.objects.get(username="bob").ip_address, "203.0.113.7")
        self.assertEqual(events("login_failed").get().remote_addr, "203.0.113.7")
        self.assertEqual(events("login").get().remote_addr, "203.0.113.8")

    def test_without_a_proxy_the_forwarded_header_is_ignored(self):
        with self.settings(HEZUO_PROXY_COUNT=0):
            self.sign_in("bob", "wrong-password", client_address="203.0.113.7")
        self.assertEqual(AccessFailureLog.objects.get(username="bob").ip_address, PROXY)

    def test_the_lock_ends_fifteen_minutes_after_the_failure_that_locked(self):
        self.fail(5)
        self.move_failures_back(14)
        self.assertEqual(self.sign_in("bob", PASSWORD).status_code, 429)
        self.move_failures_back(16)
        self.assertEqual(self.sign_in("bob", PASSWORD).status_code, 302)

    def test_attempts_during_the_lock_do_not_extend_it(self):
        self.fail(5)
        self.move_failures_back(10)
        self.fail(3)  # during the lock, wrong passwords again
        self.assertEqual(self.sign_in("bob", PASSWORD).status_code, 429)
        self.move_failures_back(16)  # 16 minutes after the locking failure, 6 after the last ones
        self.assertEqual(self.sign_in("bob", PASSWORD).status_code, 302)

    def test_it_records_every_failure_and_the_lock_in_the_audit_trail(self):
        self.fail(6)
        failed = events("login_failed").order_by("id")
        self.assertEqual(failed.count(), 6)
        self.assertEqual(failed.first().object_pk, str(self.bob.pk))
        self.assertEqual(failed.last().additional_data["during_lockout"], True)
        self.assertEqual(events("locked_out").count(), 1)

    def test_wrong_old_passwords_at_password_change_lock_the_account(self):
        client = Client()
        self.assertEqual(self.sign_in("bob", PASSWORD, client=client).status_code, 302)
        for _ in range(4):
            r = client.post(reverse("accounts:password"), {
                "old_password": "guess", "new_password1": "New-pass-2024", "new_password2": "New-pass-2024"},
                REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.7")
            self.assertEqual(r.status_code, 422)
        r = client.post(reverse("accounts:password"), {
            "old_password": "guess", "new_password1": "New-pass-2024", "new_password2": "New-pass-2024"},
            REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.7")
        self.assertContains(r, "登录已暂时锁定", status_code=429)
        self.assertEqual(client.get(reverse("home")).status_code, 302, "the session ended")
        self.assertEqual(self.sign_in("bob", PASSWORD).status_code, 429)
        self.assertEqual(events("login_failed").filter(additional_data__step="password_change").count(), 5)

    def test_the_security_admin_unlocks_the_account(self):
        self.fail(5)
        self.client.force_login(self.sara)
        users = self.client.get(reverse("accounts:users"))
        self.assertContains(users, "解除锁定")
        r = self.client.post(reverse("accounts:unlock", args=[self.bob.pk]))
        self.assertRedirects(r, reverse("accounts:users"), fetch_redirect_response=False)
        self.assertEqual(self.sign_in("bob", PASSWORD).status_code, 302)
        unlocked = events("unlocked").get()
        self.assertEqual((unlocked.actor, unlocked.object_pk), (self.sara, str(self.bob.pk)))

    def test_nobody_else_unlocks(self):
        self.fail(5)
        for user in (self.adam, self.otto, self.alice):
            self.client.force_login(user)
            self.assertEqual(self.client.post(reverse("accounts:unlock", args=[self.bob.pk])).status_code, 403)
        self.assertEqual(self.sign_in("bob", PASSWORD).status_code, 429)
