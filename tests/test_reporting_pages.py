"""The reporting pages: the review page of a unit's month (new and changed records with their
field changes, the 提醒, the figures), the 催报 board (late units, on-time rates), reminders
to the right people, the 待办 on every home page, and the HTTP answers of each step."""

import datetime
from decimal import Decimal

from django.urls import reverse

from hezuo import rules
from hezuo.accounts.models import User
from hezuo.assistance.models import ConsumptionRecord
from hezuo.periods import services as periods
from hezuo.projects.models import Project
from hezuo.reporting import queries, services
from hezuo.reporting.models import Notice, Submission, SubmissionEvent
from tests.base import PASSWORD, BaseTestCase
from tests.reporting import at, may_task

State = Submission.State


class ReviewPageTestCase(BaseTestCase):
    """南浔区's May approved once; the city reopens it, a fund's amount is corrected and a
    consumption record added; a second task for May is submitted and reviewed."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        first = may_task(cls).submissions.get(unit=cls.nanxun)
        services.submit(first, cls.bob, at=at(6, 5))
        cls.first = services.approve(first, cls.alice, at=at(6, 6))
        periods.unlock(cls.nanxun, 2024, 5, actor=cls.alice, reason="南浔区申请更正5月资金")
        fund = cls.own["funds"]
        fund.amount = Decimal("1500000.00")
        fund.version += 1
        fund.save()
        cls.added = ConsumptionRecord.objects.create(date=datetime.date(2024, 5, 20), program=cls.xinjiang,
                                                     unit=cls.nanxun, origin=cls.kalpin, product="柯坪<羊肉>",
                                                     amount=Decimal("80000"))
        task = may_task(cls, title="2024年5月 月度数据更正报送", deadline=datetime.date(2024, 6, 30), at=at(6, 20))
        cls.second = services.submit(task.submissions.get(unit=cls.nanxun), cls.bob, at=at(6, 21))

    def page(self, user=None, submission=None):
        self.client.force_login(user or self.alice)
        return self.client.get(reverse("reporting:submission", args=[(submission or self.second).pk]))

    def rows(self):
        data = queries.review(self.second, self.alice)
        return {row.obj: row for block in data["blocks"] for row in block.rows}

    def test_it_marks_what_is_new_and_what_changed_since_the_last_approval(self):
        rows = self.rows()
        self.assertEqual(rows[self.added].status, "新增")
        self.assertEqual(rows[self.own["funds"]].status, "修改")
        self.assertEqual(rows[self.own["activities"]].status, "")  # unchanged since
        [change] = rows[self.own["funds"]].changes
        self.assertEqual([(c.label, c.before.text, c.after.text) for c in change.changes],
                         [("金额", "120万元", "150万元")])

    def test_the_page_shows_the_changes_escaped_and_the_baseline(self):
        response = self.page()
        self.assertEqual(response.status_code, 200)
        html = response.content.decode()
        self.assertIn("与上次审核通过的报送（2024年5月 月度数据报送", html)
        self.assertIn("新增", html)
        self.assertIn("<dt>金额</dt>", html)
        self.assertIn("120万元</span> → <span class=\"after\" title=\"1,500,000.00元\">150万元", html)
        self.assertIn("柯坪&lt;羊肉&gt;", html)
        self.assertNotIn("柯坪<羊肉>", html)
        # Outside 南浔区's month: 吴兴区's records are not listed.
        self.assertNotIn(str(self.other["funds"]), html)

    def test_the_approved_submission_shows_itself_against_no_earlier_approval(self):
        html = self.page(submission=self.first).content.decode()
        self.assertIn("南浔区此前没有审核通过的报送", html)
        self.assertIn("第 1 版", html)

    def test_the_page_shows_the_units_project_warnings_of_the_month(self):
        expected = rules.project_warnings(Project.objects.filter(pk=self.own["projects"].pk))
        self.assertEqual([w.message for w in queries.month_warnings(self.second)], [w.message for w in expected])
        html = self.page().content.decode()
        self.assertIn(f"提醒（{len(expected)}）", html)

    def test_the_figures_are_what_the_month_adds_to_the_citys(self):
        figures = {f.label: f for f in queries.month_figures(self.second)}
        self.assertEqual((figures["安排资金"].unit_value, figures["安排资金"].city_value, figures["安排资金"].share),
                         ("150万元", "270万元", "55.6%"))  # 吴兴区's 120万 arranged in May too
        self.assertEqual((figures["消费帮扶"].unit_value, figures["消费帮扶"].city_value),
                         ("33万元", "58万元"))
        self.assertEqual((figures["派遣人次"].unit_value, figures["派遣人次"].city_value), ("8人次", "16人次"))
        self.assertNotIn("拨付资金", figures)  # nothing of it in the city that month

    def test_a_long_month_shows_new_and_changed_records_first_and_says_how_many_more(self):
        ConsumptionRecord.objects.bulk_create([
            ConsumptionRecord(date=datetime.date(2024, 5, 1), year=2024, program=self.xinjiang, unit=self.nanxun,
                              origin=self.kalpin, product=f"核桃{i}", amount=Decimal("100"))
            for i in range(queries.SHOWN_ROWS + 2)])
        [block] = [b for b in queries.review(self.second, self.alice)["blocks"] if b.kind.slug == "consumption"]
        self.assertEqual((block.total, len(block.rows), block.more, block.new), (queries.SHOWN_ROWS + 4,
                                                                                queries.SHOWN_ROWS, 4,
                                                                                queries.SHOWN_ROWS + 3))
        self.assertTrue(all(row.status == "新增" for row in block.rows))
        self.assertIn("另有 4 条记录未列出", self.page().content.decode())

    def test_the_page_says_whether_the_month_is_locked(self):
        self.assertIn("未锁定，数据可修改", self.page().content.decode())  # reopened for the correction
        services.approve(self.second, self.alice)
        html = self.page().content.decode()
        self.assertIn("已锁定（审核通过，Alice）", html)
        self.assertIn("第 2 版（资金 1 条、人员派遣 1 条、交流活动 1 条、消费帮扶 2 条、物资帮扶 1 条）", html)

    def test_the_page_is_404_outside_the_scope_and_for_the_admin_roles(self):
        for user in (self.charlie, self.adam, self.sara, self.otto):
            with self.subTest(user=user.username):
                self.assertEqual(self.page(user).status_code, 404)
        for user in (self.bob, self.lily):
            with self.subTest(user=user.username):
                self.assertEqual(self.page(user).status_code, 200)


class StepPagesTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.task = may_task(cls)
        cls.mine = cls.task.submissions.get(unit=cls.nanxun)

    def post(self, user, step, **data):
        if user is None:
            self.client.logout()
        else:
            self.client.force_login(user)
        return self.client.post(reverse(f"reporting:{step}", args=[self.mine.pk]), data)

    def test_the_answers_of_a_step_by_role(self):
        Submission.objects.filter(pk=self.mine.pk).update(state=State.SUBMITTED)
        self.assertEqual(self.post(self.bob, "approve", state="submitted").status_code, 403)
        self.assertEqual(self.post(self.charlie, "approve", state="submitted").status_code, 404)
        self.assertEqual(self.post(self.lily, "approve", state="submitted").status_code, 403)
        self.assertEqual(self.post(self.adam, "approve", state="submitted").status_code, 404)
        anonymous = self.post(None, "approve", state="submitted")
        self.assertEqual(anonymous.status_code, 302)
        self.assertIn("/accounts/login/", anonymous["Location"])
        self.assertEqual(Submission.objects.get(pk=self.mine.pk).state, State.SUBMITTED)
        self.assertEqual(self.post(self.alice, "approve", state="submitted").status_code, 302)
        self.assertEqual(Submission.objects.get(pk=self.mine.pk).state, State.APPROVED)

    def test_a_return_without_reason_rerenders_with_the_message(self):
        Submission.objects.filter(pk=self.mine.pk).update(state=State.SUBMITTED)
        response = self.post(self.alice, "return", state="submitted", reason="")
        self.assertEqual(response.status_code, 422)
        self.assertIn("退回原因：请填写退回原因", response.content.decode())
        self.assertEqual(Submission.objects.get(pk=self.mine.pk).state, State.SUBMITTED)

    def test_a_stale_page_is_told_to_refresh(self):
        response = self.post(self.bob, "submit", state="returned")
        self.assertEqual(response.status_code, 422)
        self.assertIn("该报送的状态已变为「未报送」，请刷新页面后再操作", response.content.decode())

    def test_the_issue_form_creates_a_task_and_refuses_bad_input_by_field(self):
        self.client.force_login(self.alice)
        response = self.client.post(reverse("reporting:task_new"), {
            "kind": "monthly_data", "year": "2024", "month": "13", "deadline": "2024-07-10", "units": []})
        self.assertEqual(response.status_code, 422)
        html = response.content.decode()
        self.assertIn("月份应为 1—12", html)
        self.assertIn("报送单位：请至少选择一个单位", html)
        response = self.client.post(reverse("reporting:task_new"), {
            "kind": "monthly_data", "year": "2024", "month": "6", "deadline": "2024-07-10",
            "units": [self.nanxun.pk, self.wuxing.pk], "title": "<b>六月</b>"})
        self.assertEqual(response.status_code, 302)
        html = self.client.get(response["Location"]).content.decode()
        self.assertIn("&lt;b&gt;六月&lt;/b&gt;", html)
        self.client.force_login(self.bob)
        self.assertEqual(self.client.get(reverse("reporting:task_new")).status_code, 403)

    def test_the_task_list_and_page_show_a_district_only_its_units(self):
        self.client.force_login(self.bob)
        html = self.client.get(reverse("reporting:task", args=[self.task.pk])).content.decode()
        self.assertIn("南浔区", html)
        self.assertNotIn("吴兴区", html)
        self.client.force_login(self.otto)
        self.assertEqual(self.client.get(reverse("reporting:tasks")).status_code, 404)


class TaskListYearsTestCase(BaseTestCase):
    """Tasks of 2023 and 2024: the list shows one year, the latest by default, and links to
    the others."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        may_task(cls)
        services.issue_task(cls.alice, year=2023, month=12, deadline=datetime.date(2024, 1, 10),
                            units=[cls.nanxun], at=at(1, 2))

    def listed(self, query=""):
        self.client.force_login(self.alice)
        return self.client.get(reverse("reporting:tasks") + query).content.decode()

    def test_the_latest_year_by_default_and_links_to_the_others(self):
        html = self.listed()
        self.assertIn("2024年5月 月度数据报送", html)
        self.assertNotIn("2023年12月 月度数据报送", html)
        self.assertIn('<strong aria-current="page">2024年</strong>', html)
        self.assertIn('<a href="?year=2023">2023年</a>', html)

    def test_another_year_and_a_year_without_tasks(self):
        html = self.listed("?year=2023")
        self.assertIn("2023年12月 月度数据报送", html)
        self.assertNotIn("2024年5月 月度数据报送", html)
        for wrong in ("?year=2019", "?year=abc", "?year="):
            with self.subTest(query=wrong):
                self.assertIn("2024年5月 月度数据报送", self.listed(wrong))  # the latest instead


class BoardTestCase(BaseTestCase):
    """Three tasks (of May, June and July data), seen on 2024-07-15, named by when they are due:
    - due 06-10: 南浔区 on time (06-08), 吴兴区 late (06-12);
    - due 07-10: 南浔区 not submitted (5 days late), 吴兴区 on time (07-01);
    - due 08-10 (not yet): 吴兴区 submitted early (07-14), 南浔区 not yet."""

    TODAY = datetime.date(2024, 7, 15)

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.dora = User.objects.create_user("dora", password=PASSWORD, role=User.Role.DISTRICT,
                                            unit=cls.nanxun_agri)
        cls.eve = User.objects.create_user("eve", password=PASSWORD, role=User.Role.DISTRICT, unit=cls.nanxun)
        cls.june = may_task(cls, month=5, deadline=datetime.date(2024, 6, 10))
        cls.july = may_task(cls, month=6, deadline=datetime.date(2024, 7, 10), at=at(7, 1, 8))
        cls.august = may_task(cls, month=7, deadline=datetime.date(2024, 8, 10), at=at(7, 1, 8))

        def submit(task, unit, user, when):
            services.submit(task.submissions.get(unit=unit), user, at=when)

        submit(cls.june, cls.nanxun, cls.bob, at(6, 8))
        submit(cls.june, cls.wuxing, cls.charlie, at(6, 12))
        submit(cls.july, cls.wuxing, cls.charlie, at(7, 1, 12))
        submit(cls.august, cls.wuxing, cls.charlie, at(7, 14))

    def test_it_lists_the_late_units_with_days_overdue(self):
        board = queries.board(self.alice, today=self.TODAY)
        self.assertEqual([(task.pk, [(item.submission.unit.name, item.days) for item in units])
                          for task, units in board["late"]], [(self.july.pk, [("南浔区", 5)])])

    def test_on_time_rates_per_unit_are_exact(self):
        board = queries.board(self.alice, today=self.TODAY)
        self.assertEqual([(r.unit.name, r.due, r.on_time, r.late, r.rate) for r in board["rates"]],
                         [("南浔区", 2, 1, 1, "50%"), ("吴兴区", 3, 2, 1, "66.7%")])

    def test_a_district_sees_only_its_own_units_on_the_board_and_cannot_open_the_page(self):
        board = queries.board(self.bob, today=self.TODAY)
        self.assertEqual([r.unit.name for r in board["rates"]], ["南浔区"])
        self.client.force_login(self.bob)
        self.assertEqual(self.client.get(reverse("reporting:board")).status_code, 404)
        self.client.force_login(self.lily)
        self.assertEqual(self.client.get(reverse("reporting:board")).status_code, 200)

    def test_the_reminder_reaches_the_late_units_reporters_only(self):
        before = set(Notice.objects.values_list("pk", flat=True))
        sent = services.remind(self.july, self.alice, at=at(7, 15, 9))
        self.assertEqual((sent.submissions, sent.notices), (1, 2))
        new = Notice.objects.exclude(pk__in=before)
        self.assertEqual(sorted(new.values_list("recipient__username", flat=True)), ["bob", "eve"])
        self.assertIn("已逾期 5 天", new.first().text)
        self.assertTrue(SubmissionEvent.objects.filter(action="reminded", submission__unit=self.nanxun,
                                                       submission__task=self.july).exists())

    def test_only_a_city_officer_sends_reminders_and_not_before_the_deadline(self):
        self.client.force_login(self.lily)
        self.assertEqual(self.client.post(reverse("reporting:remind", args=[self.july.pk])).status_code, 403)
        self.client.force_login(self.bob)
        self.assertEqual(self.client.post(reverse("reporting:remind", args=[self.july.pk])).status_code, 403)
        with self.assertRaisesMessage(Exception, "尚未到截止日期"):
            services.remind(self.august, self.alice, at=at(7, 15))

    def test_the_board_page_renders_the_numbers(self):
        self.client.force_login(self.alice)
        html = self.client.get(reverse("reporting:board")).content.decode()
        self.assertIn("66.7%", html)
        self.assertIn("发送催报提醒", html)


class TodoTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.task = may_task(cls)
        mine = cls.task.submissions.get(unit=cls.nanxun)
        services.submit(mine, cls.bob, at=at(6, 5))
        services.return_submission(mine, cls.alice, "缺少<5月>消费帮扶", at=at(6, 6))
        services.submit(cls.task.submissions.get(unit=cls.wuxing), cls.charlie, at=at(6, 7))

    def home(self, user):
        self.client.force_login(user)
        response = self.client.get(reverse("home"))
        self.assertEqual(response.status_code, 200)
        return response.content.decode()

    def test_a_reporter_sees_the_returned_task_with_its_reason(self):
        html = self.home(self.bob)
        self.assertIn("待报送（1）", html)
        self.assertIn("退回原因：缺少&lt;5月&gt;消费帮扶", html)
        self.assertIn("未读通知", html)
        form = html[html.index('action="/reporting/notices/read/"'):]
        self.assertIn('name="csrfmiddlewaretoken"', form[:400])

    def test_a_city_officer_sees_what_waits_for_review_and_the_late_units(self):
        found = queries.todo(self.alice, today=datetime.date(2024, 6, 15))
        self.assertEqual([s.unit.name for s in found["to_review"]], ["吴兴区"])
        self.assertEqual([s.unit.name for s in found["late"]], ["南浔区"])
        html = self.home(self.alice)
        self.assertIn("待审核（1）", html)

    def test_a_leader_and_the_admin_roles_have_no_steps(self):
        for user in (self.lily, self.adam, self.otto):
            with self.subTest(user=user.username):
                found = queries.todo(user)
                self.assertFalse(found.get("to_submit") or found.get("to_review") or found.get("late"))
                self.assertNotIn("待审核", self.home(user))

    def test_notices_are_marked_read_by_their_recipient_only(self):
        bobs = list(Notice.objects.filter(recipient=self.bob).values_list("pk", flat=True))
        charlies = list(Notice.objects.filter(recipient=self.charlie).values_list("pk", flat=True))
        self.assertTrue(bobs and charlies)
        self.client.force_login(self.bob)
        self.client.post(reverse("reporting:notices_read"), {"notice": bobs + charlies})
        self.assertFalse(Notice.objects.filter(pk__in=bobs, read_at__isnull=True).exists())
        self.assertEqual(Notice.objects.filter(pk__in=charlies, read_at__isnull=True).count(), len(charlies))
        self.assertEqual(Notice.objects.filter(pk__in=bobs).count(), len(bobs))  # kept
        self.assertNotIn("未读通知", self.home(self.bob))
