"""List pages page the way people page, and stay cheap at millions of rows (hezuo/core/paging.py):
下一页/上一页 carry the sort key of the row at the edge (keyset) and show exactly what page
numbers show; 末页 is read from the end; kinds without totals count only up to a cap."""

import datetime
import html
import re
from decimal import Decimal
from unittest import mock

from django.test import override_settings
from django.urls import reverse

from hezuo.core import paging
from hezuo.exchanges.models import Cadre
from hezuo.projects.models import FundRecord
from tests.base import BaseTestCase
from tests.record_data import copy_of


def link(response, text):
    """The query string of the pagination link labelled `text`, or None."""
    found = re.search(rf'href="([^"]*)">{re.escape(text)}', response.content.decode())
    return html.unescape(found.group(1)) if found else None


@override_settings(PAGE_SIZE=4)
class ListPagingTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        project = cls.own["projects"]
        # Several rows share a date, so the order within a date (newest id first) matters.
        for i in range(21):
            FundRecord.objects.create(project=project, date=datetime.date(2024, 3, 1 + i // 3),
                                      stage=FundRecord.Stage.DISBURSED, amount=Decimal(100 + i))
        cls.url = reverse("funds:list")

    def setUp(self):
        self.client.force_login(self.alice)

    def shown(self, query):
        r = self.client.get(self.url + query)
        self.assertEqual(r.status_code, 200)
        return r, [row.pk for row in r.context["page"]]

    def by_number(self):
        """Every page, asked for by its number alone."""
        pages = []
        for number in range(1, 7):
            _r, pks = self.shown(f"?page={number}")
            pages.append(pks)
        return pages

    def test_next_links_show_the_same_rows_as_page_numbers(self):
        expected = self.by_number()
        self.assertEqual(sum(len(p) for p in expected), FundRecord.objects.count())
        self.assertEqual([pk for p in expected for pk in p],
                         list(FundRecord.objects.order_by("-date", "-pk").values_list("pk", flat=True)))
        r, pks = self.shown("")
        walked = [pks]
        while (query := link(r, "下一页 ›")) is not None:
            self.assertIn("after=", query)
            r, pks = self.shown(query)
            walked.append(pks)
        self.assertEqual(walked, expected)

    def test_previous_links_walk_back_the_same_way(self):
        expected = self.by_number()
        r, pks = self.shown(link(self.client.get(self.url), "末页 »"))
        walked = [pks]
        while (query := link(r, "‹ 上一页")) is not None:
            r, pks = self.shown(query)
            walked.append(pks)
        self.assertEqual(walked[::-1], expected)

    def test_the_last_page_holds_the_oldest_rows(self):
        r, pks = self.shown("?page=6")
        self.assertEqual(pks, list(FundRecord.objects.order_by("-date", "-pk").values_list("pk", flat=True))[20:])
        self.assertIsNone(link(r, "下一页 ›"))
        self.assertIn("第 6 / 6 页", r.content.decode())

    def test_an_ascending_sort_pages_by_key_too(self):
        r, pks = self.shown("?o=amount")
        walked = pks
        while (query := link(r, "下一页 ›")) is not None:
            self.assertIn("o=amount", query)
            r, pks = self.shown(query)
            walked += pks
        self.assertEqual(walked, list(FundRecord.objects.order_by("amount", "-pk").values_list("pk", flat=True)))

    def test_a_key_that_is_not_one_falls_back_to_the_page_number(self):
        expected = self.by_number()
        for cursor in ("abc", "12_not-a-date", "_", ""):
            with self.subTest(cursor=cursor):
                _r, pks = self.shown(f"?page=3&after={cursor}")
                self.assertEqual(pks, expected[2])

    def test_sorting_and_filtering_start_again_at_the_first_page(self):
        r, _pks = self.shown("?page=2&after=" + self.client.get(self.url).context["page"].after)
        html_text = r.content.decode()
        links = [href for href in re.findall(r'href="(\?[^"]*)"', html_text) if "page=" not in href]
        self.assertTrue(any("o=" in href for href in links) and any("format=xlsx" in href for href in links))
        for href in links:
            self.assertNotIn("after=", href)
            self.assertNotIn("before=", href)

    def test_the_count_and_totals_cover_every_page(self):
        r, _pks = self.shown("?page=3")
        text = r.content.decode()
        self.assertIn("共 <strong>23</strong> 条", text)  # 21 here, one fund each in the base records
        self.assertEqual(r.context["page"].paginator.count, FundRecord.objects.count())


@override_settings(PAGE_SIZE=4)
class CountCapTestCase(BaseTestCase):
    """Kinds without totals (here 援派干部人才) count no further than the cap."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        for n in range(1, 10):
            copy_of(cls.own["cadres"], n)
        cls.url = reverse("cadres:list")

    def setUp(self):
        self.client.force_login(self.alice)

    def test_a_long_list_says_how_far_it_counted(self):
        with mock.patch.object(paging, "COUNT_CAP", 5):
            r = self.client.get(self.url)
        text = r.content.decode()
        self.assertIn("共 <strong>5+</strong> 条", text)
        self.assertIn("下一页", text)
        self.assertNotIn("末页", text)

    def test_paging_on_past_the_cap_reaches_every_row(self):
        seen = []
        query = ""
        with mock.patch.object(paging, "COUNT_CAP", 5):
            while query is not None:
                r = self.client.get(self.url + query)
                seen += [row.pk for row in r.context["page"]]
                query = link(r, "下一页 ›")
        self.assertEqual(sorted(seen), sorted(Cadre.objects.values_list("pk", flat=True)))
        self.assertEqual(len(seen), len(set(seen)))

    def test_a_short_list_is_counted_exactly(self):
        r = self.client.get(self.url)
        self.assertIn("共 <strong>11</strong> 条", r.content.decode())
        self.assertIn("第 1 / 3 页", r.content.decode())
