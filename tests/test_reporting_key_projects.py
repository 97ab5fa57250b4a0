"""重点项目月报 in the reporting cycle: the city issues it for a month to the units that hold
key projects; a unit submits once every key project has its report of the month (or says why
not); the review page lists the key projects with their reports, 未填报 and what is new or
changed since the last approval; approving locks the month like monthly data."""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hezuo import gate
from hezuo.keyprojects import services as keyprojects
from hezuo.keyprojects.models import AnnualPlan
from hezuo.org.models import Unit
from hezuo.periods import services as periods
from hezuo.periods.models import PeriodLock
from hezuo.projects.models import FundRecord, Project
from hezuo.reporting import queries, services
from hezuo.reporting.models import ReportingTask, Submission
from tests.base import BaseTestCase
from tests.reporting import at, may_task

State = Submission.State
MAY = datetime.date(2024, 5, 1)
KEY_PROJECTS = ReportingTask.Kind.KEY_PROJECTS


def key_project(code, unit, program, region, level=Project.KeyLevel.PROVINCE, year=2024):
    return Project.objects.create(code=code, name=f"{code}工程", program=program, unit=unit, partner_region=region,
                                  year=year, total_investment=Decimal("90000000"), key_level=level)


class KeyProjectsCycleTestCase(BaseTestCase):
    """南浔区 holds two 省重点 projects (one through 南浔区农业农村局) and a 市重点 one, 吴兴区
    one 省重点; May's 月报 of the first is in, of the second not."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.reported = cls.own["projects"]  # 南浔-001, 南浔区农业农村局's
        cls.reported.key_level = Project.KeyLevel.PROVINCE
        cls.reported.save()
        cls.silent = key_project("南浔-K02", cls.nanxun, cls.xinjiang, cls.kalpin)
        cls.city_level = key_project("南浔-K03", cls.nanxun, cls.xinjiang, cls.kalpin, Project.KeyLevel.CITY)
        cls.theirs = key_project("吴兴-K01", cls.wuxing, cls.east_west, cls.guang_an)
        AnnualPlan.objects.create(project=cls.reported, year=2024, amount=Decimal("20000000"))
        keyprojects.save_report(cls.bob, cls.reported, MAY, {
            "completed_ytd": Decimal("6000000"), "progress": "主体结构<封顶>", "problems": "征地滞后"})
        cls.task = may_task(cls, kind=KEY_PROJECTS)
        cls.mine = cls.task.submissions.get(unit=cls.nanxun)

    def page(self, user=None, submission=None):
        self.client.force_login(user or self.alice)
        return self.client.get(reverse("reporting:submission", args=[(submission or self.mine).pk]))

    def say_why(self, submission=None, user=None, when=at(6, 5)):
        return services.submit(submission or self.mine, user or self.bob, at=when,
                               missing_reason="南浔-K02 本月停工待批，无投资")

    # -- Issuing -----------------------------------------------------------------------------

    def test_it_is_issued_by_default_to_the_districts_holding_key_projects_and_to_others_as_themselves(self):
        transport = Unit.objects.create(name="市交通运输局", parent=self.city_office, kind=Unit.Kind.DEPARTMENT)
        key_project("交通-K01", transport, self.aid, self.kalpin)
        water = Unit.objects.create(name="市水利局", parent=self.city_office, kind=Unit.Kind.DEPARTMENT)
        key_project("水利-K01", water, self.aid, self.kalpin, Project.KeyLevel.CITY)  # 市重点: not asked for
        Unit.objects.create(name="长兴县", parent=self.city_office)  # a district without a key project
        self.assertEqual(list(services.units_to_issue(KEY_PROJECTS, 2024)), [self.nanxun, self.wuxing, transport])
        self.assertEqual(list(services.units_to_issue(KEY_PROJECTS, 2023)), [])

    def test_the_issue_form_preselects_them(self):
        last = datetime.date.today().replace(day=1) - datetime.timedelta(days=1)
        key_project("吴兴-K09", self.wuxing, self.east_west, self.guang_an, year=last.year)
        self.client.force_login(self.alice)
        response = self.client.get(reverse("reporting:task_new"), {"kind": KEY_PROJECTS})
        form = response.context["form"]
        self.assertEqual(form.initial["kind"], KEY_PROJECTS)
        self.assertEqual(list(form.initial["units"]), [self.wuxing])
        self.assertIn("已预选持有重点项目的单位", response.content.decode())
        monthly = self.client.get(reverse("reporting:task_new")).context["form"]
        self.assertEqual(monthly.initial["kind"], ReportingTask.Kind.MONTHLY_DATA)

    def test_the_task_is_named_for_its_kind(self):
        self.assertEqual(self.task.title, "2024年5月 重点项目月报报送")
        self.assertEqual(self.task.get_kind_display(), "重点项目月报")

    # -- Submitting --------------------------------------------------------------------------

    def test_a_submission_missing_a_report_names_the_projects_and_is_refused(self):
        with self.assertRaises(ValidationError) as refused:
            services.submit(self.mine, self.bob)
        self.assertEqual(refused.exception.message_dict["missing_reason"], [
            "以下 1 个重点项目尚未填报2024年5月月报：南浔-K02 南浔-K02工程。请先填报月报，或在“未填报说明”中写明原因后再报送"])
        self.assertEqual(Submission.objects.get(pk=self.mine.pk).state, State.PENDING)
        self.assertFalse(self.mine.events.filter(action="submitted").exists())

    def test_the_page_says_it_and_keeps_the_submission_pending(self):
        self.client.force_login(self.bob)
        response = self.client.post(reverse("reporting:submit", args=[self.mine.pk]), {"state": "pending"})
        self.assertEqual(response.status_code, 422)
        html = response.content.decode()
        self.assertIn("尚未填报2024年5月月报：南浔-K02 南浔-K02工程", html)
        self.assertIn('name="missing_reason"', html)
        self.assertEqual(Submission.objects.get(pk=self.mine.pk).state, State.PENDING)

    def test_a_stated_reason_lets_it_through_and_the_reviewer_reads_it(self):
        self.client.force_login(self.bob)
        response = self.client.post(reverse("reporting:submit", args=[self.mine.pk]),
                                    {"state": "pending", "missing_reason": "本月停工待批"})
        self.assertEqual(response.status_code, 302)
        self.assertEqual(Submission.objects.get(pk=self.mine.pk).state, State.SUBMITTED)
        html = self.page().content.decode()
        self.assertIn("<strong class=\"bad\">报送时的说明</strong>：未填报月报：南浔-K02 南浔-K02工程；说明：本月停工待批", html)

    def test_once_every_key_project_has_its_report_it_submits_without_a_word(self):
        keyprojects.save_report(self.bob, self.silent, MAY, {"completed_ytd": Decimal("0")})
        submitted = services.submit(self.mine, self.bob)
        self.assertEqual(submitted.state, State.SUBMITTED)
        self.assertEqual(submitted.events.get(action="submitted").reason, "")

    def test_monthly_data_submits_whatever_the_key_projects(self):
        monthly = may_task(self).submissions.get(unit=self.nanxun)
        self.assertEqual(services.submit(monthly, self.bob).state, State.SUBMITTED)

    # -- The review page ---------------------------------------------------------------------

    def test_the_review_lists_the_units_key_projects_with_the_months_report(self):
        review = queries.review(self.mine, self.alice)["key_projects"]
        self.assertEqual([row.project for row in review.rows], [self.reported, self.silent])  # by code
        reported, silent = review.rows
        self.assertIsNone(silent.report)
        self.assertEqual((reported.report.completed_month, reported.report.completed_ytd, reported.plan),
                         (Decimal("6000000"), Decimal("6000000"), Decimal("20000000")))
        self.assertEqual(reported.completion_rate, Decimal(30))
        self.assertEqual([row.project for row in review.missing], [self.silent])
        # 市重点项目 are not asked for: the key projects' pages and figures follow 省重点.
        self.assertNotIn(self.city_level, [row.project for row in review.rows])

    def test_the_page_shows_figures_progress_problems_and_links_escaped(self):
        response = self.page()
        self.assertEqual(response.status_code, 200)
        html = response.content.decode()
        self.assertIn("重点项目月报（2 个项目，<span class=\"bad\">未填报 1</span>）", html)
        for text in ("本月完成", "本年累计", "年度计划", "完成率", "形象进度", "存在问题",
                     "600万元", "2000万元", "30%", "征地滞后", "主体结构&lt;封顶&gt;", "未填报"):
            self.assertIn(text, html)
        self.assertNotIn("主体结构<封顶>", html)
        report_url = reverse("keyprojects:report", args=[self.reported.pk]) + "?month=2024-05"
        self.assertIn(f'href="{report_url}"', html)
        self.assertNotIn("本月为全市增加的数字", html)  # that is monthly data's
        self.assertNotIn(self.theirs.code, html)  # 吴兴区's key project is not 南浔区's month
        # A leader reads the project's page, not a form.
        self.assertIn(reverse("keyprojects:detail", args=[self.reported.pk]) + "?year=2024",
                      self.page(self.lily).content.decode())

    def test_the_page_is_404_outside_the_scope(self):
        self.assertEqual(self.page(self.charlie).status_code, 404)
        self.assertEqual(self.page(self.bob).status_code, 200)

    def test_the_review_page_keeps_its_query_count_as_key_projects_grow(self):
        self.client.force_login(self.alice)
        url = reverse("reporting:submission", args=[self.mine.pk])

        def count():
            with CaptureQueriesContext(connection) as captured:
                self.assertEqual(self.client.get(url).status_code, 200)
            return len(captured)

        self.say_why()
        count()  # the session's first request writes its stamps
        before = count()
        for i in range(5):
            project = key_project(f"南浔-K1{i}", self.nanxun_agri, self.xinjiang, self.kalpin)
            AnnualPlan.objects.create(project=project, year=2024, amount=Decimal("1000000"))
            keyprojects.save_report(self.bob, project, MAY, {"completed_ytd": Decimal("100000")})
        self.assertEqual(count(), before)

    # -- Approval ----------------------------------------------------------------------------

    def test_approval_locks_the_month_so_its_reports_are_closed(self):
        self.say_why()
        approved = services.approve(self.mine, self.alice, at=at(6, 6))
        self.assertEqual(approved.approved_counts, {queries.KEY_PROJECT_REPORTS: 1})
        lock = PeriodLock.active.get(unit=self.nanxun, year=2024, month=5)
        self.assertEqual((lock.cause, lock.reason, lock.covers),
                         (PeriodLock.Cause.APPROVAL, "2024年5月 重点项目月报报送 审核通过", PeriodLock.Covers.KEY_PROJECTS))
        for project in (self.silent, self.reported):  # 南浔区's own and its 农业农村局's
            with self.subTest(project=project.code), self.assertRaises(gate.WriteRefused):
                keyprojects.save_report(self.bob, project, MAY, {"completed_ytd": Decimal("7000000")})
        html = self.page().content.decode()
        self.assertIn("第 1 版（重点项目月报 1 条）", html)
        self.assertIn("已锁定（审核通过，Alice）", html)

    def test_approval_leaves_the_months_other_records_open_for_its_monthly_data(self):
        self.say_why()
        services.approve(self.mine, self.alice, at=at(6, 6))
        may = gate.Target(self.nanxun.pk, MAY)
        gate.check(self.bob, gate.CREATE, FundRecord, [may])  # not refused: 月度数据 is still to come
        self.assertEqual(periods.reviewed_periods(2024), "")  # nor does the dashboard call it 已审核
        monthly = may_task(self, at=at(6, 7)).submissions.get(unit=self.nanxun)
        services.submit(monthly, self.bob, at=at(6, 8))
        services.approve(monthly, self.alice, at=at(6, 9))
        with self.assertRaises(gate.WriteRefused):
            gate.check(self.bob, gate.CREATE, FundRecord, [may])
        self.assertEqual(PeriodLock.active.filter(unit=self.nanxun, year=2024, month=5).count(), 2)
        self.assertEqual(periods.reviewed_periods(2024), "南浔区 5月")

    def test_after_a_reopening_it_marks_new_and_changed_reports_since_the_last_approval(self):
        self.say_why()
        services.approve(self.mine, self.alice, at=at(6, 6))
        periods.unlock(self.nanxun, 2024, 5, actor=self.alice, reason="南浔区更正5月月报", covers=PeriodLock.Covers.KEY_PROJECTS)
        keyprojects.save_report(self.bob, self.reported, MAY, {"completed_ytd": Decimal("6500000")})
        keyprojects.save_report(self.bob, self.silent, MAY, {"completed_ytd": Decimal("300000")})
        again = may_task(self, kind=KEY_PROJECTS, title="5月重点项目月报更正", deadline=datetime.date(2024, 6, 30),
                         at=at(6, 20)).submissions.get(unit=self.nanxun)
        services.submit(again, self.bob, at=at(6, 21))
        review = queries.review(again, self.alice)
        self.assertEqual(review["since"], Submission.objects.get(pk=self.mine.pk))
        rows = {row.project: row for row in review["key_projects"].rows}
        self.assertEqual(rows[self.silent].status, "新增")
        self.assertEqual(rows[self.reported].status, "修改")
        changed = {c.label: (c.before.text, c.after.text) for change in rows[self.reported].changes
                   for c in change.changes}
        self.assertEqual(changed["本年累计完成投资"], ("600万元", "650万元"))
        html = self.page(submission=again).content.decode()
        self.assertIn("新增 1，修改 1", html)
        self.assertIn("与上次审核通过的重点项目月报（2024年5月 重点项目月报报送", html)

    def test_a_monthly_data_approval_is_not_what_key_projects_are_compared_with(self):
        monthly = may_task(self, at=at(6, 2)).submissions.get(unit=self.nanxun)
        services.submit(monthly, self.bob, at=at(6, 3))
        services.approve(monthly, self.alice, at=at(6, 4))
        self.assertIsNone(queries.baseline(self.mine))
        self.assertIsNone(queries.review(self.mine, self.alice)["since"])

    # -- 催报 and 待办 ------------------------------------------------------------------------

    def test_the_board_and_the_todo_list_carry_the_task(self):
        today = datetime.date(2024, 6, 15)
        late = dict(queries.board(self.alice, today)["late"])[self.task]
        self.assertEqual({entry.submission.unit for entry in late}, {self.nanxun, self.wuxing})
        self.assertIn(self.mine, queries.todo(self.bob, today)["to_submit"])
        self.assertIn(self.mine, queries.todo(self.alice, today)["late"])
        reminded = services.remind(self.task, self.alice, at=at(6, 15))
        self.assertEqual(reminded.submissions, 2)
        self.say_why(when=at(6, 16))
        self.assertIn(self.mine, queries.todo(self.alice, today)["to_review"])
        self.client.force_login(self.bob)
        self.assertIn("2024年5月 重点项目月报报送", self.client.get(reverse("home")).content.decode())
