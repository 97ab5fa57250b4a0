"""The dashboard (驾驶舱) and the statistics page; both read hezuo/stats/queries.py."""

from django.conf import settings
from django.http import FileResponse, Http404
from django.shortcuts import render

from hezuo import access
from hezuo.changes import kept
from hezuo.stats import dashboard as board
from hezuo.stats.export import write_statistics
from hezuo.stats.forms import DashboardForm, StatsForm
from hezuo.stats.queries import default_year, statistics
from hezuo.workbooks import download


def dashboard(request):
    access.check_statistics(request.user)
    form = DashboardForm(request.GET, default_year(request.user))
    if not form.is_valid():
        return render(request, "stats/dashboard.html", {"form": form}, status=422)
    year, program = form.cleaned_data["year"], form.cleaned_data["program"]
    dash = kept("dashboard", access.data_scope(request.user), [year, program.pk if program else ""],
                lambda: board.build(request.user, year, program).frozen())
    return render(request, "stats/dashboard.html", {"form": form, "dash": dash, "data": dash.data,
                                                    "figures": dash.figures, "progress": dash.key_projects,
                                                    "jobs": dash.jobs})


def stats_table(request):
    access.check_statistics(request.user)
    form = StatsForm(request.GET, default_year(request.user))
    if not form.is_valid():
        return render(request, "stats/table.html", {"form": form}, status=422)
    year, month = form.cleaned_data["year"], form.cleaned_data["through_month"]
    stats = statistics(request.user, year, month)
    if request.GET.get("format") == "xlsx":
        return download(f"区域合作统计-{stats.period}.xlsx", lambda out: write_statistics(out, stats))
    return render(request, "stats/table.html", {"form": form, "stats": stats})


def map_outline(request):
    """The office's own map outline (settings.HEZUO_MAP_GEOJSON); the packaged one is a static file."""
    access.check_statistics(request.user)
    if not settings.HEZUO_MAP_GEOJSON:
        raise Http404("未配置自定义地图")
    try:
        handle = open(settings.HEZUO_MAP_GEOJSON, "rb")
    except OSError:
        raise Http404("地图文件不存在")
    return FileResponse(handle, content_type="application/geo+json")
