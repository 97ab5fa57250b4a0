"""`hezuo stats --year Y [--through-month M] --format json|table` prints DESIGN.md's JSON,
which on the Huzhou demo holds the seed article's figures, and a table for people."""

import io
import json

from django.core.management import CommandError, call_command
from django.test import TestCase

from hezuo.demo.huzhou import load_demo
from hezuo.org.models import Program

PROGRAM_KEYS = ["name", "parent", "projects", "funds_arranged", "funds_disbursed", "consumption", "dispatch_batches",
                "dispatch_person_times", "activity_batches", "activity_person_times", "signed_projects",
                "signed_investment"]


def stats(*args):
    out = io.StringIO()
    call_command("stats", *args, stdout=out)
    return out.getvalue()


class StatsCommandTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_demo()
        cls.document = json.loads(stats("--year", "2024", "--format", "json"))
        cls.programs = {p["name"]: p for p in cls.document["programs"]}

    def test_it_prints_the_design_documents_shape(self):
        self.assertEqual(list(self.document), ["year", "programs", "key_projects", "targets"])
        self.assertEqual(self.document["year"], 2024)
        for program in self.document["programs"]:
            self.assertEqual(list(program), PROGRAM_KEYS)
            self.assertIsInstance(program["funds_arranged"], float)
            self.assertIsInstance(program["projects"], int)
        self.assertEqual([p["name"] for p in self.document["programs"]][:4], ["对口支援", "援疆", "援青", "援藏"])
        self.assertEqual(len(self.document["programs"]), Program.objects.count())

    def test_the_key_projects_reproduce_the_articles_figures(self):
        # 27个省长三角一体化发展重大项目完成年度投资241亿元，年度计划投资完成率达152%，快于全省43.1个百分点
        found = self.document["key_projects"]
        self.assertEqual({key: found[key] for key in ("count", "annual_plan", "completed", "through_month",
                                                     "completion_rate", "province_rate", "ahead_points")},
                         {"count": 27, "annual_plan": 15_855_000_000.0, "completed": 24_100_000_000.0,
                          "through_month": 11, "completion_rate": 152.0, "province_rate": 108.9,
                          "ahead_points": 43.1})

    def test_the_mountain_sea_targets_are_all_met(self):
        found = {(t["indicator"], t["program"]): (t["actual"], t["met"]) for t in self.document["targets"]}
        self.assertEqual(found[("消费帮扶", "山海协作")], (37_100_000.0, True))
        self.assertEqual(found[("省定财政性援建资金", "山海协作")], (15_400_000.0, True))
        self.assertEqual(found[("劳动力培训", "山海协作")], (2264, True))

    def test_it_reproduces_the_articles_figures(self):
        p = self.programs
        self.assertEqual(p["援疆"]["parent"], "对口支援")
        self.assertEqual(p["援疆"]["projects"], 28)
        self.assertTrue(110_000_000 < p["援疆"]["funds_arranged"] < 111_000_000)  # 超1.1亿元
        self.assertEqual((p["援疆"]["dispatch_batches"], p["援疆"]["dispatch_person_times"]), (12, 97))
        self.assertEqual((p["援疆"]["activity_batches"], p["援疆"]["activity_person_times"]), (8, 162))
        self.assertEqual((p["援青"]["projects"], p["援青"]["funds_arranged"]), (10, 28_380_000.0))
        self.assertEqual((p["东西部协作"]["projects"], p["东西部协作"]["funds_arranged"]), (42, 174_000_000.0))
        self.assertEqual(p["东西部协作"]["parent"], None)
        self.assertEqual(p["浙吉合作"]["projects"], 20)
        self.assertEqual(p["山海协作"]["consumption"], 37_100_000.0)
        self.assertEqual(p["山海协作"]["funds_disbursed"], 15_400_000.0)
        self.assertEqual(p["接轨上海"]["signed_investment"], 67_520_000_000.0)
        self.assertEqual(p["长三角一体化"]["signed_investment"], 67_520_000_000.0)
        self.assertGreater(p["接轨上海"]["signed_projects"], 70)

    def test_parents_roll_up_their_children(self):
        for parent in ("对口支援", "对口合作", "长三角一体化"):
            children = [p for p in self.document["programs"] if p["parent"] == parent]
            for key in PROGRAM_KEYS[2:]:
                self.assertGreaterEqual(self.programs[parent][key], sum(c[key] for c in children), (parent, key))
        self.assertEqual(self.programs["对口支援"]["projects"], 28 + 10)

    def test_through_a_month(self):
        document = json.loads(stats("--year", "2024", "--through-month", "3", "--format", "json"))
        programs = {p["name"]: p for p in document["programs"]}
        self.assertEqual(programs["援疆"]["projects"], 28)  # projects count by year
        self.assertLess(programs["援疆"]["funds_disbursed"], self.programs["援疆"]["funds_disbursed"])
        self.assertEqual(programs["援疆"]["funds_disbursed"], 0.0)  # disbursed from June on

    def test_the_table_is_for_people(self):
        table = stats("--year", "2024", "--format", "table")
        self.assertIn("2024年区域合作统计", table)
        self.assertIn("工作类别", table)
        self.assertIn("安排资金", table)
        line = next(line for line in table.splitlines() if line.strip().startswith("东西部协作"))
        self.assertIn("1.74亿元", line)
        self.assertIn("42", line)
        self.assertIn("675.2亿元", table)
        self.assertIn("合计", table)
        self.assertIn("2024年1—11月", stats("--year", "2024", "--through-month", "11"))

    def test_it_refuses_a_month_outside_the_year(self):
        with self.assertRaisesMessage(CommandError, "1 到 12"):
            stats("--year", "2024", "--through-month", "13")

    def test_an_empty_year_prints_zeros_for_every_program(self):
        document = json.loads(stats("--year", "2030", "--format", "json"))
        self.assertEqual(len(document["programs"]), Program.objects.count())
        self.assertTrue(all(p["projects"] == 0 and p["funds_arranged"] == 0.0 for p in document["programs"]))
        self.assertEqual(document["key_projects"]["count"], 0)
