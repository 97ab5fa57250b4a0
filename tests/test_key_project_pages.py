"""The key-project pages: the list with its 滞后 flags, a project's reports and trend, the
monthly report form (prefilled, refused in a locked month), 全省进度 (city), the dashboard's
滞后项目 block."""

import datetime
import io
import json
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from PIL import Image

from hezuo import gate
from hezuo.keyprojects import services
from hezuo.keyprojects.models import AnnualPlan, MonthlyReport, ProvinceRate, ReportPhoto
from hezuo.periods import services as periods
from hezuo.projects.models import Project

from .base import BaseTestCase


class KeyProjectWorld(BaseTestCase):
    """南浔's and 吴兴's projects, province key projects with plans of 4,000,000 each,
    reporting through June; the province at 60.0% in June."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.key, cls.other_key = cls.own["projects"], cls.other["projects"]
        for p in (cls.key, cls.other_key):
            p.key_level = Project.KeyLevel.PROVINCE
            p.save()
            services.save_plan(cls.alice, p, 2024, Decimal("4000000"))
        services.save_report(cls.bob, cls.key, datetime.date(2024, 5, 1),
                             {"completed_ytd": Decimal("2000000"), "progress": "桩基完成"})
        services.save_report(cls.bob, cls.key, datetime.date(2024, 6, 1), {"completed_ytd": Decimal("6000000")})
        services.save_report(cls.charlie, cls.other_key, datetime.date(2024, 6, 1), {"completed_ytd": Decimal("1000000")})
        services.save_province_rate(cls.alice, 2024, 6, Decimal("60.0"))

    def login(self, user):
        self.client.force_login(user)


class KeyProjectPagesTestCase(KeyProjectWorld):

    def test_the_list_flags_the_projects_behind_time_progress(self):
        self.login(self.alice)
        page = self.client.get(reverse("keyprojects:list") + "?year=2024").content.decode()
        self.assertIn("87.5%", page)  # 7,000,000 of 8,000,000
        self.assertIn("快于全省27.5个百分点", page)
        self.assertIn("快于序时进度37.5个百分点", page)
        self.assertIn("落后25个百分点", page)  # 吴兴 at 25% against 50%
        self.assertEqual(page.count(">滞后</span>"), 1)

    def test_a_reporter_sees_only_their_units_key_projects(self):
        self.login(self.bob)
        page = self.client.get(reverse("keyprojects:list") + "?year=2024").content.decode()
        self.assertIn("南浔-001", page)
        self.assertNotIn("吴兴-001", page)
        self.assertEqual(self.client.get(reverse("keyprojects:detail", args=[self.other_key.pk])).status_code, 404)

    def test_a_projects_page_shows_its_reports_and_the_trend_data(self):
        self.login(self.alice)
        page = self.client.get(reverse("keyprojects:detail", args=[self.key.pk]) + "?year=2024").content.decode()
        self.assertIn("桩基完成", page)
        self.assertIn("150%", page)  # June: 6,000,000 of 4,000,000
        data = json.loads(page.split('id="key-project-trend-data" type="application/json">')[1].split("</script>")[0])
        self.assertEqual(data["actual"][4:6], [200.0, 600.0])  # 万元
        self.assertEqual(data["plan"][5], 200.0)  # half the year's 400万元

    def test_the_report_form_starts_from_last_month_and_saves_through_the_gate(self):
        self.login(self.bob)
        url = reverse("keyprojects:report", args=[self.key.pk]) + "?month=2024-07"
        form = self.client.get(url).content.decode()
        self.assertIn("已按上月月报预填", form)
        self.assertIn('value="600"', form)  # June's year-to-date, shown in 万元
        response = self.client.post(url, {"completed_ytd_0": "700", "completed_ytd_1": "万元", "completed_total_0": "700",
                                          "completed_total_1": "万元", "progress": "主体封顶"})
        self.assertEqual(response.status_code, 302)
        july = MonthlyReport.objects.get(project=self.key, month=datetime.date(2024, 7, 1))
        self.assertEqual((july.completed_ytd, july.completed_month, july.created_by), (Decimal("7000000"), Decimal("1000000"), self.bob))

    def test_a_lower_year_to_date_without_a_reason_is_refused_naming_the_field(self):
        self.login(self.bob)
        url = reverse("keyprojects:report", args=[self.key.pk]) + "?month=2024-07"
        response = self.client.post(url, {"completed_ytd_0": "500", "completed_ytd_1": "万元", "completed_total_0": "500",
                                          "completed_total_1": "万元"})
        self.assertEqual(response.status_code, 422)
        self.assertContains(response, "累计减少原因", status_code=422)
        self.assertFalse(MonthlyReport.objects.filter(month=datetime.date(2024, 7, 1)).exists())

    def test_a_report_in_a_locked_month_is_refused_on_the_page(self):
        periods.lock(self.nanxun, 2024, 7, actor=self.alice)
        self.login(self.bob)
        url = reverse("keyprojects:report", args=[self.key.pk]) + "?month=2024-07"
        response = self.client.post(url, {"completed_ytd_0": "700", "completed_ytd_1": "万元", "completed_total_0": "700",
                                          "completed_total_1": "万元"})
        self.assertEqual(response.status_code, 422)
        self.assertContains(response, "2024年7月", status_code=422)
        self.assertFalse(MonthlyReport.objects.filter(month=datetime.date(2024, 7, 1)).exists())

    def test_only_city_officers_enter_the_provinces_rate(self):
        url = reverse("keyprojects:province")
        self.login(self.bob)
        self.assertEqual(self.client.post(url, {"month": "2024-07", "rate": "70.2"}).status_code, 403)
        self.login(self.alice)
        self.assertEqual(self.client.post(url, {"month": "2024-07", "rate": "70.2"}).status_code, 302)
        self.assertEqual(ProvinceRate.objects.get(year=2024, month=7).rate, Decimal("70.2"))
        response = self.client.post(url, {"month": "2024-13", "rate": "1"})
        self.assertContains(response, "月份格式不对", status_code=422)

    def test_the_dashboard_lists_the_lagging_projects(self):
        self.login(self.alice)
        page = self.client.get(reverse("stats:dashboard") + "?year=2024").content.decode()
        block = page.split("滞后项目")[1]
        self.assertIn("吴兴-001", block)
        self.assertNotIn("南浔-001", block)

    def test_the_list_keeps_its_query_count_as_projects_grow(self):
        self.login(self.alice)
        url = reverse("keyprojects:list") + "?year=2024"
        self.client.get(url)  # the session and caches warmed
        before = self.count_queries(url)
        for i in range(5):
            p = Project.objects.create(code=f"K-{i}", name=f"重点{i}", program=self.xinjiang, unit=self.wuxing,
                                       partner_region=self.kalpin, year=2024, key_level=Project.KeyLevel.PROVINCE)
            services.save_plan(self.alice, p, 2024, Decimal("1000000"))
            services.save_report(self.alice, p, datetime.date(2024, 6, 1), {"completed_ytd": Decimal("100000")})
        self.assertEqual(self.count_queries(url), before)

    def count_queries(self, url):
        with CaptureQueriesContext(connection) as captured:
            self.assertEqual(self.client.get(url).status_code, 200)
        return len(captured)

    def test_a_key_projects_own_page_links_to_its_reports(self):
        self.login(self.alice)
        page = self.client.get(reverse("projects:detail", args=[self.key.pk])).content.decode()
        self.assertIn(reverse("keyprojects:detail", args=[self.key.pk]), page)


class ReportPhotoTestCase(KeyProjectWorld):
    def png(self, name="site.png"):
        out = io.BytesIO()
        Image.new("RGB", (1200, 800), (40, 120, 200)).save(out, "PNG")
        return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")

    def test_a_photo_is_kept_with_a_thumbnail_and_shown_to_readers_of_the_project(self):
        june = MonthlyReport.objects.get(project=self.key, month=datetime.date(2024, 6, 1))
        self.client.force_login(self.bob)
        self.client.post(reverse("keyprojects:add_photo", args=[june.pk]), {"image": self.png(), "caption": "桩基施工"})
        photo = june.photos.get()
        self.assertEqual((photo.caption, photo.month, photo.created_by), ("桩基施工", june.month, self.bob))
        with Image.open(photo.thumbnail.path) as thumb:
            self.assertEqual(thumb.size, (320, 213))
        response = self.client.get(reverse("keyprojects:thumbnail", args=[photo.pk]))
        self.assertEqual((response.status_code, response["Content-Type"]), (200, "image/jpeg"))
        self.client.force_login(self.charlie)  # another district: not theirs to see
        self.assertEqual(self.client.get(reverse("keyprojects:photo", args=[photo.pk])).status_code, 404)

    def test_what_is_not_an_image_is_refused_naming_the_field(self):
        june = MonthlyReport.objects.get(project=self.key, month=datetime.date(2024, 6, 1))
        with self.assertRaises(ValidationError) as refused:
            services.add_photo(self.bob, june, SimpleUploadedFile("x.png", b"<script>alert(1)</script>"))
        self.assertIn("image", refused.exception.message_dict)
        self.assertFalse(ReportPhoto.objects.exists())

    def test_a_photo_in_a_locked_month_is_refused(self):
        june = MonthlyReport.objects.get(project=self.key, month=datetime.date(2024, 6, 1))
        periods.lock(self.nanxun, 2024, 6, actor=self.alice)
        with self.assertRaises(gate.WriteRefused):
            services.add_photo(self.bob, june, self.png())
        self.assertFalse(ReportPhoto.objects.exists())


class AnnualPlanPageTestCase(KeyProjectWorld):
    def post_plan(self, user, project, number, unit="万元", year=2024, **extra):
        self.login(user)
        return self.client.post(reverse("keyprojects:plan", args=[project.pk]) + f"?year={year}",
                                {"amount_0": number, "amount_1": unit, **extra})

    def plan(self, project, year=2024):
        return AnnualPlan.objects.filter(project=project, year=year).values_list("amount", flat=True).first()

    def test_the_units_reporter_sets_and_changes_a_plan_in_wan(self):
        r = self.post_plan(self.bob, self.key, "350", year=2025)
        self.assertEqual(r.status_code, 302)
        self.assertEqual(self.plan(self.key, 2025), Decimal("3500000.00"))
        version = AnnualPlan.objects.get(project=self.key, year=2025).version
        r = self.post_plan(self.bob, self.key, "1.2亿", unit="元", year=2025, version=version)
        self.assertEqual(r.status_code, 302)
        self.assertEqual(self.plan(self.key, 2025), Decimal("120000000.00"))
        page = self.client.get(reverse("keyprojects:detail", args=[self.key.pk]) + "?year=2025").content.decode()
        self.assertIn("1.2亿元", page)

    def test_bad_input_is_named_and_nothing_is_written(self):
        r = self.post_plan(self.bob, self.key, "三百多", year=2025)
        self.assertEqual(r.status_code, 422)
        self.assertContains(r, "年度计划投资", status_code=422)
        self.assertIsNone(self.plan(self.key, 2025))

    def test_others_cannot_set_a_plan(self):
        self.assertEqual(self.post_plan(self.charlie, self.key, "100").status_code, 404)  # 吴兴 does not see 南浔's
        self.assertEqual(self.post_plan(self.lily, self.key, "100").status_code, 403)  # a leader writes nothing
        self.assertEqual(self.plan(self.key), Decimal("4000000.00"))
        self.login(self.lily)
        page = self.client.get(reverse("keyprojects:detail", args=[self.key.pk]) + "?year=2024").content.decode()
        self.assertNotIn("保存计划", page)

    def test_a_closed_year_refuses_a_plan(self):
        periods.close_year(2024, actor=self.alice, reason="2024年度关账")
        r = self.post_plan(self.alice, self.key, "500")
        self.assertEqual(r.status_code, 422)
        self.assertContains(r, "已年度关账", status_code=422)
        self.assertEqual(self.plan(self.key), Decimal("4000000.00"))
