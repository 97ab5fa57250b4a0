"""The site's URLs and error handlers, plus a page that fails (for the 500 page's tests)."""

from django.urls import path

from hezuo.urls import handler400, handler403, handler404, handler500, urlpatterns as site  # noqa: F401


def fails(request):
    raise RuntimeError("a bug")


urlpatterns = [path("fails/", fails), *site]
