"""Key projects' monthly reports (月报), annual plans and the province's rate: what may be
written, by whom, in which month, and what is computed from them."""

import datetime
import io
import json
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.management import call_command

from hezuo import gate
from hezuo.keyprojects import services
from hezuo.keyprojects.models import MonthlyReport
from hezuo.keyprojects.queries import progress
from hezuo.periods import services as periods
from hezuo.projects.models import Project

from .base import BaseTestCase

MAY, JUNE = datetime.date(2024, 5, 1), datetime.date(2024, 6, 1)


class MonthlyReportTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.key = cls.own["projects"]  # 南浔区农业农村局's project
        cls.key.key_level = Project.KeyLevel.PROVINCE
        cls.key.save()
        cls.other_key = cls.other["projects"]  # 吴兴区's
        cls.other_key.key_level = Project.KeyLevel.PROVINCE
        cls.other_key.save()

    def report(self, month, ytd, actor=None, **values):
        return services.save_report(actor or self.bob, self.key, month, {"completed_ytd": Decimal(ytd), **values})

    def test_a_reporter_reports_a_month_of_their_units_key_project(self):
        report = self.report(MAY, "3000000", progress="主体结构完成", problems="征地滞后", responsible="南浔区自然资源局",
                             deadline=datetime.date(2024, 6, 30))
        report.refresh_from_db()
        self.assertEqual((report.year, report.completed_ytd, report.completed_month), (2024, Decimal("3000000"), Decimal("3000000")))
        self.assertEqual(report.created_by, self.bob)
        self.assertEqual(report.responsible, "南浔区自然资源局")

    def test_a_new_month_starts_from_last_months_report(self):
        self.report(MAY, "3000000", completed_total="8000000", progress="主体结构完成", problems="征地滞后")
        draft = services.prefill(self.key, datetime.date(2024, 6, 17))
        self.assertIsNone(draft.pk)
        self.assertEqual(draft.month, JUNE)
        self.assertEqual((draft.completed_ytd, draft.completed_total, draft.progress, draft.problems),
                         (Decimal("3000000"), Decimal("8000000"), "主体结构完成", "征地滞后"))
        june = self.report(JUNE, "4200000")
        self.assertEqual(june.completed_month, Decimal("1200000"))  # this month = YTD − May's
        self.assertEqual(june.progress, "主体结构完成")  # carried over, not typed again

    def test_a_lower_year_to_date_needs_a_stated_reason(self):
        self.report(MAY, "3000000")
        with self.assertRaises(ValidationError) as refused:
            self.report(JUNE, "2500000")
        self.assertIn("累计减少原因", refused.exception.message_dict["decline_reason"][0])
        self.assertFalse(MonthlyReport.objects.filter(month=JUNE).exists())  # nothing half-written
        june = self.report(JUNE, "2500000", decline_reason="5月误报，核减50万元")
        self.assertEqual(june.completed_ytd, Decimal("2500000"))

    def test_a_report_in_a_locked_month_is_refused(self):
        periods.lock(self.nanxun, 2024, 6, actor=self.alice, reason="6月已审核")
        with self.assertRaises(gate.WriteRefused) as refused:
            self.report(JUNE, "1000000")
        self.assertEqual(refused.exception.status, 409)
        self.assertIn("2024年6月", refused.exception.message)
        self.assertFalse(MonthlyReport.objects.exists())
        self.report(MAY, "800000")  # May is open

    def test_a_change_in_a_locked_month_is_refused(self):
        self.report(JUNE, "1000000")
        periods.lock(self.nanxun, 2024, 6, actor=self.alice)
        with self.assertRaises(gate.WriteRefused):
            self.report(JUNE, "1100000")
        self.assertEqual(MonthlyReport.objects.get().completed_ytd, Decimal("1000000"))

    def test_a_reporter_cannot_report_another_units_project(self):
        with self.assertRaises(gate.WriteRefused):
            services.save_report(self.charlie, self.key, MAY, {"completed_ytd": Decimal("1")})
        with self.assertRaises(gate.WriteRefused):
            services.save_report(self.lily, self.key, MAY, {"completed_ytd": Decimal("1")})
        self.assertFalse(MonthlyReport.objects.exists())

    def test_only_city_officers_enter_the_provinces_rate(self):
        with self.assertRaises(gate.WriteRefused):
            services.save_province_rate(self.bob, 2024, 11, Decimal("108.9"))
        rate = services.save_province_rate(self.alice, 2024, 11, Decimal("108.9"))
        self.assertEqual(rate.rate, Decimal("108.9"))
        with self.assertRaises(ValidationError) as refused:
            services.save_province_rate(self.alice, 2024, 13, Decimal("1"))
        self.assertIn("month", refused.exception.message_dict)

    def test_share_of_plan(self):
        services.save_plan(self.alice, self.key, 2024, Decimal("4000000"))
        self.assertEqual(self.report(MAY, "3000000").share_of_plan(), Decimal(75))


class ProgressTestCase(BaseTestCase):
    """Through June: time progress 50%. 南浔's project 6,000,000 of 4,000,000 (150%),
    吴兴's 1,000,000 of 4,000,000 (25%, 滞后); together 7,000,000 of 8,000,000 = 87.5%;
    the province 60.0% → 快于全省 27.5 个百分点, 快于序时进度 37.5."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        for p in (cls.own["projects"], cls.other["projects"]):
            p.key_level = Project.KeyLevel.PROVINCE
            p.save()
            services.save_plan(cls.alice, p, 2024, Decimal("4000000"))
        nanxun, wuxing = cls.own["projects"], cls.other["projects"]
        for month, ytd in ((5, "2000000"), (6, "6000000"), (7, "9000000")):
            services.save_report(cls.bob, nanxun, datetime.date(2024, month, 1), {"completed_ytd": Decimal(ytd)})
        services.save_report(cls.charlie, wuxing, datetime.date(2024, 4, 1), {"completed_ytd": Decimal("1000000")})
        services.save_province_rate(cls.alice, 2024, 6, Decimal("60.0"))

    def test_progress_through_a_month(self):
        found = progress(self.alice, 2024, 6)
        self.assertEqual((found.count, found.annual_plan, found.completed), (2, Decimal("8000000"), Decimal("7000000")))
        self.assertEqual(found.completion_rate, Decimal("87.5"))
        self.assertEqual(found.time_progress, Decimal(50))
        self.assertEqual(found.ahead_points, Decimal("27.5"))
        self.assertEqual(found.ahead_of_time_points, Decimal("37.5"))
        self.assertEqual([p.project.code for p in found.lagging], ["吴兴-001"])
        self.assertEqual(found.as_json(), {
            "count": 2, "annual_plan": 8000000.0, "completed": 7000000.0, "through_month": 6,
            "completion_rate": 87.5, "province_rate": 60.0, "ahead_points": 27.5,
            "lagging": [{"code": "吴兴-001", "name": "吴兴示范项目", "unit": "吴兴区", "completion_rate": 25.0,
                         "time_progress": 50.0}]})

    def test_without_a_month_it_reads_through_the_last_month_reported(self):
        found = progress(self.alice, 2024)
        self.assertEqual((found.through_month, found.completed), (7, Decimal("10000000")))
        self.assertIsNone(found.province_rate)  # none entered for July
        self.assertIsNone(found.ahead_points)

    def test_a_reporter_reads_their_own_units_projects(self):
        found = progress(self.bob, 2024, 6)
        self.assertEqual((found.count, found.completed, found.completion_rate), (1, Decimal("6000000"), Decimal(150)))
        self.assertEqual(found.lagging, [])

    def test_hezuo_stats_prints_key_projects_through_a_month(self):
        out = io.StringIO()
        call_command("stats", "--year", "2024", "--through-month", "5", "--format", "json", stdout=out)
        key = json.loads(out.getvalue())["key_projects"]
        # Through May: 南浔 2,000,000 (50%), 吴兴 1,000,000 (April's; 25%) of 8,000,000; time 41.7%.
        self.assertEqual((key["count"], key["completed"], key["through_month"], key["completion_rate"]),
                         (2, 3000000.0, 5, 37.5))
        self.assertIsNone(key["province_rate"])
        self.assertEqual([(p["code"], p["completion_rate"], p["time_progress"]) for p in key["lagging"]],
                         [("吴兴-001", 25.0, 41.7)])  # 南浔 at 50% is ahead
