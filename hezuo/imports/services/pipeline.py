"""An import from the moment a file arrives to its recorded outcome: the one pipeline that
the page, the `import` command, the background worker and `hezuo imports recover` go through.

    record = keep_file(upload, user)   # the original file and an ImportRecord (who, when, checksum)
    start_import(record)               # small: run now; large: queue import_in_background
    run_import(record)                 # run it (lease, progress, outcome); the worker's task calls this

Small files run inside the request, so the reporter sees the result at once; files over
settings.IMPORT_BACKGROUND_ROWS rows go to a django-tasks worker (`hezuo db_worker`) and
the page follows their progress. Deciding must not cost as much as importing, so the rows
are estimated from the bytes, without parsing a cell:

- CSV: the number of line breaks.
- .xlsx: each worksheet's <dimension ref="A1:K3001"> (Excel, WPS and openpyxl write it at
  the top of the sheet XML); without one, the sheet XML's size at ~200 bytes a row.
- .xls: the file size at ~60 bytes a row (an .xls holds at most 65,536 rows a sheet).

A wrong estimate only moves a file between the two paths; both do the same import.
"""

import hashlib
import logging
import re
import zipfile
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from hezuo.changes import generation
from hezuo import access
from hezuo.imports.mapping import parse_mappings
from hezuo.imports.models import ImportRecord
from hezuo.imports.reader import XLS_MAGIC, XLSX_MAGIC
from hezuo.imports.services.importer import import_workbook
from hezuo.imports.services.leases import Heartbeat, claim, save_progress

logger = logging.getLogger(__name__)


class NotRerunnable(Exception):
    pass


def keep_file(source, user, *, name=None, dry_run=False, origin="page", mappings=()):
    """Store the uploaded or given file with a new ImportRecord (who, when, size, checksum,
    and the mappings to import it with)."""
    if isinstance(source, (str, Path)):
        path = Path(source)
        name = name or path.name
        handle = path.open("rb")
    else:
        name = name or source.name
        handle = source
    digest = hashlib.sha256()
    size = 0
    for chunk in iter(lambda: handle.read(1024 * 1024), b""):
        digest.update(chunk)
        size += len(chunk)
    handle.seek(0)
    record = ImportRecord(original_name=Path(name).name[:255], size=size, checksum=digest.hexdigest(),
                          uploaded_by=access.user_of(user), dry_run=dry_run, source=origin, mappings=[str(m) for m in mappings])
    record.file.save(Path(name).name, File(handle), save=False)
    if isinstance(source, (str, Path)):
        handle.close()
    record.save()
    return record


def start_import(record):
    """Import `record` now, or enqueue it when it is large. Returns True if it already ran."""
    record.rows_total = estimate_rows(record.file.path)
    record.save(update_fields=["rows_total"])
    if runs_in_background(record):
        queued = import_in_background.enqueue(record.pk)
        ImportRecord.objects.filter(pk=record.pk).update(task_id=str(queued.id))
        return False
    try:
        run_import(record)
    except Exception:
        pass  # recorded on the import record and logged; the page shows it
    return True


def runs_in_background(record):
    return record.rows_total > settings.IMPORT_BACKGROUND_ROWS


@task()
def import_in_background(record_id):
    """Run the import of a large upload; its ImportRecord carries progress and outcome."""
    record = ImportRecord.objects.select_related("uploaded_by").get(pk=record_id)
    if record.status != ImportRecord.Status.PENDING:
        return record.status  # already run: a task is never worth importing a file twice
    run_import(record)
    return ImportRecord.objects.values_list("status", flat=True).get(pk=record_id)


def run_import(record):
    """Run the import of `record`'s file, updating its progress and outcome. Returns the ImportResult.
    The record's `mappings` (hezuo/imports/mapping.py) say what the office's own words mean.

    The run holds a lease while it works (services/leases.py), so that if this process
    dies, the page and `hezuo imports recover` find out and mark it failed. An unexpected
    error leaves the record failed, not running forever, and is raised again.
    """
    if not claim(record):
        raise RuntimeError(f"Import #{record.pk} is already being run")
    try:
        with Heartbeat(record):
            result = _import(record)
    except Exception:
        logger.exception("Import #%s crashed", record.pk)
        ImportRecord.objects.filter(pk=record.pk).update(
            status=ImportRecord.Status.FAILED, finished_at=timezone.now(), phase="导入时发生内部错误",
            error="导入时发生内部错误，未写入任何数据。请联系系统管理员。",
        )
        raise
    record.refresh_from_db(fields=["rows_done", "rows_total", "phase"])
    record.summary = [sheet.as_dict() for sheet in result.sheets]
    record.problems = [problem.as_dict() for problem in result.problems]
    record.notes = result.notes
    record.warnings = [warning.as_dict() for warning in result.warnings]
    record.unknown = [entry.as_dict() for entry in result.unknown]
    record.changes = result.changes
    record.rows_total = record.rows_done = result.rows
    if result.problems:
        record.status = ImportRecord.Status.FAILED
    elif record.dry_run:
        record.status = ImportRecord.Status.CHECKED
    else:
        record.status = ImportRecord.Status.SUCCEEDED
    record.phase = record.get_status_display()
    record.finished_at = timezone.now()
    record.save()
    return result


def actor_of(record):
    """Who runs an import: its uploader; the console for one started by `hezuo import` without
    --user. Anything else has no actor, and the write gate refuses it (failing closed)."""
    if record.uploaded_by_id is not None:
        return record.uploaded_by
    return access.CONSOLE if record.source == "command" else None


def _import(record):
    last = [0]

    def progress(done, total, phase):
        # Saved outside the write transaction only while reading and checking: inside it,
        # other connections would not see the rows until the commit anyway.
        if transaction.get_connection().in_atomic_block:
            return
        if done - last[0] < 2000 and total and done < total:
            return
        last[0] = done
        # While reading, the total is not known yet (0): keep the estimate made at upload.
        known = {"rows_total": max(total, done)} if total else {}
        save_progress(record, rows_done=done, phase=phase, **known)

    if record.dry_run:
        # Read before the run: a change committed while it checks makes the preview stale too.
        record.generation = generation()
        ImportRecord.objects.filter(pk=record.pk).update(generation=record.generation)
    cause = f"导入文件“{record.original_name}”（导入记录 #{record.pk}）"
    return import_workbook(record.file.path, actor_of(record), dry_run=record.dry_run,
                           name=record.original_name, progress=progress, cause=cause, record=record,
                           mappings=parse_mappings(record.mappings))


def rerun(record, user):
    """A new import of `record`'s kept file, by `user`, for an import that was interrupted.

    Each interrupted import is run again once (its `retry` is unique): a second click, or
    another officer's, gets the re-run already made instead of importing the file twice.
    """
    with transaction.atomic():
        original = ImportRecord.objects.select_for_update().get(pk=record.pk)
        if not original.interrupted:
            raise NotRerunnable("只有意外中止的导入可以重新导入")
        existing = ImportRecord.objects.filter(retry_of=original).first()
        if existing is not None:
            return existing, False
        if not original.file or not original.file.storage.exists(original.file.name):
            raise NotRerunnable("原始文件已不在服务器上，请重新上传")
        again = ImportRecord.objects.create(
            file=original.file.name, original_name=original.original_name, size=original.size,
            checksum=original.checksum, uploaded_by=access.user_of(user), source=original.source, dry_run=original.dry_run,
            mappings=original.mappings, retry_of=original)
    return again, True


# -- how many rows, without reading them ----------------------------------------------------

XLSX_BYTES_PER_ROW = 200
XLS_BYTES_PER_ROW = 60
DIMENSION = re.compile(rb"<(?:\w+:)?dimension\s+ref=\"[A-Z]*(\d*)(?::[A-Z]*(\d+))?\"")


def estimate_rows(path):
    """Roughly how many rows the file at `path` holds (header rows included)."""
    path = Path(path)
    with path.open("rb") as f:
        head = f.read(8)
    if head.startswith(XLSX_MAGIC):
        return _xlsx_rows(path)
    if head == XLS_MAGIC:
        return path.stat().st_size // XLS_BYTES_PER_ROW
    with path.open("rb") as f:
        return sum(chunk.count(b"\n") for chunk in iter(lambda: f.read(1024 * 1024), b"")) + 1


def _xlsx_rows(path):
    try:
        with zipfile.ZipFile(path) as archive:
            rows = 0
            for info in archive.infolist():
                if not (info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml")):
                    continue
                with archive.open(info) as sheet:
                    match = DIMENSION.search(sheet.read(4096))
                if match:
                    rows += int(match.group(2) or match.group(1) or 0)
                else:
                    rows += info.file_size // XLSX_BYTES_PER_ROW
            return rows
    except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError, ValueError, EOFError, OverflowError):
        return 0  # the importer says what is wrong with the file, quickly


# -- after a dry run or a refusal: map the unknown values, confirm the preview -------------


class NotFollowable(Exception):
    """Why a mapping or a confirmation is refused, in Chinese; `stale`: the data changed
    since the preview, which a new preview of the same file answers."""

    def __init__(self, message, stale=False):
        super().__init__(message)
        self.stale = stale


def _follow(original, user, *, dry_run, mappings):
    if not original.file or not original.file.storage.exists(original.file.name):
        raise NotFollowable("原始文件已不在服务器上，请重新上传")
    digest = hashlib.sha256()
    with original.file.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(chunk)
    if digest.hexdigest() != original.checksum:
        raise NotFollowable("服务器上保存的文件与上传时的校验值（SHA-256）不一致，请重新上传")
    return ImportRecord.objects.create(
        file=original.file.name, original_name=original.original_name, size=original.size,
        checksum=original.checksum, uploaded_by=access.user_of(user), source=original.source, dry_run=dry_run,
        mappings=mappings, follows=original)


def map_values(record, user, choices, aliases=()):
    """Run `record`'s kept file again with the unknown values mapped: `choices` {index in
    record.unknown: label}; `aliases` the indexes to keep as the office's aliases too (city
    officers only, hezuo.vocabulary.services.save_alias, audited). A value left unmapped
    stays an error: nothing is guessed. Returns the new ImportRecord (a dry run if the
    original was one), not yet run."""
    from django.core.exceptions import ValidationError

    from hezuo.imports.mapping import Mapping
    from hezuo.vocabulary.services import save_alias

    if record.status != ImportRecord.Status.FAILED or not record.unknown:
        raise NotFollowable("这次导入没有需要映射的值")
    mappings = list(record.mappings)
    chosen = []
    for index, label in choices.items():
        entry = record.unknown[index] if 0 <= index < len(record.unknown) else None
        if entry is None:
            raise NotFollowable("所选的值已不在未识别的值中，请刷新页面后重新选择")
        if label not in entry["choices"]:
            raise NotFollowable(f"“{label}”不是工作表“{entry['sheet']}”“{entry['column']}”列可选的值")
        chosen.append((index, entry, label))
        mappings.append(str(Mapping(entry["sheet"], entry["column"], entry["value"], label)))
    if not chosen:
        raise NotFollowable("请至少为一个值选择含义")
    with transaction.atomic():
        for index, entry, label in chosen:
            if index in aliases and entry.get("aliasable"):
                try:
                    save_alias(user, entry["key"], entry["value"], label)
                except ValidationError as error:
                    texts = "；".join(t for messages in error.message_dict.values() for t in messages)
                    raise NotFollowable(f"工作表“{entry['sheet']}”{entry['column']}列“{entry['value']}”"
                                        f"不能保存为别名：{texts}") from None
        return _follow(record, user, dry_run=record.dry_run, mappings=mappings)


def confirm(record, user):
    """确认导入: the previewed file imported for real, with the same mappings, once. Refused
    when the data changed since the preview began (the change counter, stats.freshness) or
    the kept file no longer matches its checksum. Returns (record, created)."""
    with transaction.atomic():
        preview = ImportRecord.objects.select_for_update().get(pk=record.pk)
        if not preview.dry_run or preview.status != ImportRecord.Status.CHECKED:
            raise NotFollowable("只有校验通过的预览可以确认导入")
        done = preview.followups.filter(dry_run=False).first()
        if done is not None:
            return done, False  # a second click gets the import already made
        if preview.generation is None or preview.generation != generation():
            raise NotFollowable("数据在预览后有变化，请重新预览", stale=True)
        return _follow(preview, user, dry_run=False, mappings=preview.mappings), True


def preview_again(record, user):
    """A new preview of a preview's kept file, with its mappings, against today's data."""
    if not record.dry_run or record.status != ImportRecord.Status.CHECKED:
        raise NotFollowable("只有校验通过的预览可以重新预览")
    return _follow(record, user, dry_run=True, mappings=record.mappings)
