"""An import whose process died — a worker killed with SIGKILL mid-import, a server that
rebooted — is found out by the import's own page (which its owner watches) and by
`hezuo imports recover`: it is marked failed with a Chinese message, its django-tasks
result is no longer RUNNING, and 重新导入 imports the kept file again, exactly once.

Who runs an import holds a lease: its process (host, pid, start time) and a heartbeat.
A run is dead when the heartbeat is stale and, on this host, the process is gone; a live
process whose heartbeat could not be written (SQLite's write lock, held by its own import)
is not dead."""

import datetime
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from auditlog.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import TransactionTestCase, override_settings
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from hezuo.imports.models import ImportRecord
from hezuo.imports.services.leases import this_process
from hezuo.projects.models import Project
from tests.committed import committed_world, database_url
from tests.test_import_pages import PROJECT_HEADERS, ImportTestCase, workbook, xlsx_upload
from tests.test_import_tasks import DATABASE, run_worker_once

ROOT = Path(__file__).resolve().parent.parent
DIED = "后台导入进程意外中止"
LONG_AGO = timezone.now() - datetime.timedelta(hours=1)


def projects_csv(count):
    """A 项目 sheet as CSV: `count` projects of 南浔区, codes NX-K-00000 …"""
    lines = [",".join(PROJECT_HEADERS)]
    lines += [f"NX-K-{n:05d},柯坪县项目{n},援疆,南浔区,652929,人才智力,2024,1,实施中,否" for n in range(count)]
    return SimpleUploadedFile("大批项目.csv", "\n".join(lines).encode("gbk"))


@override_settings(IMPORT_BACKGROUND_ROWS=3, TASKS=DATABASE, BACKGROUND_LEASE_SECONDS=2)
class KilledWorkerTestCase(TransactionTestCase):
    ROWS = 20000

    def setUp(self):
        committed_world(self)

    def start_worker(self):
        env = {**os.environ, "DATABASE_URL": database_url(), "DJANGO_SETTINGS_MODULE": "tests.settings",
               "HEZUO_HEARTBEAT_SECONDS": "1", "PYTHONPATH": str(ROOT)}
        worker = subprocess.Popen([sys.executable, "-m", "hezuo.manage", "db_worker", "--no-startup-delay",
                                   "--no-reload", "--interval", "0.2", "--verbosity", "0"],
                                  env=env, cwd=ROOT, stdout=subprocess.DEVNULL)
        self.addCleanup(lambda: worker.poll() is None and (worker.kill(), worker.wait()))
        return worker

    def wait_for(self, condition, what, seconds=300, every=0.02):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            value = condition()
            if value:
                return value
            time.sleep(every)
        state = ImportRecord.objects.values("status", "phase", "rows_done", "holder").first()
        self.fail(f"timed out waiting for {what}: {state}, tasks {list(DBTaskResult.objects.values('status'))}")

    def progress(self, record):
        return self.client.get(reverse("imports:progress", args=[record.pk]), headers={"HX-Request": "true"})

    def test_it_finds_a_worker_killed_while_writing_and_reruns_the_kept_file_once(self):
        self.client.force_login(self.bob)
        self.client.post(reverse("imports:upload"), {"file": projects_csv(self.ROWS)})
        record = ImportRecord.objects.get()
        self.assertEqual(record.status, ImportRecord.Status.PENDING)

        worker = self.start_worker()
        # Killed inside the write transaction: on SQLite it holds the database's write lock.
        self.wait_for(lambda: ImportRecord.objects.filter(pk=record.pk, phase="写入数据库").exists()
                      or self.assertNotEqual(ImportRecord.objects.get(pk=record.pk).status, "succeeded"),
                      "the import to start writing")
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait()
        record.refresh_from_db()
        self.assertEqual(record.status, ImportRecord.Status.RUNNING)
        self.assertEqual(record.holder.split(":")[-2], str(worker.pid))
        self.assertEqual(DBTaskResult.objects.get(pk=record.task_id).status, "RUNNING")

        # The page its owner watches finds out once the heartbeat is stale.
        # Each poll renders the page; polled as often as the write phase above, it would take the
        # CPU the other tests need while the lease runs out.
        polled = self.wait_for(lambda: (r := self.progress(record)) and DIED in r.content.decode() and r,
                               "the page to find the dead worker", every=0.2)
        self.assertNotContains(polled, 'hx-trigger="every 1s"')
        self.assertContains(polled, "本次导入未写入任何数据")
        self.assertContains(polled, "重新导入</button>")
        record.refresh_from_db()
        self.assertEqual(record.status, ImportRecord.Status.FAILED)
        self.assertEqual(record.percent, 100)
        task = DBTaskResult.objects.get(pk=record.task_id)
        self.assertEqual(task.status, "FAILED")
        self.assertIn(DIED, task.traceback)
        self.assertFalse(Project.objects.filter(code__startswith="NX-K-").exists())  # rolled back

        run_worker_once(in_test_transaction=False)  # a restarted worker has nothing to do
        self.assertFalse(Project.objects.filter(code__startswith="NX-K-").exists())

        r = self.client.post(reverse("imports:rerun", args=[record.pk]))
        again = ImportRecord.objects.get(retry_of=record)
        self.assertRedirects(r, reverse("imports:detail", args=[again.pk]))
        self.assertEqual((again.file.name, again.checksum), (record.file.name, record.checksum))
        run_worker_once(in_test_transaction=False)
        again.refresh_from_db()
        self.assertEqual(again.status, ImportRecord.Status.SUCCEEDED)
        self.assertEqual(Project.objects.filter(code__startswith="NX-K-").count(), self.ROWS)

        # Clicking again (or the other tab) leads to the same re-run; nothing is imported twice.
        r = self.client.post(reverse("imports:rerun", args=[record.pk]))
        self.assertRedirects(r, reverse("imports:detail", args=[again.pk]))
        run_worker_once(in_test_transaction=False)
        self.assertEqual(ImportRecord.objects.count(), 2)
        self.assertEqual(Project.objects.filter(code__startswith="NX-K-").count(), self.ROWS)
        self.assertEqual(LogEntry.objects.filter(object_pk__in=[str(record.pk), str(again.pk)],
                                                 content_type__model="importrecord").count(), 1)
        self.assertContains(self.client.get(reverse("imports:detail", args=[record.pk])), "查看重新导入的结果")


@override_settings(IMPORT_BACKGROUND_ROWS=3, TASKS=DATABASE, BACKGROUND_LEASE_SECONDS=60)
class StaleLeaseTestCase(ImportTestCase):
    def queued(self):
        self.upload(self.bob)
        return self.latest()

    def running(self, holder, heartbeat_at=LONG_AGO):
        record = self.queued()
        DBTaskResult.objects.filter(pk=record.task_id).update(status="RUNNING", started_at=LONG_AGO)
        ImportRecord.objects.filter(pk=record.pk).update(status="running", started_at=LONG_AGO, holder=holder,
                                                         heartbeat_at=heartbeat_at)
        record.refresh_from_db()
        return record

    def page(self, record, user=None):
        self.client.force_login(user or self.bob)
        return self.client.get(reverse("imports:detail", args=[record.pk]))

    def test_a_stale_heartbeat_of_a_process_on_another_host_is_a_dead_import(self):
        record = self.running("elsewhere:4242:1")
        r = self.page(record)
        self.assertContains(r, DIED)
        record.refresh_from_db()
        self.assertEqual((record.status, record.phase), ("failed", "进程意外中止"))
        self.assertEqual(DBTaskResult.objects.get(pk=record.task_id).status, "FAILED")

    def test_a_fresh_heartbeat_is_a_live_import(self):
        record = self.running("elsewhere:4242:1", heartbeat_at=timezone.now())
        self.assertContains(self.page(record), 'hx-trigger="every 1s"')
        record.refresh_from_db()
        self.assertEqual(record.status, "running")

    def test_a_live_process_on_this_host_is_not_dead_though_its_heartbeat_is_stale(self):
        # What an import holding SQLite's write lock looks like: its heartbeat cannot be written.
        record = self.running(this_process())
        self.assertContains(self.page(record), 'hx-trigger="every 1s"')
        call_command("imports", "recover", stdout=open(os.devnull, "w"))
        record.refresh_from_db()
        self.assertEqual(record.status, "running")
        self.assertEqual(DBTaskResult.objects.get(pk=record.task_id).status, "RUNNING")

    def test_a_pending_import_whose_worker_died_after_claiming_its_task_is_dead(self):
        record = self.queued()
        DBTaskResult.objects.filter(pk=record.task_id).update(status="RUNNING", started_at=LONG_AGO)
        self.assertContains(self.page(record), DIED)
        self.assertEqual(DBTaskResult.objects.get(pk=record.task_id).status, "FAILED")

    def test_an_import_from_before_leases_stuck_running_is_dead(self):
        record = self.running("", heartbeat_at=None)
        self.assertContains(self.page(record), DIED)

    def test_hezuo_imports_recover_marks_dead_imports_and_reruns_them_with_rerun(self):
        record = self.running("elsewhere:4242:1")
        with open(os.devnull, "w") as quiet:
            call_command("imports", "recover", stdout=quiet)
        record.refresh_from_db()
        self.assertEqual(record.status, "failed")
        self.assertEqual(DBTaskResult.objects.get(pk=record.task_id).status, "FAILED")
        self.assertFalse(ImportRecord.objects.filter(retry_of=record).exists())

        out = self.run_command("imports", "recover", "--rerun")
        again = ImportRecord.objects.get(retry_of=record)
        self.assertIn(f"导入记录 #{record.pk} 已重新导入为 #{again.pk}（排队中）", out)
        self.assertEqual(again.uploaded_by, self.bob)  # as its uploader, in their scope
        run_worker_once()
        again.refresh_from_db()
        self.assertEqual(again.status, "succeeded")
        self.assertEqual(Project.objects.filter(code__startswith="NX-2024-1").count(), 2)
        self.assertNotIn("重新导入为", self.run_command("imports", "recover", "--rerun"))

    def test_the_command_says_what_it_found(self):
        record = self.running("elsewhere:4242:1")
        out = self.run_command("imports", "recover")
        self.assertIn(f"导入记录 #{record.pk}“2024年项目.xlsx”：运行进程 elsewhere:4242:1 已中止，已标为有错误，未写入任何数据。", out)
        self.assertIn("没有中止的后台导入或导出。", self.run_command("imports", "recover"))

    def test_only_those_who_may_import_see_and_use_rerun(self):
        record = self.running("elsewhere:4242:1")
        self.assertContains(self.page(record, self.alice), "重新导入</button>")
        self.assertNotContains(self.page(record, self.adam), "重新导入</button>")
        self.assertEqual(self.client.post(reverse("imports:rerun", args=[record.pk])).status_code, 403)
        self.client.force_login(self.charlie)
        self.assertEqual(self.client.post(reverse("imports:rerun", args=[record.pk])).status_code, 404)
        self.assertFalse(ImportRecord.objects.filter(retry_of=record).exists())

    @override_settings(IMPORT_BACKGROUND_ROWS=3000)
    def test_an_import_that_failed_on_its_content_is_not_rerun(self):
        self.upload(self.bob, xlsx_upload(workbook(funds=[["NX-2024-101", "2024-13-45", "拨付", 1, "其他"]])))
        record = self.latest()
        self.assertEqual(record.status, "failed")
        r = self.client.post(reverse("imports:rerun", args=[record.pk]))
        self.assertEqual(r.status_code, 409)
        self.assertContains(r, "只有意外中止的导入可以重新导入", status_code=409)

    def run_command(self, *args):
        import io

        out = io.StringIO()
        call_command(*args, stdout=out)
        return out.getvalue()
