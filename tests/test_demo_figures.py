"""The Huzhou demo reproduces the seed article's figures (shared/seed/000_ebc493764abd03af.txt)
when they are computed from its records, loads idempotently, and every demo user can sign in.

Each expected number below is the article's; each actual number is an ORM aggregate."""

import datetime
import io
import json
from decimal import Decimal

from django.apps import apps
from django.core.management import call_command
from django.db.models import Count, Sum
from django.http import HttpRequest
from django.test import TestCase
from django.urls import reverse

from hezuo.accounts.models import User
from hezuo.assistance.models import ConsumptionRecord, InKindAid
from hezuo.demo.huzhou import DEMO_PASSWORD, DEMO_USERS, load_demo
from hezuo.exchanges.models import Activity, Dispatch
from hezuo.honors.models import Case, Honor
from hezuo.keyprojects.models import AnnualPlan, MonthlyReport
from hezuo.org.models import Pairing, Program, Region, Unit
from hezuo.parks.models import Park, ParkFigure
from hezuo.projects.models import FundRecord, Project

Stage = FundRecord.Stage
Source = FundRecord.Source


def tree(name):
    return Program.objects.get(name=name).tree_ids()


def total(queryset, field="amount"):
    return queryset.aggregate(total=Sum(field))["total"] or 0


def funds(program, year=2024, **filters):
    return total(FundRecord.objects.filter(project__program__in=tree(program), year=year, **filters))


def projects(program, year=2024):
    return Project.objects.filter(program__in=tree(program), year=year)


class DemoFiguresTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.result = load_demo()

    # 对口支援 ---------------------------------------------------------------------------

    def test_it_holds_28_xinjiang_projects_with_over_110_million_arranged(self):
        self.assertEqual(projects("援疆").count(), 28)
        self.assertTrue(110_000_000 < funds("援疆", stage=Stage.ARRANGED) < 111_000_000)

    def test_it_holds_10_qinghai_projects_with_28_38_million_arranged(self):
        self.assertEqual(projects("援青").count(), 10)
        self.assertEqual(funds("援青", stage=Stage.ARRANGED), Decimal("28380000"))

    def test_it_sent_12_batches_97_flexible_experts_to_xinjiang(self):
        experts = Dispatch.objects.filter(program__in=tree("援疆"), year=2024, kind=Dispatch.Kind.EXPERT)
        figures = experts.aggregate(batches=Count("id"), persons=Sum("person_times"))
        self.assertEqual(figures, {"batches": 12, "persons": 97})

    def test_it_held_8_batches_162_person_times_of_exchange_study(self):
        exchanges = Activity.objects.filter(program__in=tree("对口支援"), year=2024, kind=Activity.Kind.EXCHANGE)
        figures = exchanges.aggregate(batches=Sum("batches"), persons=Sum("person_times"))
        self.assertEqual(figures, {"batches": 8, "persons": 162})

    def test_it_has_the_huzhou_new_village_under_kalpin_town(self):
        village = Region.objects.get(name="喀拉库提村（湖州新村）")
        self.assertEqual((village.code, village.level), ("652929100200", Region.Level.VILLAGE))
        self.assertEqual((village.parent.name, village.parent.level), ("柯坪镇", Region.Level.TOWN))
        self.assertEqual(village.parent.parent.code, "652929")
        self.assertIn(village, Region.objects.get(code="652929").descendants_and_self())
        self.assertTrue(Project.objects.filter(partner_region=village, program__name="援疆").exists())

    # 东西部协作 ---------------------------------------------------------------------------

    def test_it_holds_42_east_west_projects_with_174_million_fiscal_aid(self):
        self.assertEqual(projects("东西部协作").count(), 42)
        self.assertEqual(funds("东西部协作", stage=Stage.ARRANGED), Decimal("174000000"))
        self.assertEqual(funds("东西部协作", stage=Stage.ARRANGED, source=Source.FISCAL_AID), Decimal("174000000"))
        partners = set(projects("东西部协作").values_list("partner_region__code", flat=True))
        self.assertTrue(all(code.startswith("51") for code in partners))

    def test_it_paid_700_thousand_of_policy_subsidies(self):
        self.assertEqual(funds("东西部协作", source=Source.SUBSIDY), Decimal("700000"))

    def test_it_bought_over_240_million_from_sichuan_since_2021(self):
        sichuan = ConsumptionRecord.objects.filter(program__in=tree("东西部协作"), origin__code__startswith="51",
                                                   year__range=(2021, 2024))
        cumulative = total(sichuan)
        self.assertTrue(240_000_000 <= cumulative < 250_000_000)
        self.assertEqual(set(sichuan.values_list("year", flat=True)), {2021, 2022, 2023, 2024})
        self.assertTrue(0 < total(sichuan.filter(year=2024)) < cumulative / 2)

    def test_it_gave_3_45_million_white_leaf_tea_seedlings(self):
        seedlings = InKindAid.objects.filter(item__contains="白叶1号", year=2024)
        self.assertEqual(total(seedlings, "quantity"), Decimal("345"))
        self.assertEqual(set(seedlings.values_list("quantity_unit", flat=True)), {"万株"})
        self.assertEqual(seedlings.values("region__parent__parent").distinct().count(), 3)  # 三省
        self.assertEqual(seedlings.count(), 5)  # 五县
        self.assertTrue(all("1.5万公斤" in s.outcome and "4500元" in s.outcome for s in seedlings))

    def test_the_elevator_maker_in_the_xunguang_park_grew_to_40_million(self):
        figures = ParkFigure.objects.filter(park__name="浔广产业园", enterprise__name__contains="沃克斯迅达")
        output = dict(figures.values_list("year", "output"))
        self.assertTrue(33_000_000 < output[2022] < 34_000_000)
        self.assertEqual(output[2023], Decimal("40000000"))

    # 浙吉合作 -----------------------------------------------------------------------------

    def test_it_landed_20_zhejiang_jilin_projects(self):
        landed = projects("浙吉合作").filter(status__in=[Project.Status.ACTIVE, Project.Status.COMPLETED])
        self.assertEqual(landed.count(), 20)
        self.assertEqual(projects("浙吉合作").count(), 20)

    def test_it_disbursed_3_5_million_for_border_villages(self):
        border = FundRecord.objects.filter(project__name__contains="边境村", project__program__name="浙吉合作",
                                           stage=Stage.DISBURSED)
        self.assertEqual(total(border), Decimal("3500000"))

    def test_12_enterprises_inspected_baishan_and_4_signed(self):
        visit = Activity.objects.get(program__name="浙吉合作", kind=Activity.Kind.INSPECTION, year=2024)
        self.assertEqual((visit.enterprises, visit.signed_projects), (12, 4))

    def test_28_employers_held_a_job_fair_in_baishan_in_november(self):
        fair = Activity.objects.get(kind=Activity.Kind.JOB_FAIR, program__name="浙吉合作", date__year=2024,
                                    date__month=11)
        self.assertEqual((fair.unit.name, fair.enterprises), ("市人力社保局", 28))
        self.assertEqual(fair.partner_region.name, "白山市")

    def test_the_huzhou_baishan_agricultural_park_exists(self):
        park = Park.objects.get(name="湖州—白山现代农业产业园")
        self.assertEqual((park.program.name, park.partner_region.name), ("浙吉合作", "白山市"))
        self.assertIn("1893平方米", park.description)

    # 长三角一体化 ---------------------------------------------------------------------------

    def test_the_shanghai_promotion_signed_over_70_projects_worth_67_52_billion(self):
        promotion = Activity.objects.get(date=datetime.date(2024, 12, 20), kind=Activity.Kind.PROMOTION)
        self.assertEqual(promotion.program.name, "接轨上海")
        self.assertTrue(70 < promotion.signed_projects < 80)
        self.assertEqual(promotion.signed_investment, Decimal("67520000000"))

    def test_27_province_key_projects_of_2024(self):
        key = projects("长三角一体化").filter(key_level=Project.KeyLevel.PROVINCE)
        self.assertEqual(key.count(), 27)
        self.assertFalse(key.filter(total_investment__lte=0).exists())

    def test_the_27_completed_24_1_billion_152_percent_of_plan_43_1_points_ahead_of_the_province(self):
        out = io.StringIO()
        call_command("stats", "--year", "2024", "--through-month", "11", "--format", "json", stdout=out)
        key = json.loads(out.getvalue())["key_projects"]
        self.assertEqual({name: key[name] for name in ("count", "annual_plan", "completed", "through_month",
                                                        "completion_rate", "province_rate", "ahead_points")},
                         {"count": 27, "annual_plan": 15855000000.0, "completed": 24100000000.0, "through_month": 11,
                          "completion_rate": 152.0, "province_rate": 108.9, "ahead_points": 43.1})
        # The reports' November year-to-date summed by hand, and the plans.
        november = MonthlyReport.objects.filter(month=datetime.date(2024, 11, 1), project__key_level="province")
        self.assertEqual((november.count(), total(november, "completed_ytd")), (27, Decimal("24100000000")))
        self.assertEqual(total(AnnualPlan.objects.filter(year=2024)), Decimal("15855000000"))
        self.assertEqual([(p["name"], p["completion_rate"]) for p in key["lagging"]],
                         [("长兴临沪产业合作园基础设施工程", 71.2), ("嘉湖跨界水体联保共治工程", 84.5),
                          ("杭州—桐乡—德清车路云一体化应用试点（德清段）", 88.0)])

    def test_the_shanghe_platform_landed_over_10_projects_worth_over_35_billion(self):
        platform = Project.objects.filter(park__name__startswith="上合区")
        self.assertGreater(platform.count(), 10)
        self.assertGreater(total(platform, "total_investment"), 35_000_000_000)

    def test_the_jiahu_zone_introduced_103_projects_worth_over_65_billion(self):
        figure = ParkFigure.objects.get(park__name="嘉湖一体化合作先行区", enterprise=None, year=2024)
        self.assertEqual(figure.projects_introduced, 103)
        self.assertGreater(figure.investment_introduced, 65_000_000_000)
        self.assertEqual(figure.park.program.name, "嘉湖一体化")

    def test_the_north_wing_centre_introduced_69_projects(self):
        figure = ParkFigure.objects.get(park__name="杭州城西科创大走廊北翼中心", enterprise=None, year=2024)
        self.assertEqual(figure.projects_introduced, 69)
        self.assertEqual(figure.park.program.name, "杭湖一体化")

    # 山海协作 -----------------------------------------------------------------------------

    def test_it_disbursed_15_4_million_of_provincial_funds(self):
        self.assertEqual(funds("山海协作", stage=Stage.DISBURSED, source=Source.PROVINCIAL), Decimal("15400000"))

    def test_it_bought_37_1_million_from_lishui(self):
        bought = ConsumptionRecord.objects.filter(program__in=tree("山海协作"), year=2024)
        self.assertEqual(total(bought), Decimal("37100000"))
        self.assertFalse(bought.exclude(origin__code__startswith="3311").exists())

    def test_it_trained_2264_person_times(self):
        trained = Activity.objects.filter(program__in=tree("山海协作"), year=2024, kind=Activity.Kind.TRAINING)
        self.assertEqual(total(trained, "person_times"), 2264)

    def test_the_nanqing_enclave_invested_1_34_billion_and_produced_2_22_billion(self):
        figure = ParkFigure.objects.get(park__name="南庆产业飞地", enterprise=None, year=2024)
        self.assertEqual(figure.fixed_asset_investment, Decimal("1340000000"))
        self.assertEqual(figure.industrial_output, Decimal("2220000000"))
        self.assertEqual((figure.park.unit.name, figure.park.partner_region.name), ("南太湖新区", "庆元县"))

    def test_6_rural_revitalisation_demonstration_sites(self):
        sites = Project.objects.filter(program__in=tree("山海协作"), category=Project.Category.DEMONSTRATION)
        self.assertEqual(sites.count(), 6)

    def test_the_wuxing_yunhe_common_prosperity_park_exists(self):
        park = Park.objects.get(name="吴兴—云和共富产业园")
        self.assertEqual((park.unit.name, park.partner_region.name), ("吴兴区", "云和县"))

    # Honors and cases --------------------------------------------------------------------

    def test_the_office_won_the_three_honors(self):
        honors = Honor.objects.filter(unit__name="市区域合作办", year=2024).values_list("name", flat=True)
        self.assertTrue(any("集体三等功" in name for name in honors))
        self.assertTrue(any("奔跑者" in name for name in honors))
        self.assertTrue(any("综合考核第一等次" in name for name in honors))

    def test_the_runner_award_is_won_three_years_running(self):
        years = Honor.objects.filter(name__contains="奔跑者").values_list("year", flat=True)
        self.assertEqual(sorted(years), [2022, 2023, 2024])

    def test_3_cases_were_selected_as_province_best_practice(self):
        cases = Case.objects.filter(selection="省长三角一体化发展最佳实践案例", year=2024,
                                    program__in=tree("长三角一体化"))
        self.assertEqual(cases.count(), 3)
        self.assertTrue(cases.filter(unit__name="南浔区", title__contains="聚焦一体化 下好接轨棋").exists())

    # Structure ----------------------------------------------------------------------------

    def test_the_program_tree_is_the_design(self):
        tree_rows = set(Program.objects.values_list("name", "parent__name"))
        self.assertEqual(tree_rows, {
            ("对口支援", None), ("援疆", "对口支援"), ("援青", "对口支援"), ("援藏", "对口支援"),
            ("东西部协作", None), ("对口合作", None), ("浙吉合作", "对口合作"), ("山海协作", None),
            ("长三角一体化", None), ("接轨上海", "长三角一体化"), ("嘉湖一体化", "长三角一体化"),
            ("杭湖一体化", "长三角一体化"), ("友好城市", None),
        })

    def test_the_units_hang_under_the_city_office(self):
        office = Unit.objects.get(name="市区域合作办")
        for name in ["吴兴区", "南浔区", "德清县", "长兴县", "安吉县", "南太湖新区", "市人力社保局",
                     "湖州市援疆指挥部", "湖州市援青工作组", "湖州市东西部协作工作队"]:
            self.assertTrue(Unit.objects.get(name=name).path.startswith(office.path), name)

    def test_the_pairings_of_the_article(self):
        expected = {
            "援疆": {"柯坪县"}, "援青": {"乌兰县"},
            "东西部协作": {"广安区", "前锋区", "岳池县", "武胜县", "邻水县", "华蓥市", "小金县"},
            "浙吉合作": {"白山市", "长白朝鲜族自治县"}, "山海协作": {"云和县", "庆元县", "青田县", "莲都区"},
            "接轨上海": {"上海市"}, "嘉湖一体化": {"嘉兴市"}, "杭湖一体化": {"杭州市"},
            "友好城市": {"黔南布依族苗族自治州", "安庆市"},
        }
        for program, regions in expected.items():
            paired = set(Pairing.objects.filter(program__name=program).values_list("region__name", flat=True))
            self.assertLessEqual(regions, paired, program)

    def test_fund_stages_never_exceed_what_was_arranged(self):
        for project in Project.objects.filter(funds__isnull=False).distinct():
            stages = dict(project.funds.values_list("stage").annotate(total=Sum("amount")))
            arranged = stages.get(Stage.ARRANGED, 0)
            for stage in (Stage.ALLOCATED, Stage.DISBURSED, Stage.SPENT):
                self.assertLessEqual(stages.get(stage, 0), arranged, f"{project} {stage}")
            self.assertLessEqual(stages.get(Stage.SPENT, 0), stages.get(Stage.DISBURSED, 0), str(project))

    def test_records_are_created_by_the_city_user(self):
        self.assertFalse(Project.objects.exclude(created_by__username="city").exists())
        self.assertFalse(FundRecord.objects.exclude(created_by__username="city").exists())

    def test_2023_has_records_to_compare_with(self):
        for program in ("援疆", "援青", "东西部协作", "山海协作"):
            self.assertGreater(projects(program, 2023).count(), 0, program)
            self.assertGreater(funds(program, 2023), 0, program)
        self.assertTrue(Dispatch.objects.filter(year=2023, kind=Dispatch.Kind.EXPERT).exists())
        self.assertTrue(ConsumptionRecord.objects.filter(year=2023, program__name="山海协作").exists())

    def test_the_summary_names_what_it_holds(self):
        self.assertIn("项目", str(self.result))


class DemoIdempotenceTestCase(TestCase):
    def test_loading_twice_changes_no_row_count(self):
        load_demo()
        before = {model._meta.label: model.objects.count() for model in apps.get_models()}
        result = load_demo()
        after = {model._meta.label: model.objects.count() for model in apps.get_models()}
        self.assertEqual(before, after)
        self.assertEqual((result.created, result.updated), (0, 0))


class DemoLoginTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_demo()

    def test_each_demo_user_can_sign_in(self):
        self.assertEqual([u[0] for u in DEMO_USERS], ["city", "nanxun", "wuxing", "leader", "admin", "security",
                                                      "auditor"])
        for username, _role, _unit, _name in DEMO_USERS:
            # django-axes needs the request that Client.login does not pass by itself.
            self.assertTrue(self.client.login(request=HttpRequest(), username=username, password=DEMO_PASSWORD),
                            username)
            self.client.logout()

    def test_each_demo_user_can_sign_in_on_the_login_page(self):
        for username, _role, _unit, _name in DEMO_USERS:
            r = self.client.post(reverse("accounts:login"), {"username": username, "password": DEMO_PASSWORD})
            self.assertRedirects(r, reverse("home"), fetch_redirect_response=False, msg_prefix=username)
            self.assertEqual(self.client.session["_auth_user_id"], str(User.objects.get(username=username).pk))
            self.client.logout()

    def test_each_demo_user_has_the_right_role_and_unit(self):
        roles = {u.username: (u.role, u.unit.name if u.unit else "") for u in User.objects.all()}
        self.assertEqual(roles, {
            "city": ("city", "市区域合作办"), "nanxun": ("district", "南浔区"), "wuxing": ("district", "吴兴区"),
            "leader": ("leader", ""), "admin": ("admin", ""), "security": ("security", ""),
            "auditor": ("auditor", ""),
        })
