"""Every sign-in event is in the audit trail (hezuo.audit.events), with the client's address:
signing in and out, a failure, a password change."""

from auditlog.models import LogEntry
from django.test import override_settings
from django.urls import reverse

from tests.base import PASSWORD, BaseTestCase


@override_settings(HEZUO_PROXY_COUNT=1)
class SignInEventsTestCase(BaseTestCase):
    def post(self, url, data):
        return self.client.post(url, data, REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.9")

    def test_it_records_sign_in_failure_password_change_and_sign_out(self):
        self.post(reverse("accounts:login"), {"username": "nobody", "password": "x"})
        self.post(reverse("accounts:login"), {"username": "bob", "password": PASSWORD})
        self.post(reverse("accounts:password"), {"old_password": PASSWORD, "new_password1": "Bob-new-2024",
                                                 "new_password2": "Bob-new-2024"})
        self.post(reverse("accounts:logout"), {})
        entries = list(LogEntry.objects.filter(action=LogEntry.Action.ACCESS).order_by("id"))
        self.assertEqual([e.additional_data["event"] for e in entries],
                         ["login_failed", "login", "password_changed", "logout"])
        self.assertEqual({e.remote_addr for e in entries}, {"203.0.113.9"})
        self.assertEqual(entries[0].additional_data["username"], "nobody")
        self.assertIsNone(entries[0].actor)
        self.assertEqual({e.actor for e in entries[1:]}, {self.bob})
        self.assertEqual(entries[1].object_repr, "登录成功：Bob")
