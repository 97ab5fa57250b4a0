"""Every read-side scope rule is in hezuo/access.py, and a read for nobody is refused: the
console reads as access.CONSOLE, never as `None` meaning "everything"."""

import json
import tempfile
from pathlib import Path

from django.core.management import call_command
from django.urls import reverse

from hezuo import access
from hezuo.imports.services.exporter import export_workbook
from hezuo.projects.models import Project
from hezuo.reports.services.report import build_report
from hezuo.stats.queries import latest_year, statistics

from .base import BaseTestCase


class NobodyReadsNothingTestCase(BaseTestCase):
    def test_a_read_for_none_is_refused_not_read_as_everything(self):
        with self.assertRaisesMessage(TypeError, "access.CONSOLE"):
            access.visible(None, Project.objects.all())
        with self.assertRaisesMessage(TypeError, "access.CONSOLE"):
            statistics(None, 2024)
        with self.assertRaisesMessage(TypeError, "access.CONSOLE"):
            latest_year(None)
        with self.assertRaisesMessage(TypeError, "access.CONSOLE"):
            build_report(None, 2024)

    def test_an_export_for_none_writes_nothing(self):
        with tempfile.TemporaryDirectory() as directory:
            path = Path(directory) / "all.xlsx"
            with self.assertRaisesMessage(TypeError, "access.CONSOLE"):
                export_workbook(path)
            self.assertFalse(path.exists())
            export_workbook(path, blank=True)  # the blank template is nobody's data
            self.assertTrue(path.exists())

    def test_the_console_reads_every_unit_as_the_city_office_does(self):
        console = statistics(access.CONSOLE, 2024, by=("unit",), compare=False)
        city = statistics(self.alice, 2024, by=("unit",), compare=False)
        self.assertEqual(console.total["projects"].value, 2)
        self.assertEqual([(row.label, row["projects"].value) for row in console.units],
                         [(row.label, row["projects"].value) for row in city.units])
        own = statistics(self.bob, 2024, by=("unit",), compare=False)
        self.assertEqual(own.total["projects"].value, 1)
        self.assertEqual([row.label for row in own.units], ["南浔区", "南浔区农业农村局"])

    def test_the_stats_command_reads_as_the_console(self):
        with tempfile.TemporaryFile("w+") as out:
            call_command("stats", "--year", "2024", "--format", "json", stdout=out)
            out.seek(0)
            figures = json.load(out)
        # Both districts' projects: 南浔's under 援疆 (对口支援), 吴兴's under 东西部协作.
        top = {row["name"]: row["projects"] for row in figures["programs"] if row["parent"] is None}
        self.assertEqual((top["对口支援"], top["东西部协作"]), (1, 1))


class ScopeRulesTestCase(BaseTestCase):
    def test_data_scope_is_shared_by_those_who_read_every_unit(self):
        self.assertEqual(access.data_scope(self.alice), "all")
        self.assertEqual(access.data_scope(self.lily), "all")
        self.assertEqual(access.data_scope(access.CONSOLE), "all")
        self.assertEqual(access.data_scope(self.bob), self.nanxun.path)
        self.assertEqual(access.data_scope(self.adam), "none")

    def test_readable_units_follow_the_scope(self):
        self.assertEqual(set(access.readable_units(self.bob)), {self.nanxun, self.nanxun_agri})
        self.assertEqual(access.readable_units(self.lily).count(), 4)
        self.assertEqual(list(access.readable_units(self.adam)), [])

    def test_a_district_reporters_unit_filter_offers_their_own_units(self):
        self.client.force_login(self.bob)
        html = self.client.get(reverse("projects:list")).content.decode()
        self.assertIn("南浔区农业农村局", html)
        self.assertNotIn("吴兴区", html)

    def test_a_leader_exports_from_the_exchange_page_but_imports_nothing(self):
        self.assertFalse(access.can_import(self.lily))
        self.assertTrue(access.can_export(self.lily))
        self.client.force_login(self.lily)
        home = self.client.get(reverse("home"))
        self.assertFalse(home.context["can_import"])
        self.assertContains(home, reverse("imports:list"))  # 导入导出: the export is there
        page = self.client.get(reverse("imports:list"))
        self.assertContains(page, reverse("imports:export"))
        self.assertNotContains(page, reverse("imports:upload"))
        self.assertEqual(self.client.get(reverse("imports:upload")).status_code, 403)

    def test_the_admin_exports_nothing(self):
        self.assertFalse(access.can_export(self.adam))
        self.client.force_login(self.adam)
        self.assertNotContains(self.client.get(reverse("imports:list")), reverse("imports:export"))
        self.assertEqual(self.client.get(reverse("imports:export")).status_code, 403)
