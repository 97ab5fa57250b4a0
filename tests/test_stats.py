"""The statistics module (hezuo/stats/queries.py) computes the seed article's figures from the
demo's records, rolls parents up from children, keeps each user's scope, costs the same
number of queries however many records there are, and the statistics page shows and
exports it."""

import datetime
import io
from decimal import Decimal

from django.db import connection
from django.db.models import Count, Sum
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from hezuo.assistance.models import ConsumptionRecord
from hezuo.exchanges.models import Activity, Dispatch
from hezuo.org.models import Program, Unit
from hezuo.parks.models import ParkFigure
from hezuo.projects.models import FundRecord, Project
from hezuo.stats.queries import MEASURES, statistics
from tests.base import BaseTestCase, DemoTestCase
from tests.record_data import copy_of

Stage = FundRecord.Stage


def by_name(rows):
    return {row.label: row for row in rows}


def value(row, key):
    return row[key].value


class DemoStatisticsTestCase(DemoTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.stats = statistics(cls.alice, 2024)
        cls.programs = by_name(cls.stats.programs)

    def test_it_reproduces_the_articles_figures(self):
        p = self.programs
        self.assertEqual(value(p["援疆"], "projects"), 28)
        self.assertTrue(110_000_000 < value(p["援疆"], "funds_arranged") < 111_000_000)  # 超1.1亿元
        self.assertEqual((value(p["援疆"], "dispatch_batches"), value(p["援疆"], "dispatch_person_times")), (12, 97))
        self.assertEqual((value(p["援疆"], "activity_batches"), value(p["援疆"], "activity_person_times")), (8, 162))
        self.assertEqual((value(p["援青"], "projects"), value(p["援青"], "funds_arranged")), (10, Decimal("28380000")))
        self.assertEqual(value(p["东西部协作"], "projects"), 42)
        self.assertEqual(value(p["东西部协作"], "funds_arranged"), Decimal("174000000"))
        self.assertEqual(value(p["山海协作"], "consumption"), Decimal("37100000"))
        self.assertEqual(value(p["山海协作"], "funds_disbursed"), Decimal("15400000"))
        self.assertEqual(value(p["山海协作"], "park_investment"), Decimal("1340000000"))
        self.assertEqual(value(p["山海协作"], "park_output"), Decimal("2220000000"))
        self.assertEqual(value(p["浙吉合作"], "projects"), 20)
        self.assertEqual(value(p["接轨上海"], "signed_investment"), Decimal("67520000000"))
        self.assertEqual(value(p["长三角一体化"], "signed_investment"), Decimal("67520000000"))
        self.assertEqual(value(self.stats.total, "key_projects"), 27)

    def test_every_program_of_the_dictionary_appears_parents_before_children(self):
        names = [row.label for row in self.stats.programs]
        self.assertEqual(sorted(names), sorted(Program.objects.values_list("name", flat=True)))
        self.assertLess(names.index("对口支援"), names.index("援疆"))
        self.assertEqual(value(self.programs["援藏"], "projects"), 0)  # no records: still there, with zeros
        self.assertEqual({row.label: row.depth for row in self.stats.programs}["援疆"], 1)

    def test_a_parent_is_its_childrens_sum_plus_its_own_records(self):
        # 长三角一体化 holds activities of its own (联席会议) besides its children's.
        own = Activity.objects.filter(program__name="长三角一体化", year=2024).aggregate(n=Sum("person_times"))["n"]
        self.assertGreater(own, 0)
        for parent in Program.objects.filter(children__isnull=False).distinct():
            children = [self.programs[child.name] for child in parent.children.all()]
            own_stats = statistics(self.alice, 2024, program=parent, by=(), compare=False)
            for measure in MEASURES:
                with self.subTest(program=parent.name, measure=measure.key):
                    total = value(self.programs[parent.name], measure.key)
                    self.assertEqual(total, value(own_stats.total, measure.key))
                    direct = self.direct(parent, measure.key)
                    self.assertEqual(total, sum(value(row, measure.key) for row in children) + direct)

    def direct(self, program, key):
        """The measure over records of exactly this program, by a plain ORM aggregate."""
        query = {
            "projects": (Project.objects.filter(program=program, year=2024), Count("pk")),
            "key_projects": (Project.objects.filter(program=program, year=2024, key_level="province"), Count("pk")),
            "consumption": (ConsumptionRecord.objects.filter(program=program, year=2024), Sum("amount")),
            "dispatch_batches": (Dispatch.objects.filter(program=program, year=2024), Count("pk")),
            "dispatch_person_times": (Dispatch.objects.filter(program=program, year=2024), Sum("person_times")),
            "park_investment": (ParkFigure.objects.filter(park__program=program, year=2024, cumulative=False,
                                                          enterprise=None), Sum("fixed_asset_investment")),
            "park_output": (ParkFigure.objects.filter(park__program=program, year=2024, cumulative=False,
                                                      enterprise=None), Sum("industrial_output")),
        }
        if key.startswith("funds_"):
            rows, aggregate = (FundRecord.objects.filter(project__program=program, year=2024,
                                                         stage=key.removeprefix("funds_")), Sum("amount"))
        elif key.startswith("activity_") or key.startswith("signed_"):
            field = {"activity_batches": "batches", "activity_person_times": "person_times"}.get(key, key)
            rows, aggregate = Activity.objects.filter(program=program, year=2024), Sum(field)
        else:
            rows, aggregate = query[key]
        return rows.aggregate(n=aggregate)["n"] or 0

    def test_the_total_is_the_sum_of_the_top_level_programs(self):
        for measure in MEASURES:
            roots = [row for row in self.stats.programs if row.depth == 0]
            self.assertEqual(value(self.stats.total, measure.key), sum(value(row, measure.key) for row in roots))

    def test_it_compares_with_the_previous_year(self):
        arranged_2023 = FundRecord.objects.filter(year=2023, stage=Stage.ARRANGED).aggregate(n=Sum("amount"))["n"]
        self.assertEqual(self.stats.total["funds_arranged"].previous, arranged_2023)
        self.assertEqual(self.programs["援疆"]["projects"].previous, 26)
        self.assertEqual(self.programs["援疆"]["dispatch_person_times"].previous, 82 + 26)  # experts and cadres
        figure = self.programs["援疆"]["projects"]
        self.assertEqual(figure.change, "同比增长7.7%")

    def test_through_a_month_it_counts_records_dated_up_to_its_end(self):
        stats = statistics(self.alice, 2024, through_month=3)
        arranged = FundRecord.objects.filter(date__lte=datetime.date(2024, 3, 31), year=2024,
                                             stage=Stage.ARRANGED).aggregate(n=Sum("amount"))["n"]
        self.assertEqual(stats.total["funds_arranged"].value, arranged)
        self.assertLess(arranged, self.stats.total["funds_arranged"].value)
        self.assertIn("until=2024-03-31", stats.total["funds_arranged"].url)
        last_year = FundRecord.objects.filter(date__lte=datetime.date(2023, 3, 31), year=2023,
                                              stage=Stage.ARRANGED).aggregate(n=Sum("amount"))["n"]
        self.assertEqual(stats.total["funds_arranged"].previous, last_year)
        self.assertEqual(stats.total["projects"].value, self.stats.total["projects"].value)  # projects count by year
        self.assertEqual(stats.period, "2024年1—3月")

    def test_units_roll_up_their_sub_units(self):
        units = by_name(self.stats.units)
        self.assertEqual(units["市区域合作办"]["funds_arranged"].value, self.stats.total["funds_arranged"].value)
        nanxun = Unit.objects.get(name="南浔区")
        projects = Project.objects.filter(unit__path__startswith=nanxun.path, year=2024).count()
        self.assertEqual(units["南浔区"]["projects"].value, projects)
        self.assertIn(f"unit={nanxun.pk}", units["南浔区"]["projects"].url)

    def test_partner_regions_are_counted_per_city(self):
        regions = {row.node.code: row for row in self.stats.regions}
        guang_an = ConsumptionRecord.objects.filter(year=2024, origin__code__startswith="5116").aggregate(
            n=Sum("amount"))["n"]
        self.assertEqual(regions["511600"]["consumption"].value, guang_an)
        # 柯坪县 and the village under it count for 阿克苏地区; Shanghai's districts for 上海市.
        self.assertEqual(regions["652900"]["projects"].value, 28)
        self.assertIn("310000", regions)
        self.assertNotIn("310100", regions)
        self.assertEqual(regions["310000"]["signed_investment"].value, Decimal("67520000000"))

    def test_a_district_reporter_sees_only_their_units_figures(self):
        stats = statistics(self.bob, 2024)
        nanxun = self.bob.unit
        mine = FundRecord.objects.filter(project__unit__path__startswith=nanxun.path, year=2024, stage=Stage.ARRANGED)
        self.assertEqual(stats.total["funds_arranged"].value, mine.aggregate(n=Sum("amount"))["n"] or 0)
        self.assertLess(stats.total["funds_arranged"].value, self.stats.total["funds_arranged"].value)
        self.assertEqual(stats.total["projects"].value,
                         Project.objects.filter(unit__path__startswith=nanxun.path, year=2024).count())
        self.assertEqual([row.label for row in stats.units], ["南浔区"])
        self.assertEqual(by_name(stats.programs)["援疆"]["projects"].value, 0)  # the 援疆 command's projects are not his

    def test_figures_carry_the_list_they_sum_from(self):
        figure = self.programs["援疆"]["funds_arranged"]
        program = Program.objects.get(name="援疆")
        self.assertEqual(figure.url, f"/funds/?year=2024&program={program.pk}&stage=arranged")
        park = self.programs["山海协作"]["park_investment"]
        self.assertIn("cumulative=0", park.url)
        self.assertIn("whole_park=1", park.url)


class StatisticsPageTestCase(DemoTestCase):
    def test_it_shows_programs_by_measure_with_links(self):
        self.client.force_login(self.alice)
        r = self.client.get(reverse("stats:table"), {"year": 2024})
        self.assertEqual(r.status_code, 200)
        self.assertContains(r, "按工作类别")
        self.assertContains(r, "1.74亿元")
        self.assertContains(r, "675.2亿元")
        program = Program.objects.get(name="东西部协作")
        self.assertContains(r, f'href="/funds/?year=2024&amp;program={program.pk}&amp;stage=arranged"')

    def test_it_takes_a_month(self):
        self.client.force_login(self.alice)
        r = self.client.get(reverse("stats:table"), {"year": 2024, "through_month": 6})
        self.assertContains(r, "2024年1—6月")
        self.assertContains(r, "until=2024-06-30")

    def test_a_bad_month_is_refused(self):
        self.client.force_login(self.alice)
        r = self.client.get(reverse("stats:table"), {"year": 2024, "through_month": 13})
        self.assertEqual(r.status_code, 422)

    def test_it_exports_a_workbook_with_a_sheet_per_breakdown(self):
        self.client.force_login(self.alice)
        r = self.client.get(reverse("stats:table"), {"year": 2024, "format": "xlsx"})
        self.assertEqual(r.status_code, 200)
        book = load_workbook(io.BytesIO(b"".join(r.streaming_content)))
        self.assertEqual(book.sheetnames, ["按工作类别", "按单位", "按结对地区"])
        sheet = book["按工作类别"]
        headers = [c.value for c in sheet[1]]
        self.assertEqual(headers[:4], ["工作类别", "项目数（个）", "省重点项目（个）", "安排资金（万元）"])
        self.assertTrue(sheet["A1"].font.b)
        self.assertEqual(sheet["A1"].fill.fgColor.rgb[-6:], "DDEBF7")
        rows = {row[0].value: row for row in sheet.iter_rows(min_row=2)}
        self.assertEqual(rows["东西部协作"][headers.index("安排资金（万元）")].value, 17400)
        self.assertEqual(rows["援疆"][headers.index("项目数（个）")].value, 28)
        self.assertEqual(rows["合计"][headers.index("签约金额（万元）")].value, 6752000)

    def test_a_district_reporter_gets_their_own_figures(self):
        self.client.force_login(self.bob)
        r = self.client.get(reverse("stats:table"), {"year": 2024})
        self.assertEqual([row.label for row in r.context["stats"].units], ["南浔区"])
        self.assertContains(r, "数据范围：南浔区")

    def test_the_system_admin_does_not_read_business_figures(self):
        self.client.force_login(self.admin)
        self.assertEqual(self.client.get(reverse("stats:table")).status_code, 404)
        self.assertEqual(self.client.get(reverse("stats:dashboard")).status_code, 404)


class StatisticsQueryCountTestCase(BaseTestCase):
    """The statistics cost the same number of queries with 1 or 21 records of every kind."""

    def grow(self):
        for n in range(1, 21):
            for slug in ("projects", "funds", "dispatches", "activities", "consumption", "park-figures", "pairings"):
                copy_of(self.own[slug], n)
                copy_of(self.other[slug], n)

    def count(self, call):
        with CaptureQueriesContext(connection) as captured:
            call()
        return len(captured)

    def test_the_module_keeps_its_query_count(self):
        users = (self.alice, self.bob)
        before = [self.count(lambda: statistics(user, 2024, through_month=11)) for user in users]
        self.grow()
        after = [self.count(lambda: statistics(user, 2024, through_month=11)) for user in users]
        self.assertEqual(after, before)
        self.assertLessEqual(max(after), 10)  # programs, units, region codes, regions and one per source

    def test_the_statistics_page_keeps_its_query_count(self):
        self.client.force_login(self.alice)
        url = reverse("stats:table")
        self.client.get(url, {"year": 2024})
        before = self.count(lambda: self.client.get(url, {"year": 2024, "through_month": 11}))
        self.grow()
        after = self.count(lambda: self.client.get(url, {"year": 2024, "through_month": 11}))
        self.assertEqual(after, before)
