"""A session ends after 30 minutes without the user doing anything (HEZUO_IDLE_MINUTES);
an htmx poll of an import's progress is not the user doing something."""

from auditlog.models import LogEntry
from django.test import override_settings
from django.urls import reverse

from hezuo.accounts.middleware import ACTIVITY_KEY
from hezuo.imports.models import ImportRecord
from tests.base import PASSWORD, BaseTestCase

HOME = reverse("home")


class IdleTimeoutTestCase(BaseTestCase):
    def setUp(self):
        r = self.client.post(reverse("accounts:login"), {"username": "bob", "password": PASSWORD})
        self.assertEqual(r.status_code, 302)
        self.assertEqual(self.client.get(HOME).status_code, 200)  # notes the first activity

    def idle_for(self, minutes):
        """Time travel: the last activity noted in the session moves back."""
        session = self.client.session
        session[ACTIVITY_KEY] -= minutes * 60
        session.save()

    def signed_in(self):
        return self.client.get(HOME).status_code == 200

    def test_it_signs_out_after_30_minutes_idle(self):
        self.idle_for(31)
        r = self.client.get(reverse("projects:list"))
        self.assertRedirects(r, reverse("accounts:login"), fetch_redirect_response=False)
        self.assertContains(self.client.get(reverse("accounts:login")), "您已超过 30 分钟未操作，已自动退出，请重新登录。")
        self.assertFalse(self.signed_in())
        expired = LogEntry.objects.get(additional_data__event="session_expired")
        self.assertEqual((expired.actor, expired.object_pk), (self.bob, str(self.bob.pk)))
        self.assertFalse(LogEntry.objects.filter(additional_data__event="logout").exists())

    def test_activity_within_30_minutes_keeps_the_session(self):
        for _ in range(3):
            self.idle_for(29)
            self.assertTrue(self.signed_in())

    def test_polling_an_imports_progress_is_not_activity(self):
        record = ImportRecord.objects.create(original_name="a.xlsx", size=1, checksum="0" * 64,
                                             uploaded_by=self.bob, status=ImportRecord.Status.RUNNING)
        progress = reverse("imports:progress", args=[record.pk])
        for _ in range(3):
            self.idle_for(11)
            r = self.client.get(progress, HTTP_HX_REQUEST="true")
            if r.status_code != 200:
                break
        self.assertEqual(r.status_code, 204, "the third poll comes 33 minutes after the last activity")
        self.assertEqual(r["HX-Redirect"], reverse("accounts:login"))
        self.assertFalse(self.signed_in())

    @override_settings(HEZUO_IDLE_MINUTES=5)
    def test_the_idle_time_is_a_setting(self):
        self.idle_for(6)
        self.assertFalse(self.signed_in())
