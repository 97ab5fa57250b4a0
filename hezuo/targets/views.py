"""/targets/: the year's targets (目标任务) against their indicators; city officers set targets,
define the office's own indicators and enter those indicators' actuals. Everyone who reads
statistics reads the page, each in their scope (a district: the targets of its subtree)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from hezuo import access, gate
from hezuo.core.busy import DatabaseBusy
from hezuo.core.entry import DeleteForm
from hezuo.core.errors import refused
from hezuo.core.services.records import VersionConflict, save_record
from hezuo.stats.forms import StatsForm
from hezuo.stats.queries import default_year
from hezuo.targets.forms import ActualForm, IndicatorForm, TargetForm
from hezuo.targets.indicators import BUILTIN, progress, targets_of
from hezuo.targets.models import Indicator, Target
from hezuo.targets.services import delete_target


def target_list(request):
    access.check_statistics(request.user)
    form = StatsForm(request.GET, default_year(request.user))
    if not form.is_valid():
        return render(request, "targets/list.html", {"form": form}, status=422)
    year, month = form.cleaned_data["year"], form.cleaned_data["through_month"]
    rows = progress(request.user, targets_of(request.user, year), month)
    return render(request, "targets/list.html", {
        "form": form, "year": year, "month": month, "rows": rows,
        "can_set": access.can_create(request.user, Target), "builtin": BUILTIN.values(),
        "indicators": Indicator.objects.all(),
    })


def _save(request, form, template, context, done):
    """Save through the record service (the gate: role, scope, period); the form again if refused."""
    try:
        save_record(form, request.user, request.POST.get("version"))
    except (PermissionDenied, DatabaseBusy, VersionConflict) as error:
        status = 409 if getattr(error, "lock", None) or isinstance(error, VersionConflict) else \
            503 if isinstance(error, DatabaseBusy) else 403
        form.add_error(None, str(error))
        return render(request, template, {**context, "form": form}, status=status)
    messages.success(request, done)
    year = getattr(form.instance, "year", None)
    return redirect(reverse("targets:list") + (f"?year={year}" if year else ""))


def target_edit(request, pk=None):
    access.check_create(request.user, Target)
    target = access.get_visible_or_404(request.user, Target, pk) if pk else Target()
    form = TargetForm(request.POST or None, instance=target,
                      initial=None if pk else {"year": default_year(request.user)})
    context = {"target": target}
    if request.method == "POST":
        if not form.is_valid():
            return render(request, "targets/form.html", {**context, "form": form}, status=422)
        return _save(request, form, "targets/form.html", context, f"已保存目标任务：{form.instance}")
    return render(request, "targets/form.html", {**context, "form": form})


def target_delete(request, pk):
    """The confirmation page (what is deleted: the target with its value and actual), then the
    delete through the gate (city officers; audited)."""
    target = access.get_visible_or_404(request.user, Target, pk)
    access.check_change(request.user, target)
    back = reverse("targets:list") + f"?year={target.year}"
    closed = gate.closed_for(request.user, gate.DELETE, target)
    if closed:
        return refused(request, closed, "删除", back)
    [row] = progress(request.user, [target])
    form = DeleteForm(request.POST or None)
    error, status = None, 200
    if request.method == "POST" and form.is_valid():
        try:
            delete_target(target, request.user, request.POST.get("version"), form.cleaned_data["reason"])
        except gate.WriteRefused as problem:
            return refused(request, problem, "删除", back)
        except VersionConflict as problem:
            error, status = str(problem), 409
        except DatabaseBusy:
            error, status = "系统正忙（正在写入其他数据，如批量导入），这条目标任务没有删除。请稍等片刻后再点击确认删除。", 503
        else:
            messages.success(request, f"已删除目标任务：{target}（目标值 {row.target_text}）")
            return redirect(back)
    return render(request, "targets/delete.html", {"target": target, "row": row, "form": form, "error": error,
                                                   "back": back}, status=status)


def actual_edit(request, pk):
    """The actual of a target on an office-defined indicator, stamped with who and when."""
    access.check_create(request.user, Target)
    target = access.get_visible_or_404(request.user, Target, pk)
    if not target.custom_id:
        raise PermissionDenied("内置指标的完成值由记录自动计算，不能手工填写")
    form = ActualForm(request.POST or None, instance=target)
    context = {"target": target}
    if request.method == "POST":
        if not form.is_valid():
            return render(request, "targets/actual.html", {**context, "form": form}, status=422)
        target.actual_by = access.user_of(request.user)
        target.actual_at = timezone.now()
        return _save(request, form, "targets/actual.html", context, f"已填报完成值：{target}")
    return render(request, "targets/actual.html", {**context, "form": form})


def indicator_new(request):
    access.check_create(request.user, Indicator)
    form = IndicatorForm(request.POST or None)
    if request.method == "POST":
        if not form.is_valid():
            return render(request, "targets/indicator.html", {"form": form}, status=422)
        return _save(request, form, "targets/indicator.html", {}, f"已新增自定义指标：{form.instance}")
    return render(request, "targets/indicator.html", {"form": form})
