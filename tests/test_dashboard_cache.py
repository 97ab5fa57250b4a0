"""A built dashboard is kept until a change commits (hezuo/stats/freshness.py): read back
while nothing changed, never shown after a change, never shared between scopes."""

import datetime
import tempfile
from decimal import Decimal
from pathlib import Path

import openpyxl

from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hezuo import access, changes
from hezuo.access import CONSOLE
from hezuo.imports.services.exporter import export_workbook
from hezuo.imports.services.importer import import_workbook
from hezuo.keyprojects.models import AnnualPlan, MonthlyReport, ProvinceRate
from hezuo.projects.models import FundRecord, Project
from hezuo.targets.models import Target
from tests.base import BaseTestCase
from tests.record_data import copy_of

ARRANGED = "援助资金（安排）"


class KeptDashboardTestCase(BaseTestCase):
    def setUp(self):
        # The records of setUpTestData were written in the transaction every test runs in, so
        # its commit (which never comes) is still to count up: as if it had, forget that.
        connection.run_on_commit = [c for c in connection.run_on_commit if c[1] is not changes._bump]

    def view(self, user, **params):
        self.client.force_login(user)
        with CaptureQueriesContext(connection) as queries:
            r = self.client.get(reverse("stats:dashboard"), {"year": 2024, **params})
        self.assertEqual(r.status_code, 200)
        cards = {card.label: card.figure for card in r.context["dash"].cards}
        return cards, len(queries), r

    def test_a_second_view_reads_the_kept_dashboard(self):
        first, built, _ = self.view(self.alice)
        again, read, r = self.view(self.alice)
        self.assertEqual({k: f.value for k, f in again.items()}, {k: f.value for k, f in first.items()})
        self.assertEqual(again[ARRANGED].value, Decimal("2400000"))
        self.assertLess(read, built - 8)  # the session and user, the generation: no record is read
        html = r.content.decode()
        self.assertTrue('title="2,400,000.00元">240万元</a>' in html)  # the card, from the kept figures
        self.assertTrue(again[ARRANGED].url.replace("&", "&amp;") in html)

    def test_a_kept_dashboard_is_whole_after_pickling(self):
        import pickle

        from hezuo.stats.dashboard import build

        dash = pickle.loads(pickle.dumps(build(self.alice, 2024).frozen()))
        self.assertIsNone(dash.total.figures.counted)  # the counts behind the figures were let go
        self.assertEqual(len(dash.total.figures), len(list(dash.total.figures.values())))
        self.assertEqual(dash.total.figures["funds_arranged"].value, Decimal("2400000"))
        for row in dash.top_regions:
            self.assertEqual([f.value for f in row.figures.values()], [row[key].value for key in row.figures])

    def test_a_committed_change_is_shown_at_the_next_view(self):
        self.view(self.alice)
        before = changes.generation()
        fund = self.own["funds"]
        self.client.force_login(self.alice)
        with self.captureOnCommitCallbacks(execute=True):  # as when the request's transaction commits
            r = self.client.post(reverse("funds:delete", args=[fund.pk]), {"version": fund.version})
        self.assertEqual(r.status_code, 302)
        self.assertEqual(changes.generation(), before + 1)
        cards, _, _ = self.view(self.alice)
        self.assertEqual(cards[ARRANGED].value, Decimal("1200000"))

    def test_a_change_not_yet_committed_bypasses_what_is_kept(self):
        self.view(self.alice)
        copy_of(self.own["funds"], amount=Decimal("1"))  # inside this test's open transaction
        self.assertTrue(changes.pending())
        cards, _, _ = self.view(self.alice)
        self.assertEqual(cards[ARRANGED].value, Decimal("2400001"))

    def test_one_commit_counts_once_however_many_records_it_wrote(self):
        before = changes.generation()
        with self.captureOnCommitCallbacks(execute=True) as callbacks:
            for n in range(1, 4):
                copy_of(self.own["funds"], n)
        self.assertEqual(len(callbacks), 1)
        self.assertEqual(changes.generation(), before + 1)

    def test_scopes_never_share_a_kept_dashboard(self):
        city, _, _ = self.view(self.alice)
        nanxun, _, _ = self.view(self.bob)
        wuxing, _, _ = self.view(self.charlie)
        self.assertEqual(city[ARRANGED].value, Decimal("2400000"))
        self.assertEqual(nanxun[ARRANGED].value, Decimal("1200000"))
        self.assertEqual(wuxing[ARRANGED].value, Decimal("1200000"))
        self.assertEqual(self.view(self.lily)[0][ARRANGED].value, Decimal("2400000"))  # a leader reads all, too
        self.assertEqual(self.view(self.bob)[0][ARRANGED].value, Decimal("1200000"))

    def test_a_program_filter_is_its_own_entry(self):
        self.view(self.alice)
        cards, _, _ = self.view(self.alice, program=self.xinjiang.pk)
        self.assertEqual(cards[ARRANGED].value, Decimal("1200000"))

    @override_settings(HEZUO_DASHBOARD_CACHE_SECONDS=0)
    def test_keeping_can_be_switched_off(self):
        _, built, _ = self.view(self.alice)
        _, again, _ = self.view(self.alice)
        self.assertEqual(again, built)

    def test_bulk_writes_count_too(self):
        """Imports and the region loader write without signals and say so themselves."""
        from hezuo.org.services import load_regions

        before = changes.generation()
        with self.captureOnCommitCallbacks(execute=True):
            load_regions()
        self.assertEqual(changes.generation(), before + 1)
        self.assertEqual(FundRecord.objects.count(), 2)

    def test_an_import_is_a_change(self):
        """A fund amount changed in the standard workbook and imported (fast path, no signals)."""
        self.view(self.alice)
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "export.xlsx"
            export_workbook(path, access.CONSOLE)
            book = openpyxl.load_workbook(path)
            sheet = book["资金"]
            header = [cell.value for cell in sheet[1]]
            first = next(n for n in range(2, sheet.max_row + 1) if sheet.cell(n, 1).value == "南浔-001")
            sheet.cell(first, next(i for i, h in enumerate(header, 1) if h.startswith("金额"))).value = 150  # 万元
            book.save(path)
            before = changes.generation()
            with self.captureOnCommitCallbacks(execute=True):
                result = import_workbook(path, CONSOLE)
            self.assertEqual([str(p) for p in result.problems], [])
        self.assertEqual(changes.generation(), before + 1)
        cards, _, _ = self.view(self.alice)
        self.assertEqual(cards[ARRANGED].value, Decimal("2700000"))


class KeptTargetsAndKeyProjectsTestCase(BaseTestCase):
    """The 目标任务 and 滞后项目 blocks are kept with the dashboard and renewed by their models'
    changes. 南浔-001 (援疆, 南浔区农业农村局) and 吴兴-001 (东西部协作) are 省重点项目 with a plan
    of 1000万 and 100万 completed by March: 10% against a time progress of 25%, both 滞后."""

    MARCH = datetime.date(2024, 3, 1)

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.key = {}
        for records in (cls.own, cls.other):
            project = records["projects"]
            project.key_level = Project.KeyLevel.PROVINCE
            project.save()
            AnnualPlan.objects.create(project=project, year=2024, amount=Decimal("10000000"))
            MonthlyReport.objects.create(project=project, month=cls.MARCH, completed_ytd=Decimal("1000000"))
            cls.key[project.code] = project

    def setUp(self):
        connection.run_on_commit = [c for c in connection.run_on_commit if c[1] is not changes._bump]

    def dash(self, user=None, **params):
        self.client.force_login(user or self.alice)
        r = self.client.get(reverse("stats:dashboard"), {"year": 2024, **params})
        self.assertEqual(r.status_code, 200)
        return r.context["dash"], r

    def lagging(self, **params):
        return [p.project.code for p in self.dash(**params)[0].key_projects.lagging]

    def committed(self, write):
        before = changes.generation()
        with self.captureOnCommitCallbacks(execute=True):
            write()
        self.assertEqual(changes.generation(), before + 1)
        self.setUp()  # committed: nothing is pending any more, the next view may read what is kept

    def test_creating_changing_and_deleting_a_target_renews_the_kept_dashboard(self):
        self.assertEqual(self.dash()[0].targets, [])
        target = Target(indicator="consumption", program=self.xinjiang, year=2024, value=Decimal("500000"))
        self.committed(target.save)
        [shown] = self.dash()[0].targets
        self.assertEqual((shown.target, shown.target.value, shown.met), (target, Decimal("500000"), False))
        target.value = Decimal("200000")
        self.committed(target.save)
        [shown] = self.dash()[0].targets
        self.assertEqual((shown.target.value, shown.met), (Decimal("200000"), True))  # 25万 of 消费帮扶
        self.committed(target.delete)
        self.assertEqual(self.dash()[0].targets, [])

    def test_the_lagging_block_is_kept_with_the_dashboard(self):
        self.client.force_login(self.alice)
        self.dash()
        with CaptureQueriesContext(connection) as read:
            dash, r = self.dash()
        self.assertFalse(any("keyprojects_" in q["sql"] for q in read.captured_queries))
        self.assertEqual(self.lagging(), ["南浔-001", "吴兴-001"])
        self.assertIn("南浔-001 南浔示范项目", r.content.decode())

    def test_a_monthly_report_plan_or_province_rate_renews_it(self):
        self.assertEqual(self.lagging(), ["南浔-001", "吴兴-001"])
        report = MonthlyReport.objects.get(project=self.key["南浔-001"])
        report.completed_ytd = Decimal("3000000")  # 30%: ahead of 25%
        self.committed(report.save)
        self.assertEqual(self.lagging(), ["吴兴-001"])
        plan = AnnualPlan.objects.get(project=self.key["吴兴-001"])
        plan.amount = Decimal("2000000")  # 50%
        self.committed(plan.save)
        self.assertEqual(self.lagging(), [])
        self.assertIsNone(self.dash()[0].key_projects.province_rate)
        self.committed(lambda: ProvinceRate.objects.create(year=2024, month=3, rate=Decimal("21.5")))
        self.assertEqual(self.dash()[0].key_projects.province_rate, Decimal("21.5"))
        self.committed(report.delete)
        self.assertEqual(self.lagging(), ["南浔-001"])

    def test_the_lagging_block_follows_the_program_filter(self):
        self.assertEqual(self.lagging(program=self.xinjiang.pk), ["南浔-001"])
        self.assertEqual(self.lagging(program=self.aid.pk), ["南浔-001"])  # 援疆 is under 对口支援
        self.assertEqual(self.lagging(program=self.east_west.pk), ["吴兴-001"])
        dash, r = self.dash(program=self.east_west.pk)
        self.assertEqual((dash.key_projects.count, dash.key_projects.through_month), (1, 3))
        html = r.content.decode()
        self.assertIn("东西部协作（含下级类别）的省重点项目", html)
        self.assertIn("吴兴-001 吴兴示范项目", html)
        self.assertNotIn("南浔-001 南浔示范项目", html)

    def test_a_district_sees_only_its_own_lagging_projects(self):
        self.assertEqual([p.project.code for p in self.dash(self.bob)[0].key_projects.lagging], ["南浔-001"])

    @override_settings(HEZUO_DASHBOARD_CACHE_SECONDS=0)
    def test_building_the_dashboard_with_the_block_keeps_its_query_count(self):
        def count(**params):
            with CaptureQueriesContext(connection) as captured:
                self.dash(**params)
            return len(captured)

        self.client.force_login(self.alice)
        count(), count(program=self.aid.pk)  # warm up per-process caches and the session
        before = count(), count(program=self.aid.pk)
        for n in range(1, 11):
            for code, project in self.key.items():
                copy = copy_of(project, n)
                AnnualPlan.objects.create(project=copy, year=2024, amount=Decimal("1000000"))
                for month in (2, 3):
                    MonthlyReport.objects.create(project=copy, month=datetime.date(2024, month, 1),
                                                 completed_ytd=Decimal("10000") * month)
        self.assertEqual(len(self.dash()[0].key_projects.lagging), 22)
        self.assertEqual((count(), count(program=self.aid.pk)), before)
