"""A list page's footer (its row count and exact totals) is kept until a change commits, as
the dashboard is: read back while nothing changed, never shown after a change, never shared
between scopes or filters."""

from decimal import Decimal

from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hezuo import changes
from hezuo.projects.models import FundRecord
from tests.base import BaseTestCase


class KeptListFooterTestCase(BaseTestCase):
    def setUp(self):
        # setUpTestData's writes are in the transaction every test runs in: as if it had committed.
        connection.run_on_commit = [c for c in connection.run_on_commit if c[1] is not changes._bump]

    def footer(self, user, **params):
        self.client.force_login(user)
        with CaptureQueriesContext(connection) as queries:
            r = self.client.get(reverse("funds:list"), params)
        self.assertEqual(r.status_code, 200)
        return None, r.content.decode(), len(queries)

    def commit(self):
        """What the end of a writing transaction does: count the generation up."""
        for _sids, func, *_ in list(connection.run_on_commit):
            if func is changes._bump:
                func()
        connection.run_on_commit = [c for c in connection.run_on_commit if c[1] is not changes._bump]

    def test_a_second_view_reads_the_kept_footer(self):
        _, first, built = self.footer(self.alice)
        _, again, read = self.footer(self.alice)
        self.assertEqual(first.split("<tfoot>")[1], again.split("<tfoot>")[1])
        self.assertIn("共 <strong>2</strong> 条", again)
        self.assertLess(read, built)  # the footer's aggregate is not run again

    def test_a_committed_change_shows_the_new_total(self):
        self.footer(self.alice)
        FundRecord.objects.create(project=self.own["projects"], date=self.own["funds"].date,
                                  stage=FundRecord.Stage.ARRANGED, amount=Decimal("300000"))
        self.commit()
        _, html, _ = self.footer(self.alice)
        self.assertIn("共 <strong>3</strong> 条", html)
        self.assertIn('data-value="2700000', html)

    def test_an_uncommitted_change_is_seen_by_its_own_transaction(self):
        self.footer(self.alice)
        FundRecord.objects.create(project=self.own["projects"], date=self.own["funds"].date,
                                  stage=FundRecord.Stage.ARRANGED, amount=Decimal("300000"))
        _, html, _ = self.footer(self.alice)
        self.assertIn("共 <strong>3</strong> 条", html)

    def test_scopes_and_filters_never_share_a_footer(self):
        self.footer(self.alice)
        _, bob, _ = self.footer(self.bob)
        self.assertIn("共 <strong>1</strong> 条", bob)
        self.assertIn('data-value="1200000', bob)
        _, filtered, _ = self.footer(self.alice, program=self.east_west.pk)
        self.assertIn("共 <strong>1</strong> 条", filtered)

    @override_settings(HEZUO_DASHBOARD_CACHE_SECONDS=0)
    def test_keeping_can_be_switched_off(self):
        _, _, built = self.footer(self.alice)
        _, _, again = self.footer(self.alice)
        self.assertEqual(built, again)
