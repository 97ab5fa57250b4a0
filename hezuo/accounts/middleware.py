"""What a signed-in user must do before anything else, checked on every request in this
order: a session idle too long ends (HEZUO_IDLE_MINUTES); an admin role gives its 6-digit
code (HEZUO_ADMIN_2FA); a password set by an admin or older than HEZUO_PASSWORD_MAX_AGE_DAYS
is replaced; an account without a role sees only the notice to ask for one."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from hezuo import access

ACTIVITY_KEY = "hezuo_last_activity"
# The session is written at most this often just to note activity (each write is a query).
ACTIVITY_RESOLUTION = 60
ALWAYS_ALLOWED = {"accounts:login", "accounts:logout", "healthz"}
SECOND_FACTOR_PAGES = {"accounts:second_factor"}
PASSWORD_PAGES = {"accounts:password"}
NO_ROLE_PAGES = {"accounts:no_role"}


def note_activity(request):
    """Signing in is activity too (and the session is written then anyway)."""
    if hasattr(request, "session"):
        request.session[ACTIVITY_KEY] = time.time()


def _go(request, url_name, *, come_back=False):
    url = reverse(url_name)
    if come_back and request.method == "GET" and not request.htmx and request.path != reverse("home"):
        # After the code or the new password, the user lands where they were going.
        url += "?" + urlencode({"next": request.get_full_path()})
    if request.htmx:
        # A swap would put a whole page into a fragment: have htmx load the page instead.
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return redirect(url)


class SignInMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        if not user.is_authenticated:
            return None
        name = request.resolver_match.view_name if request.resolver_match else ""
        if name in ALWAYS_ALLOWED:
            return None

        now = time.time()
        last = request.session.get(ACTIVITY_KEY)
        if last is not None and now - last > settings.HEZUO_IDLE_MINUTES * 60:
            request.logout_event = "session_expired"
            logout(request)
            messages.info(request, f"您已超过 {settings.HEZUO_IDLE_MINUTES} 分钟未操作，已自动退出，请重新登录。")
            return _go(request, "accounts:login")
        if name not in settings.HEZUO_PASSIVE_URLS and (last is None or now - last >= ACTIVITY_RESOLUTION):
            note_activity(request)

        if access.needs_second_factor(user) and not user.is_verified():
            return None if name in SECOND_FACTOR_PAGES else _go(request, "accounts:second_factor", come_back=True)
        if user.must_replace_password():
            return None if name in PASSWORD_PAGES else _go(request, "accounts:password", come_back=True)
        if access.role_of(user) == access.Role.NONE:
            return None if name in NO_ROLE_PAGES | PASSWORD_PAGES else _go(request, "accounts:no_role")
        return None
