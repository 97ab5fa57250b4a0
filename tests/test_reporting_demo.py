"""The demo's reporting cycle: November 2024 issued to the districts with one waiting for
review, one returned with a reason, the others late; 南浔区's October approved and locked;
吴兴区's October approved, its approval withdrawn (撤销审核), corrected and waiting for review
again."""

import datetime

from hezuo.org.models import Unit
from hezuo.periods.services import lock_covering
from hezuo.reporting import queries
from hezuo.reporting.models import ReportingTask, Submission
from hezuo.reporting.queries import review
from tests.base import DemoTestCase

State = Submission.State


class ReportingDemoTestCase(DemoTestCase):
    def test_november_has_one_waiting_one_returned_and_the_late(self):
        november = ReportingTask.objects.get(title="2024年11月 月度数据报送")
        states = dict(november.submissions.values_list("unit__name", "state"))
        self.assertEqual(states, {"吴兴区": State.SUBMITTED, "南浔区": State.RETURNED, "德清县": State.PENDING,
                                  "长兴县": State.PENDING, "安吉县": State.PENDING, "南太湖新区": State.PENDING})
        self.assertIn("消费帮扶", november.submissions.get(unit__name="南浔区").return_reason)
        board = queries.board(self.alice, today=datetime.date(2024, 12, 15))
        [(task, late)] = board["late"]
        self.assertEqual((task, [(item.submission.unit.name, item.days) for item in late]),
                         (november, [("南浔区", 5), ("德清县", 5), ("长兴县", 5), ("安吉县", 5), ("南太湖新区", 5)]))

    def test_nanxun_october_is_approved_and_locked(self):
        october = Submission.objects.get(task__title="2024年10月 月度数据报送", unit__name="南浔区")
        self.assertEqual((october.state, october.reviewed_by, october.approved_version),
                         (State.APPROVED, self.alice, 1))
        nanxun = Unit.objects.get(name="南浔区")
        self.assertIsNotNone(lock_covering(nanxun, datetime.date(2024, 10, 16)))
        self.assertIsNone(lock_covering(nanxun, datetime.date(2024, 11, 1)))

    def test_the_reporter_sees_the_return_on_the_home_page(self):
        self.client.force_login(self.bob)
        html = self.client.get("/").content.decode()
        self.assertIn("退回原因：11月只报了3个项目的支出", html)

    def test_wuxings_correction_shows_the_changed_note_against_its_withdrawn_approval(self):
        october = Submission.objects.get(task__title="2024年10月 月度数据报送", unit__name="吴兴区")
        self.assertEqual(october.state, State.SUBMITTED)
        self.assertEqual(list(october.events.values_list("action", flat=True)),
                         ["issued", "submitted", "approved", "reopened", "submitted"])
        self.assertIsNone(lock_covering(october.unit, datetime.date(2024, 10, 20)))  # reopened
        self.assertFalse(ReportingTask.objects.filter(title="2024年10月 月度数据更正报送").exists())
        data = review(october, self.alice)
        self.assertTrue(data["since"].withdrawn)
        self.assertEqual((data["since"].task.title, data["since"].reviewed_by), ("2024年10月 月度数据报送", self.alice))
        rows = [row for block in data["blocks"] for row in block.rows]
        changed = [row for row in rows if row.status]
        self.assertEqual([(row.status, str(row.obj)) for row in changed], [("修改", "云和雪梨（2024-10-20）")])
        [entry] = changed[0].changes
        self.assertEqual([(c.label, c.before.text, c.after.text) for c in entry.changes],
                         [("备注", "（空）", "湖州农博会云和馆展销，含线上订单")])
        self.assertEqual(entry.actor, "吴芳")
