"""Every record's page has a 修改记录 panel, for whoever may see the record: who changed
what and when, newest first, in words; records an import created or changed show that
import, linked for those who may open it. Outside the scope the page stays a 404.

The panel is read when the reader opens it (htmx fetches it from the record's history URL);
without JavaScript the same URL is a page of its own."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hezuo.core.views import HISTORY_SHOWN
from hezuo.imports.models import ImportRecord
from hezuo.projects.models import Project
from tests.record_data import form_data
from tests.test_import_pages import PROJECTS, ImportTestCase, workbook, xlsx_upload


class RecordHistoryTestCase(ImportTestCase):
    def page(self, user, obj, slug="projects", **params):
        """The panel, as the record's page fetches it when the reader opens it."""
        self.client.force_login(user)
        return self.client.get(reverse(f"{slug}:history", args=[obj.pk]), params, HTTP_HX_REQUEST="true")

    def queries(self, user, obj):
        self.client.force_login(user)
        with CaptureQueriesContext(connection) as captured:
            r = self.client.get(reverse("projects:history", args=[obj.pk]), HTTP_HX_REQUEST="true")
        return len(captured), r

    def edit(self, user, obj, slug="projects", **changes):
        self.client.force_login(user)
        r = self.client.post(reverse(f"{slug}:edit", args=[obj.pk]), form_data(obj, **changes))
        self.assertEqual(r.status_code, 302)
        obj.refresh_from_db()

    def test_a_district_reporter_sees_the_history_of_their_record(self):
        project = self.own["projects"]
        self.edit(self.alice, project, program=self.east_west.pk, total_investment_0="600", total_investment_1="万元")
        r = self.page(self.bob, project)
        self.assertContains(r, "修改记录")
        self.assertContains(r, '<span class="before">援疆</span>', html=True)
        self.assertContains(r, '<span class="after">东西部协作</span>', html=True)
        self.assertContains(r, '<span title="6,000,000.00元">600万元</span>', html=True)
        self.assertContains(r, '<strong class="history-action">修改</strong>', html=True)
        self.assertContains(r, '<strong class="history-action">新增</strong>', html=True)
        rows = r.context["history"]
        self.assertEqual([row.action for row in rows], ["修改", "新增"])  # newest first
        self.assertEqual(rows[0].actor, "Alice")

    def test_a_city_officer_sees_it_too(self):
        project = self.other["projects"]
        self.edit(self.charlie, project, name="吴兴示范项目（二期）")
        r = self.page(self.alice, project)
        self.assertContains(r, '<span class="after">吴兴示范项目（二期）</span>', html=True)

    def test_another_districts_user_gets_404_as_before(self):
        r = self.page(self.charlie, self.own["projects"])
        self.assertEqual(r.status_code, 404)
        r = self.client.get(reverse("projects:history", args=[self.own["projects"].pk]))
        self.assertEqual(r.status_code, 404)

    def test_the_records_page_reads_the_history_only_when_the_reader_opens_it(self):
        project = self.own["projects"]
        self.edit(self.alice, project, name="南浔示范项目（二期）")
        self.client.force_login(self.bob)
        with CaptureQueriesContext(connection) as captured:
            r = self.client.get(reverse("projects:detail", args=[project.pk]))
        self.assertEqual([q["sql"] for q in captured if "auditlog_logentry" in q["sql"]], [])
        self.assertNotContains(r, "南浔示范项目（二期）</span>")
        history = reverse("projects:history", args=[project.pk])
        self.assertContains(r, f'<details class="card history history-closed" id="history" hx-get="{history}" '
                               f'hx-trigger="toggle once" hx-swap="outerHTML">')
        self.assertContains(r, f'<a href="{history}">查看修改记录 ›</a>', html=True)

    def test_without_javascript_the_history_is_a_page_of_its_own(self):
        project = self.own["projects"]
        self.edit(self.alice, project, name="南浔示范项目（二期）")
        self.client.force_login(self.bob)
        r = self.client.get(reverse("projects:history", args=[project.pk]))
        self.assertContains(r, f"<h1>{project}</h1>", html=True)
        self.assertContains(r, f'<a href="{reverse("projects:detail", args=[project.pk])}">{project}</a>', html=True)
        self.assertContains(r, '<span class="after">南浔示范项目（二期）</span>', html=True)
        self.assertIn("HX-Request", r["Vary"])  # the same URL gives the panel alone to htmx

    def test_a_link_to_older_entries_shows_them_on_the_records_page(self):
        project = self.own["projects"]
        for n in range(HISTORY_SHOWN + 2):
            self.edit(self.bob, project, name=f"改名{n}")
        older = self.page(self.bob, project).context["history_more"]
        r = self.client.get(reverse("projects:detail", args=[project.pk]), {"history_before": older})
        self.assertEqual([row.action for row in r.context["history"]], ["修改", "修改", "新增"])
        self.assertContains(r, '<section class="card history" id="history">')

    def test_the_leader_sees_history_with_personal_data_masked(self):
        cadre = self.own["cadres"]
        self.edit(self.bob, cadre, "cadres", phone="13900001111")
        r = self.page(self.lily, cadre, "cadres")
        page = r.content.decode()
        self.assertContains(r, "139****1111")
        self.assertNotIn("13900001111", page)
        self.assertNotIn("330501198001011234", page)

    def test_the_reporter_keeping_the_record_sees_personal_data(self):
        cadre = self.own["cadres"]
        self.edit(self.bob, cadre, "cadres", phone="13900001111")
        r = self.page(self.bob, cadre, "cadres")
        self.assertContains(r, '<span class="after">13900001111</span>', html=True)

    def test_a_record_created_by_an_import_links_to_that_import(self):
        self.upload(self.bob)
        record = ImportRecord.objects.latest("pk")
        project = Project.objects.get(code="NX-2024-101")
        link = f'<a href="{reverse("imports:detail", args=[record.pk])}">导入“{record}”</a>'

        r = self.page(self.bob, project)
        self.assertContains(r, '<strong class="history-action">新增</strong>', html=True)
        self.assertContains(r, link, html=True)

        # The leader may not open bob's import: it is named, not linked.
        r = self.page(self.lily, project)
        self.assertContains(r, f"导入“{record}”")
        self.assertNotContains(r, reverse("imports:detail", args=[record.pk]))

    def test_a_record_changed_by_an_import_shows_that_import(self):
        self.upload(self.bob)


        changed = [row[:] for row in PROJECTS]
        changed[0][7] = 3000
        self.upload(self.bob, xlsx_upload(workbook(projects=changed), name="改.xlsx"))
        second = ImportRecord.objects.latest("pk")
        r = self.page(self.alice, Project.objects.get(code="NX-2024-101"))
        rows = r.context["history"]
        self.assertEqual([row.action for row in rows], ["修改", "新增"])
        self.assertEqual(rows[0].source.url, reverse("imports:detail", args=[second.pk]))
        self.assertContains(r, '<span title="30,000,000.00元">3000万元</span>', html=True)

    def test_it_shows_a_bounded_number_with_a_way_to_see_older_ones(self):
        project = self.own["projects"]
        for n in range(HISTORY_SHOWN + 2):
            self.edit(self.bob, project, name=f"改名{n}")
        r = self.page(self.bob, project)
        rows = r.context["history"]
        self.assertEqual(len(rows), HISTORY_SHOWN)
        self.assertContains(r, '<span class="after">改名11</span>', html=True)
        older = r.context["history_more"]
        self.assertContains(r, f'href="?history_before={older}#history"')

        r = self.page(self.bob, project, history_before=older)
        self.assertEqual([row.action for row in r.context["history"]], ["修改", "修改", "新增"])
        self.assertIsNone(r.context["history_more"])

    def test_the_panel_costs_the_same_queries_however_many_entries_it_shows(self):
        project = self.own["projects"]
        self.page(self.bob, project)
        before, _r = self.queries(self.bob, project)
        for n in range(HISTORY_SHOWN):
            self.edit(self.alice, project, name=f"改名{n}", program=(self.east_west if n % 2 else self.xinjiang).pk)
        after, r = self.queries(self.bob, project)
        self.assertEqual(len(r.context["history"]), HISTORY_SHOWN)
        # One query per model the entries name, whatever their number (the creation, shown
        # before and not after, names more models than the edits do).
        self.assertLessEqual(after, before)

    def test_the_panel_of_imported_records_costs_the_same_queries_however_many_imports_changed_them(self):
        self.upload(self.bob)
        project = Project.objects.get(code="NX-2024-101")
        self.page(self.bob, project)
        before, _r = self.queries(self.bob, project)
        changed = [row[:] for row in PROJECTS]
        for n in range(5):
            changed[0][7] = 3000 + n
            self.upload(self.bob, xlsx_upload(workbook(projects=changed), name=f"改{n}.xlsx"))
        after, r = self.queries(self.bob, project)
        self.assertEqual(len({row.source.url for row in r.context["history"]}), 6)
        self.assertEqual(after, before)
