"""The annual summary page: preview (HTML, every figure a link) and downloads; the pages
where city officers reword its sentence templates (句式模板)."""

import tempfile

from django import forms
from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from hezuo import access
from hezuo.reports.models import TemplateVersion
from hezuo.reports.sentences import TemplateError
from hezuo.reports.services import export
from hezuo.reports.services import templates as template_service
from hezuo.reports.services.report import build_report
from hezuo.stats.forms import PeriodForm
from hezuo.stats.queries import default_year


class DownloadForm(PeriodForm):
    format = forms.ChoiceField(label="格式", choices=[(f, f) for f in export.FORMATS])


def index(request):
    access.check_statistics(request.user)
    form = PeriodForm(request.GET, default_year(request.user))
    if not form.is_valid():
        return render(request, "reports/index.html", {"form": form}, status=422)
    try:
        report = build_report(request.user, form.cleaned_data["year"])
    except TemplateError as error:
        return render(request, "reports/index.html", {"form": form, "error": str(error)}, status=500)
    return render(request, "reports/index.html", {"form": form, "report": report, "year": form.cleaned_data["year"]})


def download_report(request):
    access.check_statistics(request.user)
    form = DownloadForm(request.GET, default_year(request.user))
    if not form.is_valid():
        return render(request, "reports/index.html", {"form": form}, status=422)
    fmt = form.cleaned_data["format"]
    handle = tempfile.TemporaryFile()
    filename = export.write(fmt, request.user, form.cleaned_data["year"], handle)
    handle.seek(0)
    return FileResponse(handle, as_attachment=True, filename=filename, content_type=export.FORMATS[fmt][0])


# -- 句式模板: the sentence templates, reworded by city officers -------------------------------


class TemplateForm(forms.Form):
    text = forms.CharField(label="模板内容", strip=False, widget=forms.Textarea(attrs={"rows": 18, "spellcheck": "false"}),
                           error_messages={"required": "模板内容不能为空"})
    note = forms.CharField(label="修改说明", max_length=200, required=False,
                           widget=forms.TextInput(attrs={"placeholder": "如：资金一句改为先写拨付"}))
    based_on = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


def template_list(request):
    access.check_read_report_templates(request.user)
    return render(request, "reports/template_list.html", {
        "families": template_service.families(),
        "can_edit": access.can_create(request.user, TemplateVersion),
    })


def _family_or_404(name):
    found = template_service.family(name)
    if found is None:
        raise Http404("没有这个句式模板")
    return found


def _edit_page(request, family, form=None, preview=None, error="", status=200):
    return render(request, "reports/template_edit.html", {
        "family": family,
        "form": form or TemplateForm(initial={"text": family.text, "based_on": family.number}),
        "preview": preview,
        "error": error,
        "history": template_service.history(family.name),
        "reference": template_service.reference(family.name),
        "can_edit": access.can_create(request.user, TemplateVersion),
    }, status=status)


def template_edit(request, name):
    """GET: the family's current text, its history; POST: 保存 (a new version)."""
    access.check_read_report_templates(request.user)
    family = _family_or_404(name)
    if request.method != "POST":
        return _edit_page(request, family)
    access.check_create(request.user, TemplateVersion)
    form = TemplateForm(request.POST)
    if not form.is_valid():
        return _edit_page(request, family, form, status=422)
    data = form.cleaned_data
    try:
        version = template_service.save(request.user, family.name, data["text"], based_on=data["based_on"],
                                        note=data["note"])
    except (TemplateError, template_service.TemplateConflict, template_service.Unchanged) as refused:
        return _edit_page(request, family, form, error=str(refused), status=422)
    messages.success(request, f"已保存“{family.name}”第{version.number}版，年度总结即按新句式生成。")
    return redirect("reports:template", name=family.name)


@require_POST
def template_preview(request, name):
    """The family's section of this year's summary as the posted text would write it; saves
    nothing. htmx swaps in the fragment (with 200 even for a refused text: htmx swaps no 4xx);
    without JavaScript the whole page comes back, the text as typed."""
    access.check_read_report_templates(request.user)
    family = _family_or_404(name)
    access.check_create(request.user, TemplateVersion)
    form = TemplateForm(request.POST)
    text = request.POST.get("text", "")
    found = template_service.preview(request.user, family.name, text, default_year(request.user))
    if request.htmx:
        return render(request, "reports/template_preview.html", {"preview": found, "family": family})
    return _edit_page(request, family, form, preview=found, status=422 if found.error else 200)


@require_POST
def template_restore(request, name):
    """恢复为系统默认: the shipped file's text as a new version."""
    access.check_read_report_templates(request.user)
    family = _family_or_404(name)
    access.check_create(request.user, TemplateVersion)
    based_on = request.POST.get("based_on", "")
    try:
        version = template_service.restore(request.user, family.name,
                                           based_on=int(based_on) if based_on.isdigit() else -1)
    except (TemplateError, template_service.TemplateConflict, template_service.Unchanged) as refused:
        return _edit_page(request, family, error=str(refused), status=422)
    messages.success(request, f"已将“{family.name}”恢复为系统默认句式（第{version.number}版）。")
    return redirect("reports:template", name=family.name)
