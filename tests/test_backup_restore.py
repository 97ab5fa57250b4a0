"""Backing up an installation and restoring it elsewhere: `hezuo backup OUT`, `hezuo restore IN`.

The Huzhou demo is loaded once for this module through the real console script, in a data
directory and a database of its own (SQLite, or PostgreSQL when DATABASE_URL names it), backed
up, and restored into empty ones: every row of every table and every file must come back.
Corrupt and foreign archives are refused and leave the target as it was.
"""

import io
import json
import os
import sqlite3
import stat
import subprocess
import sys
import tarfile
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

import pytest

# The tests are functions, not classes, so that --dist loadscope (pyproject) keeps the whole
# module on one worker and the demo is loaded and backed up once.

HEZUO = Path(sys.executable).with_name("hezuo")
DATABASE_URL = os.environ.get("DATABASE_URL", "")
POSTGRES = DATABASE_URL.startswith(("postgres://", "postgresql://"))
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "main")
LIVE_DATABASE = {"hezuo.sqlite3", "hezuo.sqlite3-wal", "hezuo.sqlite3-shm", "hezuo.sqlite3-journal"}


def plain(value):
    """A column's value as both databases' rows can be compared and searched: JSON as its text."""
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return bytes(value) if isinstance(value, memoryview) else value


class Installation:
    """A data directory and a database of its own, driven through `.venv/bin/hezuo`."""

    def __init__(self, root, name):
        self.dir = root / name
        self.dir.mkdir()
        self.env = {**os.environ, "HEZUO_DATA_DIR": str(self.dir), "DJANGO_SETTINGS_MODULE": "hezuo.settings"}
        self.env.pop("DATABASE_URL", None)
        if POSTGRES:
            url = urlsplit(DATABASE_URL)
            self.database = f"{url.path.lstrip('/')}_{name}_{WORKER}"
            self.url = url._replace(path=f"/{self.database}").geturl()
            self.server = url._replace(path="/postgres").geturl()
            self._admin(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)', f'CREATE DATABASE "{self.database}"')
            self.env["DATABASE_URL"] = self.url

    def _admin(self, *statements):
        import psycopg

        with psycopg.connect(self.server, autocommit=True) as connection:
            for statement in statements:
                connection.execute(statement)

    def drop(self):
        if POSTGRES:
            self._admin(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')

    def run(self, *args, ok=True):
        done = subprocess.run([str(HEZUO), *map(str, args)], env=self.env, capture_output=True, text=True,
                              timeout=900)
        if ok:
            assert done.returncode == 0, f"hezuo {' '.join(map(str, args))}: {done.stdout}{done.stderr}"
        return done

    def tables(self):
        """Every row of every table (and, on PostgreSQL, every sequence's position), as
        {table: Counter of rows}."""
        if POSTGRES:
            import psycopg

            with psycopg.connect(self.url) as connection:
                names = connection.execute(
                    "SELECT schemaname, tablename FROM pg_tables"
                    " WHERE schemaname NOT IN ('pg_catalog', 'information_schema')").fetchall()
                tables = {f"{schema}.{name}": connection.execute(f'SELECT * FROM "{schema}"."{name}"').fetchall()
                          for schema, name in names}
                for schema, name, value in connection.execute(
                        "SELECT schemaname, sequencename, last_value FROM pg_sequences"):
                    tables[f"sequence {schema}.{name}"] = [(value,)]
        else:
            path = self.dir / "hezuo.sqlite3"
            if not path.exists():
                return {}
            connection = sqlite3.connect(path)
            try:
                names = [row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
                tables = {name: connection.execute(f'SELECT * FROM "{name}"').fetchall() for name in names}
            finally:
                connection.close()
        return {name: Counter(repr(tuple(map(plain, row))) for row in rows) for name, rows in tables.items()}

    def files(self, everything=False):
        """{relative path: bytes} of the data directory; unless `everything`, without what a
        backup leaves out: the live database, static/ and temporary files."""
        found = {}
        for path in sorted(self.dir.rglob("*")):
            rel = path.relative_to(self.dir).as_posix()
            if path.is_dir():
                continue
            if not everything and (rel in LIVE_DATABASE or rel.startswith("static/") or rel.endswith(".part")):
                continue
            found[rel] = path.read_bytes()
        return found

    def snapshot(self):
        return self.files(everything=True), self.tables()


class Source:
    def __init__(self, installation, archive, workbook):
        self.installation, self.archive, self.workbook = installation, archive, workbook
        self.files = installation.files()
        self.tables = installation.tables()


@pytest.fixture(scope="module")
def source(tmp_path_factory):
    root = tmp_path_factory.mktemp("backup")
    installation = Installation(root, "src")
    installation.run("demo", "--load-only")
    # A kept upload: the import page and command keep every file they import under media/imports/.
    workbook = root / "区域合作数据.xlsx"
    installation.run("export", workbook)
    add_fund_row(workbook)  # so the import creates a record: its audit entry and run of ids
    installation.run("import", workbook)
    # Stands for the key files other parts keep beside the secret key (the audit chain's, say).
    (installation.dir / "another.key").write_bytes(os.urandom(32))
    # Left out: collected static files, and a file still being written.
    (installation.dir / "static" / "hezuo").mkdir(parents=True)
    (installation.dir / "static" / "hezuo" / "hezuo.css").write_text("body {}")
    (installation.dir / "media" / "exports").mkdir(parents=True)
    (installation.dir / "media" / "exports" / "统计表.xlsx.part").write_bytes(b"half a file")
    archive = root / "hezuo-backup.tar.gz"
    installation.run("backup", archive)
    yield Source(installation, archive, workbook)
    installation.drop()


def add_fund_row(path):
    import datetime

    import openpyxl

    book = openpyxl.load_workbook(path)
    sheet = book["资金"]
    header = [cell.value for cell in sheet[1]]
    row = [cell.value for cell in sheet[sheet.max_row]]
    row[header.index("日期")] = datetime.date(2024, 12, 31)
    row[header.index("资金来源")] = "其他"
    sheet.append(row)
    book.save(path)


@pytest.fixture
def empty_target(tmp_path, request):
    installation = Installation(tmp_path, request.node.originalname.removeprefix("test_")[:20])
    yield installation
    installation.drop()


def manifest_of(archive):
    with tarfile.open(archive, "r:gz") as tar:
        first = tar.next()
        return first.name, json.loads(tar.extractfile(first).read())


def assert_same_as_source(target, source):
    """Every table and file as in the source, but for the one audit entry each side wrote
    after the archive was made: the source its backup, the target its restore."""
    source_tables, target_tables = source.installation.tables(), target.tables()
    assert source_tables.keys() == target_tables.keys()
    differing = {name for name in source_tables if source_tables[name] != target_tables[name]}
    # The two entries, their seals in the audit chain, and the chain's head after each.
    assert {name.split(".")[-1].strip('"') for name in differing} == {"auditlog_logentry", "audit_seal",
                                                                     "audit_chainhead"}
    [audit] = [name for name in differing if name.endswith("auditlog_logentry")]
    [backup_entry] = source_tables[audit] - target_tables[audit]
    [restore_entry] = target_tables[audit] - source_tables[audit]
    assert '"event": "backup"' in backup_entry and '"event": "restore"' in restore_entry
    [seals] = [name for name in differing if name.endswith("audit_seal")]
    assert len(source_tables[seals] - target_tables[seals]) == len(target_tables[seals] - source_tables[seals]) == 1
    assert target.files() == source.files
    # The restored chain, sealed with the restored key, verifies whole, the restore included.
    assert "审计链完整" in target.run("audit", "verify").stdout


def test_backup_writes_one_archive_only_its_owner_reads_with_the_manifest_first(source):
    assert stat.S_IMODE(source.archive.stat().st_mode) == 0o600
    name, manifest = manifest_of(source.archive)
    assert name == "manifest.json"
    assert manifest["format"] == "hezuo-backup" and manifest["format_version"] == 1
    assert manifest["hezuo_version"] == "0.1.0"
    assert manifest["database"]["engine"] == ("postgresql" if POSTGRES else "sqlite")
    assert manifest["created_at"][:4].isdigit() and manifest["created_at"][-6] in "+-"
    assert manifest["not_included"]


def test_backup_holds_the_runs_of_ids_imports_created(source):
    [runs] = [rows for name, rows in source.tables.items() if name.endswith("audit_importedrange")]
    assert sum(runs.values()) == 1


def test_backup_lists_the_applied_migrations(source):
    _name, manifest = manifest_of(source.archive)
    [migrations] = [rows for name, rows in source.tables.items() if name.endswith("django_migrations")]
    assert len(manifest["migrations"]) == len(migrations) > 50
    assert "projects.0001_initial" in manifest["migrations"]


def test_backup_holds_every_data_file_but_the_live_database_static_and_temporary_files(source):
    _name, manifest = manifest_of(source.archive)
    data = {entry["path"].removeprefix("data/") for entry in manifest["files"] if entry["path"].startswith("data/")}
    assert data == set(source.files)
    assert {"secret_key", "another.key"} <= data
    assert any(path.startswith("media/imports/") and path.endswith("区域合作数据.xlsx") for path in data)
    assert not any(path.startswith("static/") or path.endswith(".part") or path in LIVE_DATABASE
                   for path in data)


def test_backup_gives_each_file_its_size_and_sha256(source):
    import hashlib

    _name, manifest = manifest_of(source.archive)
    with tarfile.open(source.archive, "r:gz") as tar:
        contents = {member.name: tar.extractfile(member).read() for member in tar.getmembers()[1:]}
    assert set(contents) == {entry["path"] for entry in manifest["files"]}
    for entry in manifest["files"]:
        assert len(contents[entry["path"]]) == entry["size"]
        assert hashlib.sha256(contents[entry["path"]]).hexdigest() == entry["sha256"]
    assert manifest["database"]["member"] in contents


def test_backup_records_itself_in_the_audit_log(source):
    [audit] = [rows for name, rows in source.tables.items() if name.endswith("auditlog_logentry")]
    [entry] = [row for row in audit if '"event": "backup"' in row]
    assert str(source.archive) in entry and "命令行" in entry


def test_backup_never_overwrites_a_file(source):
    before = source.archive.read_bytes()
    done = source.installation.run("backup", source.archive, ok=False)
    assert done.returncode != 0 and "已存在" in done.stderr
    assert source.archive.read_bytes() == before


def test_restore_brings_back_every_table_and_file_into_an_empty_installation(source, empty_target):
    done = empty_target.run("restore", source.archive)
    assert "已恢复" in done.stdout
    assert_same_as_source(empty_target, source)
    restored = [path for path in empty_target.dir.rglob("*") if path.is_file()]
    assert restored and all(stat.S_IMODE(path.stat().st_mode) == 0o600 for path in restored)


def test_restore_replaces_an_installation_with_data_only_when_forced(source, empty_target):
    empty_target.run("restore", source.archive)
    (empty_target.dir / "media" / "stray.txt").write_text("not in the backup")
    before = empty_target.snapshot()

    refused = empty_target.run("restore", source.archive, ok=False)
    assert refused.returncode != 0
    assert "恢复目标已有数据" in refused.stderr and "--force" in refused.stderr
    assert "media/stray.txt" in refused.stderr
    assert empty_target.snapshot() == before

    forced = empty_target.run("restore", "--force", source.archive)
    assert "已替换" in forced.stdout and "media/stray.txt" in forced.stdout
    assert not (empty_target.dir / "media" / "stray.txt").exists()
    assert_same_as_source(empty_target, source)


def test_restore_only_checks_an_archive_when_asked(source, empty_target):
    done = empty_target.run("restore", "--check", source.archive)
    assert "备份完好" in done.stdout
    # Settings create an empty private database file at start (0600); nothing went into it.
    assert empty_target.tables() == {}
    assert not (empty_target.dir / "media").exists()


def flip_a_byte(data):
    middle = len(data) // 2
    return data[:middle] + bytes([data[middle] ^ 0xFF]) + data[middle + 1:]


def repack(archive, manifest=None, members=None):
    """The archive's bytes written again, its manifest (a dict) and members ([(TarInfo, bytes)])
    changed by the given functions."""
    with tarfile.open(archive, "r:gz") as tar:
        items = [(member, tar.extractfile(member).read()) for member in tar.getmembers()]
    head, body = items[0]
    if manifest:
        changed = json.loads(body)
        manifest(changed)
        items[0] = (head, json.dumps(changed, ensure_ascii=False).encode())
    if members:
        items = members(items)
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w:gz", format=tarfile.PAX_FORMAT) as tar:
        for info, content in items:
            if info.isreg():
                info.size = len(content)
                tar.addfile(info, io.BytesIO(content))
            else:
                tar.addfile(info)
    return out.getvalue()


def with_member(name, type=tarfile.REGTYPE, linkname=""):
    def change(items):
        info = tarfile.TarInfo(name)
        info.type, info.linkname, info.mode = type, linkname, 0o600
        return items[:1] + [(info, b"planted")] + items[1:]
    return change


def changing(name, change):
    return lambda items: [(info, change(content) if info.name == name else content) for info, content in items]


def setting(key, value):
    return lambda manifest: manifest.update({key: value})


def other_engine(manifest):
    manifest["database"]["engine"] = "sqlite" if POSTGRES else "postgresql"


def future_migration(manifest):
    manifest["migrations"].append("projects.9999_from_a_later_release")


def plain_archive(archive):
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w:gz") as tar:
        tar.addfile(tarfile.TarInfo("readme.txt"))
    return out.getvalue()


BAD_ARCHIVES = {
    "a flipped byte": (lambda archive: flip_a_byte(archive.read_bytes()), "已损坏"),
    "a truncated file": (lambda archive: archive.read_bytes()[: archive.stat().st_size // 2], "已损坏或不完整"),
    "a missing entry": (lambda archive: repack(archive, members=lambda items: [
        item for item in items if item[0].name != "data/secret_key"]), "备份不完整"),
    "a checksum mismatch": (lambda archive: repack(archive, members=changing(
        "data/secret_key", lambda content: content[::-1])), "SHA-256 校验和与清单不符"),
    "a size mismatch": (lambda archive: repack(archive, members=changing(
        "data/secret_key", lambda content: content + b"x")), "大小"),
    "not an archive": (lambda archive: b"PK\x03\x04 a workbook, say", "不是 Hezuo 备份文件"),
    "another tar.gz": (plain_archive, "不是 Hezuo 备份文件"),
    "another format": (lambda archive: repack(archive, manifest=setting("format", "other-backup")),
                       "不是 Hezuo 备份文件"),
    "a newer format version": (lambda archive: repack(archive, manifest=setting("format_version", 2)),
                               "格式版本 2"),
    "another database engine": (lambda archive: repack(archive, manifest=other_engine), "不能恢复到另一种数据库"),
    "migrations of a later release": (lambda archive: repack(archive, manifest=future_migration),
                                      "本版本（0.1.0）没有的数据库迁移"),
    "an absolute path": (lambda archive: repack(archive, members=with_member("/etc/hezuo-planted")), "绝对路径"),
    "a path with ..": (lambda archive: repack(archive, members=with_member("data/../../hezuo-planted")), "“..”"),
    "a symbolic link": (lambda archive: repack(archive, members=with_member(
        "data/media/passwd", tarfile.SYMTYPE, "/etc/passwd")), "是链接"),
    "a hard link": (lambda archive: repack(archive, members=with_member(
        "data/media/key", tarfile.LNKTYPE, "data/secret_key")), "是链接"),
}


@pytest.fixture(scope="module")
def untouched_target(source, tmp_path_factory):
    """An empty installation that has started once (its secret key is written), shared by the
    refusals: each must leave it exactly as it was."""
    installation = Installation(tmp_path_factory.mktemp("refusals"), "refused")
    installation.run("restore", "--check", source.archive)
    yield installation
    installation.drop()


@pytest.mark.parametrize("kind", BAD_ARCHIVES)
def test_restore_refuses_a_corrupt_or_foreign_archive_and_touches_nothing(kind, source, untouched_target, tmp_path):
    make, message = BAD_ARCHIVES[kind]
    bad = tmp_path / "bad.tar.gz"
    bad.write_bytes(make(source.archive))
    before = untouched_target.snapshot()
    done = untouched_target.run("restore", bad, ok=False)
    assert done.returncode != 0
    assert message in done.stderr, done.stderr
    assert "Traceback" not in done.stderr
    assert untouched_target.snapshot() == before
    assert not (untouched_target.dir / "media").exists() and not Path("/etc/hezuo-planted").exists()
