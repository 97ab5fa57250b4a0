"""/key-projects/: key projects against plan, time and the province; a project's monthly
reports and trend; the monthly report form (prefilled from last month); 全省进度 (city)."""

import datetime

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST
from django.urls import reverse

from hezuo import access, gate
from hezuo.core.busy import DatabaseBusy
from hezuo.core.services.records import VersionConflict, save_record
from hezuo.keyprojects import services
from hezuo.core.fields import parse_month
from hezuo.keyprojects.forms import AnnualPlanForm, MonthlyReportForm, ProvinceRateForm
from hezuo.keyprojects.models import AnnualPlan, MonthlyReport, ProvinceRate, ReportPhoto
from hezuo.keyprojects.queries import progress, reported_year, time_progress
from hezuo.projects.models import Project


def _year(request):
    try:
        return int(request.GET.get("year") or reported_year(request.user))
    except ValueError:
        return reported_year(request.user)


def project_list(request):
    access.check_statistics(request.user)
    year = _year(request)
    return render(request, "keyprojects/list.html", {"year": year, "progress": progress(request.user, year),
                                                      "can_enter_rate": access.can_create(request.user, ProvinceRate)})


def project_detail(request, pk, plan_form=None, status=200):
    project = access.get_visible_or_404(request.user, Project, pk)
    year = _year(request)
    stored = AnnualPlan.objects.filter(project=project, year=year).first()
    plan = stored.amount if stored else None
    reports = list(MonthlyReport.objects.filter(project=project, year=year).order_by("month").prefetch_related("photos"))
    rates = dict(ProvinceRate.objects.filter(year=year).values_list("month", "rate"))
    rows = [{"report": r, "share": r.share_of_plan(plan), "time": time_progress(r.month.month),
             "province": rates.get(r.month.month)} for r in reports]
    chart = {"months": [f"{m}月" for m in range(1, 13)],
             "plan": [float(plan * m / 12) / 10000 if plan else None for m in range(1, 13)],
             "actual": [None] * 12}
    for r in reports:
        chart["actual"][r.month.month - 1] = float(r.completed_ytd) / 10000
    may_change = access.can_change(request.user, project)
    can_plan = may_change and access.can_create(request.user, AnnualPlan)
    return render(request, "keyprojects/detail.html", {
        "project": project, "year": year, "plan": plan, "rows": rows, "chart": chart,
        "can_report": may_change and access.can_create(request.user, MonthlyReport),
        "can_plan": can_plan, "plan_version": stored.version if stored else "",
        "plan_form": plan_form or (AnnualPlanForm(instance=stored) if can_plan else None)}, status=status)


@require_POST
def set_plan(request, pk):
    """Set or change the project's 年度计划投资 of the page's year, through the gate."""
    project = access.get_visible_or_404(request.user, Project, pk)
    access.check_create(request.user, AnnualPlan)
    year = _year(request)
    stored = AnnualPlan.objects.filter(project=project, year=year).first()
    form = AnnualPlanForm(request.POST, instance=stored or AnnualPlan(project=project, year=year))
    if form.is_valid():
        try:
            save_record(form, request.user, request.POST.get("version") if stored else None)
            messages.success(request, f"已保存 {project.code} {year}年 年度计划投资")
            return redirect(f"{reverse('keyprojects:detail', args=[project.pk])}?year={year}")
        except (gate.WriteRefused, VersionConflict, DatabaseBusy) as error:
            form.add_error(None, str(error))
        except ValidationError as error:
            form.add_error(None, error)
    return project_detail(request, pk, plan_form=form, status=422)


def report_month(request, pk):
    project = access.get_visible_or_404(request.user, Project, pk)
    access.check_create(request.user, MonthlyReport)
    try:
        year, month = parse_month(request.GET.get("month") or f"{datetime.date.today():%Y-%m}")
    except forms.ValidationError as error:
        return render(request, "keyprojects/report_form.html", {"project": project, "error": error.messages[0]}, status=422)
    day = datetime.date(year, month, 1)
    report = MonthlyReport.objects.filter(project=project, month=day).first() or services.prefill(project, day)
    form = MonthlyReportForm(request.POST or None, instance=report)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            form.instance.completed_month = form.instance.completion_since_last_month()
            try:
                save_record(form, request.user, request.POST.get("version") if report.pk else None)
                messages.success(request, f"已保存 {project.code} {year}年{month}月月报")
                return redirect(f"{reverse('keyprojects:detail', args=[project.pk])}?year={year}")
            except (gate.WriteRefused, VersionConflict, DatabaseBusy) as error:
                form.add_error(None, str(error))
            except ValidationError as error:
                form.add_error(None, error)
        status = 422
    return render(request, "keyprojects/report_form.html", {
        "project": project, "form": form, "report": report, "year": year, "month": month,
        "prefilled": report.pk is None and report.previous() is not None, "closed": gate.closed_for(request.user, gate.CREATE, report),
    }, status=status)


def province_rates(request):
    access.check_statistics(request.user)
    year = _year(request)
    form = ProvinceRateForm(request.POST or None)
    status = 200
    if request.method == "POST":
        access.check_create(request.user, ProvinceRate)
        if form.is_valid():
            (y, m), rate = form.cleaned_data["month"], form.cleaned_data["rate"]
            try:
                services.save_province_rate(request.user, y, m, rate)
                messages.success(request, f"已保存 {y}年{m}月 全省完成率 {rate}%")
                return redirect(f"{reverse('keyprojects:province')}?year={y}")
            except (gate.WriteRefused, VersionConflict, DatabaseBusy) as error:
                form.add_error(None, str(error))
            except ValidationError as error:
                form.add_error(None, "；".join(error.messages))
        status = 422
    return render(request, "keyprojects/province.html", {
        "year": year, "form": form, "rates": ProvinceRate.objects.filter(year=year).order_by("month"),
        "can_enter": access.can_create(request.user, ProvinceRate)}, status=status)


@require_POST
def add_photo(request, pk):
    report = access.get_visible_or_404(request.user, MonthlyReport, pk)
    upload = request.FILES.get("image")
    back = f"{reverse('keyprojects:report', args=[report.project_id])}?month={report.month:%Y-%m}"
    if upload is None:
        messages.error(request, "请选择要上传的照片")
        return redirect(back)
    try:
        services.add_photo(request.user, report, upload, request.POST.get("caption", ""))
        messages.success(request, "照片已上传")
    except gate.WriteRefused as error:
        messages.error(request, error.message)
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
    return redirect(back)


def photo(request, pk, thumbnail=False):
    """A report's photo (or its thumbnail), to readers of its project only."""
    found = access.get_visible_or_404(request.user, ReportPhoto, pk)
    stored = found.thumbnail if thumbnail else found.image
    try:
        return FileResponse(stored.open("rb"), content_type="image/jpeg")
    except FileNotFoundError:
        raise Http404("照片文件不存在")
