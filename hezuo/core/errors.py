"""The error pages (400, 403, 404, 500, CSRF failure): Chinese, in the site's layout, saying
what to do next.

400/403/404 and the CSRF page render with the request, so a signed-in user keeps the side
navigation (the context processors run). The 500 page renders from a plain dict: the
database, the session or a context processor may be what failed, so it reads none of them
and shows a fixed navigation and an error number that is also written to the log.
"""

import logging
import secrets

from django.http import HttpResponse, HttpResponseBadRequest, HttpResponseForbidden, HttpResponseNotFound, HttpResponseServerError
from django.template import loader
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme

logger = logging.getLogger("hezuo.errors")


def same_site_url(request, url):
    """`url` if it leads to this site (a link back, a page to return to), else None."""
    try:
        host = request.get_host()
    except Exception:  # a disallowed Host header: no link rather than a second error
        return None
    if url and url_has_allowed_host_and_scheme(url, allowed_hosts={host}, require_https=request.is_secure()):
        return url
    return None


def back_url(request):
    """The page the user came from, if it is on this site."""
    return same_site_url(request, request.META.get("HTTP_REFERER", ""))


def bad_request(request, exception, template_name="400.html"):
    return HttpResponseBadRequest(loader.render_to_string(template_name, {"back": back_url(request)}, request))


def permission_denied(request, exception, template_name="403.html"):
    return HttpResponseForbidden(loader.render_to_string(template_name, {"back": back_url(request)}, request))


def refused(request, error, verb="修改", obj_url=None):
    """The page for a write the gate refused (gate.WriteRefused): 409 with the closed period
    and who can reopen it, or 403; in the site's layout."""
    context = {"message": str(error), "locked": bool(getattr(error, "lock", None)), "verb": verb,
               "status": getattr(error, "status", 403), "obj_url": obj_url, "back": back_url(request)}
    return HttpResponse(loader.render_to_string("refused.html", context, request), status=context["status"])


def page_not_found(request, exception, template_name="404.html"):
    return HttpResponseNotFound(loader.render_to_string(template_name, {"back": back_url(request)}, request))


def csrf_failure(request, reason="", template_name="403_csrf.html"):
    return HttpResponseForbidden(loader.render_to_string(template_name, {"back": back_url(request)}, request))


def server_error(request, template_name="500.html"):
    number = secrets.token_hex(4).upper()
    when = timezone.localtime()
    # Django's own log line with the traceback follows this one.
    logger.error("错误编号 %s：%s %s", number, request.method, request.path)
    context = {"error_number": number, "when": when, "back": back_url(request)}
    return HttpResponseServerError(loader.get_template(template_name).render(context))
