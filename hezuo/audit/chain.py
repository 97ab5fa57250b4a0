"""The audit trail as a hash chain: every entry sealed, in order, so that editing, deleting,
inserting or reordering entries in the database is found by `verify`.

Seal number n of an entry is HMAC-SHA256(key, n, digest of seal n-1, the entry's content as
read back from the database). The key lives in a file outside the database
(settings.HEZUO_AUDIT_KEY_FILE, created 0600), so someone with SQL access alone cannot
compute a seal for content of their own.

Entries are written by auditlog's signals, by `events.record_event` and by the importer's
bulk insert, each in the transaction of its change. They are sealed after that transaction
commits (`request_seal` → on_commit → `seal`), in a short transaction of their own that
locks the chain head, so the sequence is the order of sealing, never of ids (which
PostgreSQL hands out before commit). Only the entries this process wrote are sealed so: an
entry found unsealed was written by a process that died before sealing — or put into the
table by hand. `verify` reports those once they are older than SEAL_GRACE, and
`hezuo audit seal` seals them after someone has looked.

Entries are never updated or deleted (database triggers of migration 0002, ORM guards in
apps.py) except by `archive`, which writes entries older than the retention period with
their seals to a file and records the cut, from where `verify` goes on.
"""

import datetime
import hashlib
import hmac
import json
import logging
import os
import secrets
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from auditlog.models import LogEntry
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.db import connection, models, transaction
from django.db.models import Min
from django.utils import timezone

from hezuo.audit.models import GENESIS, ArchiveCut, ChainHead, ImportedRange, Seal

log = logging.getLogger(__name__)

MIN_RETENTION_DAYS = 180  # 等保2.0: audit records kept at least six months
SEAL_GRACE = datetime.timedelta(seconds=60)  # an entry this young may still be on its way to its seal
BATCH = 2000
# The entry's content, id included, in this order: a row is the tuple of these values.
FIELDS = sorted(f.attname for f in LogEntry._meta.concrete_fields)
ID, TIMESTAMP = FIELDS.index("id"), FIELDS.index("timestamp")
DATA, CONTENT_TYPE = FIELDS.index("additional_data"), FIELDS.index("content_type_id")


class AuditTrailLocked(PermissionDenied):
    """An attempt to change or remove audit entries outside the archive procedure."""


# --- the key -------------------------------------------------------------------------------

_keys = {}


def key():
    """The HMAC key, read from its file; made (0600) only while nothing has been sealed yet."""
    name = settings.HEZUO_AUDIT_KEY_FILE
    if name not in _keys:
        path = Path(name)
        if not path.exists():
            if ChainHead.objects.filter(seq__gt=0).exists() or ArchiveCut.objects.exists():
                raise ImproperlyConfigured(f"审计密钥文件 {path} 不存在：已封存的审计链无法核对，请从备份恢复该文件。")
            try:
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:  # another process made it first
                pass
            else:
                with os.fdopen(fd, "w") as f:
                    f.write(secrets.token_hex(32))
        _keys[name] = bytes.fromhex(path.read_text().strip())
    return _keys[name]


def _mac(*parts):
    message = "\n".join(str(p) for p in parts).encode()
    return hmac.new(key(), message, hashlib.sha256).hexdigest()


_MOMENTS = [i for i, name in enumerate(FIELDS) if isinstance(LogEntry._meta.get_field(name), models.DateTimeField)]
_encode = json.JSONEncoder(sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str).encode


def canonical(row):
    """One entry's content (a row of FIELDS) as text: the same for the row read from either
    database and for the entry in an archive file."""
    row = list(row)
    for i in _MOMENTS:
        if isinstance(row[i], datetime.datetime):
            row[i] = row[i].astimezone(datetime.UTC).isoformat()
    return _encode(row)


def link(seq, previous, row):
    return _mac(seq, previous, canonical(row))


def head_mac(seq, digest):
    return _mac("head", seq, digest)


def cut_mac(cut):
    return _mac("cut", cut.seq, cut.digest, cut.before.isoformat(), cut.entries, cut.file_sha256)


# --- sealing ---------------------------------------------------------------------------------


def request_seal(entries):
    """Seal these just-written entries once the current transaction commits (at once outside one).

    The signals of auditlog and `record_event` call it through post_save; writers of entries in
    bulk (the importer, hezuo/audit/imports.py) call it themselves with the ids they inserted.
    There is no "seal whatever is unsealed" here: that would seal a row forged by SQL too.
    """
    ids = [getattr(entry, "pk", entry) for entry in entries]  # entries, or their ids
    if None in ids:
        raise ValueError("request_seal needs the ids of the entries written")
    if not ids:
        return
    pending = _pending()
    if pending is None:
        connection.hezuo_unsealed = ids
        # Outside a transaction this seals at once, so the ids are listed first.
        transaction.on_commit(_seal_pending, robust=True)
    else:
        pending.extend(ids)


def _pending():
    """The ids waiting for this transaction's commit, or None if nothing waits yet.

    The list is (re)started with the transaction's first entry: if its callback was dropped
    by a rollback, so were the entries listed since.
    """
    if any(func is _seal_pending for _savepoints, func, *_robust in connection.run_on_commit):
        return getattr(connection, "hezuo_unsealed", None)
    return None


def _seal_pending():
    ids, connection.hezuo_unsealed = connection.hezuo_unsealed, None  # None: the next entry registers anew
    seal(ids)


def entry_written(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        request_seal([instance])


def seal(ids=None):
    """Append the committed, unsealed entries among `ids` to the chain, in id order; return
    how many were sealed. Without `ids`, every unsealed entry: only `hezuo audit seal`, run by
    someone who has looked at what `verify` reported."""
    if ids is not None and not ids:
        return 0
    table = connection.ops.quote_name(Seal._meta.db_table)
    insert = f"INSERT INTO {table} (seq, entry_id, digest) VALUES (%s, %s, %s)"
    with transaction.atomic():
        head, _ = ChainHead.objects.select_for_update().get_or_create(pk=1)
        seq, digest = head.seq, head.digest
        entries = LogEntry.objects.filter(seal__isnull=True).order_by("id")
        if ids is not None:
            wanted = set(ids)
            entries = entries.filter(id__range=(min(wanted), max(wanted)))
        rows = []  # inserted after the read: SQLite does not isolate a read from writes on its connection
        for row in entries.values_list(*FIELDS).iterator(chunk_size=BATCH):
            if ids is not None and row[ID] not in wanted:
                continue  # another transaction's, on its way to its own seal
            seq += 1
            digest = link(seq, digest, row)
            rows.append((seq, row[ID], digest))
        with connection.cursor() as cursor:
            for start in range(0, len(rows), BATCH):
                cursor.executemany(insert, rows[start:start + BATCH])
        sealed = seq - head.seq
        if sealed:
            ChainHead.objects.filter(pk=1).update(seq=seq, digest=digest, mac=head_mac(seq, digest))
    return sealed


# --- verifying -------------------------------------------------------------------------------


@dataclass
class Problem:
    message: str
    seq: int | None = None
    entry_id: int | None = None
    timestamp: datetime.datetime | str | None = None

    def __str__(self):
        where = []
        if self.seq is not None:
            where.append(f"第 {self.seq} 号")
        if self.entry_id is not None:
            where.append(f"条目 #{self.entry_id}")
        if self.timestamp:
            moment = self.timestamp
            if isinstance(moment, datetime.datetime):
                moment = timezone.localtime(moment).strftime("%Y-%m-%d %H:%M:%S")
            where.append(str(moment))
        return f"{'，'.join(where)}：{self.message}" if where else self.message


@dataclass
class Verification:
    checked: int
    first: int  # first seq checked
    head: int
    digest: str
    problem: Problem | None = None  # the first broken link
    pending: int = 0  # entries written moments ago, not yet sealed

    @property
    def ok(self):
        return self.problem is None

    def __str__(self):
        if self.problem:
            return f"审计链被破坏：{self.problem}"
        span = f"第 {self.first}–{self.head} 号" if self.checked else "无条目"
        text = f"审计链完整：已核对 {self.checked} 条（{span}），链头第 {self.head} 号 {self.digest[:16]}"
        if self.first > 1:
            text += f"；第 {self.first - 1} 号及以前已归档"
        if self.pending:
            text += f"；{self.pending} 条刚写入，尚待封存"
        return text


def walk(rows, seq, digest):
    """Check a run of (seq, digest, content) after seal `seq`/`digest`.

    Returns (count, last seq, last digest, first Problem or None).
    """
    count = 0
    for row_seq, row_digest, row in rows:
        at = {"entry_id": row[ID], "timestamp": row[TIMESTAMP]}
        if row_seq != seq + 1:
            gone = f"{seq + 1}" if row_seq == seq + 2 else f"{seq + 1}–{row_seq - 1}"
            return count, seq, digest, Problem(f"缺少第 {gone} 号：条目被删除", seq=row_seq, **at)
        if not hmac.compare_digest(link(row_seq, digest, row), row_digest):
            return count, seq, digest, Problem("内容与封存不符：条目被修改，或封存被改写、调换", seq=row_seq, **at)
        seq, digest, count = row_seq, row_digest, count + 1
    return count, seq, digest, None


def _noting_ranges(rows, listed):
    """Pass the chain's rows on, noting in `listed` the id runs their entries say an import
    created (hezuo/audit/imports.py), to compare with the table that indexes them."""
    for item in rows:
        row = item[2]
        data = row[DATA]
        if isinstance(data, dict) and data.get("created"):
            listed.update((row[ID], row[CONTENT_TYPE], first, last) for first, last in data["created"])
        yield item


def _chain_rows(after, through=None):
    entries = LogEntry.objects.filter(seal__seq__gt=after)
    if through is not None:
        entries = entries.filter(seal__seq__lte=through)
    entries = entries.order_by("seal__seq").values_list("seal__seq", "seal__digest", *FIELDS)
    for seq, digest, *row in entries.iterator(chunk_size=BATCH):
        yield seq, digest, row


def start():
    """Where the chain in the database begins: after the last archive cut, or at the genesis."""
    cut = ArchiveCut.objects.order_by("-seq").first()
    if cut is None:
        return 0, GENESIS, None
    if not hmac.compare_digest(cut_mac(cut), cut.mac):
        return cut.seq, cut.digest, Problem(f"归档记录（{cut.file_name}）被修改", seq=cut.seq)
    return cut.seq, cut.digest, None


def verify(now=None):
    """Walk the chain from the last archive cut to the head; the first broken link, if any."""
    now = now or timezone.now()
    # The head first, and the chain up to it: seals appended meanwhile are checked next time.
    head = ChainHead.objects.filter(pk=1).first() or ChainHead(pk=1)
    seq, digest, problem = start()
    first = seq + 1
    count = 0
    listed = set()  # the id runs that the walked entries of imports list
    if problem is None:
        count, seq, digest, problem = walk(_noting_ranges(_chain_rows(seq, head.seq), listed), seq, digest)
    result = Verification(count, first, seq, digest, problem)
    if problem:
        return result
    if (head.seq, head.digest) != (seq, digest) or seq and not hmac.compare_digest(head_mac(seq, digest), head.mac):
        result.problem = Problem(f"链头记为第 {head.seq} 号，实际最后一条为第 {seq} 号：末尾的条目被删除，或链头被改写",
                                 seq=head.seq)
        return result
    beyond = Seal.objects.filter(seq__gt=head.seq).order_by("seq").first()
    if beyond and ChainHead.objects.filter(pk=1, seq=head.seq).exists():  # not one being appended now
        result.problem = Problem("链头之后有封存：在数据库中直接插入", seq=beyond.seq, entry_id=beyond.entry_id)
        return result
    stored = set(ImportedRange.objects.filter(entry__seal__seq__lte=seq).values_list(
        "entry_id", "content_type_id", "first_pk", "last_pk"))
    if stored != listed:
        entry_id = min(stored ^ listed)[0]
        result.problem = Problem("导入新增记录的编号范围与该条目所记不符：在数据库中被改动", entry_id=entry_id)
        return result
    for entry_id, moment in LogEntry.objects.filter(seal__isnull=True).order_by("timestamp", "id").values_list(
            "id", "timestamp").iterator():
        if abs(now - moment) <= SEAL_GRACE:
            result.pending += 1
        elif result.problem is None:
            result.problem = Problem("未封存：在数据库中直接插入，或写入后进程中断；核实后可用 hezuo audit seal 封存",
                                     entry_id=entry_id, timestamp=moment)
    missing = missing_guards()
    if result.problem is None and missing:
        result.problem = Problem(f"数据库保护触发器缺失：{'、'.join(missing)}（运行 hezuo migrate audit 重建）")
    return result


GUARDS = {  # the triggers of migrations 0002 and 0003, by table
    "auditlog_logentry": "hezuo_audit_guard_entry",
    "audit_seal": "hezuo_audit_guard_seal",
    "audit_archivecut": "hezuo_audit_guard_cut",
    "audit_importedrange": "hezuo_audit_guard_range",
}


def missing_guards():
    """Triggers refusing UPDATE/DELETE that are not in the database (a table rebuilt on
    SQLite by a later migration of auditlog drops them, as would someone with SQL access)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT tgname FROM pg_trigger WHERE tgname LIKE 'hezuo_audit_guard_%%'")
        else:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'hezuo_audit_guard_%'")
        present = {name for (name,) in cursor.fetchall()}
    return sorted(t for name in GUARDS.values() for t in (f"{name}_update", f"{name}_delete") if t not in present)


# --- changing the trail: only the archive ---------------------------------------------------------


@contextmanager
def unlocked():
    """A transaction in which the triggers let entries be deleted (the archive, a test's flush)."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config('hezuo.audit_unlocked', 'on', true)")
            yield
        else:
            connection.hezuo_audit_unlocked = True
            try:
                yield
            finally:
                connection.hezuo_audit_unlocked = False


def is_unlocked():
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_setting('hezuo.audit_unlocked', true)")
            return cursor.fetchone()[0] == "on"
    return getattr(connection, "hezuo_audit_unlocked", False)


def sqlite_unlocked_function(sender, connection, **kwargs):
    """The SQLite triggers ask this function; a connection without it (the sqlite3 shell)
    cannot change the tables at all."""
    if connection.vendor == "sqlite":
        connection.connection.create_function(
            "hezuo_audit_unlocked", 0, lambda: int(getattr(connection, "hezuo_audit_unlocked", False)))


def retention_days():
    days = settings.HEZUO_AUDIT_RETENTION_DAYS
    if days < MIN_RETENTION_DAYS:
        raise ImproperlyConfigured(f"HEZUO_AUDIT_RETENTION_DAYS 不能小于 {MIN_RETENTION_DAYS}（现为 {days}）")
    return days


class ArchiveRefused(Exception):
    pass


@dataclass
class Archived:
    entries: int
    first: int
    last: int
    digest: str
    path: Path


def archive(before, output, today=None):
    """Move the entries dated before `before` (a date, at least the retention period ago) with
    their seals into the file `output` (JSON lines), and record the cut."""
    today = today or timezone.localdate()
    limit = today - datetime.timedelta(days=retention_days())
    if before > limit:
        raise ArchiveRefused(f"只能归档 {limit:%Y-%m-%d} 之前的条目：审计日志至少保留 {retention_days()} 天")
    output = Path(output)
    if output.exists():
        raise ArchiveRefused(f"文件 {output} 已存在")
    checked = verify()
    if not checked.ok:
        raise ArchiveRefused(f"审计链不完整，不能归档：{checked.problem}")
    cutoff = timezone.make_aware(datetime.datetime.combine(before, datetime.time.min))
    if LogEntry.objects.filter(seal__isnull=True, timestamp__lt=cutoff).exists():
        raise ArchiveRefused("有未封存的条目早于该日期，请先核实并运行 hezuo audit seal")
    after, after_digest, _ = start()
    # The archive is a prefix of the chain: up to the first entry not older than the date.
    young = Seal.objects.filter(seq__gt=after, entry__timestamp__gte=cutoff).aggregate(first=Min("seq"))["first"]
    last = (young - 1) if young is not None else checked.head
    if last <= after:
        raise ArchiveRefused(f"{before:%Y-%m-%d} 之前没有未归档的条目")

    part = output.with_name(output.name + ".part")
    sha = hashlib.sha256()
    with open(part, "xb") as f:
        def put(obj):
            line = (json.dumps(obj, ensure_ascii=False, sort_keys=True) + "\n").encode()
            sha.update(line)
            f.write(line)

        put({"hezuo_audit_archive": 1, "after": {"seq": after, "digest": after_digest},
             "before": before.isoformat(), "created_at": timezone.now().isoformat()})
        digest = after_digest
        for seq, digest, row in _chain_rows(after):
            if seq > last:
                break
            put({"seq": seq, "digest": digest, "entry": dict(zip(FIELDS, json.loads(canonical(row))))})
        put({"head": {"seq": last, "digest": digest}, "entries": last - after})
        f.flush()
        os.fsync(f.fileno())
    os.replace(part, output)
    try:
        with unlocked():
            ChainHead.objects.select_for_update().get(pk=1)  # no sealing meanwhile
            entries = connection.ops.quote_name(LogEntry._meta.db_table)
            seals = connection.ops.quote_name(Seal._meta.db_table)
            ranges = connection.ops.quote_name(ImportedRange._meta.db_table)
            with connection.cursor() as cursor:
                # The runs an archived entry lists go with it: they are in the file, in its content.
                cursor.execute(f"DELETE FROM {ranges} WHERE entry_id IN "
                               f"(SELECT entry_id FROM {seals} WHERE seq > %s AND seq <= %s)", [after, last])
                cursor.execute(f"DELETE FROM {entries} WHERE id IN "
                               f"(SELECT entry_id FROM {seals} WHERE seq > %s AND seq <= %s)", [after, last])
                cursor.execute(f"DELETE FROM {seals} WHERE seq > %s AND seq <= %s", [after, last])
            cut = ArchiveCut(seq=last, digest=digest, before=before, entries=last - after,
                             file_name=str(output.resolve()), file_sha256=sha.hexdigest(), created_at=timezone.now())
            cut.mac = cut_mac(cut)
            cut.save()
    except BaseException:
        output.unlink()
        raise
    return Archived(last - after, after + 1, last, digest, output)


def verify_archive(path):
    """Check an archive file on its own: its lines chain from its start to its recorded head."""
    with open(path, encoding="utf-8") as f:
        lines = [json.loads(line) for line in f]
    if len(lines) < 2 or "hezuo_audit_archive" not in lines[0] or "head" not in lines[-1]:
        return Verification(0, 0, 0, "", Problem("不是完整的审计归档文件"))
    after = lines[0]["after"]
    rows = ((line["seq"], line["digest"], [line["entry"][name] for name in FIELDS]) for line in lines[1:-1])
    count, seq, digest, problem = walk(rows, after["seq"], after["digest"])
    result = Verification(count, after["seq"] + 1, seq, digest, problem)
    if not problem and (lines[-1]["head"] != {"seq": seq, "digest": digest}):
        result.problem = Problem(f"文件末尾记为第 {lines[-1]['head']['seq']} 号，实际最后一条为第 {seq} 号", seq=seq)
    return result
