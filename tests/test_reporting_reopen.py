"""撤销审核: a city officer withdraws an approval with a reason. The submission goes back to
已退回, the lock its approval took is released (another lock stays), the unit's reporters are
told why, correct the month and submit again, and the next approval is the month's next
version; the review then marks what was corrected since the withdrawn approval."""

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import reverse

from hezuo import gate
from hezuo.periods import services as periods
from hezuo.periods.models import PeriodLock
from hezuo.periods.services import lock_covering
from hezuo.projects.models import FundRecord
from hezuo.reporting import queries, services
from hezuo.reporting.models import Notice, Submission, SubmissionEvent
from tests.base import BaseTestCase
from tests.reporting import at, may_task

State = Submission.State
MAY = datetime.date(2024, 5, 6)  # the base records' date
REASON = "5月资金拨付金额单位填错，请更正后重新报送"


class ReopenTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.task = may_task(cls)
        cls.mine = cls.task.submissions.get(unit=cls.nanxun)

    def approved(self):
        services.submit(self.mine, self.bob, at=at(6, 5))
        return services.approve(self.mine, self.alice, at=at(6, 6))

    def written(self):
        return (SubmissionEvent.objects.count(), Notice.objects.count(),
                list(PeriodLock.active.values_list("pk", flat=True)),
                sorted(Submission.objects.values_list("pk", "state", "return_reason")))

    def may_fund_writable_by_bob(self):
        try:
            gate.check(self.bob, gate.CHANGE, FundRecord, [gate.Target(self.nanxun_agri.pk, MAY)])
        except gate.WriteRefused:
            return False
        return True

    def test_only_a_city_officer_withdraws_an_approval_and_a_reason_is_required(self):
        self.approved()
        refusals = {self.bob: PermissionDenied, self.lily: PermissionDenied, self.charlie: Http404,
                    self.adam: Http404}
        for user, error in refusals.items():
            with self.subTest(user=user.username):
                before = self.written()
                with self.assertRaises(error):
                    services.reopen(self.mine, user, REASON)
                self.assertEqual(self.written(), before)
        before = self.written()
        with self.assertRaises(ValidationError) as caught:
            services.reopen(self.mine, self.alice, "  ")
        self.assertIn("请填写撤销审核的原因", str(caught.exception))
        self.assertEqual(self.written(), before)

    def test_only_an_approved_submission_is_withdrawn(self):
        for state in (State.PENDING, State.SUBMITTED, State.RETURNED):
            with self.subTest(state=state):
                Submission.objects.filter(pk=self.mine.pk).update(state=state)
                before = self.written()
                with self.assertRaises(ValidationError) as caught:
                    services.reopen(self.mine, self.alice, REASON)
                self.assertIn("不能撤销审核", str(caught.exception))
                self.assertEqual(self.written(), before)

    def test_a_stale_page_is_refused(self):
        self.approved()
        with self.assertRaises(ValidationError) as caught:
            services.reopen(self.mine, self.alice, REASON, expected_state=State.SUBMITTED)
        self.assertIn("请刷新页面后再操作", str(caught.exception))
        self.assertEqual(Submission.objects.get(pk=self.mine.pk).state, State.APPROVED)

    def test_the_month_reopens_is_corrected_and_approved_again_as_its_next_version(self):
        self.approved()
        self.assertFalse(self.may_fund_writable_by_bob())
        reopened = services.reopen(self.mine, self.alice, REASON, expected_state=State.APPROVED, at=at(6, 9))
        self.assertEqual((reopened.state, reopened.return_reason, reopened.reviewed_by),
                         (State.RETURNED, REASON, self.alice))
        event = reopened.events.last()
        self.assertEqual((event.action, event.from_state, event.to_state, event.reason, event.actor),
                         ("reopened", State.APPROVED, State.RETURNED, REASON, self.alice))
        self.assertIsNone(lock_covering(self.nanxun_agri, MAY))
        released = PeriodLock.objects.get(unit=self.nanxun, year=2024, month=5)
        self.assertEqual(released.release_reason, f"2024年5月 月度数据报送 撤销审核：{REASON}")
        self.assertTrue(self.may_fund_writable_by_bob())
        self.assertEqual(Notice.objects.filter(recipient=self.bob, text__contains=REASON).get().text,
                         f"“2024年5月 月度数据报送”已撤销审核并退回，该月数据已解锁：{REASON}")
        self.assertFalse(Notice.objects.filter(recipient=self.charlie, text__contains=REASON).exists())

        services.submit(reopened, self.bob, expected_state=State.RETURNED, at=at(6, 10))
        again = services.approve(reopened, self.alice, at=at(6, 11))
        self.assertEqual((again.state, again.approved_version), (State.APPROVED, 2))
        self.assertFalse(self.may_fund_writable_by_bob())
        self.assertEqual(list(again.events.values_list("action", flat=True)),
                         ["issued", "submitted", "approved", "reopened", "submitted", "approved"])

    def test_the_reporters_home_page_says_the_approval_was_withdrawn(self):
        self.approved()
        services.reopen(self.mine, self.alice, REASON)
        self.assertEqual(services.remind(self.task, self.alice).submissions, 2)  # 南浔区 and 吴兴区; it moves neither
        self.client.force_login(self.bob)
        html = self.client.get("/").content.decode()
        self.assertIn(f"撤销审核原因：{REASON}", html)
        page = self.client.get(reverse("reporting:submission", args=[self.mine.pk])).content.decode()
        self.assertIn("撤销审核原因", page)
        services.submit(self.mine, self.bob)
        services.return_submission(self.mine, self.alice, "请补充备注")
        self.assertIn("退回原因：请补充备注", self.client.get("/").content.decode())  # a plain 退回 again

    def test_a_lock_of_another_cause_stays(self):
        periods.lock(self.nanxun, 2024, 5, actor=self.alice, reason="市里统一锁定")
        self.approved()  # the month was closed already: the approval keeps the officer's lock
        services.reopen(self.mine, self.alice, REASON)
        lock = lock_covering(self.nanxun_agri, MAY)
        self.assertEqual((lock.cause, lock.reason), (PeriodLock.Cause.MANUAL, "市里统一锁定"))
        self.assertFalse(self.may_fund_writable_by_bob())
        notice = Notice.objects.filter(recipient=self.bob, text__contains=REASON).get()
        self.assertNotIn("解锁", notice.text)  # it is not

    def test_the_review_marks_what_was_corrected_since_the_withdrawn_approval(self):
        self.approved()
        services.reopen(self.mine, self.alice, REASON, at=at(6, 9))
        fund = self.own["funds"]
        fund.amount = Decimal("1500000.00")
        fund.version += 1
        fund.save()
        self.mine.refresh_from_db()
        review = queries.review(self.mine, self.alice)
        since = review["since"]
        self.assertTrue(since.withdrawn)
        self.assertEqual((since.reviewed_by, since.reviewed_at), (self.alice, at(6, 6)))
        funds = next(block for block in review["blocks"] if block.kind.model is FundRecord)
        self.assertEqual((funds.new, funds.changed), (0, 1))
        self.client.force_login(self.alice)
        html = self.client.get(reverse("reporting:submission", args=[self.mine.pk])).content.decode()
        self.assertIn("通过，后撤销审核）相比", html)
        self.assertIn("撤销审核原因", html)


class ReopenPageTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.mine = may_task(cls).submissions.get(unit=cls.nanxun)
        services.submit(cls.mine, cls.bob, at=at(6, 5))
        services.approve(cls.mine, cls.alice, at=at(6, 6))

    def page(self, user):
        self.client.force_login(user)
        return self.client.get(reverse("reporting:submission", args=[self.mine.pk])).content.decode()

    def test_the_city_officer_sees_the_step_and_nobody_else(self):
        self.assertIn("撤销审核并退回", self.page(self.alice))
        for user in (self.bob, self.lily):
            with self.subTest(user=user.username):
                self.assertNotIn("撤销审核并退回", self.page(user))

    def test_posting_it_reopens_the_month_and_says_so(self):
        self.client.force_login(self.alice)
        url = reverse("reporting:reopen", args=[self.mine.pk])
        refused = self.client.post(url, {"state": "approved", "reason": ""})
        self.assertEqual(refused.status_code, 422)
        self.assertIn("请填写撤销审核的原因", refused.content.decode())
        response = self.client.post(url, {"state": "approved", "reason": REASON}, follow=True)
        self.assertContains(response, "已撤销审核并退回")
        self.assertEqual(Submission.objects.get(pk=self.mine.pk).state, State.RETURNED)
        self.client.force_login(self.bob)
        self.assertEqual(self.client.post(url, {"state": "returned", "reason": REASON}).status_code, 403)
