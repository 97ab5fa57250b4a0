"""A district's own summary: `hezuo report --unit NAME` and the 年度总结 page for a district
reporter give a summary titled with that unit, of its figures only, naming it where the city's
says 全市."""

import io
import tempfile
from pathlib import Path

from django.core.management import CommandError, call_command

from hezuo import access
from hezuo.reports.services.report import build_report
from tests.base import BaseTestCase, DemoTestCase


class DistrictSummaryTestCase(BaseTestCase):
    """Base data: 南浔 (its 农业农村局) has one 援疆 project with 120万 arranged; 吴兴 one 东西部协作."""

    def test_a_district_reporters_summary_is_titled_and_told_as_the_district(self):
        report = build_report(self.bob, 2024)
        self.assertEqual(report.title, "南浔区2024年区域合作工作总结")
        self.assertEqual(report.unit, "南浔区")
        body = report.body()
        self.assertIn("南浔区", body)
        self.assertNotIn("全市", body)
        self.assertNotIn("东西部协作", body)  # 吴兴's program: not in 南浔's scope
        self.assertEqual([b.plain for b in report.blocks if b.role == "signature"][0], "南浔区")

    def test_the_city_summary_says_the_city(self):
        report = build_report(self.alice, 2024)
        self.assertEqual(report.title, "湖州市区域合作办2024年工作总结")
        self.assertEqual(report.unit, "")
        self.assertIn("全市", report.body())

    def test_the_page_gives_a_district_reporter_their_own_summary(self):
        self.client.force_login(self.bob)
        page = self.client.get("/reports/?year=2024")
        self.assertContains(page, "南浔区2024年区域合作工作总结")
        self.assertNotContains(page, "湖州市区域合作办2024年工作总结")

    def test_the_command_refuses_a_unit_that_does_not_exist(self):
        out = Path(tempfile.mkdtemp()) / "summary.md"
        with self.assertRaises(CommandError) as caught:
            call_command("report", year=2024, format="md", unit="火星区", output=str(out), stdout=io.StringIO())
        self.assertIn("单位“火星区”不存在", str(caught.exception))
        self.assertFalse(out.exists())

    def test_the_command_for_the_root_unit_writes_the_citys_summary(self):
        out = Path(tempfile.mkdtemp()) / "summary.md"
        call_command("report", year=2024, format="md", unit="市区域合作办", output=str(out), stdout=io.StringIO())
        self.assertTrue(out.read_text(encoding="utf-8").startswith("# 湖州市区域合作办2024年工作总结"))


class DemoDistrictSummaryTestCase(DemoTestCase):
    def test_the_command_writes_nanxuns_own_summary(self):
        out = Path(tempfile.mkdtemp()) / "summary.md"
        call_command("report", year=2024, format="md", unit="南浔区", output=str(out), stdout=io.StringIO())
        text = out.read_text(encoding="utf-8")
        self.assertTrue(text.startswith("# 南浔区2024年区域合作工作总结"))
        self.assertIn("南浔区投入东西部协作财政资金[3243万元]", text)
        self.assertNotIn("湖州投入", text)
        self.assertNotIn("全市", text.split("## 附")[0])

    def test_a_districts_figures_are_its_own(self):
        whole = build_report(access.CONSOLE, 2024).body()
        own = build_report(self.bob, 2024).body()
        self.assertIn("1.74亿元", whole)
        self.assertNotIn("1.74亿元", own)
        self.assertIn("1至11月，南浔区10个省2024年长三角一体化发展重大项目", own)
