from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.urls import include, path

from hezuo.core import views
from hezuo.imports.views import list_or_export
from hezuo.jobs import public_urls
from hezuo.kinds import load

urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/", include("hezuo.accounts.urls")),
    path("audit/", include("hezuo.audit.urls")),
    path("imports/", include("hezuo.imports.urls")),
    path("aliases/", include("hezuo.vocabulary.urls")),
    path("", include("hezuo.stats.urls")),
    path("reports/", include("hezuo.reports.urls")),
    path("trash/", include("hezuo.trash.urls")),
    path("periods/", include("hezuo.periods.urls")),
    path("targets/", include("hezuo.targets.urls")),
    path("key-projects/", include("hezuo.keyprojects.urls")),
    path("reporting/", include("hezuo.reporting.urls")),
    path("regions/suggest/", views.region_suggest, name="region_suggest"),
    path("quality/", views.data_quality, name="data_quality"),
    path("j/", include((public_urls.patterns, "public"), namespace="public")),
    path("jobs/", include("hezuo.jobs.urls")),
    path("healthz", login_not_required(lambda request: HttpResponse("ok")), name="healthz"),
]
urlpatterns += [views.record_urls(kind, list_view=list_or_export) for kind in load().values()]

handler400 = "hezuo.core.errors.bad_request"
handler403 = "hezuo.core.errors.permission_denied"
handler404 = "hezuo.core.errors.page_not_found"
handler500 = "hezuo.core.errors.server_error"
