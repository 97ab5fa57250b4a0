"""Pages for importing and exporting the standard workbook."""

import mimetypes

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from hezuo import access
from hezuo.core.queries import list_rows
from hezuo.core.views import get_kind, record_list
from hezuo.imports.forms import UploadForm
from hezuo.imports.models import ExportRecord, ImportRecord
from hezuo.imports.services.exporter import export_workbook
from hezuo.imports.services.exports import export_all_or_queue, export_list_or_queue, qr_codes_or_queue
from hezuo.imports.services.leases import recover
from hezuo.jobs import qrcodes
from hezuo.jobs.models import RecruitmentEvent
from hezuo.imports.services.problem_report import build_report, ordered, report_name
from hezuo.imports.services.pipeline import (
    NotFollowable, NotRerunnable, confirm, keep_file, map_values, preview_again, rerun, runs_in_background,
    start_import,
)
from hezuo.workbooks import download

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PROBLEMS_SHOWN = 1000  # on the page; the error report lists them all


# -- Upload and follow an import ---------------------------------------------------------


@require_safe
def import_list(request):
    """Imports the user may follow: their own; a city officer's or the admin's: everyone's."""
    records = access.visible_imports(request.user, ImportRecord.objects.select_related("uploaded_by"))
    page = Paginator(records, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    role = access.role_of(request.user)
    return render(request, "imports/list.html", {
        "page": page,
        "can_upload": access.can_import(request.user),
        "sees_everyones": access.sees_all_imports(request.user),
        "can_export": access.can_export(request.user),
        "is_leader": role == access.Role.LEADER,
        "is_admin": role == access.Role.ADMIN,
        "exports": ExportRecord.objects.filter(requested_by=request.user)[:10],
    })


@require_http_methods(["GET", "POST"])
def upload(request):
    access.check_import(request.user)
    form = UploadForm(request.POST, request.FILES) if request.method == "POST" else UploadForm()
    if form.is_valid():
        record = keep_file(form.cleaned_data["file"], request.user, dry_run=form.cleaned_data["dry_run"],
                           origin="page")
        start_import(record)
        return redirect("imports:detail", record.pk)
    return render(request, "imports/upload.html", {"form": form, "background_rows": settings.IMPORT_BACKGROUND_ROWS},
                  status=422 if request.method == "POST" else 200)


def _status_context(request, record):
    recover(record)  # a run whose worker died is marked failed here, where its owner looks
    return {
        "record": record,
        "problems": ordered(record.problems)[:PROBLEMS_SHOWN],
        "problems_hidden": max(0, len(record.problems) - PROBLEMS_SHOWN),
        "totals": record.totals(),
        "in_background": runs_in_background(record),
        "can_read_contents": access.can_read_import_contents(request.user),
        "can_upload": access.can_import(request.user),
        "retry": ImportRecord.objects.filter(retry_of=record).first() if record.interrupted else None,
        "can_follow": access.can_follow_import(request.user, record),
        "can_save_aliases": access.can_manage_aliases(request.user),
        "confirmed": record.followups.filter(dry_run=False).first() if record.status == "checked" else None,
    }


@require_safe
def detail(request, pk):
    record = access.get_import_or_404(request.user, pk)
    return render(request, "imports/detail.html", _status_context(request, record))


@require_safe
def progress(request, pk):
    """The progress bar while the import runs (htmx polls it), then the result in its place."""
    record = access.get_import_or_404(request.user, pk)
    return render(request, "imports/status.html", _status_context(request, record))


@require_POST
def rerun_import(request, pk):
    """重新导入: the kept file of an interrupted import, imported again (once) by this user."""
    record = access.get_import_or_404(request.user, pk)
    access.check_import(request.user)
    try:
        again, created = rerun(record, request.user)
    except NotRerunnable as refusal:
        context = _status_context(request, record)
        return render(request, "imports/detail.html", {**context, "rerun_error": str(refusal)}, status=409)
    if created:
        start_import(again)
    return redirect("imports:detail", again.pk)


def _follow(request, pk, step, status):
    """Map, confirm or preview again: `step(record)` makes a new run of the import's kept file,
    (run, created), which starts and is shown; or the import's page again saying why not."""
    record = access.get_import_or_404(request.user, pk)
    access.check_follow_import(request.user, record)
    try:
        again, created = step(record)
    except NotFollowable as refusal:
        context = {**_status_context(request, record), "follow_error": str(refusal), "stale": refusal.stale}
        return render(request, "imports/detail.html", context, status=status)
    if created:
        start_import(again)
    return redirect("imports:detail", again.pk)


@require_POST
def map_unknown(request, pk):
    """映射后重新导入: the values chosen for the unknown words become this import's mappings
    (and, ticked by a city officer, the office's aliases); the kept file runs again."""
    def step(record):
        choices, aliases = {}, set()
        for index in range(len(record.unknown)):
            label = request.POST.get(f"map-{index}", "").strip()
            if label:
                choices[index] = label
                if request.POST.get(f"alias-{index}") and access.can_manage_aliases(request.user):
                    aliases.add(index)
        return map_values(record, request.user, choices, aliases), True

    return _follow(request, pk, step, status=422)


@require_POST
def confirm_import(request, pk):
    """确认导入: the previewed upload imported for real, without uploading it again."""
    return _follow(request, pk, lambda record: confirm(record, request.user), status=409)


@require_POST
def repreview(request, pk):
    """重新预览: after the data changed, the same kept file and mappings checked again."""
    return _follow(request, pk, lambda record: (preview_again(record, request.user), True), status=409)


@require_safe
def problems_workbook(request, pk):
    record = access.get_import_or_404(request.user, pk)
    access.check_import_contents(request.user)
    if not record.problems:
        raise Http404("这次导入没有错误")
    response = HttpResponse(build_report(record), content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, report_name(record))
    return response


@require_safe
def original_file(request, pk):
    record = access.get_import_or_404(request.user, pk)
    access.check_import_contents(request.user)
    try:
        handle = record.file.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404("原始文件已不在服务器上")
    return FileResponse(handle, as_attachment=True, filename=record.original_name)


# -- Export -------------------------------------------------------------------------------


def list_or_export(request, slug):
    """A record kind's list page; with ?format=xlsx (its 导出 Excel button) every page of the
    list, as filtered and sorted, as a workbook (made in the background when large)."""
    if request.GET.get("format") != "xlsx":
        return record_list(request, slug)
    kind = get_kind(slug, request.user)
    queryset, filters, _sort = list_rows(kind, request.user, request.GET)
    if filters.errors:
        return HttpResponseBadRequest("筛选条件有误，请修改后再导出")
    return export_list_or_queue(request, kind, queryset)


@require_safe
def blank_template(request):
    """The standard workbook to fill in: headers, drop-downs, 填写说明, no data."""
    return download("标准填报模板.xlsx", lambda out: export_workbook(out, blank=True))


@require_safe
def export_all(request):
    """Everything the user may see, of one year with ?year=, as the standard workbook.

    The system admin keeps users and dictionaries and sees no business records, so has
    nothing to export: 403 rather than a workbook of empty sheets.
    """
    if not access.can_export(request.user):
        raise PermissionDenied("系统管理员不查看业务数据，不能导出")
    year = request.GET.get("year", "").strip()
    if year and not (year.isdigit() and 1990 <= int(year) <= 2100):
        return HttpResponseBadRequest("年度应为四位年份，如 2024")
    return export_all_or_queue(request, int(year) if year else None)


def _own_export_or_404(request, pk):
    """An export is its requester's alone: anyone else, whatever their role, gets a 404."""
    try:
        return recover(ExportRecord.objects.get(pk=pk, requested_by=request.user))
    except (ExportRecord.DoesNotExist, ValueError):
        raise Http404("导出记录不存在或不是您导出的")


@require_safe
def export_detail(request, pk):
    return render(request, "imports/export_detail.html", {"export": _own_export_or_404(request, pk)})


@require_safe
def export_progress(request, pk):
    return render(request, "imports/export_status.html", {"export": _own_export_or_404(request, pk)})


@require_safe
def export_file(request, pk):
    export = _own_export_or_404(request, pk)
    if not export.downloadable:
        gone = export.status == ExportRecord.Status.SUCCEEDED  # then expired
        reason = "文件已过期删除，请重新导出" if gone else "文件尚未生成"
        return render(request, "imports/export_detail.html", {"export": export, "gone": reason},
                      status=410 if gone else 409)
    content_type = mimetypes.guess_type(export.name)[0] or XLSX  # an event's QR codes are a .pdf or .zip
    return FileResponse(export.file.open("rb"), as_attachment=True, filename=export.name, content_type=content_type)


@require_POST
def event_qrcodes(request, pk, fmt):
    """打印二维码 / 二维码图片: the event's codes as a PDF or a ZIP — at once for a small event,
    else written by a background worker, whose page shows its progress."""
    event = access.get_visible_or_404(request.user, RecruitmentEvent, pk)
    if fmt not in qrcodes.FORMATS:
        raise Http404
    if not access.can_export(request.user):
        raise PermissionDenied
    try:
        return qr_codes_or_queue(request, event, fmt)
    except qrcodes.Empty as empty:
        messages.error(request, str(empty))
        return redirect("recruitment-events:detail", pk=event.pk)
