"""An import as a unit of work: keep the original file, run the importer, record the outcome.

The page and the `import` command both come through here; large uploads run the same
`run_import` in a background worker (hezuo/imports/tasks.py).
"""

import hashlib
from pathlib import Path

from django.core.files import File
from django.db import OperationalError, transaction
from django.utils import timezone

from hezuo.imports.models import ImportRecord
from hezuo.imports.services.importer import import_workbook
from hezuo.imports.services.leases import Heartbeat, claim


class NotRerunnable(Exception):
    pass


def keep_file(source, user, *, name=None, dry_run=False, origin="page"):
    """Store the uploaded or given file with a new ImportRecord (who, when, size, checksum)."""
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
                          uploaded_by=user, dry_run=dry_run, source=origin)
    record.file.save(Path(name).name, File(handle), save=False)
    if isinstance(source, (str, Path)):
        handle.close()
    record.save()
    return record


def run_import(record):
    """Run the import of `record`'s file, updating its progress and outcome. Returns the ImportResult.

    The run holds a lease while it works (services/leases.py), so that if this process
    dies, the page and `hezuo imports recover` find out and mark it failed.
    """
    if not claim(record):
        raise RuntimeError(f"Import #{record.pk} is already being run")
    with Heartbeat(record):
        result = _run(record)
    record.refresh_from_db(fields=["rows_done", "rows_total", "phase"])
    record.summary = [sheet.as_dict() for sheet in result.sheets]
    record.problems = [problem.as_dict() for problem in result.problems]
    record.notes = result.notes
    record.warnings = [warning.as_dict() for warning in result.warnings]
    record.rows_total = record.rows_done = sum(sheet.rows for sheet in result.sheets)
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


def save_progress(run, **fields):
    """Progress is worth a try, not a failed run: on SQLite another writer may hold the lock."""
    try:
        type(run).objects.filter(pk=run.pk).update(**fields)
    except OperationalError:
        pass


def _run(record):
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

    cause = f"导入文件“{record.original_name}”（导入记录 #{record.pk}）"
    return import_workbook(record.file.path, record.uploaded_by, dry_run=record.dry_run,
                           name=record.original_name, progress=progress, cause=cause, record=record)


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
            checksum=original.checksum, uploaded_by=user, source=original.source, dry_run=original.dry_run,
            retry_of=original)
    return again, True
