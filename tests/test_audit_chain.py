"""The audit trail is a hash chain (hezuo/audit/chain.py): every entry is sealed after its
transaction commits, `hezuo audit verify` finds an entry edited, deleted, inserted or moved
in the database, nothing deletes entries but the archive of those past the retention period,
and the archive leaves a chain that still verifies."""

import datetime
import hashlib
import json
import os
import stat
import subprocess
import sys
import tempfile
from io import StringIO
from pathlib import Path
from unittest import mock

import openpyxl
from auditlog.models import LogEntry
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.db.models import ProtectedError
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from hezuo import access
from hezuo.accounts.models import User
from hezuo.audit import chain
from hezuo.audit.events import record_event
from hezuo.audit.imports import ImportAudit
from hezuo.audit.models import ArchiveCut, ChainHead, ImportedRange, Seal
from hezuo.imports.services.exporter import export_workbook
from hezuo.imports.services.importer import import_workbook
from tests.base import BaseTestCase
from tests.record_data import form_data

ENTRIES = connection.ops.quote_name(LogEntry._meta.db_table)
SEALS = connection.ops.quote_name(Seal._meta.db_table)
RANGES = connection.ops.quote_name(ImportedRange._meta.db_table)


class AuditChainTestCase(BaseTestCase):
    def setUp(self):
        # The test world's entries wait for a commit that never comes in a test: seal them now,
        # and let each test's own writes register their sealing afresh.
        connection.run_on_commit = [c for c in connection.run_on_commit if c[1] is not chain._seal_pending]
        chain.seal()
        self.signed_in = None
        self.sign_in(self.bob)  # signing in writes an entry (its login event): before the tests' own
        self.project = self.own["projects"]

    def sign_in(self, user):
        if self.signed_in != user:
            with self.committed():
                self.client.force_login(user)
            self.signed_in = user

    def committed(self):
        """What follows commits, as at the end of a request: its on_commit callbacks run."""
        return self.captureOnCommitCallbacks(execute=True)

    def edit_project(self, user=None, name="南浔示范项目（二期）"):
        self.sign_in(user or self.bob)
        with self.committed():
            r = self.client.post(reverse("projects:edit", args=[self.project.pk]), form_data(self.project, name=name))
        self.assertEqual(r.status_code, 302)
        self.project.refresh_from_db()
        return LogEntry.objects.filter(object_pk=str(self.project.pk), object_repr=str(self.project)).latest("id")

    def import_fund_change(self):
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "export.xlsx"
            export_workbook(path, access.CONSOLE)
            book = openpyxl.load_workbook(path)
            sheet = book["资金"]
            header = [cell.value for cell in sheet[1]]
            row = next(n for n in range(2, sheet.max_row + 1) if sheet.cell(n, 1).value == "南浔-001")
            sheet.cell(row, next(i for i, h in enumerate(header, 1) if h.startswith("金额"))).value = 150
            book.save(path)
            with self.committed():
                result = import_workbook(path, self.alice)
        self.assertEqual([str(p) for p in result.problems], [])

    def import_new_funds(self, count=3):
        """Import `count` new fund records of 南浔-001; returns the import's creation entry."""
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "资金.xlsx"
            book = openpyxl.Workbook()
            sheet = book.active
            sheet.title = "资金"
            sheet.append(["项目编号", "日期", "环节", "金额（万元）", "资金来源"])
            for n in range(count):
                sheet.append(["南浔-001", datetime.date(2024, 7, 1) + datetime.timedelta(days=n), "拨付", 10 + n,
                              "财政援助资金"])
            book.save(path)
            with self.committed():
                result = import_workbook(path, self.alice)
        self.assertEqual([str(p) for p in result.problems], [])
        return ImportedRange.objects.latest("id").entry

    def attacker(self):
        """Someone with SQL access gets past the triggers (drops them, or sets their flag):
        what matters is that `verify` then finds what was done."""
        return chain.unlocked()

    def sql(self, statement, params=()):
        with connection.cursor() as cursor:
            cursor.execute(statement, params)

    def verify_command(self):
        out, err = StringIO(), StringIO()
        try:
            call_command("audit", "verify", stdout=out, stderr=err)
        except SystemExit as exit:
            return exit.code, err.getvalue()
        return 0, out.getvalue()

    def assert_broken_at(self, entry_id, words):
        result = chain.verify()
        self.assertFalse(result.ok, str(result))
        self.assertEqual(result.problem.entry_id, entry_id, str(result))
        self.assertIn(words, str(result))
        code, text = self.verify_command()
        self.assertEqual(code, 1)
        self.assertIn(f"条目 #{entry_id}", text)
        self.assertIn(words, text)
        return result

    # Sealing

    def test_it_verifies_a_chain_of_page_changes_events_and_an_import(self):
        page = self.edit_project()
        with self.committed():
            event = record_event("login", actor=self.bob)
        before_import = LogEntry.objects.latest("id").pk
        self.import_fund_change()
        imported = LogEntry.objects.filter(pk__gt=before_import)
        self.assertTrue(imported.exists())

        self.assertFalse(LogEntry.objects.filter(seal__isnull=True).exists())
        seqs = [Seal.objects.get(entry=e).seq for e in (page, event, imported.earliest("id"))]
        self.assertEqual(seqs, sorted(seqs))  # in the order they committed
        result = chain.verify()
        self.assertTrue(result.ok, str(result))
        self.assertEqual(result.checked, LogEntry.objects.count())
        self.assertEqual(self.verify_command()[0], 0)
        self.assertIn("审计链完整", self.verify_command()[1])

    def test_the_key_is_a_file_only_its_owner_reads(self):
        chain.key()
        mode = stat.S_IMODE(os.stat(settings.HEZUO_AUDIT_KEY_FILE).st_mode)
        self.assertEqual(mode, 0o600)

    def test_a_rolled_back_change_leaves_nothing_to_seal(self):
        entries = LogEntry.objects.count()
        with self.committed():
            try:
                with transaction.atomic():
                    record_event("login", actor=self.bob)
                    raise RuntimeError
            except RuntimeError:
                pass
        self.assertEqual(LogEntry.objects.count(), entries)
        self.assertTrue(chain.verify().ok)

    # What verify finds

    def test_it_finds_an_entry_edited_in_the_database(self):
        entry = self.edit_project()
        self.edit_project(name="南浔示范项目（三期）")
        self.assertTrue(chain.verify().ok)
        with self.attacker():
            self.sql(f"UPDATE {ENTRIES} SET changes = %s WHERE id = %s",
                     [json.dumps({"name": ["南浔示范项目", "别的名字"]}), entry.pk])
        result = self.assert_broken_at(entry.pk, "内容与封存不符")
        self.assertEqual(result.problem.seq, entry.seal.seq)

    def test_it_finds_an_edited_actor_or_time(self):
        entry = self.edit_project()
        with self.attacker():
            self.sql(f"UPDATE {ENTRIES} SET actor_id = %s WHERE id = %s", [self.alice.pk, entry.pk])
        self.assert_broken_at(entry.pk, "内容与封存不符")

    def test_it_finds_a_deleted_entry(self):
        entry = self.edit_project()
        after = self.edit_project(name="南浔示范项目（三期）")
        seq = entry.seal.seq
        with self.attacker():
            self.sql(f"DELETE FROM {SEALS} WHERE entry_id = %s", [entry.pk])
            self.sql(f"DELETE FROM {ENTRIES} WHERE id = %s", [entry.pk])
        result = self.assert_broken_at(after.pk, f"缺少第 {seq} 号")
        self.assertIn("条目被删除", str(result))

    def test_it_finds_the_last_entries_deleted(self):
        self.edit_project()
        last = self.edit_project(name="南浔示范项目（三期）")
        seq = last.seal.seq
        with self.attacker():
            self.sql(f"DELETE FROM {SEALS} WHERE entry_id = %s", [last.pk])
            self.sql(f"DELETE FROM {ENTRIES} WHERE id = %s", [last.pk])
        result = chain.verify()
        self.assertFalse(result.ok)
        self.assertIn(f"链头记为第 {seq} 号，实际最后一条为第 {seq - 1} 号", str(result))

    def forge(self, like, **changes):
        """An entry put into the table by SQL, a copy of `like` with `changes`."""
        values = {f.column: getattr(like, f.attname) for f in LogEntry._meta.concrete_fields if not f.primary_key}
        values.update(changes)
        fields = [f for f in LogEntry._meta.concrete_fields if f.column in values]
        columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
        params = [f.get_db_prep_save(values[f.column], connection) for f in fields]
        with connection.cursor() as cursor:
            cursor.execute(f"INSERT INTO {ENTRIES} ({columns}) VALUES ({', '.join(['%s'] * len(fields))})", params)
        return LogEntry.objects.latest("id")

    def test_it_finds_a_forged_entry_inserted_without_a_seal(self):
        entry = self.edit_project()
        forged = self.forge(entry, object_repr="伪造的修改", timestamp=entry.timestamp - datetime.timedelta(days=3))
        self.edit_project(name="南浔示范项目（三期）")  # later sealing does not take it in
        self.assertFalse(Seal.objects.filter(entry=forged).exists())
        self.assert_broken_at(forged.pk, "未封存")

    def test_a_forged_entry_next_to_an_import_is_not_sealed_with_it(self):
        # Forged inside the import's transaction, with the actor, time and cause of the import's
        # own entries: finding entries by actor and time would have sealed it too.
        write = ImportAudit.write
        forged = []

        def write_then_forge(audit, sheets):
            write(audit, sheets)
            like = LogEntry.objects.filter(actor=self.alice).latest("id")
            forged.append(self.forge(like, object_repr="伪造的导入条目"))

        with mock.patch.object(ImportAudit, "write", write_then_forge):
            entry = self.import_new_funds()
        self.assertTrue(Seal.objects.filter(entry=entry).exists())
        self.assertFalse(Seal.objects.filter(entry=forged[0]).exists())
        self.assertEqual(chain.verify().pending, 1)  # moments old: on its way, for all verify knows
        later = timezone.now() + datetime.timedelta(minutes=5)
        result = chain.verify(now=later)
        self.assertEqual(result.problem.entry_id, forged[0].pk)
        self.assertIn("未封存", str(result))
        with mock.patch("django.utils.timezone.now", return_value=later):
            code, text = self.verify_command()
        self.assertEqual(code, 1)
        self.assertIn(f"条目 #{forged[0].pk}", text)

    def test_it_finds_a_run_of_imported_ids_changed_in_the_database(self):
        entry = self.import_new_funds()
        self.assertTrue(chain.verify().ok)
        run = ImportedRange.objects.get(entry=entry)
        with self.attacker():
            self.sql(f"UPDATE {RANGES} SET last_pk = %s WHERE id = %s", [run.last_pk + 5, run.pk])
        self.assert_broken_at(entry.pk, "导入新增记录的编号范围与该条目所记不符")

    def test_it_finds_a_run_of_imported_ids_deleted_or_added(self):
        entry = self.import_new_funds()
        run = ImportedRange.objects.get(entry=entry)
        with self.attacker():
            self.sql(f"DELETE FROM {RANGES} WHERE id = %s", [run.pk])
        self.assert_broken_at(entry.pk, "导入新增记录的编号范围与该条目所记不符")
        ImportedRange.objects.create(entry=entry, content_type=run.content_type, first_pk=run.first_pk,
                                     last_pk=run.last_pk)
        self.assertTrue(chain.verify().ok)
        ImportedRange.objects.create(entry=entry, content_type=run.content_type, first_pk=1, last_pk=1)
        self.assert_broken_at(entry.pk, "导入新增记录的编号范围与该条目所记不符")

    def test_an_entry_written_moments_ago_is_pending_not_broken(self):
        LogEntry.objects.bulk_create([LogEntry(content_type=content_type_of(self.project), object_pk="1",
                                               object_repr="刚写入", action=0)])
        result = chain.verify()
        self.assertTrue(result.ok, str(result))
        self.assertEqual(result.pending, 1)
        self.assertFalse(chain.verify(now=timezone.now() + datetime.timedelta(minutes=5)).ok)

    def test_it_finds_a_forged_entry_with_a_seal_made_without_the_key(self):
        entry = self.edit_project()
        head = ChainHead.objects.get()
        forged = self.forge(entry, object_repr="伪造的修改")
        row = LogEntry.objects.filter(pk=forged.pk).values_list(*chain.FIELDS).get()
        digest = hashlib.sha256(f"{head.seq + 1}\n{head.digest}\n{chain.canonical(row)}".encode()).hexdigest()
        with self.attacker():
            Seal.objects.create(seq=head.seq + 1, entry=forged, digest=digest)
            ChainHead.objects.update(seq=head.seq + 1, digest=digest)
        self.assert_broken_at(forged.pk, "内容与封存不符")

    def test_it_finds_a_seal_appended_behind_the_head(self):
        entry = self.edit_project()
        head = ChainHead.objects.get()
        forged = self.forge(entry, object_repr="伪造的修改")
        with self.attacker():
            Seal.objects.create(seq=head.seq + 1, entry=forged, digest=head.digest)
        self.assert_broken_at(forged.pk, "链头之后有封存")

    def test_it_finds_entries_swapped_in_the_chain(self):
        first = self.edit_project()
        second = self.edit_project(name="南浔示范项目（三期）")
        a, b = first.seal, second.seal
        with self.attacker():
            self.sql(f"DELETE FROM {SEALS} WHERE seq IN (%s, %s)", [a.seq, b.seq])
            Seal.objects.create(seq=a.seq, entry=second, digest=a.digest)
            Seal.objects.create(seq=b.seq, entry=first, digest=b.digest)
        self.assert_broken_at(second.pk, "内容与封存不符")

    def test_it_finds_a_chain_rewritten_with_another_key(self):
        self.edit_project()
        first = LogEntry.objects.filter(seal__isnull=False).order_by("seal__seq").values_list("id", flat=True)[0]
        with self.attacker(), override_settings(HEZUO_AUDIT_KEY_FILE=str(Path(tempfile.mkdtemp()) / "k")):
            chain._keys.clear()
            self.sql(f"DELETE FROM {SEALS}")
            ChainHead.objects.update(seq=0, digest=chain.GENESIS, mac="")
            chain.seal()
        chain._keys.clear()
        self.assert_broken_at(first, "内容与封存不符")

    def test_audit_seal_seals_what_a_crash_left_unsealed(self):
        # Written and committed, but the process died before its on_commit sealing ran.
        LogEntry.objects.bulk_create([LogEntry(content_type=content_type_of(self.project), object_pk="1",
                                               object_repr="中断前写入", action=0,
                                               timestamp=timezone.now() - datetime.timedelta(hours=1))])
        self.assertIn("未封存", str(chain.verify()))
        out = StringIO()
        call_command("audit", "seal", stdout=out)
        self.assertEqual(out.getvalue().strip(), "已封存 1 条")
        self.assertTrue(chain.verify().ok)

    # Nothing deletes or changes entries

    def test_auditlogflush_is_refused_and_nothing_is_deleted(self):
        entries = LogEntry.objects.count()
        for args in (["-y"], ["-y", "--truncate"], ["-y", "--before-date", "2099-01-01"]):
            with self.assertRaises(CommandError) as refused:
                call_command("auditlogflush", *args)
            self.assertIn("审计日志不能清空或删除", str(refused.exception))
        self.assertEqual(LogEntry.objects.count(), entries)
        self.assertTrue(chain.verify().ok)

    @override_settings(HEZUO_AUDIT_ALLOW_FLUSH=False)
    def test_flushing_the_database_is_refused(self):
        entries = LogEntry.objects.count()
        with self.assertRaises(CommandError):
            call_command("flush", interactive=False)
        self.assertEqual(LogEntry.objects.count(), entries)

    def test_the_orm_refuses_to_change_or_delete_entries(self):
        entry = self.edit_project()
        entries = LogEntry.objects.count()
        with self.assertRaises(chain.AuditTrailLocked):
            entry.object_repr = "改过"
            entry.save()
        with self.assertRaises((chain.AuditTrailLocked, ProtectedError)):
            entry.delete()
        with self.assertRaises((chain.AuditTrailLocked, ProtectedError)):
            LogEntry.objects.all().delete()
        with self.assertRaises(DatabaseError), transaction.atomic():
            LogEntry.objects.filter(pk=entry.pk).update(object_repr="改过")
        self.assertEqual(LogEntry.objects.count(), entries)
        self.assertTrue(chain.verify().ok)

    def test_the_database_refuses_sql_updates_and_deletes(self):
        entry = self.edit_project()
        imported = self.import_new_funds()
        for statement, pk in ((f"UPDATE {ENTRIES} SET object_repr = 'x' WHERE id = %s", entry.pk),
                              (f"DELETE FROM {ENTRIES} WHERE id = %s", entry.pk),
                              (f"DELETE FROM {SEALS} WHERE entry_id = %s", entry.pk),
                              (f"UPDATE {SEALS} SET digest = 'x' WHERE entry_id = %s", entry.pk),
                              (f"UPDATE {RANGES} SET last_pk = 0 WHERE entry_id = %s", imported.pk),
                              (f"DELETE FROM {RANGES} WHERE entry_id = %s", imported.pk)):
            with self.subTest(statement), self.assertRaises(DatabaseError), transaction.atomic():
                self.sql(statement, [pk])
        self.assertTrue(chain.verify().ok)
        self.assertEqual(chain.missing_guards(), [])

    def test_users_are_deactivated_not_deleted(self):
        entry = self.edit_project(self.bob)
        with self.assertRaises(chain.AuditTrailLocked) as refused, transaction.atomic():
            self.bob.delete()
        self.assertIn("不能删除，请停用该账号", str(refused.exception))
        with self.assertRaises(chain.AuditTrailLocked), transaction.atomic():
            User.objects.filter(pk=self.bob.pk).delete()
        entry.refresh_from_db()
        self.assertEqual(entry.actor, self.bob)

    # Archiving entries past the retention period

    def archive(self, before, today):
        path = Path(tempfile.mkdtemp()) / "audit-archive.jsonl"
        return chain.archive(before, path, today=today), path

    def test_archive_moves_old_entries_to_a_file_and_verify_goes_on_from_the_cut(self):
        imported = self.import_new_funds()
        old = list(LogEntry.objects.order_by("seal__seq").values_list("id", flat=True))
        later = timezone.localdate() + datetime.timedelta(days=200)  # as if 200 days had passed
        done, path = self.archive(timezone.localdate() + datetime.timedelta(days=1), today=later)
        self.assertEqual(done.entries, len(old))
        self.assertFalse(LogEntry.objects.filter(pk__in=old).exists())
        cut = ArchiveCut.objects.get()
        self.assertEqual((cut.seq, cut.digest, cut.entries), (done.last, done.digest, len(old)))
        self.assertEqual(cut.file_sha256, hashlib.sha256(path.read_bytes()).hexdigest())

        lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
        self.assertEqual([line["entry"]["id"] for line in lines[1:-1]], old)
        # The runs an archived import entry lists leave the index with it; the file keeps them.
        self.assertFalse(ImportedRange.objects.filter(entry_id=imported.pk).exists())
        archived = next(line["entry"] for line in lines[1:-1] if line["entry"]["id"] == imported.pk)
        self.assertEqual(archived["additional_data"]["created"], imported.additional_data["created"])
        self.assertEqual(lines[-1]["head"], {"seq": done.last, "digest": done.digest})
        self.assertTrue(chain.verify_archive(path).ok)

        entry = self.edit_project()  # the chain goes on from the recorded head
        self.assertEqual(entry.seal.seq, done.last + 1)
        result = chain.verify()
        self.assertTrue(result.ok, str(result))
        self.assertEqual((result.first, result.checked), (done.last + 1, 1))
        self.assertIn(f"第 {done.last} 号及以前已归档", str(result))

    def test_an_archive_file_edited_afterwards_fails_its_check(self):
        later = timezone.localdate() + datetime.timedelta(days=200)
        _, path = self.archive(timezone.localdate() + datetime.timedelta(days=1), today=later)
        text = path.read_text(encoding="utf-8").replace("南浔示范项目", "别的项目", 1)
        path.write_text(text, encoding="utf-8")
        result = chain.verify_archive(path)
        self.assertFalse(result.ok)
        self.assertIn("内容与封存不符", str(result))

    def test_a_forged_archive_cut_is_found(self):
        later = timezone.localdate() + datetime.timedelta(days=200)
        done, _ = self.archive(timezone.localdate() + datetime.timedelta(days=1), today=later)
        self.edit_project()
        with self.attacker():
            ArchiveCut.objects.update(seq=done.last + 1)  # hide the next entry behind the cut
        self.assertIn("归档记录", str(chain.verify()))

    def test_archive_refuses_entries_younger_than_180_days(self):
        entries = LogEntry.objects.count()
        today = timezone.localdate()
        for before in (today, today - datetime.timedelta(days=179)):
            with self.assertRaises(CommandError) as refused:
                call_command("audit", "archive", "--before", before.isoformat(),
                             "--output", str(Path(tempfile.mkdtemp()) / "a.jsonl"))
            self.assertIn("审计日志至少保留 180 天", str(refused.exception))
        self.assertEqual(LogEntry.objects.count(), entries)
        self.assertFalse(ArchiveCut.objects.exists())

    def test_archive_refuses_a_broken_chain(self):
        entry = self.edit_project()
        with self.attacker():
            self.sql(f"UPDATE {ENTRIES} SET object_repr = 'x' WHERE id = %s", [entry.pk])
        later = timezone.localdate() + datetime.timedelta(days=200)
        with self.assertRaises(chain.ArchiveRefused) as refused:
            self.archive(timezone.localdate() + datetime.timedelta(days=1), today=later)
        self.assertIn("审计链不完整", str(refused.exception))
        self.assertFalse(ArchiveCut.objects.exists())

    @override_settings(HEZUO_AUDIT_RETENTION_DAYS=90)
    def test_retention_cannot_be_set_below_180_days(self):
        with self.assertRaises(ImproperlyConfigured):
            self.archive(timezone.localdate() - datetime.timedelta(days=100), today=timezone.localdate())
        env = {**os.environ, "HEZUO_AUDIT_RETENTION_DAYS": "90", "DJANGO_SETTINGS_MODULE": "hezuo.settings"}
        run = subprocess.run([sys.executable, "-m", "hezuo.manage", "check"], env=env, capture_output=True,
                             text=True)
        self.assertNotEqual(run.returncode, 0)
        self.assertIn("HEZUO_AUDIT_RETENTION_DAYS 不能小于 180", run.stderr)


def content_type_of(obj):
    return ContentType.objects.get_for_model(obj)
