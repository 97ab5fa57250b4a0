"""The dashboard (驾驶舱): every figure on it links to the list of records that sums to it,
it keeps each user's scope and its query count, and nothing on it comes from outside."""

import json
import re
import tempfile
from decimal import Decimal
from pathlib import Path

from django.contrib.staticfiles import finders
from django.db import connection
from django.db.models import Sum
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hezuo.org.models import Pairing, Program
from hezuo.projects.models import FundRecord
from hezuo.stats import geo
from tests.base import BaseTestCase, DemoTestCase
from tests.record_data import copy_of
from tests.test_pages import ASSET, EXTERNAL

COUNT = re.compile(r"共 <strong>([\d,]+)</strong> 条")
TOTAL = re.compile(r'data-total="(\w+)" data-value="([^"]*)"')


class DrillDownTestCase(DemoTestCase):
    def list_total(self, figure):
        """What the figure's list page says: its count, or the total of the figure's column."""
        r = self.client.get(figure.url)
        self.assertEqual(r.status_code, 200, figure.url)
        html = r.content.decode()
        self.assertNotIn("筛选条件有误", html, figure.url)
        count = int(COUNT.search(html)[1].replace(",", ""))
        if not figure.total:
            return count
        totals = dict(TOTAL.findall(html))
        if count == 0:
            return 0  # an empty list has no totals row
        self.assertIn(figure.total, totals, figure.url)
        return Decimal(totals[figure.total])

    def check_every_figure(self, user, params):
        self.client.force_login(user)
        r = self.client.get(reverse("stats:dashboard"), params)
        self.assertEqual(r.status_code, 200)
        figures = r.context["figures"]
        html = r.content.decode()
        self.assertGreater(len(figures), 50)
        nonzero = 0
        for figure in figures:
            with self.subTest(figure=figure.label, url=figure.url):
                self.assertIn(f"year={params['year']}", figure.url)
                self.assertEqual(self.list_total(figure), figure.value)
                nonzero += bool(figure.value)
                # Shown as a link on the page, or carried by a chart point that opens it on a click.
                self.assertTrue(figure.url.replace("&", "&amp;") in html or json.dumps(figure.url) in
                                json.dumps(r.context["data"]), figure.url)
        self.assertGreater(nonzero, 20)
        return figures

    def test_every_figure_of_the_city_dashboard_sums_from_its_list(self):
        figures = self.check_every_figure(self.alice, {"year": 2024})
        arranged = next(f for f in figures if f.label == "安排资金" and "program" not in f.url and "region" not in f.url)
        self.assertEqual(arranged.value, FundRecord.objects.filter(year=2024, stage="arranged").aggregate(
            n=Sum("amount"))["n"])

    def test_every_figure_of_a_district_dashboard_sums_from_its_list(self):
        self.check_every_figure(self.bob, {"year": 2024})

    def test_every_figure_for_one_program_sums_from_its_list(self):
        program = Program.objects.get(name="对口支援")
        figures = self.check_every_figure(self.alice, {"year": 2024, "program": program.pk})
        self.assertTrue(all("program=" in f.url for f in figures))

    def test_a_year_without_records_still_links_every_figure(self):
        self.client.force_login(self.alice)
        r = self.client.get(reverse("stats:dashboard"), {"year": 2021})
        for figure in r.context["figures"]:
            with self.subTest(url=figure.url):
                self.assertEqual(self.list_total(figure), figure.value)


class DashboardPageTestCase(DemoTestCase):
    def test_it_shows_the_headline_figures_with_their_change(self):
        self.client.force_login(self.leader)
        r = self.client.get(reverse("stats:dashboard"))
        self.assertEqual(r.status_code, 200)
        self.assertEqual(r.context["dash"].year, 2024)  # the latest year with projects
        cards = {card.label: card for card in r.context["dash"].cards}
        self.assertEqual(cards["签约金额"].figure.text, "675.2亿元")
        self.assertEqual(cards["派遣人次"].extra.text, "13批")
        self.assertContains(r, cards["援助资金（安排）"].figure.change)
        self.assertTrue(cards["援助资金（安排）"].figure.change.startswith("同比"))

    def test_the_map_draws_a_line_to_every_paired_city_from_home(self):
        self.client.force_login(self.alice)
        r = self.client.get(reverse("stats:dashboard"), {"year": 2024})
        data = r.context["data"]["map"]
        self.assertEqual(data["home"]["name"], "湖州市")
        self.assertEqual(len(data["home"]["coord"]), 2)
        names = {place["name"] for place in data["places"]}
        self.assertLessEqual({"阿克苏", "海西", "广安", "阿坝", "白山", "丽水", "上海", "嘉兴", "杭州", "黔南",
                              "安庆"}, names)
        self.assertTrue(all(len(place["coord"]) == 2 for place in data["places"]))
        self.assertEqual(sum(place["value"] for place in data["places"]), Pairing.objects.count())
        self.assertEqual(data["outline"], "/static/vendor/echarts/china.json")

    def test_friendly_cities_paired_in_2024_are_not_on_the_2023_map(self):
        self.client.force_login(self.alice)
        r = self.client.get(reverse("stats:dashboard"), {"year": 2023})
        names = {place["name"] for place in r.context["data"]["map"]["places"]}
        self.assertNotIn("黔南", names)
        self.assertIn("广安", names)

    def test_a_district_reporter_sees_their_own_figures(self):
        self.client.force_login(self.bob)
        r = self.client.get(reverse("stats:dashboard"), {"year": 2024})
        mine = r.context["dash"].total
        self.client.force_login(self.alice)
        everyone = self.client.get(reverse("stats:dashboard"), {"year": 2024}).context["dash"].total
        self.assertLess(mine["funds_arranged"].value, everyone["funds_arranged"].value)
        self.assertLess(mine["projects"].value, everyone["projects"].value)

    def test_a_bad_year_is_refused(self):
        self.client.force_login(self.alice)
        self.assertEqual(self.client.get(reverse("stats:dashboard"), {"year": "next"}).status_code, 422)

    def test_it_is_in_the_navigation_after_the_home_page(self):
        self.client.force_login(self.leader)
        html = self.client.get(reverse("home")).content.decode()
        self.assertLess(html.index("⌂ 工作台"), html.index("驾驶舱"))
        self.assertIn(f'href="{reverse("stats:dashboard")}"', html)
        self.assertIn(f'href="{reverse("stats:table")}"', html)


class OfflineTestCase(DemoTestCase):
    def test_the_dashboard_and_the_statistics_page_link_nothing_outside(self):
        self.client.force_login(self.alice)
        for url in (reverse("stats:dashboard"), reverse("stats:table")):
            r = self.client.get(url)
            html = r.content.decode()
            self.assertIsNone(EXTERNAL.search(html), f"{url} links outside the server: {EXTERNAL.search(html)}")
            self.assertNotRegex(html, r"https?://", url)
            for path in set(ASSET.findall(html)):
                self.assertIsNotNone(finders.find(path.removeprefix("/static/")), path)
        html = self.client.get(reverse("stats:dashboard")).content.decode()
        self.assertIn("/static/vendor/echarts/echarts.min.js", html)
        self.assertIsNotNone(finders.find("vendor/echarts/china.json"))

    def test_an_office_can_supply_its_own_map(self):
        outline = {"type": "FeatureCollection", "features": [{
            "type": "Feature", "properties": {"adcode": 330500, "name": "湖州"},
            "geometry": {"type": "Polygon", "coordinates": [[[119, 30], [121, 30], [121, 31], [119, 31], [119, 30]]]},
        }]}
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "huzhou.json"
            path.write_text(json.dumps(outline), encoding="utf-8")
            with override_settings(HEZUO_MAP_GEOJSON=str(path)):
                self.assertEqual(geo.locate("330502"), [119.8, 30.4])  # the mean of its outline's points
                self.assertEqual(geo.locate("511602"), [106.633369, 30.456398])  # the packaged city centre
                self.client.force_login(self.alice)
                r = self.client.get(reverse("stats:dashboard"))
                self.assertEqual(r.context["data"]["map"]["outline"], reverse("stats:map_outline"))
                served = self.client.get(reverse("stats:map_outline"))
                self.assertEqual(json.loads(b"".join(served.streaming_content)), outline)
        self.assertEqual(self.client.get(reverse("stats:map_outline")).status_code, 404)


class DashboardQueryCountTestCase(BaseTestCase):
    def queries(self):
        """{(user, filter): number of queries} for the dashboard as each user, with and without a program."""
        counts = {}
        for user in (self.alice, self.bob):
            self.client.force_login(user)
            for params in ({"year": 2024}, {"year": 2024, "program": self.aid.pk}):
                with CaptureQueriesContext(connection) as captured:
                    r = self.client.get(reverse("stats:dashboard"), params)
                self.assertEqual(r.status_code, 200)
                counts[user.username, len(params)] = len(captured)
        return counts, r

    def test_it_keeps_its_query_count_as_records_grow(self):
        self.queries()  # warm up per-process caches
        before, _ = self.queries()
        for n in range(1, 21):
            for slug in ("projects", "funds", "dispatches", "activities", "consumption", "park-figures", "pairings"):
                copy_of(self.own[slug], n)
                copy_of(self.other[slug], n)
        after, r = self.queries()
        self.assertEqual(after, before)
        self.assertGreater(len(r.context["data"]["map"]["places"]), 1)
