"""Publishing postings and taking them offline: through the write gate as the user who
asks (the event page's selection, `hezuo jobs publish`), audited; expired postings read as
offline everywhere, and `hezuo jobs expire` stores it."""

import datetime
import io

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hezuo import gate
from hezuo.jobs import services
from hezuo.jobs.models import Posting
from tests.jobs_world import JobsTestCase, make_posting, today


class PublishCommandTestCase(JobsTestCase):
    def publish(self, *args):
        out = io.StringIO()
        call_command("jobs", "publish", *args, stdout=out)
        return out.getvalue()

    def test_it_publishes_the_events_pending_postings_as_the_user(self):
        output = self.publish("--event", self.baishan.name, "--user", "bob")
        self.assertIn("已发布 1 个岗位", output)
        self.fitter.refresh_from_db()
        self.assertEqual((self.fitter.state, self.fitter.version, self.fitter.updated_by),
                         (Posting.State.PUBLISHED, 2, self.bob))
        self.assertIsNotNone(self.fitter.published_at)
        self.weaver.refresh_from_db()
        self.assertEqual(self.weaver.state, Posting.State.PENDING)  # another event's

    def test_each_published_posting_has_an_audit_entry(self):
        self.publish("--event", self.baishan.name, "--user", "bob")
        entry = LogEntry.objects.get(content_type=ContentType.objects.get_for_model(Posting), object_id=self.fitter.pk,
                                     action=LogEntry.Action.UPDATE)
        self.assertEqual((entry.actor, entry.changes_dict["state"]), (self.bob, ["待审核", "已发布"]))

    def test_another_units_reporter_does_not_find_the_event(self):
        with self.assertRaisesMessage(CommandError, "没有名为“南浔赴柯坪劳务协作招聘会”的招聘活动（或不在该用户的数据范围内）"):
            self.publish("--event", self.baishan.name, "--user", "charlie")
        self.fitter.refresh_from_db()
        self.assertEqual(self.fitter.state, Posting.State.PENDING)

    def test_a_leader_may_not_publish(self):
        with self.assertRaisesMessage(CommandError, "领导账号只能查看"):
            self.publish("--event", self.baishan.name, "--user", "lily")

    def test_without_a_user_the_operator_publishes(self):
        self.assertIn("已发布 1 个岗位", self.publish("--event", self.baishan.name))

    def test_an_expired_posting_is_not_published(self):
        make_posting(self.baishan, self.elevator, "钳工", valid_until=today() - datetime.timedelta(days=1))
        self.assertIn("1 个已过有效期，未发布", self.publish("--event", self.baishan.name))
        self.assertEqual(Posting.objects.get(title="钳工").state, Posting.State.PENDING)


class GateTestCase(JobsTestCase):
    def test_a_district_reporter_cannot_publish_another_units_postings(self):
        # Whatever the caller asks for, the gate judges where each posting is.
        with self.assertRaises(gate.WriteRefused):
            services.set_state(self.charlie, Posting.objects.filter(pk=self.fitter.pk), Posting.State.PUBLISHED)
        self.fitter.refresh_from_db()
        self.assertEqual((self.fitter.state, self.fitter.version), (Posting.State.PENDING, 1))

    def test_a_refused_posting_in_a_selection_writes_none_of_it(self):
        chosen = Posting.objects.filter(pk__in=[self.fitter.pk, self.weaver.pk])
        with self.assertRaises(gate.WriteRefused):
            services.set_state(self.bob, chosen, Posting.State.PUBLISHED)
        self.assertEqual(set(chosen.values_list("state", flat=True)), {Posting.State.PENDING})


class SelectionPageTestCase(JobsTestCase):
    def url(self, event):
        return f"/jobs/events/{event.pk}/postings/"

    def test_the_reporter_publishes_a_selection(self):
        self.client.force_login(self.bob)
        response = self.client.post(self.url(self.baishan), {"action": "publish", "posting": [self.fitter.pk]},
                                    follow=True)
        self.assertContains(response, "已发布 1 个岗位")
        self.assertEqual(Posting.objects.get(pk=self.fitter.pk).state, Posting.State.PUBLISHED)

    def test_the_reporter_takes_a_selection_offline(self):
        self.client.force_login(self.bob)
        self.client.post(self.url(self.baishan), {"action": "offline", "posting": [self.welder.pk, self.fitter.pk]})
        self.assertEqual(set(Posting.objects.filter(event=self.baishan).values_list("state", flat=True)),
                         {Posting.State.OFFLINE})

    def test_another_units_posting_in_the_selection_is_not_touched(self):
        # Its id posted to one's own event's page: not among the event's postings one sees.
        self.client.force_login(self.bob)
        self.client.post(self.url(self.baishan), {"action": "publish", "posting": [self.weaver.pk, self.fitter.pk]})
        self.assertEqual(Posting.objects.get(pk=self.weaver.pk).state, Posting.State.PENDING)

    def test_another_units_event_page_is_not_found(self):
        self.client.force_login(self.charlie)
        self.assertEqual(self.client.get(self.url(self.baishan)).status_code, 404)
        response = self.client.post(self.url(self.baishan), {"action": "publish_pending"})
        self.assertEqual(response.status_code, 404)
        self.assertEqual(Posting.objects.get(pk=self.fitter.pk).state, Posting.State.PENDING)

    def test_a_leader_sees_the_page_without_the_buttons_and_cannot_post(self):
        self.client.force_login(self.lily)
        page = self.client.get(self.url(self.baishan))
        self.assertContains(page, "电焊工")
        self.assertNotContains(page, "发布所选")
        response = self.client.post(self.url(self.baishan), {"action": "publish_pending"}, follow=True)
        self.assertContains(response, "领导账号只能查看")
        self.assertEqual(Posting.objects.get(pk=self.fitter.pk).state, Posting.State.PENDING)

    def test_publish_all_pending(self):
        self.client.force_login(self.alice)
        self.client.post(self.url(self.baishan), {"action": "publish_pending"})
        self.assertEqual(Posting.objects.get(pk=self.fitter.pk).state, Posting.State.PUBLISHED)

    def test_the_list_filters_by_current_state(self):
        self.client.force_login(self.alice)
        Posting.objects.filter(pk=self.welder.pk).update(valid_until=today() - datetime.timedelta(days=1))
        offline = self.client.get(self.url(self.baishan), {"state": "offline"})
        self.assertContains(offline, "电焊工")
        self.assertNotContains(offline, "装配工")
        self.assertNotContains(self.client.get(self.url(self.baishan), {"state": "published"}), "电焊工")

    def test_the_page_reads_a_constant_number_of_queries(self):
        self.client.force_login(self.alice)
        self.client.get(self.url(self.baishan))  # the session and the menu's first reads
        with CaptureQueriesContext(connection) as few:
            self.client.get(self.url(self.baishan))
        for i in range(30):
            make_posting(self.baishan, self.elevator, f"岗位{i}")
        with self.assertNumQueries(len(few)):
            self.client.get(self.url(self.baishan))


class ExpiryTestCase(JobsTestCase):
    def test_a_posting_past_its_date_reads_as_offline(self):
        Posting.objects.filter(pk=self.welder.pk).update(valid_until=today() - datetime.timedelta(days=1))
        welder = Posting.objects.get(pk=self.welder.pk)
        self.assertEqual(welder.state, Posting.State.PUBLISHED)  # as stored, until the sweep
        self.assertEqual((welder.current_state(), welder.get_state_display()), (Posting.State.OFFLINE, "已下线"))
        self.assertNotIn(welder, Posting.objects.open())

    def test_the_last_valid_day_is_still_open(self):
        Posting.objects.filter(pk=self.welder.pk).update(valid_until=today())
        self.assertIn(self.welder, Posting.objects.open())

    def test_the_sweep_stores_offline(self):
        Posting.objects.filter(pk=self.welder.pk).update(valid_until=today() - datetime.timedelta(days=1))
        out = io.StringIO()
        call_command("jobs", "expire", stdout=out)
        self.assertIn("已将 1 个过期岗位下线", out.getvalue())
        self.welder.refresh_from_db()
        self.assertEqual((self.welder.state, self.welder.version), (Posting.State.OFFLINE, 2))
        self.assertEqual(services.expire(), 0)
