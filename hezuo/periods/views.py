"""/periods/: the city office's list of closed periods, with the forms to close a unit's month,
close a year (年度关账) and reopen either with a reason. Others get a 404."""

from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from hezuo import access
from hezuo.core.fields import MonthField
from hezuo.org.models import Unit
from hezuo.periods import services
from hezuo.periods.models import PeriodLock

HISTORY_SHOWN = 30


class LockMonthForm(forms.Form):
    unit = forms.ModelChoiceField(Unit.objects.all(), label="单位", empty_label="请选择单位",
                                  error_messages={"required": "请选择单位", "invalid_choice": "所选单位不存在"})
    month = MonthField()
    reason = forms.CharField(label="原因", max_length=200, required=False)


class CloseYearForm(forms.Form):
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100,
                              error_messages={"required": "请填写年度", "invalid": "年度应为四位年份，如 2024",
                                              "min_value": "年度应在 2000—2100 之间",
                                              "max_value": "年度应在 2000—2100 之间"})
    reason = forms.CharField(label="原因", max_length=200, required=False)


class UnlockForm(forms.Form):
    reason = forms.CharField(label="解锁原因", max_length=200, error_messages={"required": "解锁须填写原因"})


def period_list(request, lock_form=None, year_form=None, error=None, status=200):
    access.check_manage_periods(request.user)
    return render(request, "periods/list.html", {
        "locks": PeriodLock.active.select_related("unit", "locked_by"),
        "released": PeriodLock.objects.filter(released_at__isnull=False).select_related(
            "unit", "locked_by", "released_by").order_by("-released_at")[:HISTORY_SHOWN],
        "lock_form": lock_form or LockMonthForm(), "year_form": year_form or CloseYearForm(),
        "error": error,
    }, status=status)


@require_POST
def lock_month(request):
    access.check_manage_periods(request.user)
    form = LockMonthForm(request.POST)
    if not form.is_valid():
        return period_list(request, lock_form=form, status=422)
    year, month = form.cleaned_data["month"]
    try:
        found = services.lock(form.cleaned_data["unit"], year, month, actor=request.user,
                              reason=form.cleaned_data["reason"])
    except services.PeriodError as error:
        return period_list(request, lock_form=form, error=str(error), status=422)
    messages.success(request, f"已锁定：{found}")
    return redirect("periods:list")


@require_POST
def close_year(request):
    access.check_manage_periods(request.user)
    form = CloseYearForm(request.POST)
    if not form.is_valid():
        return period_list(request, year_form=form, status=422)
    found = services.close_year(form.cleaned_data["year"], actor=request.user, reason=form.cleaned_data["reason"])
    messages.success(request, f"已年度关账：{found.period_label}")
    return redirect("periods:list")


@require_POST
def unlock(request, pk):
    access.check_manage_periods(request.user)
    found = get_object_or_404(PeriodLock.active, pk=pk)
    form = UnlockForm(request.POST)
    if not form.is_valid():
        return period_list(request, error=f"{found}：{form.errors['reason'][0]}", status=422)
    try:
        services.unlock(found.unit, found.year, found.month, actor=request.user, reason=form.cleaned_data["reason"],
                        covers=found.covers)
    except services.PeriodError as error:
        return period_list(request, error=str(error), status=422)
    messages.success(request, f"已解锁：{found}")
    return redirect("periods:list")
