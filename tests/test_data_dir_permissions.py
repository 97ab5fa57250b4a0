"""What Hezuo keeps on disk is readable by the user it runs as, nobody else: a fresh data
directory is 0700, its secret key and SQLite database (and the database's -wal and -shm
files, which SQLite creates with the database's mode) 0600, uploaded files 0600 in 0700
folders — whatever the umask (a typical 022 here)."""

import os
import shutil
import stat
import tempfile
from pathlib import Path

from django.test import override_settings
from django.urls import reverse

from hezuo.imports.models import ImportRecord
from tests.base import BaseTestCase
from tests.console import hezuo
from tests.test_import_pages import xlsx_upload

# While a connection is open and has written, SQLite keeps hezuo.sqlite3-wal and -shm.
SHOW_WAL_MODES = """
from pathlib import Path
from django.conf import settings
from django.db import connection
with connection.cursor() as cursor:
    cursor.execute("CREATE TABLE IF NOT EXISTS probe (x integer)")
    cursor.execute("INSERT INTO probe VALUES (1)")
    for suffix in ("-wal", "-shm"):
        path = Path(settings.DATABASES["default"]["NAME"] + suffix)
        print(suffix, oct(path.stat().st_mode & 0o777))
"""


def mode(path):
    return stat.S_IMODE(os.stat(path).st_mode)


def run(data_dir, *args):
    done = hezuo(*args, data_dir=data_dir)
    assert done.returncode == 0, done.stderr
    return done


class FreshDataDirectoryTestCase(BaseTestCase):
    def setUp(self):
        self.data = Path(self.enterContext(tempfile.TemporaryDirectory())) / "var"  # not there yet

    def test_migrate_creates_a_private_directory_key_and_database(self):
        run(self.data, "migrate", "--verbosity", "0")
        self.assertEqual(oct(mode(self.data)), oct(0o700))
        self.assertEqual(oct(mode(self.data / "secret_key")), oct(0o600))
        self.assertEqual(oct(mode(self.data / "hezuo.sqlite3")), oct(0o600))
        self.assertGreater((self.data / "hezuo.sqlite3").stat().st_size, 0, "the database was migrated")
        self.assertGreaterEqual(len((self.data / "secret_key").read_text().strip()), 50)
        self.assertEqual([p.name for p in self.data.iterdir() if p.name.startswith(".")], [], "nothing left aside")

        out = run(self.data, "shell", "-c", SHOW_WAL_MODES).stdout
        self.assertIn("-wal 0o600", out)
        self.assertIn("-shm 0o600", out)

    def test_the_key_survives_a_restart(self):
        run(self.data, "check")
        key = (self.data / "secret_key").read_text()
        run(self.data, "check")
        self.assertEqual((self.data / "secret_key").read_text(), key)


class UploadedFilesTestCase(BaseTestCase):
    def test_an_uploaded_import_file_is_private(self):
        media = Path(tempfile.mkdtemp()) / "media"
        self.addCleanup(shutil.rmtree, media.parent, ignore_errors=True)
        self.enterContext(override_settings(MEDIA_ROOT=media))
        self.client.force_login(self.bob)
        self.client.post(reverse("imports:upload"), {"file": xlsx_upload()})
        path = Path(ImportRecord.objects.latest("pk").file.path)
        self.assertEqual(oct(mode(path)), oct(0o600))
        folder = path.parent
        while folder != media.parent:
            self.assertEqual(oct(mode(folder)), oct(0o700), folder)
            folder = folder.parent
