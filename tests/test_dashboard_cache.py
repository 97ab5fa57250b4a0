"""A built dashboard is kept until a change commits (hezuo/stats/freshness.py): read back
while nothing changed, never shown after a change, never shared between scopes."""

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
from hezuo.projects.models import FundRecord
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
