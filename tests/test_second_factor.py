"""A second factor for the admin roles (HEZUO_ADMIN_2FA): a TOTP authenticator enrolled at
the first sign-in, then its 6-digit code at every sign-in; wrong codes count as failed
sign-ins; the security admin resets a lost one. Codes here are computed from the device's
key by RFC 6238, independently of the code under test."""

import base64
import datetime
import hashlib
import hmac
import re
import struct
import time

from auditlog.models import LogEntry
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.base import PASSWORD, BaseTestCase

HOME = reverse("home")
SECOND_FACTOR = reverse("accounts:second_factor")


def totp(device, at=None):
    counter = int((at or time.time()) - device.t0) // device.step
    digest = hmac.new(device.bin_key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    code = (struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7FFFFFFF) % 10 ** device.digits
    return f"{code:0{device.digits}d}"


def events(name):
    return LogEntry.objects.filter(additional_data__event=name)


@override_settings(HEZUO_ADMIN_2FA=True)
class SecondFactorTestCase(BaseTestCase):
    def sign_in(self, user):
        r = self.client.post(reverse("accounts:login"), {"username": user.username, "password": PASSWORD})
        self.assertEqual(r.status_code, 302)

    def enrolled(self, user):
        return TOTPDevice.objects.create(user=user, name="动态口令", confirmed=True)

    def past_throttle(self, device):
        """Time travel past django-otp's pause after a wrong code."""
        TOTPDevice.objects.filter(pk=device.pk).update(
            throttling_failure_timestamp=timezone.now() - datetime.timedelta(minutes=5))

    def test_an_admin_enrols_at_the_first_sign_in(self):
        self.sign_in(self.adam)
        self.assertRedirects(self.client.get(HOME), SECOND_FACTOR, fetch_redirect_response=False)
        page = self.client.get(SECOND_FACTOR)
        self.assertContains(page, "绑定动态口令")
        self.assertContains(page, "<svg")
        device = TOTPDevice.objects.get(user=self.adam, confirmed=False)
        key = re.search(r'<code class="otp-key">([A-Z2-7 ]+)</code>', page.content.decode()).group(1)
        self.assertEqual(key.replace(" ", ""), base64.b32encode(device.bin_key).decode())

        r = self.client.post(SECOND_FACTOR, {"token": totp(device)})
        self.assertRedirects(r, HOME, fetch_redirect_response=False)
        self.assertEqual(self.client.get(HOME).status_code, 200)
        self.assertTrue(TOTPDevice.objects.get(pk=device.pk).confirmed)
        self.assertEqual(events("otp_enrolled").get().actor, self.adam)

    def test_every_admin_role_gives_its_code_at_each_sign_in(self):
        for user in (self.adam, self.sara, self.otto):
            with self.subTest(user.username):
                device = self.enrolled(user)
                self.sign_in(user)
                self.assertRedirects(self.client.get(HOME), SECOND_FACTOR, fetch_redirect_response=False)
                self.assertContains(self.client.get(SECOND_FACTOR), "输入动态口令")
                r = self.client.post(SECOND_FACTOR, {"token": totp(device)})
                self.assertRedirects(r, HOME, fetch_redirect_response=False)
                self.assertEqual(self.client.get(HOME).status_code, 200)
                self.client.logout()

    def test_a_wrong_code_is_refused_and_audited(self):
        device = self.enrolled(self.adam)
        self.sign_in(self.adam)
        wrong = f"{(int(totp(device)) + 1) % 1000000:06d}"
        r = self.client.post(SECOND_FACTOR, {"token": wrong})
        self.assertContains(r, "动态口令不正确或已过期，请重新输入。", status_code=422)
        self.assertRedirects(self.client.get(HOME), SECOND_FACTOR, fetch_redirect_response=False)
        self.assertEqual(events("otp_failed").get().object_pk, str(self.adam.pk))
        self.past_throttle(device)
        self.assertEqual(self.client.post(SECOND_FACTOR, {"token": totp(device)}).status_code, 302)

    def test_a_code_is_not_accepted_twice(self):
        device = self.enrolled(self.adam)
        code = totp(device)
        self.sign_in(self.adam)
        self.assertEqual(self.client.post(SECOND_FACTOR, {"token": code}).status_code, 302)
        self.client.logout()
        self.sign_in(self.adam)
        self.assertEqual(self.client.post(SECOND_FACTOR, {"token": code}).status_code, 422)

    def test_five_wrong_codes_lock_the_account(self):
        self.enrolled(self.adam)
        self.sign_in(self.adam)
        for _ in range(4):
            self.assertEqual(self.client.post(SECOND_FACTOR, {"token": "000000"}).status_code, 422)
        r = self.client.post(SECOND_FACTOR, {"token": "000000"})
        self.assertContains(r, "登录已暂时锁定", status_code=429)
        r = self.client.post(reverse("accounts:login"), {"username": "adam", "password": PASSWORD})
        self.assertEqual(r.status_code, 429)

    def test_giving_the_password_again_does_not_forget_wrong_codes(self):
        device = self.enrolled(self.adam)
        self.sign_in(self.adam)
        for _ in range(4):
            self.assertEqual(self.client.post(SECOND_FACTOR, {"token": "000000"}).status_code, 422)
        self.client.logout()
        self.sign_in(self.adam)
        self.past_throttle(device)
        r = self.client.post(SECOND_FACTOR, {"token": "000000"})
        self.assertContains(r, "登录已暂时锁定", status_code=429)

    def test_signing_in_completely_forgives_earlier_wrong_codes(self):
        device = self.enrolled(self.adam)
        self.sign_in(self.adam)
        for _ in range(4):
            self.assertEqual(self.client.post(SECOND_FACTOR, {"token": "000000"}).status_code, 422)
        self.past_throttle(device)
        self.assertEqual(self.client.post(SECOND_FACTOR, {"token": totp(device)}).status_code, 302)
        self.client.logout()
        self.sign_in(self.adam)
        self.assertEqual(self.client.post(SECOND_FACTOR, {"token": "000000"}).status_code, 422)

    def test_after_the_code_the_admin_lands_on_the_page_first_asked_for(self):
        device = self.enrolled(self.sara)
        self.sign_in(self.sara)
        users = reverse("accounts:users")
        r = self.client.get(users + "?q=bob")
        asked = f"{SECOND_FACTOR}?next=%2Faccounts%2Fusers%2F%3Fq%3Dbob"
        self.assertRedirects(r, asked, fetch_redirect_response=False)
        r = self.client.post(asked, {"token": totp(device)})
        self.assertRedirects(r, users + "?q=bob", fetch_redirect_response=False)

    def test_a_next_address_off_the_site_lands_on_home(self):
        device = self.enrolled(self.sara)
        self.sign_in(self.sara)
        r = self.client.post(SECOND_FACTOR + "?next=https://evil.example/", {"token": totp(device)})
        self.assertRedirects(r, HOME, fetch_redirect_response=False)

    def test_business_roles_are_not_asked(self):
        for user in (self.alice, self.bob, self.lily):
            self.sign_in(user)
            self.assertEqual(self.client.get(HOME).status_code, 200)
            self.client.logout()

    def test_the_security_admin_resets_a_lost_device(self):
        self.enrolled(self.adam)
        sara_device = self.enrolled(self.sara)
        self.sign_in(self.sara)
        self.client.post(SECOND_FACTOR, {"token": totp(sara_device)})
        self.assertContains(self.client.get(reverse("accounts:users")), "重置动态口令")
        r = self.client.post(reverse("accounts:reset_second_factor", args=[self.adam.pk]))
        self.assertRedirects(r, reverse("accounts:users"), fetch_redirect_response=False)
        self.assertFalse(TOTPDevice.objects.filter(user=self.adam).exists())
        reset = events("otp_reset").get()
        self.assertEqual((reset.actor, reset.object_pk), (self.sara, str(self.adam.pk)))

        self.assertEqual(self.client.post(reverse("accounts:reset_second_factor", args=[self.sara.pk])).status_code,
                         403, "not one's own")
        self.client.logout()
        self.sign_in(self.adam)
        self.assertContains(self.client.get(SECOND_FACTOR), "绑定动态口令")

    def test_the_console_resets_the_security_admins_own_device(self):
        self.enrolled(self.sara)
        call_command("users", "reset-second-factor", "sara", stdout=open("/dev/null", "w"))
        self.assertFalse(TOTPDevice.objects.filter(user=self.sara).exists())
        self.assertIsNone(events("otp_reset").get().actor)


class SecondFactorOffTestCase(BaseTestCase):
    """The setting off (the default), and the rules that hold either way."""

    def test_without_the_setting_admins_sign_in_with_the_password(self):
        self.client.post(reverse("accounts:login"), {"username": "adam", "password": PASSWORD})
        self.assertEqual(self.client.get(HOME).status_code, 200)

    def test_nobody_else_resets_a_device(self):
        TOTPDevice.objects.create(user=self.sara, name="动态口令", confirmed=True)
        for user in (self.adam, self.otto, self.alice):
            self.client.force_login(user)
            r = self.client.post(reverse("accounts:reset_second_factor", args=[self.sara.pk]))
            self.assertEqual(r.status_code, 403)
            self.assertTrue(TOTPDevice.objects.filter(user=self.sara).exists(), user.username)
