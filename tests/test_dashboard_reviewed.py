"""The dashboard shows, under each figure of dated records, the part that is 已审核: dated in a
unit's month approved in the reporting cycle (and not reopened since), or in a closed year.
A manual lock is not a review; a reopened month no longer counts."""

import datetime
from decimal import Decimal

from django.urls import reverse

from hezuo import access
from hezuo.periods import services as periods
from hezuo.periods.models import PeriodLock
from hezuo.projects.models import FundRecord
from hezuo.stats import dashboard
from tests.base import BaseTestCase

APPROVAL = PeriodLock.Cause.APPROVAL


class DashboardReviewedTest(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        # Another fund of 南浔区's project, in June: May will be approved, June not.
        FundRecord.objects.create(project=cls.own["projects"], date=datetime.date(2024, 6, 3), stage=FundRecord.Stage.ARRANGED,
                                  amount=Decimal("800000.00"))

    def cards(self, user):
        return {card.key: card for card in dashboard.build(user, 2024).cards}

    def test_nothing_is_reviewed_before_a_month_is_approved(self):
        periods.lock(self.nanxun, 2024, 5, actor=access.CONSOLE, reason="手工锁定")  # a lock, not a review
        self.assertEqual({key: card.reviewed for key, card in self.cards(self.alice).items() if card.reviewed}, {})

    def test_an_approved_month_counts_its_units_records_only(self):
        periods.lock(self.nanxun, 2024, 5, actor=self.alice, reason="5月审核通过", cause=APPROVAL)
        cards = self.cards(self.alice)
        # 南浔区's May fund (120万元), not its June one, not 吴兴区's May one.
        self.assertEqual(cards["funds_arranged"].figure.text, "320万元")
        self.assertEqual(cards["funds_arranged"].reviewed, "120万元")
        self.assertEqual(cards["consumption"].reviewed, "25万元")
        self.assertEqual(cards["dispatch_person_times"].reviewed, "8人次")
        self.assertEqual(cards["activity_person_times"].reviewed, "30人次")
        self.assertEqual(cards["projects"].reviewed, "")  # projects are counted by year, not by a date
        self.assertEqual(cards["park_investment"].reviewed, "")

    def test_a_reopened_month_no_longer_counts(self):
        periods.lock(self.nanxun, 2024, 5, actor=self.alice, reason="5月审核通过", cause=APPROVAL)
        periods.unlock(self.nanxun, 2024, 5, actor=self.alice, reason="更正5月资金")
        self.assertEqual(self.cards(self.alice)["funds_arranged"].reviewed, "")

    def test_a_closed_year_counts_every_units_records(self):
        periods.close_year(2024, actor=self.alice, reason="2024年度关账")
        cards = self.cards(self.alice)
        self.assertEqual(cards["funds_arranged"].reviewed, "320万元")
        self.assertEqual(cards["consumption"].reviewed, "50万元")

    def test_a_district_sees_the_reviewed_part_of_its_own_scope(self):
        periods.close_year(2024, actor=self.alice, reason="2024年度关账")
        cards = self.cards(self.bob)
        self.assertEqual(cards["funds_arranged"].figure.text, "200万元")
        self.assertEqual(cards["funds_arranged"].reviewed, "200万元")

    def test_the_dashboard_page_shows_it(self):
        periods.lock(self.nanxun, 2024, 5, actor=self.alice, reason="5月审核通过", cause=APPROVAL)
        periods.lock(self.nanxun, 2024, 6, actor=self.alice, reason="6月审核通过", cause=APPROVAL)
        periods.lock(self.wuxing, 2024, 3, actor=self.alice, reason="3月审核通过", cause=APPROVAL)
        self.client.force_login(self.alice)
        page = self.client.get(reverse("stats:dashboard"), {"year": 2024}).content.decode()
        self.assertIn("已审核 200万元", page)  # May and June of 南浔区
        self.assertIn("已审核锁定：南浔区 5—6月；吴兴区 3月", page)
        self.assertNotIn("已审核 0", page)  # a figure with nothing reviewed says nothing
        self.client.force_login(self.bob)
        page = self.client.get(reverse("stats:dashboard"), {"year": 2024}).content.decode()
        self.assertIn("已审核锁定：南浔区 5—6月", page)
        self.assertNotIn("吴兴区", page)  # another district's periods are not a reporter's to know

    def test_months_read_as_runs(self):
        self.assertEqual(periods._month_runs([1, 2, 3, 5, 10, 11]), "1—3月、5月、10—11月")
        self.assertEqual(periods._month_runs(list(range(1, 13))), "全年")
        periods.close_year(2024, actor=self.alice, reason="关账")
        self.assertEqual(periods.reviewed_periods(2024), "2024年已年度关账")

    def test_approving_a_month_renews_the_kept_dashboard(self):
        self.client.force_login(self.alice)
        url = reverse("stats:dashboard")
        self.assertNotIn("已审核", self.client.get(url, {"year": 2024}).content.decode())
        periods.lock(self.nanxun, 2024, 5, actor=self.alice, reason="5月审核通过", cause=APPROVAL)
        self.assertIn("已审核 120万元", self.client.get(url, {"year": 2024}).content.decode())
        periods.unlock(self.nanxun, 2024, 5, actor=self.alice, reason="更正5月资金")
        self.assertNotIn("已审核", self.client.get(url, {"year": 2024}).content.decode())
