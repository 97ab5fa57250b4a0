"""What an import leaves in the audit trail (hezuo/audit/imports.py): one entry per import and
model for the records it created, listing exactly their ids as runs (indexed in
ImportedRange), one entry per record it changed with the field-level before/after, one for
the import. A record's history and the audit log still find the import that created it."""

import datetime
import tempfile
import threading
from decimal import Decimal
from pathlib import Path

import openpyxl
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import connections
from django.test import TransactionTestCase
from django.urls import reverse

from hezuo.audit import chain
from hezuo.audit.imports import runs
from hezuo.audit.models import ImportedRange
from hezuo.imports.models import ImportRecord
from hezuo.imports.services.importer import import_workbook
from hezuo.projects.models import FundRecord, Project
from tests.committed import committed_world
from tests.record_data import form_data
from tests.test_import_pages import FUNDS, ImportTestCase, workbook, xlsx_upload

CREATE, UPDATE = LogEntry.Action.CREATE, LogEntry.Action.UPDATE
ROWS = 1400


def entries_of(record):
    return LogEntry.objects.filter(additional_data__import=record.pk).order_by("id")


def ids_of(model, **filters):
    return sorted(model.objects.filter(**filters).values_list("pk", flat=True))


def listed(entry):
    """The ids an import's creation entry says it created."""
    return [pk for first, last in entry.additional_data["created"] for pk in range(first, last + 1)]


class ImportAuditTestCase(ImportTestCase):
    def imported(self, user=None, data=None, name="2024年项目.xlsx"):
        r = self.upload(user or self.bob, xlsx_upload(data, name=name))
        self.assertEqual(r.status_code, 200)
        record = ImportRecord.objects.latest("pk")
        self.assertEqual(record.status, ImportRecord.Status.SUCCEEDED, record.problems)
        return record

    def creation(self, record, model):
        return entries_of(record).get(action=CREATE, content_type=ContentType.objects.get_for_model(model))

    def test_it_writes_one_entry_per_model_listing_the_ids_it_created(self):
        record = self.imported()
        projects = ids_of(Project, code__startswith="NX-2024-1")
        funds = ids_of(FundRecord, project__code__startswith="NX-2024-1")
        self.assertEqual((len(projects), len(funds)), (2, 3))

        for model, ids, name in ((Project, projects, "2 条"), (FundRecord, funds, "3 条")):
            entry = self.creation(record, model)
            self.assertEqual(listed(entry), ids)
            self.assertEqual((entry.actor, entry.object_pk, entry.changes), (self.bob, "", {}))
            self.assertTrue(entry.object_repr.startswith(f"{name}，编号 "), entry.object_repr)
            self.assertEqual(sorted(ImportedRange.objects.filter(entry=entry).values_list("first_pk", "last_pk")),
                             [tuple(run) for run in runs(ids)])
        # No entry per created record: the import, and one entry per model.
        self.assertEqual(entries_of(record).count(), 3)
        for model, ids in ((Project, projects), (FundRecord, funds)):
            self.assertFalse(LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(model),
                                                     object_pk__in=[str(pk) for pk in ids]).exists())
        self.assertEqual(entries_of(record).get(content_type=ContentType.objects.get_for_model(ImportRecord))
                         .object_pk, str(record.pk))

    def test_the_ids_listed_are_those_the_records_got_after_others_were_deleted(self):
        # The tables' counters are past ids nobody holds any more: the import's ids start after them.
        for slug in ("projects", "funds"):
            obj = self.own[slug]
            extra = type(obj).objects.get(pk=obj.pk)
            extra.pk = None
            if slug == "projects":
                extra.code = "NX-删除"
            else:
                extra.date = datetime.date(2024, 1, 2)
            extra.save()
            type(obj).objects.filter(pk=extra.pk).delete()
        record = self.imported()
        self.assertEqual(listed(self.creation(record, Project)), ids_of(Project, code__startswith="NX-2024-1"))
        self.assertEqual(listed(self.creation(record, FundRecord)),
                         ids_of(FundRecord, project__code__startswith="NX-2024-1"))

    def test_a_changed_record_gets_an_entry_of_its_own_with_its_name_and_the_change(self):
        self.imported()
        changed = [row[:] for row in FUNDS]
        changed[1][3] = 900
        second = self.imported(data=workbook(funds=changed), name="改.xlsx")
        fund = FundRecord.objects.get(project__code="NX-2024-101", stage=FundRecord.Stage.DISBURSED)
        entry = entries_of(second).get(action=UPDATE)
        self.assertEqual((entry.object_pk, entry.object_repr), (str(fund.pk), str(fund)))
        self.assertEqual(entry.changes, {"amount": ["8005000.00", "9000000.00"]})
        self.assertFalse(entries_of(second).filter(action=CREATE).exclude(
            content_type=ContentType.objects.get_for_model(ImportRecord)).exists())

    def test_a_record_made_on_a_page_after_an_import_is_not_said_to_be_imported(self):
        record = self.imported()
        self.client.force_login(self.bob)
        project = Project.objects.get(code="NX-2024-102")
        data = form_data(project, code="NX-2024-103", name="另一个项目")
        self.assertEqual(self.client.post(reverse("projects:create"), data).status_code, 302)
        made = Project.objects.get(code="NX-2024-103")
        r = self.client.get(reverse("projects:history", args=[made.pk]), HTTP_HX_REQUEST="true")
        self.assertEqual([row.source for row in r.context["history"]], [None])
        r = self.client.get(reverse("projects:history", args=[project.pk]), HTTP_HX_REQUEST="true")
        self.assertEqual([row.source.url for row in r.context["history"]],
                         [reverse("imports:detail", args=[record.pk])])

    def test_the_audit_admin_finds_what_an_import_created(self):
        record = self.imported()
        project = Project.objects.get(code="NX-2024-101")
        entry = self.creation(record, Project)
        self.client.force_login(self.otto)
        # From the record's page: its entries, the import's creation among them.
        r = self.client.get(reverse("audit:changes"), {
            "object_id": project.pk, "content_type": ContentType.objects.get_for_model(Project).pk})
        self.assertEqual([e.pk for e in r.context["page"]], [entry.pk])
        self.assertContains(r, f"导入“{record}”")
        r = self.client.get(reverse("audit:changes"), {"object_id": project.pk})
        self.assertIn(entry.pk, [e.pk for e in r.context["page"]])
        # The entry names how many and which ids.
        r = self.client.get(reverse("audit:change", args=[entry.pk]))
        first, last = entry.additional_data["created"][0]
        self.assertContains(r, f"新增项目：{entry.object_repr}")
        self.assertContains(r, f"<dt>新增记录编号</dt><dd>{first}–{last}</dd>", html=True)


class ConcurrentWriterTestCase(TransactionTestCase):
    """Another connection adds fund records while an import adds its own: the ids the import
    lists are exactly its records', never one of the other writer's. (On PostgreSQL the other
    writer's ids may fall between the import's; on SQLite it waits for the import's lock.)"""

    def setUp(self):
        committed_world(self)

    def test_the_ids_an_import_lists_are_its_own_while_another_writer_inserts(self):
        stop, started, theirs = threading.Event(), threading.Event(), []

        def other_writer():
            try:
                while not stop.is_set():
                    fund = FundRecord.objects.create(project=self.project, date=datetime.date(2023, 1, 1),
                                                     stage=FundRecord.Stage.ARRANGED, amount=Decimal(len(theirs) + 1))
                    theirs.append(fund.pk)
                    started.set()
            finally:
                connections.close_all()

        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "资金.xlsx"
            book = openpyxl.Workbook()
            sheet = book.active
            sheet.title = "资金"
            sheet.append(["项目编号", "日期", "环节", "金额（万元）", "资金来源"])
            for n in range(ROWS):
                sheet.append([self.project.code, datetime.date(2024, 1, 1) + datetime.timedelta(days=n % 350),
                              ["安排", "下达", "拨付", "支出"][n // 350], 1 + n, "财政援助资金"])
            book.save(path)
            thread = threading.Thread(target=other_writer)
            thread.start()
            try:
                self.assertTrue(started.wait(30))
                result = import_workbook(path, self.alice)
            finally:
                stop.set()
                thread.join(60)
        self.assertEqual([str(p) for p in result.problems], [])
        self.assertTrue(theirs)
        self.assertEqual(ImportedRange.objects.values("entry").distinct().count(), 1)
        entry = ImportedRange.objects.first().entry
        ours = ids_of(FundRecord, date__year=2024)
        self.assertEqual(len(ours), ROWS)
        self.assertEqual(listed(entry), ours)
        self.assertFalse(set(theirs) & set(listed(entry)))
        self.assertEqual(sorted(ImportedRange.objects.values_list("first_pk", "last_pk")),
                         [tuple(run) for run in runs(ours)])
        self.assertTrue(chain.verify().ok, str(chain.verify()))
