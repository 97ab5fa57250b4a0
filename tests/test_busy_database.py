"""SQLite has one write lock, and an import may hold it for minutes. A save that cannot get
it in time must not lose what the user typed: the form comes back with the input and a
Chinese message, status 503, and nothing is half-written. Any other write page gets a
Chinese 503 page that can post the same input again, not a 500.

SQLite runs in WAL mode (readers never wait for the writer) with a busy timeout: 20 s for
workers and commands, 5 s for web processes (hezuo.wsgi). The tests wait 0.1 s."""

import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from unittest import skipUnless

from auditlog.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import TransactionTestCase
from django.urls import reverse

from hezuo.core.busy import BUSY_MESSAGE
from hezuo.imports.models import ImportRecord
from hezuo.projects.models import Project
from tests.committed import committed_world, database_url
from tests.record_data import form_data

ROOT = Path(__file__).resolve().parent.parent


@skipUnless(connection.vendor == "sqlite", "SQLite's write lock")
class BusyDatabaseTestCase(TransactionTestCase):
    def setUp(self):
        committed_world(self)
        self.client.force_login(self.bob)
        options = connection.settings_dict["OPTIONS"]
        saved = options["timeout"]
        options["timeout"] = 0.1  # each request opens its connection (CONN_MAX_AGE 0) with this wait
        self.addCleanup(options.__setitem__, "timeout", saved)
        connection.close()

    def hold_write_lock(self):
        """Another connection (as an import's) takes the write lock and keeps it until released."""
        other = sqlite3.connect(connection.settings_dict["NAME"], timeout=0.1)
        other.execute("BEGIN IMMEDIATE")
        self.addCleanup(other.close)
        return other

    def test_it_runs_in_wal_with_a_busy_timeout_and_web_processes_wait_less(self):
        env = {**os.environ, "DATABASE_URL": database_url(), "PYTHONPATH": str(ROOT)}
        env.pop("HEZUO_SQLITE_WAIT_SECONDS", None)
        script = ("from django.db import connection; c = connection.cursor(); "
                  "print(*(c.execute(f'PRAGMA {p}').fetchone()[0] for p in ('journal_mode', 'busy_timeout')))")
        for module, expected in (("hezuo.settings", "wal 20000"), ("hezuo.wsgi", "wal 5000")):
            setup = "import django; django.setup(); " if module == "hezuo.settings" else ""
            out = subprocess.run([sys.executable, "-c", f"import {module}; {setup}{script}"], env={
                **env, "DJANGO_SETTINGS_MODULE": "hezuo.settings"}, cwd=ROOT, capture_output=True, text=True,
                check=True)
            self.assertEqual(out.stdout.split(), expected.split(), module)

    def test_an_edit_that_cannot_get_the_lock_comes_back_with_the_input(self):
        url = reverse("projects:edit", args=[self.project.pk])
        data = form_data(self.project, name="柯坪县湖州新村庭院改造（二期）")
        entries = LogEntry.objects.count()
        lock = self.hold_write_lock()
        r = self.client.post(url, data)
        self.assertEqual(r.status_code, 503)
        self.assertContains(r, BUSY_MESSAGE, status_code=503)
        self.assertContains(r, 'value="柯坪县湖州新村庭院改造（二期）"', status_code=503)
        self.assertContains(r, f'name="version" value="{self.project.version}"', status_code=503)
        lock.rollback()
        self.project.refresh_from_db()
        self.assertEqual((self.project.name, self.project.version), ("柯坪县湖州新村庭院改造", 1))
        self.assertEqual(LogEntry.objects.count(), entries)

        # Once the lock is free, the same form saves.
        r = self.client.post(url, {**data, "version": r.context["version"]})
        self.assertRedirects(r, reverse("projects:detail", args=[self.project.pk]))
        self.project.refresh_from_db()
        self.assertEqual((self.project.name, self.project.version), ("柯坪县湖州新村庭院改造（二期）", 2))

    def test_a_new_record_that_cannot_get_the_lock_comes_back_with_the_input(self):
        data = form_data(self.project, code="NX-2024-102", name="柯坪县农技人员培训")
        del data["version"]
        self.hold_write_lock()
        r = self.client.post(reverse("projects:create"), data)
        self.assertContains(r, BUSY_MESSAGE, status_code=503)
        self.assertContains(r, 'value="NX-2024-102"', status_code=503)
        self.assertContains(r, 'value="柯坪县农技人员培训"', status_code=503)
        self.assertFalse(Project.objects.filter(code="NX-2024-102").exists())

    def test_a_delete_that_cannot_get_the_lock_deletes_nothing_and_says_so(self):
        self.hold_write_lock()
        r = self.client.post(reverse("projects:delete", args=[self.project.pk]), {"version": self.project.version})
        self.assertContains(r, "系统正忙", status_code=503)
        self.assertContains(r, "这条记录没有删除", status_code=503)
        self.assertTrue(Project.objects.filter(pk=self.project.pk).exists())

    def test_any_other_write_page_answers_a_chinese_503_that_can_post_again(self):
        self.hold_write_lock()
        upload = SimpleUploadedFile("项目.csv", "项目编号,项目名称\n".encode())
        r = self.client.post(reverse("imports:upload"), {"file": upload, "dry_run": "on"})
        self.assertEqual(r.status_code, 503)
        self.assertEqual(r["Retry-After"], "10")
        self.assertContains(r, "系统正忙，请稍后再试", status_code=503)
        self.assertContains(r, "上传的文件需要返回上一页重新选择", status_code=503)
        self.assertContains(r, '<input type="hidden" name="dry_run" value="on">', status_code=503)
        self.assertContains(r, f'<form method="post" action="{reverse("imports:upload")}">', status_code=503)
        self.assertFalse(ImportRecord.objects.exists())

    def test_reading_pages_do_not_wait_for_the_writer(self):
        self.hold_write_lock()
        self.assertContains(self.client.get(reverse("projects:detail", args=[self.project.pk])), "NX-2024-101")
