"""Importing workbooks that write regions as clerks do: real .xlsx files through the importer.

Towns and villages of the package that a workbook names are loaded in the import's own
transaction: a dry run or a refused import leaves the region table as it was.
"""

import tempfile
from pathlib import Path

import openpyxl
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext

from hezuo.access import CONSOLE
from hezuo.imports.services.importer import import_workbook
from hezuo.org.models import Pairing, Region, Unit
from hezuo.projects.models import Project
from tests.test_import_bad_input import PROJECT_HEADER, WorkbookTestCase

PAIRING_HEADER = ["本地单位", "结对地区", "工作类别", "起始年份"]
REGION_HEADER = ["地区名称", "上级地区", "区划代码"]
KALPIN_TOWN, KALAKUTI = "652929100", "652929100200"


class RegionImportTestCase(WorkbookTestCase):
    def projects(self, *regions):
        rows = [PROJECT_HEADER]
        for i, region in enumerate(regions, start=1):
            rows.append(self.project_row(f"NX-{i:03d}", **{"结对地区": region}))
        return self.workbook({"项目": rows})

    def imported(self, path, **kwargs):
        result = self.run_import(path, user=self.alice, **kwargs)
        self.assertEqual([str(p) for p in result.problems], [])
        return result

    def problems(self, path):
        result = self.run_import(path, user=self.alice)
        self.assertFalse(result.ok)
        self.assertEqual(self.record_counts(), self.counts, "nothing is written")
        return [str(p) for p in result.problems]

    def test_a_pairing_names_a_county_as_a_spaced_path_and_its_towns_and_villages_are_loaded(self):
        path = self.workbook({"结对关系": [PAIRING_HEADER, ["南浔区", "四川省 广元市 苍溪县", "东西部协作", 2021]]})
        self.imported(path)
        pairing = Pairing.objects.get(unit=self.nanxun, program=self.east_west)
        self.assertEqual(pairing.region.code, "510824")
        self.assertGreater(Region.objects.filter(code__startswith="510824", level=Region.Level.VILLAGE).count(), 300)

    def test_a_project_names_a_village_the_package_has_and_it_is_loaded_with_its_town(self):
        self.assertFalse(Region.objects.filter(code=KALAKUTI).exists())
        result = self.imported(self.projects("柯坪县柯坪镇喀拉库提村", "四川省广元市旺苍县", "511024 威远县",
                                             "喀拉库提村民委员会"))
        regions = dict(Project.objects.filter(code__startswith="NX-").values_list("code", "partner_region__code"))
        self.assertEqual(regions, {"NX-001": KALAKUTI, "NX-002": "510821", "NX-003": "511024", "NX-004": KALAKUTI})
        village = Region.objects.get(code=KALAKUTI)
        self.assertEqual((village.name, village.parent.code, village.from_package), ("喀拉库提村", KALPIN_TOWN, True))
        self.assertEqual(result.sheets[0].created, 4)
        again = self.imported(self.projects("柯坪县柯坪镇喀拉库提村", "四川省广元市旺苍县", "511024 威远县",
                                            "喀拉库提村民委员会"))
        self.assertEqual((again.sheets[0].created, again.sheets[0].unchanged), (0, 4))

    def test_a_dry_run_loads_nothing(self):
        result = self.run_import(self.projects("柯坪县柯坪镇喀拉库提村"), user=self.alice, dry_run=True)
        self.assertEqual(result.problems, [])
        self.assertFalse(Region.objects.filter(code__startswith=KALPIN_TOWN).exists())

    def test_a_refused_import_loads_nothing(self):
        problems = self.problems(self.projects("柯坪县柯坪镇喀拉库提村", "桐乡"))
        self.assertEqual(problems, ["工作表“项目” 第3行 E列（结对地区）：没有地区“桐乡”，是否为：桐乡市（330483）？"
                                    "请写出完整名称或区划代码"])
        self.assertFalse(Region.objects.filter(code__startswith=KALPIN_TOWN).exists())

    def test_an_ambiguous_name_lists_the_candidates_next_to_sheet_row_and_column(self):
        problems = self.problems(self.projects("朝阳区", "广安市牌坊村"))
        self.assertEqual(problems[0], "工作表“项目” 第2行 E列（结对地区）：“朝阳区”对应多个地区：朝阳区（110105，北京市 市辖区）、"
                                      "朝阳区（220104，吉林省 长春市）。请写出上级地区或区划代码")
        self.assertIn("第3行 E列（结对地区）：“广安市牌坊村”对应多个地区：牌坊村（511602102200，四川省 广安市 广安区 协兴镇）、"
                      "牌坊村（511623100204，四川省 广安市 邻水县 鼎屏镇）", problems[1])

    def test_the_regions_sheet_adds_what_no_package_has_under_a_town_not_loaded_yet(self):
        path = self.workbook({
            "地区": [REGION_HEADER, ["湖州新村", "柯坪县柯坪镇", "652929100901"]],
            "项目": [PROJECT_HEADER, self.project_row("NX-001", **{"结对地区": "湖州新村"})],
        })
        self.imported(path)
        own = Region.objects.get(code="652929100901")
        self.assertEqual((own.name, own.from_package, own.parent.code, own.parent.from_package),
                         ("湖州新村", False, KALPIN_TOWN, True))
        self.assertEqual(Project.objects.get(code="NX-001").partner_region, own)

    def test_resolving_costs_no_query_per_distinct_text(self):
        self.imported(self.projects(*["柯坪县"] * 10))
        Project.objects.all().delete()
        with CaptureQueriesContext(connection) as one_text:
            self.imported(self.projects(*["柯坪县"] * 10))
        Project.objects.all().delete()
        texts = ["柯坪县", "652929", "652929 柯坪县", "柯坪县（652929）", "阿克苏地区柯坪县", "新疆维吾尔自治区 阿克苏地区 柯坪县",
                 "四川省广元市旺苍县", "511024 威远县", "阿坝州小金县", "四川省/广元市/苍溪县"]
        with CaptureQueriesContext(connection) as ten_texts:
            self.imported(self.projects(*texts))
        self.assertEqual(len(ten_texts), len(one_text))


class EmptyRegionTableTestCase(TestCase):
    def test_an_empty_region_table_says_to_run_loadregions(self):
        Unit.objects.create(name="南浔区")
        for level in reversed(Region.Level.values):  # children first: parents are protected
            Region.objects.filter(level=level).delete()
        wb = openpyxl.Workbook()
        wb.active.title = "结对关系"
        wb.active.append(PAIRING_HEADER)
        wb.active.append(["南浔区", "柯坪县", "援疆", 2021])
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "in.xlsx"
            wb.save(path)
            result = import_workbook(path, CONSOLE)
        self.assertEqual([str(p) for p in result.problems], [
            "工作表“结对关系” 第2行 B列（结对地区）：地区表为空，请先运行 hezuo loadregions 加载全国行政区划，值为“柯坪县”"])
        self.assertFalse(Pairing.objects.exists())
