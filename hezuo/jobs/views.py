"""The event's postings page: its postings with their state and scans, a selection
published or taken offline at once (through hezuo.jobs.services, which passes the gate);
the event's printable QR codes are an export (hezuo.imports.views.event_qrcodes)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q, Sum
from django.shortcuts import redirect, render
from django.utils import timezone

from hezuo import access
from hezuo.core.busy import DatabaseBusy
from hezuo.core.services.records import VersionConflict, save_record
from hezuo.jobs import services
from hezuo.jobs.forms import results_form
from hezuo.jobs.models import Posting, RecruitmentEvent

# The state as every page reads it (Posting.list_filter_q: an expired posting is 已下线).
STATE_FILTERS = {"pending": "待审核", "published": "已发布", "offline": "已下线（含已过期）"}
PAGE_SIZE = 100
ACTIONS = {"publish": (Posting.State.PUBLISHED, "发布"), "offline": (Posting.State.OFFLINE, "下线")}


def event_postings(request, pk):
    event = access.get_visible_or_404(request.user, RecruitmentEvent, pk)
    today = timezone.localdate()
    rows = access.visible(request.user, Posting.objects.filter(event=event))
    if request.method == "POST":
        return change_states(request, event, rows)
    state = request.GET.get("state", "")
    if state in STATE_FILTERS:
        rows = rows.filter(Posting.list_filter_q("state", state, today) or Q(state=state))
    q = request.GET.get("q", "").strip()
    if q:
        rows = rows.filter(Q(employer__name__icontains=q) | Q(title__icontains=q))
    rows = rows.select_related("employer").annotate(scan_total=Sum("scans__count")).order_by("employer__name", "title",
                                                                                             "id")
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "jobs/event_postings.html", {
        "event": event, "page": page, "state": state, "q": q,
        "states": list(STATE_FILTERS.items()),
        "can_publish": access.can_create(request.user, Posting),
    })


def change_states(request, event, rows):
    action = request.POST.get("action", "")
    if action not in ACTIONS and action != "publish_pending":
        return redirect("jobs:event_postings", pk=event.pk)
    if action == "publish_pending":
        chosen, (state, verb) = rows.filter(state=Posting.State.PENDING), ACTIONS["publish"]
    else:
        ids = [value for value in request.POST.getlist("posting") if value.isdigit()]
        chosen, (state, verb) = rows.filter(pk__in=ids), ACTIONS[action]
        if not ids:
            messages.error(request, f"请先勾选要{verb}的岗位")
            return redirect(request.get_full_path())
    try:
        result = services.set_state(request.user, chosen, state)
    except (PermissionDenied, DatabaseBusy) as error:
        messages.error(request, f"没有{verb}任何岗位：{error}")
    else:
        text = f"已{verb} {result.changed} 个岗位"
        if result.expired:
            text += f"；{len(result.expired)} 个已过有效期，未发布（请先修改有效期）"
        elif result.skipped:
            text += f"；{result.skipped} 个本已是该状态"
        messages.success(request, text)
    return redirect(request.get_full_path())


def event_results(request, pk):
    """成效 on an event's page: its results entered after the event, saved through the record
    service (gate, version, audit) like the event's whole form."""
    event = access.get_visible_or_404(request.user, RecruitmentEvent, pk)
    access.check_change(request.user, event)
    form = results_form(event, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            save_record(form, request.user, expected_version=request.POST.get("version"))
        except (VersionConflict, PermissionDenied, DatabaseBusy) as error:
            messages.error(request, f"成效未保存：{error}")
        else:
            messages.success(request, "已保存活动成效")
    elif request.method == "POST":
        messages.error(request, "成效未保存：" + "；".join(
            f"{form.fields[name].label if name in form.fields else ''}{'：' if name in form.fields else ''}{'、'.join(errors)}"
            for name, errors in form.errors.items()))
    return redirect("recruitment-events:detail", pk=event.pk)


def posting_state(request, pk):
    """发布 / 下线 on a posting's own page."""
    posting = access.get_visible_or_404(request.user, Posting, pk)
    action = request.POST.get("action", "")
    if request.method != "POST" or action not in ACTIONS:
        return redirect("postings:detail", pk=posting.pk)
    state, verb = ACTIONS[action]
    try:
        result = services.set_state(request.user, Posting.objects.filter(pk=posting.pk), state)
    except (PermissionDenied, DatabaseBusy) as error:
        messages.error(request, f"未能{verb}：{error}")
    else:
        if result.changed:
            messages.success(request, f"已{verb}岗位：{posting}")
        elif result.expired:
            messages.error(request, "该岗位已过有效期，请先修改有效期再发布")
    return redirect("postings:detail", pk=posting.pk)
