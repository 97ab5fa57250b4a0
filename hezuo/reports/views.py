"""The annual summary page: preview (HTML, every figure a link) and downloads."""

import tempfile

from django import forms
from django.http import FileResponse
from django.shortcuts import render

from hezuo import access
from hezuo.reports.sentences import TemplateError
from hezuo.reports.services import export
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
