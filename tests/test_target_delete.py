"""Deleting a target (省定目标任务) from the targets page: city officers only, through the gate
(a closed year refuses it), after a page saying what is deleted; audited with its reason."""

import datetime
from decimal import Decimal

from auditlog.models import LogEntry
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from hezuo import changes
from hezuo.periods import services as periods
from hezuo.targets.models import Indicator, Target
from tests.base import BaseTestCase


class TargetDeleteTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.city_target = Target.objects.create(indicator="consumption", program=cls.xinjiang, year=2024,
                                                value=Decimal("300000"))
        cls.nanxun_target = Target.objects.create(indicator="consumption", program=cls.xinjiang, year=2024,
                                                  unit=cls.nanxun, value=Decimal("200000"))
        cls.custom = Indicator.objects.create(name="<b>结对村</b>", unit="个")
        cls.hand = Target.objects.create(custom=cls.custom, program=cls.xinjiang, year=2024, value=Decimal("12"),
                                         actual_value=Decimal("9"), actual_by=cls.alice,
                                         actual_at=timezone.make_aware(datetime.datetime(2024, 11, 5, 9, 30)))

    def url(self, target):
        return reverse("targets:delete", args=[target.pk])

    def open(self, user, target):
        self.client.force_login(user)
        return self.client.get(self.url(target))

    def post(self, user, target, **data):
        self.client.force_login(user)
        return self.client.post(self.url(target), {"version": target.version, **data})

    def test_the_page_says_what_is_deleted(self):
        response = self.open(self.alice, self.city_target)
        self.assertEqual(response.status_code, 200)
        html = response.content.decode()
        for text in ("确定要删除目标任务“<strong>2024年 援疆 消费帮扶</strong>”吗？", "全市", "30万元",
                     "25万元", "由记录自动计算，记录不受影响", "不进入回收站", "记入审计日志", "删除原因"):
            self.assertIn(text, html)

    def test_a_hand_actual_goes_with_its_target_and_the_indicator_stays(self):
        html = self.open(self.alice, self.hand).content.decode()
        self.assertIn("&lt;b&gt;结对村&lt;/b&gt;（自定义指标，指标本身保留）", html)
        self.assertNotIn("<b>结对村</b>", html)
        self.assertIn("9个（手工填报：Alice 2024-11-05 09:30，随目标任务一起删除）", html)
        self.assertEqual(self.post(self.alice, self.hand).status_code, 302)
        self.assertFalse(Target.objects.filter(pk=self.hand.pk).exists())
        self.assertTrue(Indicator.objects.filter(pk=self.custom.pk).exists())

    def test_a_city_officer_deletes_it_and_the_audit_trail_keeps_it_with_the_reason(self):
        response = self.post(self.alice, self.city_target, reason="省里调整了目标")
        self.assertRedirects(response, reverse("targets:list") + "?year=2024", fetch_redirect_response=False)
        self.assertFalse(Target.objects.filter(pk=self.city_target.pk).exists())
        entry = LogEntry.objects.get_for_object(self.city_target).get(action=LogEntry.Action.DELETE)
        self.assertEqual(entry.actor, self.alice)
        self.assertEqual(entry.additional_data, {"reason": "省里调整了目标"})
        self.assertEqual(entry.changes_dict["value"], ["300000.00", "None"])
        page = self.client.get(response["Location"]).content.decode()
        self.assertIn("已删除目标任务：2024年 援疆 消费帮扶（目标值 30万元）", page)
        self.client.force_login(self.otto)  # the audit admin reads why
        audit_page = self.client.get(reverse("audit:change", args=[entry.pk])).content.decode()
        self.assertIn("<dt>原因</dt><dd>省里调整了目标</dd>", audit_page)

    def test_the_targets_page_links_it_for_city_officers_only(self):
        def listed(user):
            self.client.force_login(user)
            return self.client.get(reverse("targets:list"), {"year": 2024}).content.decode()

        self.assertIn(self.url(self.city_target), listed(self.alice))
        self.assertNotIn(self.url(self.city_target), listed(self.lily))

    def test_nobody_else_deletes_a_target(self):
        # A leader reads every target and changes none; a district reads its own unit's only.
        for user, target, status in ((self.lily, self.city_target, 403), (self.bob, self.nanxun_target, 403),
                                     (self.bob, self.city_target, 404), (self.charlie, self.nanxun_target, 404),
                                     (self.adam, self.city_target, 404)):
            with self.subTest(user=user.username, target=str(target.unit)):
                self.assertEqual(self.open(user, target).status_code, status)
                self.assertEqual(self.post(user, target).status_code, status)
        self.assertEqual(Target.objects.count(), 3)

    def test_a_closed_year_refuses_it(self):
        periods.close_year(2024, actor=self.alice, reason="2024年度关账")
        response = self.open(self.alice, self.city_target)
        self.assertEqual(response.status_code, 409)
        self.assertIn("已年度关账", response.content.decode())
        self.assertEqual(self.post(self.alice, self.city_target).status_code, 409)
        self.assertTrue(Target.objects.filter(pk=self.city_target.pk).exists())

    def test_a_stale_page_deletes_nothing(self):
        self.city_target.value = Decimal("400000")
        self.city_target.version += 1
        self.city_target.save()
        response = self.post(self.alice, self.city_target, version=self.city_target.version - 1)
        self.assertEqual(response.status_code, 409)
        self.assertTrue(Target.objects.filter(pk=self.city_target.pk).exists())

    def test_deleting_counts_as_a_change_of_the_data(self):
        # setUpTestData's writes are still to count (their commit never comes): forget that.
        connection.run_on_commit = [c for c in connection.run_on_commit if c[1] is not changes._bump]
        before = changes.generation()
        with self.captureOnCommitCallbacks(execute=True):
            self.post(self.alice, self.nanxun_target)
        self.assertEqual(changes.generation(), before + 1)
