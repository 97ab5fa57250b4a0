"""Backing up and restoring a whole installation: its database and its data directory's files.

An archive is one gzip-compressed tar file:

    manifest.json               format, versions, engine, migrations, created at, every file's size and SHA-256
    database/hezuo.sqlite3      or database/hezuo.pgdump (pg_dump, custom format)
    data/<path>                 every file under HEZUO_DATA_DIR but the live database, static/ and temporary files

A restore reads the whole archive before it touches anything: the gzip checksum and length,
then every entry against the manifest, extracting into a private temporary directory; only then
does it look at the target, and it replaces a non-empty one only when told to.
"""

import fnmatch
import gzip
import hashlib
import io
import json
import os
import shutil
import tarfile
import tempfile
import zlib
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.db import connections, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from hezuo.audit.events import record_event
from hezuo.backups.services.databases import ENGINE_LABELS, BackupError, configured_database

FORMAT = "hezuo-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
DATA = "data/"
CONSOLE = "命令行"
# Files being written by someone (editors, downloads, our own temporary copies) are not data.
TEMPORARY = ("*.tmp", "*.temp", "*.part", "*.partial", "*.swp", "*~", ".hezuo-backup-*", ".hezuo-restore*")
TEMPORARY_DIRS = ("tmp",)
NOT_INCLUDED = [
    "已收集的静态文件（数据目录中的 static/）：恢复后运行 hezuo collectstatic 重新生成",
    "程序本身、.venv 和 node_modules：按 docs/deployment.md 安装同一版本",
    "环境变量中的设置（DATABASE_URL、ALLOWED_HOSTS、SECRET_KEY 等）和数据目录以外的文件"
    "（SECRET_KEY_FILE、HEZUO_MAP_GEOJSON、HEZUO_REPORT_TEMPLATES_DIR、HEZUO_REPORT_DOCX_TEMPLATE 指向的文件，证书，反向代理配置）",
    "PostgreSQL 的用户、权限和服务器配置",
    "临时文件（*.tmp、*.part 等）和符号链接",
]
MANIFEST_LIMIT = 64 * 1024 * 1024
CHUNK = 1024 * 1024


@dataclass
class BackupResult:
    path: Path
    size: int
    sha256: str
    manifest: dict
    links: list = field(default_factory=list)
    notes: list = field(default_factory=list)


@dataclass
class Target:
    """What the configured database and data directory hold now."""

    tables: list
    files: list

    def __bool__(self):
        return bool(self.tables or self.files)

    def describe(self):
        parts = []
        if self.tables:
            rows = sum(count for _name, count in self.tables)
            parts.append(f"{configured_database().describe()}中的 {len(self.tables)} 张表（{rows} 行数据）")
        if self.files:
            shown = "、".join(rel for rel, _path in self.files[:5]) + ("等" if len(self.files) > 5 else "")
            parts.append(f"数据目录 {data_dir()} 中的 {len(self.files)} 个文件（{shown}）")
        return "；".join(parts)


@dataclass
class RestoreResult:
    manifest: dict
    sha256: str
    replaced: str = ""
    migrated: list = field(default_factory=list)


def data_dir():
    return Path(settings.DATA_DIR).resolve()


def hezuo_version():
    try:
        return metadata.version("hezuo")
    except metadata.PackageNotFoundError:
        return "unknown"


def data_entries(manifest):
    """The manifest's entries of data directory files (not the database)."""
    return [entry for entry in manifest["files"] if entry["path"].startswith(DATA)]


def is_temporary(name):
    return any(fnmatch.fnmatch(name, pattern) for pattern in TEMPORARY)


def data_files(database, skip=()):
    """The data directory's files a backup holds, as (relative path, Path), and the links it leaves out.

    Left out: the live database files, the collected static files, temporary files, `skip`."""
    root = data_dir()
    excluded = {Path(path).resolve() for path in skip} | database.live_files()
    static = Path(settings.STATIC_ROOT).resolve()
    files, links = [], []
    def unreadable(error):
        raise BackupError(f"无法读取数据目录中的 {error.filename}（{error.strerror}）")

    for dirpath, dirnames, filenames in os.walk(root, onerror=unreadable):
        here = Path(dirpath)
        kept = []
        for name in sorted(dirnames):
            path = here / name
            if path.is_symlink():
                links.append(path.relative_to(root).as_posix())
            elif not (path == static or is_temporary(name) or (here == root and name in TEMPORARY_DIRS)):
                kept.append(name)
        dirnames[:] = kept
        for name in sorted(filenames):
            path = here / name
            if path.is_symlink():
                links.append(path.relative_to(root).as_posix())
            elif path.is_file() and path not in excluded and not is_temporary(name):
                files.append((path.relative_to(root).as_posix(), path))
    return files, links


def file_digest(path):
    with open(path, "rb") as f:
        return os.fstat(f.fileno()).st_size, hashlib.file_digest(f, "sha256").hexdigest()


def applied_migrations(connection):
    return sorted(f"{app}.{name}" for app, name in MigrationRecorder(connection).applied_migrations())


def output_path(out):
    out = Path(out)
    if out.is_dir():
        out = out / f"hezuo-backup-{timezone.localtime():%Y%m%d-%H%M%S}.tar.gz"
    if out.exists():
        raise BackupError(f"{out} 已存在，不覆盖：请换一个文件名")
    if not out.parent.is_dir():
        raise BackupError(f"目录 {out.parent} 不存在")
    return out.resolve()


class _Digesting(io.RawIOBase):
    """A file read (or written) through, counting its bytes and their SHA-256."""

    def __init__(self, raw):
        self.raw, self.size, self.sha256 = raw, 0, hashlib.sha256()

    def readable(self):
        return True

    def writable(self):
        return True

    def read(self, n=-1):
        data = self.raw.read(n)
        self.size += len(data)
        self.sha256.update(data)
        return data

    def write(self, data):
        self.size += len(data)
        self.sha256.update(data)
        return self.raw.write(data)

    def flush(self):
        self.raw.flush()


def _tar_entry(name, size, mtime):
    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode, info.type = size, int(mtime), 0o600, tarfile.REGTYPE
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    return info


def make_backup(out):
    """Write the database and the data directory's files into one archive at `out` (0600)."""
    database = configured_database()
    out = output_path(out)
    partial = out.with_name(out.name + ".partial")
    connection = connections["default"]
    files, links = data_files(database, skip=(out, partial))
    with tempfile.TemporaryDirectory(prefix=".hezuo-backup-", dir=out.parent) as work:
        dump = Path(work) / "database"
        # The database first, then the files: a file uploaded meanwhile is kept without its
        # record rather than a record kept without its file.
        info = database.info()
        migrations = applied_migrations(connection)
        database.dump(dump)
        entries = [(database.member, dump, *file_digest(dump), dump.stat().st_mtime)]
        for rel, path in files:
            try:
                entries.append((DATA + rel, path, *file_digest(path), path.stat().st_mtime))
            except FileNotFoundError:
                continue  # removed since the directory was listed (an expired export, say)
            except OSError as error:
                raise BackupError(f"无法读取数据目录中的 {rel}（{error.strerror}）")
        manifest = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "hezuo_version": hezuo_version(),
            "created_at": timezone.localtime().isoformat(timespec="seconds"),
            "database": info,
            "migrations": migrations,
            "files": [{"path": name, "size": size, "sha256": sha} for name, _path, size, sha, _mtime in entries],
            "not_included": NOT_INCLUDED,
        }
        body = json.dumps(manifest, ensure_ascii=False, indent=1).encode()
        partial.unlink(missing_ok=True)  # left by a backup that was killed
        try:
            with open(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as raw:
                archive = _Digesting(raw)
                with gzip.GzipFile(fileobj=archive, mode="wb", compresslevel=6, mtime=0) as gz, \
                        tarfile.open(fileobj=gz, mode="w|", format=tarfile.PAX_FORMAT) as tar:
                    tar.addfile(_tar_entry(MANIFEST, len(body), dump.stat().st_mtime), io.BytesIO(body))
                    for name, path, size, sha, mtime in entries:
                        try:
                            with open(path, "rb") as f:
                                reader = _Digesting(f)
                                tar.addfile(_tar_entry(name, size, mtime), reader)
                        except OSError as error:
                            if not (isinstance(error, FileNotFoundError) or error.errno is None):
                                raise  # writing failed, not reading
                            reader = _Digesting(None)  # gone, or shorter than when it was measured
                            reader.size = -1
                        if reader.size != size or reader.sha256.hexdigest() != sha:
                            raise BackupError(f"文件 {name.removeprefix(DATA)} 在备份过程中被改动，请重新备份")
                raw.flush()
                os.fsync(raw.fileno())
            os.replace(partial, out)
        except OSError as error:
            raise BackupError(f"写入备份文件 {out} 失败（{error.strerror or error}），未留下备份文件")
        finally:
            partial.unlink(missing_ok=True)
    result = BackupResult(out, archive.size, archive.sha256.hexdigest(), manifest, links)
    if os.environ.get("SECRET_KEY") or os.environ.get("SECRET_KEY_FILE"):
        result.notes.append("SECRET_KEY 由环境变量给出，不在备份中：请另行保管（恢复后会话签名需要它）")
    with transaction.atomic():
        record_event("backup", username=CONSOLE, archive=str(out), sha256=result.sha256, size=result.size,
                     engine=info["engine"], files=len(entries) - 1)
    return result


def _safe(name):
    parts = name.split("/")
    return bool(name) and not name.startswith("/") and "\\" not in name and "\x00" not in name \
        and not PurePosixPath(name).is_absolute() and all(part not in ("", ".", "..") for part in parts)


def check_manifest(manifest):
    """Refuse what is not an archive of ours, or of a format version this code cannot read."""
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError("不是 Hezuo 备份文件（清单不是 Hezuo 备份格式）")
    version = manifest.get("format_version")
    if not isinstance(version, int) or version < 1:
        raise BackupError("不是 Hezuo 备份文件（清单的格式版本无效）")
    if version > FORMAT_VERSION:
        raise BackupError(f"备份由较新的 Hezuo（{manifest.get('hezuo_version', '未知版本')}）生成，格式版本 {version}；"
                          f"本版本（{hezuo_version()}）只能读取格式版本 {FORMAT_VERSION}，请升级 Hezuo 后再恢复")
    database = manifest.get("database")
    if not isinstance(database, dict) or database.get("engine") not in ENGINE_LABELS:
        raise BackupError("不是 Hezuo 备份文件（清单没有写明数据库类型）")
    files = manifest.get("files")
    if not isinstance(files, list) or not isinstance(manifest.get("migrations"), list):
        raise BackupError("不是 Hezuo 备份文件（清单缺少文件或迁移列表）")
    listed = {}
    for entry in files:
        if not isinstance(entry, dict) or not isinstance(entry.get("path"), str) \
                or not isinstance(entry.get("size"), int) or not isinstance(entry.get("sha256"), str):
            raise BackupError("不是 Hezuo 备份文件（清单中的文件条目无效）")
        name = entry["path"]
        if not _safe(name):
            raise BackupError(f"备份清单中的 {name} 是绝对路径或含有“..”，拒绝恢复")
        if name != database.get("member") and not name.startswith(DATA):
            raise BackupError(f"备份清单中的 {name} 不在 data/ 目录下，拒绝恢复")
        if name in listed:
            raise BackupError(f"备份清单中的 {name} 出现了两次，拒绝恢复")
        listed[name] = entry
    if database.get("member") not in listed:
        raise BackupError("备份不完整：清单中没有数据库")
    return listed


def read_archive(path, staging=None):
    """Check every byte of the archive at `path` and return (manifest, archive SHA-256).

    With `staging`, every entry is also written there (0600). Nothing else is touched."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"找不到备份文件 {path}")
    with open(path, "rb") as raw:
        if raw.read(2) != b"\x1f\x8b":
            raise BackupError(f"{path} 不是 Hezuo 备份文件（不是 gzip 压缩的 tar 归档）")
    # First the whole stream: gzip's CRC-32 and length catch a flipped byte or a cut file
    # anywhere, the manifest included, before anything in it is believed.
    sha256 = hashlib.sha256()
    try:
        with open(path, "rb") as raw:
            reader = _Digesting(raw)
            with gzip.GzipFile(fileobj=reader, mode="rb") as gz:
                while gz.read(CHUNK):
                    pass
            while reader.read(CHUNK):
                pass
            sha256 = reader.sha256
    except (OSError, EOFError, zlib.error) as error:
        raise BackupError(f"备份文件 {path} 已损坏或不完整（{error}），拒绝恢复")
    try:
        with gzip.open(path, "rb") as gz, tarfile.open(fileobj=gz, mode="r|") as tar:
            manifest = _read_entries(tar, staging)
    except (tarfile.TarError, EOFError, zlib.error, gzip.BadGzipFile) as error:
        raise BackupError(f"备份文件 {path} 已损坏或不是 Hezuo 备份（{error}），拒绝恢复")
    return manifest, sha256.hexdigest()


def _read_entries(tar, staging):
    manifest, listed, seen = None, {}, set()
    for member in tar:
        name = member.name
        if manifest is None and (name != MANIFEST or not member.isreg() or member.size > MANIFEST_LIMIT):
            raise BackupError(f"不是 Hezuo 备份文件（第一项是 {name}，不是 {MANIFEST}）")
        if not _safe(name):
            raise BackupError(f"备份中的 {name} 是绝对路径或含有“..”，拒绝恢复")
        if member.issym() or member.islnk():
            raise BackupError(f"备份中的 {name} 是链接（指向 {member.linkname}），拒绝恢复")
        if not member.isreg():
            raise BackupError(f"备份中的 {name} 不是普通文件，拒绝恢复")
        if manifest is None:
            try:
                manifest = json.loads(tar.extractfile(member).read().decode())
            except (UnicodeDecodeError, json.JSONDecodeError):
                raise BackupError("不是 Hezuo 备份文件（清单无法读取）")
            listed = check_manifest(manifest)
            continue
        entry = listed.get(name)
        if entry is None:
            raise BackupError(f"备份中的 {name} 不在清单中，拒绝恢复")
        if name in seen:
            raise BackupError(f"备份中的 {name} 出现了两次，拒绝恢复")
        seen.add(name)
        if member.size != entry["size"]:
            raise BackupError(f"备份已损坏：{name} 的大小是 {member.size} 字节，清单写的是 {entry['size']} 字节")
        digest = hashlib.sha256()
        source = tar.extractfile(member)
        dest = None
        if staging is not None:
            dest = Path(staging) / name
            dest.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            out = open(os.open(dest, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb")
        try:
            while chunk := source.read(CHUNK):
                digest.update(chunk)
                if dest is not None:
                    out.write(chunk)
        finally:
            if dest is not None:
                out.close()
        if digest.hexdigest() != entry["sha256"]:
            raise BackupError(f"备份已损坏：{name} 的 SHA-256 校验和与清单不符，拒绝恢复")
        if dest is not None:
            os.utime(dest, (member.mtime, member.mtime))
    if manifest is None:
        raise BackupError("不是 Hezuo 备份文件（归档是空的）")
    missing = sorted(set(listed) - seen)
    if missing:
        raise BackupError(f"备份不完整：缺少清单中的 {'、'.join(missing[:5])}{'等' if len(missing) > 5 else ''}")
    return manifest


def check_restorable(manifest, database):
    """Refuse an archive this installation cannot take, before anything is touched."""
    engine = manifest["database"]["engine"]
    if engine != database.engine:
        raise BackupError(f"备份来自 {ENGINE_LABELS[engine]} 数据库，本系统配置的是 {ENGINE_LABELS[database.engine]}"
                          f"（DATABASE_URL），不能恢复到另一种数据库")
    known = {f"{app}.{name}" for app, name in MigrationLoader(None, ignore_no_migrations=True).disk_migrations}
    unknown = sorted(set(manifest["migrations"]) - known)
    if unknown:
        raise BackupError(f"备份来自 Hezuo {manifest.get('hezuo_version', '未知版本')}，含有本版本（{hezuo_version()}）"
                          f"没有的数据库迁移（{'、'.join(unknown[:3])}{'等' if len(unknown) > 3 else ''}），"
                          f"请用不低于该版本的 Hezuo 恢复")
    database.check_restorable(manifest["database"])


def current_target(database, skip=()):
    """What a restore would replace. Top-level files next to an empty database are the keys an
    installation writes when it first starts (the secret key): they guard no data yet."""
    tables = database.tables()
    files, _links = data_files(database, skip)
    if not tables:
        files = [(rel, path) for rel, path in files if "/" in rel]
    return Target(tables, files)


def check_destinations(names):
    """No restored file may be written through a link, or where a directory stands."""
    root = data_dir()
    for name in names:
        path = root
        parts = name.removeprefix(DATA).split("/")
        for index, part in enumerate(parts):
            path = path / part
            last = index == len(parts) - 1
            if path.is_symlink() or (path.exists() and (not path.is_file() if last else not path.is_dir())):
                raise BackupError(f"数据目录中的 {path} 是链接或类型不符，无法恢复 {'/'.join(parts)}，请先移走它")


def restore_backup(path, *, force=False):
    """Restore the archive at `path` into the configured database and data directory."""
    database = configured_database()
    with tempfile.TemporaryDirectory(prefix="hezuo-restore-") as staging:
        manifest, sha256 = read_archive(path, staging)
        check_restorable(manifest, database)
        target = current_target(database, skip=(path,))
        if target and not force:
            raise BackupError(f"恢复目标已有数据：{target.describe()}。"
                              f"要用备份替换它们，请加 --force（替换后无法撤销，请先备份当前数据）")
        names = [entry["path"] for entry in data_entries(manifest)]
        check_destinations(names)
        replaced = target.describe() if target else ""
        database.load(Path(staging) / manifest["database"]["member"], replace=bool(target.tables))
        _replace_files(Path(staging), names, [path for _rel, path in target.files])
    connections.close_all()
    migrated = _migrate()
    with transaction.atomic():
        record_event("restore", username=CONSOLE, archive=str(Path(path).resolve()), sha256=sha256,
                     created_at=manifest["created_at"], hezuo_version=manifest["hezuo_version"],
                     engine=manifest["database"]["engine"], files=len(names), replaced=replaced)
    return RestoreResult(manifest, sha256, replaced, migrated)


def _replace_files(staging, names, old):
    root = data_dir()
    for path in old:
        path.unlink(missing_ok=True)
    for name in names:
        dest = root / name.removeprefix(DATA)
        for parent in reversed(dest.relative_to(root).parents[:-1]):
            folder = root / parent
            if not folder.exists():
                folder.mkdir(mode=0o700)
                os.chmod(folder, 0o700)
        temporary = dest.with_name(f".hezuo-restore-{dest.name}")
        shutil.copy2(staging / name, temporary)
        os.chmod(temporary, 0o600)
        os.replace(temporary, dest)
    for path in old:
        for parent in path.parents:
            if parent == root or not parent.is_relative_to(root) or any(parent.iterdir()):
                break
            parent.rmdir()


def _migrate():
    """Bring a backup of an older release up to this one's database schema."""
    from django.core.management import call_command

    connection = connections["default"]
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if plan:
        call_command("migrate", interactive=False, verbosity=0)
    return [f"{migration.app_label}.{migration.name}" for migration, _backwards in plan]
