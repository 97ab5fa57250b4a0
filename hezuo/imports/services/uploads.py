"""An upload from the import page: run it now, or hand it to a background worker.

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

import logging
import re
import zipfile
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from hezuo.imports.models import ImportRecord
from hezuo.imports.reader import XLS_MAGIC, XLSX_MAGIC
from hezuo.imports.services.runs import run_import

logger = logging.getLogger(__name__)

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


def runs_in_background(record):
    return record.rows_total > settings.IMPORT_BACKGROUND_ROWS


def start_import(record):
    """Import `record` now, or enqueue it when it is large. Returns True if it already ran."""
    record.rows_total = estimate_rows(record.file.path)
    record.save(update_fields=["rows_total"])
    if runs_in_background(record):
        from hezuo.imports.tasks import import_in_background

        task = import_in_background.enqueue(record.pk)
        ImportRecord.objects.filter(pk=record.pk).update(task_id=str(task.id))
        return False
    try:
        run_recorded(record)
    except Exception:
        pass  # recorded on the import record and logged; the page shows it
    return True


def run_recorded(record):
    """run_import, but an unexpected error leaves the record failed, not running forever."""
    try:
        return run_import(record)
    except Exception:
        logger.exception("Import #%s crashed", record.pk)
        ImportRecord.objects.filter(pk=record.pk).update(
            status=ImportRecord.Status.FAILED, finished_at=timezone.now(), phase="导入时发生内部错误",
            error="导入时发生内部错误，未写入任何数据。请联系系统管理员。",
        )
        raise
