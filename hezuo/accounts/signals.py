"""Sign-in events into the audit trail (hezuo.audit.events). Connected after django-axes'
own receivers (INSTALLED_APPS order), so a failure already knows whether it locked the account."""

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from hezuo.audit.events import record_event


@receiver(user_logged_in, dispatch_uid="hezuo_login")
def on_login(sender, request, user, **kwargs):
    from hezuo import access
    from hezuo.accounts import services
    from hezuo.accounts.middleware import note_activity

    record_event("login", actor=user, request=request)
    if not access.needs_second_factor(user):
        services.signed_in(user)
    if user.password_expired():
        record_event("password_expired", actor=user, request=request)
    note_activity(request)


@receiver(user_logged_out, dispatch_uid="hezuo_logout")
def on_logout(sender, request, user, **kwargs):
    if user is not None:
        record_event(getattr(request, "logout_event", "logout"), actor=user, request=request)


@receiver(user_login_failed, dispatch_uid="hezuo_login_failed")
def on_login_failed(sender, credentials, request=None, **kwargs):
    username = (credentials or {}).get("username") or ""
    account = get_user_model().objects.filter(username=username).first() if username else None
    locked_before = getattr(request, "axes_locked_out", False) and getattr(
        request, "axes_failures_since_start", None) is None
    where = getattr(request, "sign_in_step", "password")
    record_event("otp_failed" if where == "second_factor" else "login_failed", target=account,
                 request=request, username=username, step=where, during_lockout=locked_before)
    if getattr(request, "axes_locked_out", False) and not locked_before:
        record_event("locked_out", target=account, request=request, username=username, step=where)
