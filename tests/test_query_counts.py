"""List and detail pages cost the same number of queries however many rows they show
(no query per row): render, add rows, render again, count."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hezuo.core.kinds import REGISTRY
from hezuo.org.models import Program, Region, Unit
from tests.base import BaseTestCase
from tests.jobs_world import job_entries
from tests.record_data import copy_of

MORE_ROWS = 20


class QueryCountTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        town = Region(code="652929100", name="柯坪镇", level=Region.Level.TOWN, parent=cls.kalpin)
        town.save()
        # A record of every kind to show, and to copy when rows are added.
        cls.samples = {
            **cls.own,
            "programs": Program.objects.create(name="援疆产业", parent=cls.xinjiang, sort_order=10),
            "units": Unit.objects.create(name="南浔区双林镇", parent=cls.nanxun),
            "regions": town,
            **{slug: own for slug, (own, _other) in job_entries(cls).items()},
        }

    def queries(self, url, params=None):
        with CaptureQueriesContext(connection) as captured:
            r = self.client.get(url, params)
        self.assertEqual(r.status_code, 200)
        return len(captured), r

    def test_it_covers_every_kind_in_the_registry(self):
        self.assertEqual(set(self.samples), set(REGISTRY))

    def check_list_pages(self, user):
        self.client.force_login(user)
        for slug, sample in self.samples.items():
            url = reverse(f"{slug}:list")
            # The region list runs to thousands of rows; look at the towns of 柯坪县.
            params = {"region": "652929"} if slug == "regions" else {}
            with self.subTest(kind=slug):
                self.client.get(url, params)  # warm up per-process caches
                before, r = self.queries(url, params)
                rows_before = len(r.context["page"])
                for n in range(1, MORE_ROWS + 1):
                    copy_of(sample, n)
                after, r = self.queries(url, params)

                self.assertGreater(len(r.context["page"]), rows_before)
                self.assertEqual(after, before)

    def test_list_pages_keep_their_query_count_as_rows_grow(self):
        self.check_list_pages(self.alice)

    def test_list_pages_in_a_districts_scope_keep_their_query_count_as_rows_grow(self):
        self.check_list_pages(self.bob)

    def test_detail_pages_keep_their_query_count_as_related_rows_grow(self):
        self.client.force_login(self.alice)
        for slug, obj in self.samples.items():
            kind = REGISTRY[slug]
            url = reverse(f"{slug}:detail", args=[obj.pk])
            with self.subTest(kind=slug):
                self.client.get(url)
                before, _ = self.queries(url)
                for rel in kind.related:
                    for n in range(1, MORE_ROWS + 1):
                        copy_of(self.samples[rel.slug], n, **{rel.lookup: obj})
                after, r = self.queries(url)

                for related in r.context["related"]:
                    self.assertGreaterEqual(len(list(related["table"].rows())), MORE_ROWS)
                self.assertEqual(after, before)

    def test_a_region_filtered_list_reads_only_the_chosen_region(self):
        # The region table runs to thousands of rows (hundreds of thousands once towns and
        # villages are loaded): the filter, its text box and the summary line read the one
        # region chosen, once, however many regions there are.
        self.client.force_login(self.alice)
        region_kinds = [slug for slug, kind in REGISTRY.items() if "region" in kind.filters and slug != "regions"]
        self.assertIn("projects", region_kinds)
        for slug in region_kinds:
            url = reverse(f"{slug}:list")
            with self.subTest(kind=slug):
                self.client.get(url, {"region": "652929"})
                unfiltered, _ = self.queries(url)
                filtered, r = self.queries(url, {"region": "652929"})

                # The region typed, looked up by its code (the list of a kind with no row
                # there skips a query of its own).
                self.assertLessEqual(filtered, unfiltered + 1)
                self.assertIn(self.kalpin, dict(r.context["filters"].active()).values())
                self.assertContains(r, 'value="652929 新疆维吾尔自治区 阿克苏地区 柯坪县"')

        Region.objects.bulk_create(
            Region(code=f"652929{n:03d}", name=f"第{n}镇", level=Region.Level.TOWN, parent=self.kalpin,
                   prefix=f"652929{n:03d}", full_name=f"柯坪县 第{n}镇") for n in range(200, 400))
        url = reverse("projects:list")
        before, _ = self.queries(url, {"region": "652929"})
        with CaptureQueriesContext(connection) as captured:
            r = self.client.get(url, {"region": "652929"})
        self.assertContains(r, "结对地区：柯坪县")
        self.assertEqual(len(captured), before)
        whole_table = [q["sql"] for q in captured
                       if ' FROM "org_region"' in q["sql"] and " WHERE " not in q["sql"]]
        self.assertEqual(whole_table, [])
