"""Writes to accounts: each checks the rule in hezuo/access.py, writes, and records the event
in the same transaction (django-auditlog records the field changes of User besides)."""

from axes.handlers.proxy import AxesProxyHandler
from axes.models import AccessAttempt
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from hezuo import access
from hezuo.audit.events import record_event

CONSOLE = None  # the actor of a console command: the installation's operator


def _via(actor):
    return "console" if actor is CONSOLE else "page"


def _grant_of(account):
    return {"role": account.get_role_display(), "unit": str(account.unit or "")}


@transaction.atomic
def save_account(actor, form, request=None):
    """The system admin creates or edits an account. A password typed by the admin is known
    to the admin, so the owner must replace it at the next sign-in."""
    account = form.instance
    if account.pk:
        if not access.can_edit_account(actor, account):
            raise PermissionDenied("系统管理员不能在页面上修改管理员账号")
    elif not access.can_manage_accounts(actor):
        raise PermissionDenied("只有系统管理员可以新增用户")
    new = account.pk is None
    account = form.save(commit=False)
    password = form.cleaned_data.get("password")
    if password:
        account.set_password(password)
        account.must_change_password = True
    account.save()
    if password and not new:
        record_event("password_reset", actor=actor, target=account, request=request)
    return account


@transaction.atomic
def grant_role(actor, account, role, unit, request=None):
    """Give `account` a role and, for a district reporter, the unit whose subtree is its scope.
    `actor` is the security admin (from a page) or CONSOLE."""
    access.check_grant(actor, account, role)
    if role == access.Role.DISTRICT and unit is None:
        raise ValueError("区县填报员必须指定所属单位")
    before = _grant_of(account)
    account.role, account.unit = role, unit
    account.save(update_fields=["role", "unit"])
    if before != _grant_of(account):
        record_event("role_changed", actor=actor, target=account, request=request,
                     before=before, after=_grant_of(account), via=_via(actor))
    return account


def locked_usernames():
    """Accounts locked now by repeated failures, with the time their lock ends."""
    threshold = timezone.now() - settings.AXES_COOLOFF_TIME
    rows = {}
    for username, failures, last in AccessAttempt.objects.filter(attempt_time__gte=threshold).values_list(
            "username", "failures_since_start", "attempt_time"):
        count, latest = rows.get(username, (0, last))
        rows[username] = (count + failures, max(latest, last))
    return {name: latest + settings.AXES_COOLOFF_TIME for name, (count, latest) in rows.items()
            if count >= settings.AXES_FAILURE_LIMIT}


def signed_in(user):
    """Signing in is complete (the password, and the code where one is asked for): earlier
    failures of the account are forgiven. Not after the password alone, or an admin's wrong
    codes would be forgotten each time the password is given again."""
    AxesProxyHandler.reset_attempts(username=user.get_username())


@transaction.atomic
def unlock(actor, account, request=None):
    if actor is not CONSOLE and not access.can_manage_security(actor):
        raise PermissionDenied("只有安全管理员可以解除锁定")
    if AxesProxyHandler.reset_attempts(username=account.username):
        record_event("unlocked", actor=actor, target=account, request=request,
                     via=_via(actor))


@transaction.atomic
def reset_second_factor(actor, account, request=None):
    """Forget the account's authenticator (a lost phone): it enrols again at the next sign-in."""
    if actor is not CONSOLE and not access.can_reset_second_factor(actor, account):
        raise PermissionDenied("您不能重置该账号的动态口令")
    deleted, _ = TOTPDevice.objects.filter(user=account).delete()
    if deleted:
        record_event("otp_reset", actor=actor, target=account, request=request,
                     via=_via(actor))


@transaction.atomic
def change_own_password(user, password, request=None):
    user.set_password(password)
    user.must_change_password = False
    user.save()
    record_event("password_changed", actor=user, request=request)
