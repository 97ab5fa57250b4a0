"""The database part of a backup: a consistent copy of the configured database and its restore.

SQLite is copied with its online backup API (one read transaction, so the copy is consistent
while the app writes) and restored the same way into the configured file. PostgreSQL is
dumped with pg_dump (custom format) and restored with pg_restore's script piped into psql in
one transaction, committed only when the whole script went through, so a failed restore leaves
the target as it was. The client programs must have
the server's major version: an older pg_dump refuses a newer server, and an older pg_restore
cannot read a newer dump.
"""

import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
from contextlib import closing
from pathlib import Path

from django.conf import settings
from django.db import connections

ENGINE_LABELS = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


class BackupError(Exception):
    """A backup or restore refused or failed; the message is for the operator (Chinese)."""


def configured_database(alias="default"):
    vendor = connections[alias].vendor
    if vendor == "sqlite":
        return SQLiteDatabase(alias)
    if vendor == "postgresql":
        return PostgreSQLDatabase(alias)
    raise BackupError(f"不支持备份 {vendor} 数据库，只支持 SQLite 和 PostgreSQL")


class SQLiteDatabase:
    engine = "sqlite"
    member = "database/hezuo.sqlite3"

    def __init__(self, alias="default"):
        self.path = Path(settings.DATABASES[alias]["NAME"]).resolve()

    def describe(self):
        return f"SQLite 数据库 {self.path}"

    def live_files(self):
        """The database file and the files SQLite keeps beside it while it is open."""
        return {self.path} | {self.path.with_name(self.path.name + suffix) for suffix in ("-wal", "-shm", "-journal")}

    def info(self):
        return {"engine": self.engine, "version": sqlite3.sqlite_version, "member": self.member}

    def check_restorable(self, database):
        pass

    def dump(self, dest):
        if not self.path.is_file():
            raise BackupError(f"找不到数据库文件 {self.path}")
        source = sqlite3.connect(self.path, timeout=20)
        target = sqlite3.connect(dest)
        try:
            # All pages in one step: one read transaction, a consistent copy even while the app writes.
            source.backup(target)
            check = target.execute("PRAGMA quick_check").fetchone()[0]
        except sqlite3.Error as error:
            raise BackupError(f"复制 SQLite 数据库失败（{error}）")
        finally:
            target.close()
            source.close()
        if check != "ok":
            raise BackupError(f"数据库副本自检失败（{check}），未写入备份")

    def tables(self):
        """(name, rows) of every table; none when there is no database file yet."""
        if not self.path.is_file() or self.path.stat().st_size == 0:
            return []
        with closing(sqlite3.connect(self.path, timeout=20)) as db:
            names = [row[0] for row in db.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
            return [(name, db.execute(f'SELECT COUNT(*) FROM "{name.replace(chr(34), chr(34) * 2)}"').fetchone()[0])
                    for name in names]

    def load(self, dump, *, replace):
        """Copy `dump` into the configured file through the backup API, which replaces every page
        under SQLite's own locking (so even an open connection sees a whole database)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        if not self.path.exists():
            os.close(os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        source = sqlite3.connect(dump)
        target = sqlite3.connect(self.path, timeout=20)
        try:
            source.backup(target)
        except sqlite3.Error as error:
            raise BackupError(f"恢复 SQLite 数据库失败（{error}）")
        finally:
            target.close()
            source.close()
        for path in self.live_files():
            if path.exists():
                os.chmod(path, 0o600)


class PostgreSQLDatabase:
    engine = "postgresql"
    member = "database/hezuo.pgdump"

    def __init__(self, alias="default"):
        self.connection = connections[alias]
        self.settings = settings.DATABASES[alias]

    def describe(self):
        return f"PostgreSQL 数据库 {self.settings['NAME']}（{self.settings.get('HOST') or '本机'}）"

    def live_files(self):
        return set()

    def server_version(self):
        self.connection.ensure_connection()
        number = self.connection.pg_version
        return number // 10000, number % 10000

    def info(self):
        major, minor = self.server_version()
        return {"engine": self.engine, "version": f"{major}.{minor}", "member": self.member,
                "tool": self.program("pg_dump")[1]}

    def program(self, name):
        """(path, version) of a client program of the server's major version, or BackupError.

        Debian keeps each major version's programs in /usr/lib/postgresql/N/bin; /usr/bin holds a
        wrapper that may pick another version."""
        major, _ = self.server_version()
        seen = []
        for path in (f"/usr/lib/postgresql/{major}/bin/{name}", shutil.which(name)):
            if not path or not os.access(path, os.X_OK):
                continue
            output = subprocess.run([path, "--version"], capture_output=True, text=True).stdout
            found = re.search(r"\)\s*((\d+)[.\d]*)", output)
            if found and int(found.group(2)) == major:
                return path, found.group(1)
            seen.append(f"{path} 是 {found.group(1) if found else '未知'} 版")
        raise BackupError(
            f"PostgreSQL 服务器是 {major} 版，没有同一主版本的 {name}"
            + (f"（{'；'.join(seen)}）" if seen else "")
            + f"：请安装 Debian 软件包 postgresql-client-{major}")

    def environment(self):
        """libpq's variables for the configured database, so no password shows in a process list."""
        env = dict(os.environ)
        for key, variable in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"),
                              ("PASSWORD", "PGPASSWORD"), ("NAME", "PGDATABASE")):
            if self.settings.get(key):
                env[variable] = str(self.settings[key])
        for option, variable in (("sslmode", "PGSSLMODE"), ("sslrootcert", "PGSSLROOTCERT"),
                                 ("sslcert", "PGSSLCERT"), ("sslkey", "PGSSLKEY")):
            if self.settings.get("OPTIONS", {}).get(option):
                env[variable] = str(self.settings["OPTIONS"][option])
        return env

    def check_restorable(self, database):
        """Refuse before anything is touched: the programs must exist, and read the archive's dump."""
        major, _ = self.server_version()
        dumped = int(str(database.get("version", "0")).split(".")[0] or 0)
        if dumped > major:
            raise BackupError(f"备份来自 PostgreSQL {dumped}，本机的 PostgreSQL 是 {major} 版，无法恢复较新版本的备份")
        self.program("pg_restore")
        self.program("psql")

    def dump(self, dest):
        pg_dump, _ = self.program("pg_dump")
        done = subprocess.run([pg_dump, "--format=custom", "--no-password", f"--file={dest}"],
                              env=self.environment(), capture_output=True, text=True)
        if done.returncode:
            raise BackupError(f"pg_dump 失败：{done.stderr.strip()}")

    def relations(self):
        """(schema, name, kind) of every table, view and sequence outside PostgreSQL's own schemas."""
        with self.connection.cursor() as cursor:
            cursor.execute(
                "SELECT n.nspname, c.relname, c.relkind FROM pg_class c"
                " JOIN pg_namespace n ON n.oid = c.relnamespace"
                " WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S')"
                " AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%%'"
                " ORDER BY 1, 2")
            return cursor.fetchall()

    def tables(self):
        quote = self.connection.ops.quote_name
        tables = []
        with self.connection.cursor() as cursor:
            for schema, name, kind in self.relations():
                if kind in ("r", "p"):
                    cursor.execute(f"SELECT COUNT(*) FROM {quote(schema)}.{quote(name)}")
                    tables.append((f"{schema}.{name}", cursor.fetchone()[0]))
        return tables

    def drop_statements(self):
        quote = self.connection.ops.quote_name
        kinds = {"r": "TABLE", "p": "TABLE", "f": "FOREIGN TABLE", "v": "VIEW", "m": "MATERIALIZED VIEW",
                 "S": "SEQUENCE"}
        names = {}
        for schema, name, kind in self.relations():
            names.setdefault(kinds[kind], []).append(f"{quote(schema)}.{quote(name)}")
        # Functions too: the audit trail's triggers call ours (audit migration 0002_guards), and
        # the dump creates them again. Not those an extension owns.
        with self.connection.cursor() as cursor:
            cursor.execute(
                "SELECT n.nspname, p.proname, pg_get_function_identity_arguments(p.oid) FROM pg_proc p"
                " JOIN pg_namespace n ON n.oid = p.pronamespace"
                " WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%%'"
                " AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')"
                " ORDER BY 1, 2")
            for schema, name, arguments in cursor.fetchall():
                names.setdefault("FUNCTION", []).append(f"{quote(schema)}.{quote(name)}({arguments})")
        return "".join(f"DROP {kind} IF EXISTS {', '.join(items)} CASCADE;\n" for kind, items in names.items())

    def load(self, dump, *, replace):
        """pg_restore's script, after dropping what is there when `replace`, in one psql transaction."""
        pg_restore, _ = self.program("pg_restore")
        psql, _ = self.program("psql")
        env = self.environment()
        drops = self.drop_statements() if replace else ""
        self.connection.close()
        with tempfile.TemporaryFile() as restore_errors, tempfile.TemporaryFile() as apply_errors:
            restore = subprocess.Popen([pg_restore, "--no-owner", "--no-privileges", "--file=-", str(dump)],
                                       stdout=subprocess.PIPE, stderr=restore_errors, env=env)
            apply = subprocess.Popen([psql, "-X", "-q", "--no-password", "-v", "ON_ERROR_STOP=1", "-f", "-"],
                                     stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=apply_errors, env=env)
            try:
                apply.stdin.write(f"BEGIN;\n{drops}".encode())
                shutil.copyfileobj(restore.stdout, apply.stdin)
                # COMMIT only after pg_restore has written its whole script; otherwise psql ends
                # inside the transaction and PostgreSQL rolls it back.
                if restore.wait() == 0:
                    apply.stdin.write(b"COMMIT;\n")
            except BrokenPipeError:
                pass  # psql stopped at an error: its message says which
            finally:
                restore.stdout.close()
                try:
                    apply.stdin.close()
                except BrokenPipeError:
                    pass
            restore.wait()
            apply.wait()
            for process, errors, name in ((apply, apply_errors, "psql"), (restore, restore_errors, "pg_restore")):
                if process.returncode:
                    errors.seek(0)
                    detail = errors.read().decode(errors="replace").strip()
                    raise BackupError(f"恢复数据库失败，数据库未改动（{name}：{detail}）")
