"""Targets (目标任务): every built-in indicator against records summed by hand, --through-month,
met and the day a running total crossed the target, hand-entered actuals with who and when,
who sets targets and who reads them; the demo's 山海协作 targets all met before year end."""

import datetime
import io
import json
from decimal import Decimal

from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hezuo import access, gate
from hezuo.assistance.models import ConsumptionRecord
from hezuo.exchanges.models import Activity, Cadre, Dispatch
from hezuo.jobs.models import RecruitmentEvent
from hezuo.org.models import Pairing, Region
from hezuo.parks.models import Park
from hezuo.periods.models import PeriodLock
from hezuo.projects.models import FundRecord, Project
from hezuo.targets.indicators import BUILTIN, progress, targets_of
from hezuo.targets.models import Indicator, Target
from tests.base import BaseTestCase, DemoTestCase

Stage, Source = FundRecord.Stage, FundRecord.Source
D = datetime.date


def stats_json(**options):
    out = io.StringIO()
    call_command("stats", year=2024, format="json", stdout=out, **options)
    return json.loads(out.getvalue())


class TargetsTestCase(BaseTestCase):
    """Besides BaseTestCase's records (援疆 under 南浔区农业农村局: one fund arranged 120万 on
    2024-05-06 of source 财政援助资金, an expert dispatch of 8 person-times with one person, a
    推介会 of 30 person-times signing 2 projects for 3亿, 消费帮扶 25万, a park with no year, a
    pairing with 柯坪县 since 2021; the same for 吴兴区 under 东西部协作), 援疆 gets the records below."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        project = cls.own["projects"]  # 援疆, 柯坪县 (county), 产业合作
        aksu = Region.objects.get(code="652900")  # 阿克苏地区: a city, above county level
        livelihood = Project.objects.create(code="南浔-002", name="南浔民生项目", program=cls.xinjiang, unit=cls.nanxun,
                                            partner_region=aksu, year=2024, category=Project.Category.LIVELIHOOD)
        for p, stage, source, day, amount in [
            (project, Stage.DISBURSED, Source.FISCAL_AID, D(2024, 2, 10), "300000"),
            (project, Stage.DISBURSED, Source.FISCAL_AID, D(2024, 7, 1), "500000"),
            (project, Stage.DISBURSED, Source.PROVINCIAL, D(2024, 3, 15), "400000"),
            (project, Stage.DISBURSED, Source.PROVINCIAL, D(2023, 12, 30), "999000"),  # another year
            (livelihood, Stage.ARRANGED, Source.FISCAL_AID, D(2024, 6, 1), "800000"),
        ]:
            FundRecord.objects.create(project=p, stage=stage, source=source, date=day, amount=Decimal(amount))
        cadres = Dispatch.objects.create(batch_name="党政干部", kind=Dispatch.Kind.CADRE, program=cls.xinjiang,
                                         unit=cls.nanxun, destination=cls.kalpin, start_date=D(2024, 3, 1),
                                         person_times=3)
        experts = Dispatch.objects.create(batch_name="医疗人才", kind=Dispatch.Kind.PROFESSIONAL, program=cls.xinjiang,
                                          unit=cls.nanxun, destination=cls.kalpin, start_date=D(2024, 9, 1),
                                          person_times=5)
        Cadre.objects.create(dispatch=cadres, name="李四")
        Cadre.objects.create(dispatch=cadres, name="王五")
        Cadre.objects.create(dispatch=experts, name="赵六")
        for day, persons in [(D(2024, 4, 1), 40), (D(2024, 8, 1), 60), (D(2023, 8, 1), 100)]:
            Activity.objects.create(name=f"培训{day}", kind=Activity.Kind.TRAINING, program=cls.xinjiang,
                                    unit=cls.nanxun, date=day, person_times=persons)
        ConsumptionRecord.objects.create(date=D(2024, 9, 10), program=cls.xinjiang, unit=cls.nanxun,
                                         origin=cls.kalpin, product="巴旦木", amount=Decimal("150000"))
        for name, year in [("老园区", 2020), ("明年园区", 2025)]:
            Park.objects.create(name=name, kind=Park.Kind.ENCLAVE, program=cls.xinjiang, unit=cls.nanxun,
                                partner_region=cls.kalpin, established_year=year)
        for day, moved, poor in [(D(2024, 11, 12), 30, 8), (D(2023, 11, 1), 90, 20)]:
            RecruitmentEvent.objects.create(name=f"劳务协作招聘会{day}", program=cls.xinjiang, unit=cls.nanxun,
                                            destination=cls.kalpin, start_date=day, transferred=moved,
                                            transferred_poor=poor)
        wensu = Region.objects.get(code="652922")  # 温宿县
        Pairing.objects.create(unit=cls.nanxun, region=wensu, program=cls.xinjiang, start_year=2020)
        Pairing.objects.create(unit=cls.nanxun, region=aksu, program=cls.xinjiang, start_year=2019, end_year=2022)

    def target(self, indicator, value=1, program=None, unit=None, **kwargs):
        return Target.objects.create(indicator=indicator, program=program or self.xinjiang, year=2024, unit=unit,
                                     value=Decimal(value), **kwargs)

    def actual(self, indicator, through_month=None, user=None, **kwargs):
        [found] = progress(user or self.alice, [self.target(indicator, **kwargs)], through_month)
        return found.actual

    def test_every_built_in_indicator_sums_援疆_records_by_hand(self):
        expected = {
            "funds_arranged": Decimal("2000000"),  # 120万 + 80万
            "funds_disbursed": Decimal("1200000"),  # 30万 + 50万 + 40万 (2023's not)
            "fiscal_aid": Decimal("800000"),  # 30万 + 50万
            "county_average": Decimal("400000"),  # 80万 ÷ 2 paired counties (柯坪, 温宿; 阿克苏 ended 2022)
            "provincial_funds": Decimal("400000"),
            "consumption": Decimal("400000"),  # 25万 + 15万
            "training": 100,  # 40 + 60 (2023's 100 not)
            "dispatch_person_times": 16,  # 8 + 3 + 5
            "dispatch_cadre_times": 3,
            "dispatch_cadre_persons": 2,
            "dispatch_professional_times": 5,
            "dispatch_professional_persons": 1,
            "parks": 2,  # the park with no year, 老园区 (2020); not 明年园区 (2025)
            "signed_projects": 2,
            "signed_investment": Decimal("300000000"),
            "projects": 2,
            "county_share": Decimal("60.0"),  # 120万 to 柯坪县 of 200万 arranged
            "livelihood_share": Decimal("40.0"),  # 80万 to the 民生 project
            "transferred": 30,  # the 2024 recruitment event's results (2023's not)
            "transferred_poor": 8,
        }
        self.assertEqual(set(expected), set(BUILTIN))
        for key, value in expected.items():
            with self.subTest(key):
                self.assertEqual(self.actual(key), value)

    def test_a_parent_program_counts_its_children(self):
        self.assertEqual(self.xinjiang.parent, self.aid)
        self.assertEqual(self.actual("consumption", program=self.aid), Decimal("400000"))
        self.assertEqual(self.actual("consumption", program=self.east_west), Decimal("250000"))

    def test_a_units_target_counts_its_subtree_only(self):
        self.assertEqual(self.actual("consumption", unit=self.nanxun), Decimal("400000"))
        self.assertEqual(self.actual("consumption", unit=self.nanxun_agri), Decimal("250000"))
        self.assertEqual(self.actual("consumption", unit=self.wuxing), Decimal("0"))

    def test_through_month_counts_records_dated_to_its_end(self):
        self.assertEqual(self.actual("consumption", through_month=6), Decimal("250000"))
        self.assertEqual(self.actual("training", through_month=4), 40)
        self.assertEqual(self.actual("fiscal_aid", through_month=6), Decimal("300000"))
        self.assertEqual(self.actual("dispatch_cadre_persons", through_month=2), 0)

    def test_rate_met_and_the_day_the_running_total_reached_the_target(self):
        [consumption, training, county, persons, short, share] = progress(self.alice, [
            self.target("consumption", 300000), self.target("training", 50),
            self.target("county_average", 150000), self.target("dispatch_cadre_persons", 2),
            self.target("provincial_funds", 500000), self.target("county_share", 80),
        ])
        self.assertEqual((consumption.rate, consumption.met, consumption.crossed_on), (Decimal("133.3"), True,
                                                                                     D(2024, 9, 10)))
        self.assertTrue(consumption.early)
        self.assertEqual((training.rate, training.crossed_on), (Decimal("200.0"), D(2024, 8, 1)))  # 40, then 100
        self.assertEqual(county.crossed_on, D(2024, 2, 10))  # 30万 ÷ 2 counties = 15万
        self.assertEqual(persons.crossed_on, D(2024, 3, 1))
        self.assertEqual((short.rate, short.met, short.crossed_on), (Decimal("80.0"), False, None))
        self.assertEqual((share.actual, share.rate, share.met, share.crossed_on), (Decimal("60.0"), Decimal("75.0"),
                                                                                  False, None))

    def test_the_stats_json_lists_targets(self):
        self.target("consumption", 300000)
        self.target("training", 2000, program=self.east_west)
        doc = stats_json()
        self.assertEqual(doc["targets"], [
            {"indicator": "消费帮扶", "program": "援疆", "unit": None, "target": 300000.0, "actual": 400000.0,
             "rate": 133.3, "met": True},
            {"indicator": "劳动力培训", "program": "东西部协作", "unit": None, "target": 2000, "actual": 0,
             "rate": 0.0, "met": False},
        ] if doc["targets"][0]["program"] == "援疆" else doc["targets"][::-1])
        [through_june] = [t for t in stats_json(through_month=6)["targets"] if t["indicator"] == "消费帮扶"]
        self.assertEqual((through_june["actual"], through_june["rate"], through_june["met"]), (250000.0, 83.3, False))

    def test_hand_actuals_show_who_entered_them_and_when(self):
        indicator = Indicator.objects.create(name="劳务协作就业", unit="人")
        target = self.target("", 500, custom=indicator)
        [before] = progress(self.alice, [target])
        self.assertEqual((before.actual, before.rate, before.met), (None, None, False))
        self.client.force_login(self.alice)
        response = self.client.post(reverse("targets:actual", args=[target.pk]),
                                    {"amount": "520", "version": target.version})
        self.assertEqual(response.status_code, 302)
        target.refresh_from_db()
        self.assertEqual((target.actual_value, target.actual_by, target.version), (Decimal("520"), self.alice, 2))
        self.assertIsNotNone(target.actual_at)
        [after] = progress(self.alice, [target])
        self.assertEqual((after.actual, after.rate, after.met), (Decimal("520"), Decimal("104.0"), True))
        page = self.client.get(reverse("targets:list"), {"year": 2024}).content.decode()
        self.assertIn("劳务协作就业", page)
        self.assertIn("手工填报：Alice", page)

    def test_a_built_in_indicators_actual_is_never_typed(self):
        target = self.target("consumption", 300000)
        self.client.force_login(self.alice)
        response = self.client.post(reverse("targets:actual", args=[target.pk]), {"amount": "1", "version": 1})
        self.assertEqual(response.status_code, 403)
        target.refresh_from_db()
        self.assertIsNone(target.actual_value)

    def test_a_city_officer_adds_and_edits_a_target(self):
        self.client.force_login(self.alice)
        response = self.client.post(reverse("targets:new"), {
            "which": "provincial_funds", "program": self.xinjiang.pk, "year": 2024, "unit": "", "amount": "30万元"})
        self.assertEqual(response.status_code, 302)
        target = Target.objects.get()
        self.assertEqual((target.indicator, target.value, target.created_by), ("provincial_funds", Decimal("300000"),
                                                                              self.alice))
        response = self.client.post(reverse("targets:edit", args=[target.pk]), {
            "which": "provincial_funds", "program": self.xinjiang.pk, "year": 2024, "unit": "", "amount": "四十万元",
            "version": 1})
        self.assertEqual(response.status_code, 302)
        target.refresh_from_db()
        self.assertEqual((target.value, target.version), (Decimal("400000"), 2))

    def test_a_form_error_names_the_field(self):
        self.client.force_login(self.alice)
        response = self.client.post(reverse("targets:new"), {"which": "training", "program": self.xinjiang.pk,
                                                              "year": 2024, "amount": "若干"})
        self.assertEqual(response.status_code, 422)
        self.assertContains(response, "目标值无法识别", status_code=422)
        response = self.client.post(reverse("targets:new"), {"which": "training", "program": self.xinjiang.pk,
                                                              "year": 2024, "amount": "两千多"})
        self.assertContains(response, "目标值应为确定的数字", status_code=422)
        self.assertFalse(Target.objects.exists())

    def test_a_closed_year_closes_its_targets_and_hand_actuals(self):
        indicator = Indicator.objects.create(name="劳务协作就业", unit="人")
        target = self.target("", 500, custom=indicator)
        PeriodLock.objects.create(year=2024, cause=PeriodLock.Cause.YEAR)  # 年度关账
        self.client.force_login(self.alice)
        response = self.client.post(reverse("targets:actual", args=[target.pk]), {"amount": "520", "version": 1})
        self.assertContains(response, "2024年 已年度关账", status_code=409)
        response = self.client.post(reverse("targets:new"), {
            "which": "training", "program": self.xinjiang.pk, "year": 2024, "amount": "10"})
        self.assertEqual(response.status_code, 409)
        target.refresh_from_db()
        self.assertEqual((target.actual_value, Target.objects.count()), (None, 1))

    def test_only_city_officers_set_targets(self):
        for user in (self.bob, self.lily, self.adam):
            with self.subTest(user.username):
                self.client.force_login(user)
                response = self.client.post(reverse("targets:new"), {
                    "which": "training", "program": self.xinjiang.pk, "year": 2024, "amount": "10"})
                self.assertIn(response.status_code, (403, 404))
                with self.assertRaises(gate.WriteRefused):
                    gate.check_record(user, gate.CREATE, Target(indicator="training", program=self.xinjiang,
                                                                year=2024, unit=self.nanxun, value=10))
        self.assertFalse(Target.objects.exists())

    def test_a_leader_reads_every_target_and_a_district_its_scope(self):
        city = self.target("consumption", 300000)
        nanxun = self.target("consumption", 300000, unit=self.nanxun)
        wuxing = self.target("consumption", 100000, program=self.east_west, unit=self.wuxing)
        self.assertEqual(set(targets_of(self.lily, 2024)), {city, nanxun, wuxing})
        self.assertEqual(targets_of(self.bob, 2024), [nanxun])
        self.assertEqual(targets_of(self.charlie, 2024), [wuxing])
        self.assertEqual(targets_of(self.adam, 2024), [])
        # Bob's actual counts what Bob reads: 南浔区 and below.
        [found] = progress(self.bob, [nanxun])
        self.assertEqual(found.actual, Decimal("400000"))
        self.client.force_login(self.bob)
        page = self.client.get(reverse("targets:list"), {"year": 2024})
        self.assertEqual(page.status_code, 200)
        self.assertNotContains(page, "东西部协作</td>")
        self.assertNotContains(page, "新增目标任务")
        self.assertEqual(self.client.get(reverse("targets:edit", args=[nanxun.pk])).status_code, 403)
        self.client.force_login(self.lily)
        page = self.client.get(reverse("stats:dashboard"), {"year": 2024})
        self.assertContains(page, "目标任务")
        self.assertContains(page, "133.3%")
        self.client.force_login(self.adam)
        self.assertEqual(self.client.get(reverse("targets:list")).status_code, 404)

    def test_the_page_costs_the_same_queries_however_many_records(self):
        self.target("consumption", 300000)
        self.target("training", 50)
        self.target("county_average", 150000, unit=self.nanxun)
        self.client.force_login(self.alice)
        url = reverse("targets:list")
        self.client.get(url, {"year": 2024})  # the session and the like, once
        with CaptureQueriesContext(connection) as first:
            self.assertEqual(self.client.get(url, {"year": 2024}).status_code, 200)
        for i in range(5):
            ConsumptionRecord.objects.create(date=D(2024, 10, 1 + i), program=self.xinjiang, unit=self.nanxun,
                                             origin=self.kalpin, product="红枣", amount=Decimal("1000"))
            Activity.objects.create(name=f"培训{i}", kind=Activity.Kind.TRAINING, program=self.xinjiang,
                                    unit=self.nanxun, date=D(2024, 11, 1 + i), person_times=3)
        with CaptureQueriesContext(connection) as second:
            self.client.get(url, {"year": 2024})
        self.assertEqual(len(second), len(first))

    def test_names_are_escaped(self):
        indicator = Indicator.objects.create(name="<b>就业</b>", unit="人")
        self.target("", 5, custom=indicator)
        self.client.force_login(self.alice)
        page = self.client.get(reverse("targets:list"), {"year": 2024}).content.decode()
        self.assertNotIn("<b>就业</b>", page)
        self.assertIn("&lt;b&gt;就业&lt;/b&gt;", page)


class DemoTargetsTestCase(DemoTestCase):
    def test_the_山海协作_targets_are_all_met_before_year_end(self):
        rows = {p.target.indicator: p for p in progress(access.CONSOLE, targets_of(access.CONSOLE, 2024))}
        expected = {"provincial_funds": (Decimal("15400000"), Decimal("102.7")),
                    "consumption": (Decimal("37100000"), Decimal("123.7")),
                    "training": (2264, Decimal("113.2"))}
        self.assertEqual(set(rows), set(expected))
        for key, (actual, rate) in expected.items():
            with self.subTest(key):
                self.assertEqual((rows[key].actual, rows[key].rate, rows[key].met, rows[key].early),
                                 (actual, rate, True, True))
        self.assertEqual(rows["provincial_funds"].crossed_on, D(2024, 6, 30))
        [consumption] = [t for t in stats_json()["targets"] if t["indicator"] == "消费帮扶"]
        self.assertEqual(consumption, {"indicator": "消费帮扶", "program": "山海协作", "unit": None,
                                       "target": 30000000.0, "actual": 37100000.0, "rate": 123.7, "met": True})
