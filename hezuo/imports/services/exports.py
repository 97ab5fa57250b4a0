"""Exports too large to write inside a request, written by a background worker instead.

A web request that writes a workbook of 460,000 fund records outlives gunicorn's 30 s
timeout, which kills it mid-file: the user gets a corrupt .xlsx. So an export of more than
settings.EXPORT_BACKGROUND_ROWS rows becomes an ExportRecord and a django-tasks task, the way
a large import does; the page follows its progress and offers the file when it is written.
Smaller ones are still written at once.

The file is kept under the data directory (MEDIA_ROOT/exports/), served only to the user who
asked, and deleted after settings.EXPORT_KEEP_DAYS days. It holds what that user could see
when asking: the worker refuses to write it if their role, unit or account changed since
(`access.scope_key`), rather than guess which of the two scopes they meant.
"""

import os
import tempfile
from datetime import timedelta
from pathlib import Path
from uuid import uuid4

from django.conf import settings
from django.core.files.storage import default_storage
from django.http import QueryDict
from django.shortcuts import redirect
from django.utils import timezone
from django_tasks import task

from hezuo import access
from hezuo.audit.events import record_event
from hezuo.imports.models import ExportRecord
from hezuo.imports.services.exporter import default_rows, export_list, export_workbook
from hezuo.imports.services.leases import Heartbeat, claim, save_progress
from hezuo.imports.specs import SHEETS
from hezuo.workbooks import download


def list_export_name(kind):
    return f"{kind.title}-{timezone.localdate():%Y%m%d}.xlsx"


def full_export_name(year):
    return f"区域合作数据-{year or '全部年度'}.xlsx"


def export_list_or_queue(request, kind, queryset):
    """The list page's 导出 Excel: the file at once, or (large) a background export's page."""
    rows = queryset.count()
    query = request.GET.copy()
    query.pop("format", None)
    filters = query.urlencode()
    if rows <= settings.EXPORT_BACKGROUND_ROWS:
        audit(request, what=str(kind.title), filters=filters, rows=rows)
        return download(list_export_name(kind), lambda out: export_list(out, kind, request.user, queryset))
    record = queue(request, ExportRecord.What.LIST, list_export_name(kind), rows, kind=kind.slug, query=filters)
    return redirect("imports:export_detail", record.pk)


def full_export_rows(user, year):
    return sum(access.visible(user, default_rows(spec, year)).count() for spec in SHEETS)


def export_all_or_queue(request, year):
    """导出数据: the standard workbook of everything the user may see, at once or in the background."""
    rows = full_export_rows(request.user, year)
    if rows <= settings.EXPORT_BACKGROUND_ROWS:
        audit(request, what=full_export_name(year), year=year, rows=rows)
        return download(full_export_name(year), lambda out: export_workbook(out, request.user, year=year))
    record = queue(request, ExportRecord.What.FULL, full_export_name(year), rows, year=year)
    return redirect("imports:export_detail", record.pk)


def audit(request, **data):
    """The export in the audit trail, when asked (with the client's address), whatever its size."""
    request.user.pk  # noqa: B018 -- the lazy user is loaded, so the audit names its model
    record_event("export", actor=getattr(request.user, "_wrapped", request.user), request=request, **data)


def queue(request, what, name, rows, **fields):
    record = ExportRecord.objects.create(requested_by=request.user, what=what, name=name, rows_total=rows,
                                         scope=access.scope_key(request.user), **fields)
    audit(request, what=name, export=record.pk, rows=rows, filters=record.query, year=record.year)
    task = export_in_background.enqueue(record.pk)
    ExportRecord.objects.filter(pk=record.pk).update(task_id=str(task.id))
    return record


@task()
def export_in_background(record_id):
    """Write a large export to its file under the data directory; its ExportRecord carries progress."""
    record = ExportRecord.objects.select_related("requested_by").get(pk=record_id)
    if record.status != ExportRecord.Status.PENDING:
        return record.status
    run_export(record)
    return ExportRecord.objects.values_list("status", flat=True).get(pk=record_id)


def run_export(record):
    """Write `record`'s file (in a worker), holding its lease; a failure is recorded, not raised."""
    expire_old()
    if not claim(record):
        return
    user = record.requested_by
    try:
        if access.scope_key(user) != record.scope:
            raise Refused("申请导出后，您的账号或数据范围已变化，未生成文件。请重新导出。")
        with Heartbeat(record):
            name = write(record, user)
    except Refused as refusal:
        finish(record, status=ExportRecord.Status.FAILED, error=str(refusal), phase="未生成文件")
    except Exception:
        finish(record, status=ExportRecord.Status.FAILED, error="导出时发生内部错误，未生成文件。请联系系统管理员。",
               phase="导出时发生内部错误")
        raise
    else:
        finish(record, status=ExportRecord.Status.SUCCEEDED, file=name, size=default_storage.size(name),
               rows_done=record.rows_done, phase="已完成", keep=True)


class Refused(Exception):
    pass


def write(record, user):
    """Write the workbook to a temporary file and move it into place: a half-written file is never offered."""
    def progress(done):
        record.rows_done = done
        save_progress(record, rows_done=done, phase=f"已写入 {done} {record.counted}")

    folder = Path(settings.MEDIA_ROOT) / "exports" / f"{timezone.localdate():%Y/%m}"
    folder.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(suffix=".part", dir=folder)
    os.close(handle)
    try:
        if record.what in QR_FORMATS:
            suffix = write_qr_codes(record, user, temporary, progress)
        else:
            if record.what == ExportRecord.What.LIST:
                from hezuo.kinds import REGISTRY
                from hezuo.core.queries import list_rows

                kind = REGISTRY[record.kind]
                queryset, _filters, _sort = list_rows(kind, user, QueryDict(record.query))
                result = export_list(temporary, kind, user, queryset, progress=progress)
            else:
                result = export_workbook(temporary, user, year=record.year, progress=progress)
            record.rows_done, suffix = result.rows, "xlsx"
        final = folder / f"{uuid4().hex}.{suffix}"
        os.replace(temporary, final)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return str(final.relative_to(settings.MEDIA_ROOT))


QR_FORMATS = {ExportRecord.What.QR_PDF: "pdf", ExportRecord.What.QR_ZIP: "zip"}


def qr_codes_or_queue(request, event, fmt):
    """An event's 岗位二维码: the file at once for a small event, else a background export's page."""
    from hezuo.jobs import qrcodes

    what = next(what for what, suffix in QR_FORMATS.items() if suffix == fmt)
    name = qrcodes.file_name(event, fmt)
    labels = qrcodes.count(request.user, event)  # raises qrcodes.Empty: nothing to print
    if labels <= settings.QR_BACKGROUND_LABELS:
        audit(request, what=name, rows=labels)
        return download(name, lambda out: qrcodes.write(request.user, event, fmt, out),
                        content_type=qrcodes.FORMATS[fmt])
    record = queue(request, what, name, labels, kind="jobs.event", query=f"event={event.pk}")
    return redirect("imports:export_detail", record.pk)


def write_qr_codes(record, user, path, progress):
    """A queued 岗位二维码 file (the event named by the record's query), counting labels."""
    from hezuo.jobs import qrcodes
    from hezuo.jobs.models import RecruitmentEvent

    event = access.visible(user, RecruitmentEvent.objects.filter(pk=QueryDict(record.query).get("event"))).first()
    if event is None:
        raise Refused("该招聘活动已不存在或不在您的数据范围内，未生成文件。")
    fmt = QR_FORMATS[record.what]
    with open(path, "wb") as out:
        try:
            record.rows_done = qrcodes.write(user, event, fmt, out, lambda done, _total: progress(done))
        except qrcodes.Empty as empty:
            raise Refused(str(empty)) from None
    return fmt


def finish(record, keep=False, **fields):
    now = timezone.now()
    if keep:
        fields["expires_at"] = now + timedelta(days=settings.EXPORT_KEEP_DAYS)
    ExportRecord.objects.filter(pk=record.pk).update(finished_at=now, **fields)
    record.refresh_from_db()


def expire_old():
    """Delete the files of exports kept longer than settings.EXPORT_KEEP_DAYS. Returns how many."""
    count = 0
    for record in ExportRecord.objects.filter(expires_at__lte=timezone.now()).exclude(file=""):
        record.file.delete(save=False)
        ExportRecord.objects.filter(pk=record.pk).update(file="")
        count += 1
    return count
