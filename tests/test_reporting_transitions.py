"""Every step of the reporting cycle × every role: the allowed ones succeed, the others are
refused (outside the scope a 404) with nothing written; approval locks the month; a return
needs a reason and the reporter sees it; the steps are in the audit log."""

import datetime

from auditlog.models import LogEntry
from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import reverse

from hezuo import access
from hezuo.accounts.models import User
from hezuo.periods.models import PeriodLock
from hezuo.periods.services import lock_covering
from hezuo.reporting import services
from hezuo.reporting.models import Notice, ReportingTask, Submission, SubmissionEvent
from hezuo.reporting.queries import todo
from tests.base import BaseTestCase
from tests.reporting import may_task

State = Submission.State
MAY = datetime.date(2024, 5, 6)  # the base records' date


class ReportingTransitionsTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.task = may_task(cls)
        cls.mine = cls.task.submissions.get(unit=cls.nanxun)
        cls.theirs = cls.task.submissions.get(unit=cls.wuxing)

    def users(self):
        return {"city": self.alice, "district": self.bob, "outsider": self.charlie, "leader": self.lily,
                "admin": self.adam, "security": self.sara, "auditor": self.otto, "anonymous": AnonymousUser()}

    def written(self):
        return (LogEntry.objects.count(), SubmissionEvent.objects.count(), Notice.objects.count(),
                PeriodLock.objects.count(), ReportingTask.objects.count(),
                sorted(Submission.objects.values_list("pk", "state", "return_reason")))

    def set_state(self, state):
        Submission.objects.filter(pk=self.mine.pk).update(state=state)
        self.mine.refresh_from_db()

    def assert_refused(self, step, allowed, expected_errors):
        """`step(user)` succeeds for the roles in `allowed` only; every other role gets the
        error of `expected_errors` (PermissionDenied, or Http404 outside the scope) and
        nothing is written."""
        for role, user in self.users().items():
            if role in allowed:
                continue
            with self.subTest(role=role):
                before = self.written()
                with self.assertRaises(expected_errors[role]):
                    step(user)
                self.assertEqual(self.written(), before)

    # Outside the scope (or without business scope at all) is 404; inside it, a role that may
    # not take the step is 403.
    REFUSALS = {"city": PermissionDenied, "district": PermissionDenied, "outsider": Http404,
                "leader": PermissionDenied, "admin": Http404, "security": Http404, "auditor": Http404,
                "anonymous": Http404}

    def test_only_a_city_officer_issues_a_task_with_a_submission_per_unit(self):
        def issue(user):
            return services.issue_task(user, year=2024, month=6, deadline=datetime.date(2024, 7, 10),
                                       units=[self.nanxun, self.wuxing])

        self.assert_refused(issue, {"city"}, dict.fromkeys(self.users(), PermissionDenied))
        task = issue(self.alice)
        self.assertEqual(task.title, "2024年6月 月度数据报送")
        self.assertEqual(sorted(task.submissions.values_list("unit__name", "state")),
                         [("南浔区", State.PENDING), ("吴兴区", State.PENDING)])
        self.assertEqual(task.issued_by, self.alice)
        self.assertTrue(Notice.objects.filter(recipient=self.bob, text__contains="2024年6月").exists())

    def test_a_task_needs_units_and_a_deadline_in_or_after_its_month(self):
        with self.assertRaises(ValidationError) as caught:
            services.issue_task(self.alice, year=2024, month=6, deadline=datetime.date(2024, 5, 31),
                                units=[self.nanxun])
        self.assertIn("截止日期不能早于所报送的月份", str(caught.exception))
        with self.assertRaises(ValidationError) as caught:
            services.issue_task(self.alice, year=2024, month=6, deadline=datetime.date(2024, 7, 10), units=[])
        self.assertIn("请至少选择一个报送单位", str(caught.exception))

    def test_only_the_units_reporter_submits(self):
        self.assert_refused(lambda user: services.submit(self.mine, user), {"district"},
                            {**self.REFUSALS, "district": None})
        submitted = services.submit(self.mine, self.bob)
        self.assertEqual((submitted.state, submitted.submitted_by), (State.SUBMITTED, self.bob))
        self.assertIsNotNone(submitted.first_submitted_at)

    def test_the_outsider_cannot_submit_another_districts_unit_but_submits_its_own(self):
        with self.assertRaises(Http404):
            services.submit(self.mine, self.charlie)
        self.assertEqual(services.submit(self.theirs, self.charlie).state, State.SUBMITTED)

    def test_a_reporter_of_a_sub_unit_cannot_submit_the_district(self):
        dora = User.objects.create_user("dora", role=User.Role.DISTRICT, unit=self.nanxun_agri)
        with self.assertRaises(Http404):
            services.submit(self.mine, dora)
        self.assertEqual(Submission.objects.get(pk=self.mine.pk).state, State.PENDING)
        self.assertNotIn(dora, access.reporters_of(self.nanxun))

    def test_only_a_city_officer_approves_and_the_month_is_locked(self):
        self.set_state(State.SUBMITTED)
        self.assertIsNone(lock_covering(self.nanxun_agri, MAY))
        self.assert_refused(lambda user: services.approve(self.mine, user), {"city"},
                            {**self.REFUSALS, "city": None})
        approved = services.approve(self.mine, self.alice)
        self.assertEqual((approved.state, approved.reviewed_by, approved.approved_version),
                         (State.APPROVED, self.alice, 1))
        # The records of 南浔区 and below dated in May: one of each dated kind of the base.
        self.assertEqual(approved.approved_counts,
                         {"funds": 1, "dispatches": 1, "activities": 1, "consumption": 1, "in-kind": 1,
                          "recruitment-events": 0})
        lock = lock_covering(self.nanxun_agri, MAY)
        self.assertEqual((lock.unit, lock.year, lock.month, lock.cause, lock.locked_by),
                         (self.nanxun, 2024, 5, PeriodLock.Cause.APPROVAL, self.alice))
        self.assertEqual(lock.reason, "2024年5月 月度数据报送 审核通过")
        self.assertIsNone(lock_covering(self.wuxing, MAY))  # the other district's month stays open

    def test_approving_twice_is_refused_with_nothing_changed(self):
        self.set_state(State.SUBMITTED)
        services.approve(self.mine, self.alice)
        before = self.written()
        with self.assertRaises(ValidationError) as caught:
            services.approve(self.mine, self.alice)
        self.assertIn("不能审核通过", str(caught.exception))
        self.assertEqual(self.written(), before)

    def test_a_step_on_a_stale_state_is_refused_with_a_clear_message(self):
        self.set_state(State.SUBMITTED)
        services.approve(self.mine, self.alice)  # another officer, meanwhile
        before = self.written()
        with self.assertRaises(ValidationError) as caught:
            services.return_submission(self.mine, self.alice, "缺少消费帮扶", expected_state=State.SUBMITTED)
        self.assertIn("该报送的状态已变为「已通过」，请刷新页面后再操作", str(caught.exception))
        self.assertEqual(self.written(), before)

    def test_only_a_city_officer_returns_and_a_reason_is_required(self):
        self.set_state(State.SUBMITTED)
        self.assert_refused(lambda user: services.return_submission(self.mine, user, "请补充"), {"city"},
                            {**self.REFUSALS, "city": None})
        before = self.written()
        with self.assertRaises(ValidationError) as caught:
            services.return_submission(self.mine, self.alice, "   ")
        self.assertIn("请填写退回原因", str(caught.exception))
        self.assertEqual(self.written(), before)
        returned = services.return_submission(self.mine, self.alice, "5月消费帮扶缺少销售渠道")
        self.assertEqual((returned.state, returned.return_reason), (State.RETURNED, "5月消费帮扶缺少销售渠道"))
        self.assertIsNone(lock_covering(self.nanxun, MAY))

    def test_the_reporter_sees_the_reason_and_submits_again(self):
        services.submit(self.mine, self.bob)
        services.return_submission(self.mine, self.alice, "5月消费帮扶缺少销售渠道")
        [waiting] = todo(self.bob)["to_submit"][:1]
        self.assertEqual((waiting.pk, waiting.state, waiting.return_reason),
                         (self.mine.pk, State.RETURNED, "5月消费帮扶缺少销售渠道"))
        self.assertTrue(Notice.objects.filter(recipient=self.bob, text__contains="5月消费帮扶缺少销售渠道").exists())
        self.assertFalse(Notice.objects.filter(recipient=self.charlie, text__contains="缺少").exists())
        first = Submission.objects.get(pk=self.mine.pk).first_submitted_at
        again = services.submit(self.mine, self.bob, expected_state=State.RETURNED)
        self.assertEqual(again.state, State.SUBMITTED)
        self.assertEqual(again.first_submitted_at, first)  # punctuality counts the first time
        self.assertEqual(services.approve(again, self.alice).state, State.APPROVED)
        self.assertEqual(list(again.events.values_list("action", flat=True)),
                         ["issued", "submitted", "returned", "submitted", "approved"])

    def test_a_district_cannot_review_even_its_own_unit(self):
        self.set_state(State.SUBMITTED)
        with self.assertRaises(PermissionDenied):
            services.approve(self.mine, self.bob)
        with self.assertRaises(PermissionDenied):
            services.return_submission(self.mine, self.bob, "自己退回")
        self.assertEqual(Submission.objects.get(pk=self.mine.pk).state, State.SUBMITTED)

    def test_every_step_is_in_the_audit_log_with_who_took_it(self):
        def post(user, step, **data):
            self.client.force_login(user)
            response = self.client.post(reverse(f"reporting:{step}", args=[self.mine.pk]), data)
            self.assertEqual(response.status_code, 302, response.content.decode()[:2000])

        post(self.bob, "submit", state="pending")
        post(self.alice, "return", state="submitted", reason="请补充")
        post(self.bob, "submit", state="returned")
        post(self.alice, "approve", state="submitted")
        entries = LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(Submission),
                                          object_id=self.mine.pk)
        states = [entry.changes_dict.get("state") for entry in entries.order_by("id")]
        self.assertEqual(states, [["None", "pending"], ["pending", "submitted"], ["submitted", "returned"],
                                  ["returned", "submitted"], ["submitted", "approved"]])
        self.assertEqual([e.actor for e in entries.order_by("id")][1:], [self.bob, self.alice, self.bob, self.alice])
        self.assertTrue(LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(PeriodLock)).exists())
        self.assertEqual(LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(SubmissionEvent))
                         .count(), SubmissionEvent.objects.count())

    def test_the_console_issues_and_reviews_but_submits_nothing(self):
        task = services.issue_task(access.CONSOLE, year=2024, month=7, deadline=datetime.date(2024, 8, 10),
                                   units=[self.nanxun])
        self.assertIsNone(task.issued_by)
        submission = task.submissions.get()
        with self.assertRaises(PermissionDenied):
            services.submit(submission, access.CONSOLE)
