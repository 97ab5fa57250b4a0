"""The public job pages (/j/…): mounted by hezuo/urls.py, and the whole URLconf of the
public host (HEZUO_PUBLIC_HOST, hezuo.jobs.middleware)."""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.urls import include, path

from hezuo.jobs import public

patterns = [
    path("e/<str:token>/", public.event_page, name="event"),
    path("c/<str:token>/", public.employer_page, name="employer"),
    path("<str:token>/", public.posting_page, name="posting"),
]

# The public host's URLconf: these pages and the load balancer's health check, nothing else.
urlpatterns = [
    path("j/", include((patterns, "public"), namespace="public")),
    path("healthz", login_not_required(lambda request: HttpResponse("ok"))),
]
# Its error pages are the public ones: the intranet's link to the intranet (回到工作台, 登录).
handler400 = "hezuo.jobs.public.bad_request"
handler403 = "hezuo.jobs.public.forbidden"
handler404 = "hezuo.jobs.public.not_found"
handler500 = "hezuo.jobs.public.server_error"
