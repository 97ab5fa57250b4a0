"""The labour cooperation pages inside: the side menu's 劳务协作, an event's page with its
counts, results, training sessions and scans, a posting's page with its public link and
发布/下线, and the targets 转移就业人数 and 其中脱贫劳动力 computed from events' results."""

import datetime
from decimal import Decimal

from django.test import override_settings
from django.urls import reverse

from hezuo.exchanges.models import Activity
from hezuo.core.services.records import delete_record, restore_record
from hezuo.jobs import services
from hezuo.jobs.models import Posting, PostingScan, RecruitmentEvent
from hezuo.targets.indicators import progress
from hezuo.targets.models import Target
from tests.jobs_world import JobsTestCase, make_event


class EventPageTestCase(JobsTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.baishan.intentions, cls.baishan.signed, cls.baishan.transferred, cls.baishan.transferred_poor = 40, 25, 18, 6
        cls.baishan.save()
        cls.course = Activity.objects.create(name="赴湖务工人员岗前培训", kind=Activity.Kind.TRAINING, program=cls.xinjiang,
                                             unit=cls.nanxun, date=datetime.date(2024, 11, 13), person_times=75)
        cls.baishan.trainings.add(cls.course)

    def test_the_side_menu_has_labour_cooperation(self):
        self.client.force_login(self.bob)
        page = self.client.get("/")
        self.assertContains(page, "劳务协作")
        for slug in ("recruitment-events", "employers", "postings"):
            self.assertContains(page, f'href="{reverse(f"{slug}:list")}"')

    def test_the_event_page_counts_employers_postings_and_headcount(self):
        self.client.force_login(self.bob)
        page = self.client.get(reverse("recruitment-events:detail", args=[self.baishan.pk]))
        self.assertContains(page, "<dd>1 家</dd>", html=True)
        self.assertContains(page, "2 个（待审核 1，已发布 1，已下线 0）")
        self.assertContains(page, "20 人（在招 10 人）")
        self.assertContains(page, "40 / 25 / 18 人（其中脱贫劳动力 6 人）")
        self.assertContains(page, "1 期，75 人次")
        self.assertContains(page, "赴湖务工人员岗前培训")
        self.assertContains(page, f"/j/e/{self.baishan.token}/")

    def test_results_are_entered_on_the_events_form(self):
        self.client.force_login(self.bob)
        page = self.client.get(reverse("recruitment-events:edit", args=[self.baishan.pk]))
        for label in ("意向人数", "签约人数", "转移就业人数", "其中脱贫劳动力", "劳动力培训"):
            self.assertContains(page, label)

    def test_results_are_entered_on_the_events_page(self):
        self.client.force_login(self.bob)
        url = reverse("recruitment-events:detail", args=[self.baishan.pk])
        self.assertContains(self.client.get(url), "保存成效")
        response = self.client.post(reverse("jobs:event_results", args=[self.baishan.pk]), {
            "version": self.baishan.version, "intentions": "120", "signed": "60", "transferred": "45",
            "transferred_poor": "9"}, follow=True)
        self.assertContains(response, "已保存活动成效")
        self.baishan.refresh_from_db()
        self.assertEqual((self.baishan.transferred, self.baishan.transferred_poor, self.baishan.version), (45, 9, 2))

    def test_more_poor_than_transferred_is_refused(self):
        self.client.force_login(self.bob)
        response = self.client.post(reverse("jobs:event_results", args=[self.baishan.pk]), {
            "version": self.baishan.version, "intentions": "1", "signed": "1", "transferred": "5",
            "transferred_poor": "9"}, follow=True)
        self.assertContains(response, "其中脱贫劳动力不能多于转移就业人数")
        self.assertEqual(RecruitmentEvent.objects.get(pk=self.baishan.pk).transferred, 18)

    def test_another_units_reporter_and_a_leader_cannot_enter_results(self):
        url = reverse("jobs:event_results", args=[self.baishan.pk])
        data = {"version": 1, "intentions": "1", "signed": "1", "transferred": "1", "transferred_poor": "0"}
        self.client.force_login(self.charlie)
        self.assertEqual(self.client.post(url, data).status_code, 404)
        self.client.force_login(self.lily)
        self.assertEqual(self.client.post(url, data).status_code, 403)
        self.assertEqual(RecruitmentEvent.objects.get(pk=self.baishan.pk).transferred, 18)

    def test_the_postings_list_filters_the_state_as_its_rows_show_it(self):
        # 电焊工 is published but past its 有效期至, not swept yet by `hezuo jobs expire`.
        Posting.objects.filter(pk=self.welder.pk).update(valid_until=datetime.date.today() - datetime.timedelta(days=1))
        services.set_state(self.bob, Posting.objects.filter(pk=self.fitter.pk), Posting.State.PUBLISHED)
        self.client.force_login(self.bob)
        for state, shown in ((Posting.State.PUBLISHED, {"装配工"}), (Posting.State.OFFLINE, {"电焊工"}),
                             (Posting.State.PENDING, set())):
            with self.subTest(state=state):
                page = self.client.get(reverse("postings:list"), {"state": state})
                self.assertEqual({row.title for row in page.context["page"]}, shown)
        # 发布时间 已填写: published at some time, as the annual summary counts them, offline or not.
        services.set_state(self.bob, Posting.objects.filter(pk=self.fitter.pk), Posting.State.OFFLINE)
        ever = self.client.get(reverse("postings:list"), {"published": "0"})
        self.assertIn("装配工", {row.title for row in ever.context["page"]})

    def test_a_posting_page_shows_its_public_link_and_state_buttons(self):
        self.client.force_login(self.bob)
        page = self.client.get(reverse("postings:detail", args=[self.welder.pk]))
        self.assertContains(page, f"/j/{self.welder.token}/")
        self.assertContains(page, 'value="offline"')
        pending = self.client.get(reverse("postings:detail", args=[self.fitter.pk]))
        self.assertNotContains(pending, "/j/")  # no public page before it is published
        self.client.post(reverse("jobs:posting_state", args=[self.fitter.pk]), {"action": "publish"})
        self.assertEqual(Posting.objects.get(pk=self.fitter.pk).state, Posting.State.PUBLISHED)

    def test_another_units_reporter_cannot_change_a_postings_state(self):
        self.client.force_login(self.charlie)
        response = self.client.post(reverse("jobs:posting_state", args=[self.fitter.pk]), {"action": "publish"})
        self.assertEqual(response.status_code, 404)
        self.assertEqual(Posting.objects.get(pk=self.fitter.pk).state, Posting.State.PENDING)

    def test_a_wrong_credit_code_is_refused_on_the_employers_form(self):
        self.client.force_login(self.alice)
        response = self.client.post(reverse("employers:create"), {
            "name": "某公司", "credit_code": "91350100M000100Y44", "unit": self.nanxun.pk})
        self.assertContains(response, "校验位不正确", status_code=422)

    def test_the_dashboard_has_a_labour_cooperation_block(self):
        self.client.force_login(self.alice)
        page = self.client.get(reverse("stats:dashboard"), {"year": 2024})
        self.assertContains(page, "劳务协作")
        self.assertContains(page, "3 个，招聘 30 人")  # 吴兴区's event is of 2024 too
        self.assertContains(page, "18 人（其中脱贫劳动力 6 人）")
        self.client.force_login(self.charlie)
        self.assertContains(self.client.get(reverse("stats:dashboard"), {"year": 2024}), "1 个，招聘 10 人")
        self.client.force_login(self.alice)  # the program filter holds for the block too
        page = self.client.get(reverse("stats:dashboard"), {"year": 2024, "program": self.east_west.pk})
        self.assertContains(page, "1 个，招聘 10 人")

    @override_settings(HEZUO_PUBLIC_BASE_URL="https://jobs.huzhou.example")
    def test_links_point_to_the_public_host(self):
        self.client.force_login(self.alice)
        page = self.client.get(reverse("postings:detail", args=[self.welder.pk]))
        self.assertContains(page, f"https://jobs.huzhou.example/j/{self.welder.token}/")


class TrashTestCase(JobsTestCase):
    def test_an_event_goes_to_the_trash_with_its_postings_and_comes_back_whole(self):
        course = Activity.objects.create(name="岗前培训", kind=Activity.Kind.TRAINING, program=self.xinjiang,
                                         unit=self.nanxun, date=datetime.date(2024, 11, 13), person_times=75)
        self.baishan.trainings.add(course)
        services.count_scan(self.welder)
        entry = delete_record(self.baishan, self.bob, expected_version=self.baishan.version)
        self.assertEqual([(group["title"], group["count"]) for group in entry.summary],
                         [("岗位", 2), ("扫码次数", 1), ("关联的培训", 1)])
        self.assertEqual(Posting.objects.filter(event_id=self.baishan.pk).count(), 0)
        self.assertTrue(Activity.objects.filter(pk=course.pk).exists())  # the training itself stays

        restore_record(entry.pk, self.alice)

        event = RecruitmentEvent.objects.get(pk=self.baishan.pk)
        self.assertEqual(set(event.postings.values_list("token", flat=True)), {self.welder.token, self.fitter.token})
        self.assertEqual(list(event.trainings.all()), [course])
        self.assertEqual(PostingScan.objects.get().posting_id, self.welder.pk)


class IndicatorsTestCase(JobsTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        RESULTS = {"intentions": 100, "signed": 60, "transferred": 45, "transferred_poor": 12}
        for name, day, values in [("第二场", datetime.date(2024, 12, 3), RESULTS),
                                  ("上一年", datetime.date(2023, 11, 1), {"transferred": 999})]:
            event = make_event(name, cls.nanxun, cls.xinjiang, cls.kalpin, start=day)
            for field, value in values.items():
                setattr(event, field, value)
            event.save()
        cls.baishan.transferred, cls.baishan.transferred_poor = 30, 8
        cls.baishan.save()

    def actual(self, indicator, value, user=None):
        target = Target.objects.create(indicator=indicator, program=self.aid, year=2024, value=Decimal(value))
        return progress(user or self.alice, [target])[0]

    def test_transferred_sums_the_years_events_of_the_program_and_below(self):
        found = self.actual("transferred", 60)
        self.assertEqual((found.actual, found.met, found.crossed_on), (75, True, datetime.date(2024, 12, 3)))

    def test_the_poor_among_them(self):
        self.assertEqual(self.actual("transferred_poor", 30).actual, 20)

    def test_a_reporter_counts_what_they_read(self):
        self.assertEqual(self.actual("transferred", 60, user=self.charlie).actual, 0)

    def test_an_events_training_sessions_count_for_labour_training(self):
        course = Activity.objects.create(name="岗前培训", kind=Activity.Kind.TRAINING, program=self.xinjiang,
                                         unit=self.nanxun, date=datetime.date(2024, 11, 13), person_times=75)
        self.baishan.trainings.add(course)
        self.assertEqual(self.actual("training", 50).actual, 75)  # held once: an activity, linked to the event
