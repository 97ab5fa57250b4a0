from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout, update_session_auth_hash
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from hezuo import access
from hezuo.accounts import services
from hezuo.accounts.forms import AccountForm, GrantForm, OwnPasswordForm, PasswordPolicyForm, TokenForm
from hezuo.accounts.models import PasswordPolicy, User
from hezuo.audit.events import record_event


def locked_out(request, response=None, credentials=None):
    """django-axes' answer to a locked account (AXES_LOCKOUT_CALLABLE), in Chinese."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(request, "accounts/locked.html",
                  {"failures": settings.AXES_FAILURE_LIMIT, "minutes": minutes}, status=429)


def _end_if_locked(request):
    """A session half-way through signing in (password given, code not yet) or changing the
    password ends when its account is locked: the lock holds for every way in."""
    if AxesProxyHandler.is_allowed(request, {"username": request.user.get_username()}):
        return None
    logout(request)
    return locked_out(request)


def _failed_step(request, user, step):
    """A wrong old password or code counts as a failed sign-in of the account (django-axes
    listens to this signal), so guessing there locks the account as at the login page."""
    request.sign_in_step = step
    user_login_failed.send(sender=__name__, credentials={"username": user.get_username()}, request=request)
    if request.axes_locked_out:
        logout(request)  # django-axes' middleware then answers with the lockout page


def _next_or_home(request):
    """Where the user was going before a sign-in step stopped them (only a page of this site)."""
    target = request.GET.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return redirect(target)
    return redirect("home")


def password(request):
    user = request.user
    if locked := _end_if_locked(request):
        return locked
    form = OwnPasswordForm(user, request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            services.change_own_password(user, form.cleaned_data["new_password1"], request=request)
            update_session_auth_hash(request, user)
            messages.success(request, "密码已修改。")
            return _next_or_home(request)
        if form.old_password_wrong():
            _failed_step(request, user, "password_change")
    reason = ""
    if user.must_change_password:
        reason = "您的密码由管理员设置，请先修改为只有您知道的密码。"
    elif user.password_expired():
        reason = f"您的密码已超过 {PasswordPolicy.current().max_age_days} 天未修改，请修改后继续使用。"
    return render(request, "accounts/password.html", {"form": form, "reason": reason},
                  status=422 if request.method == "POST" else 200)


def no_role(request):
    if access.role_of(request.user) != access.Role.NONE:
        return redirect("home")
    return render(request, "accounts/no_role.html")


def second_factor(request):
    """Enrol an authenticator at the first sign-in, then ask for its 6-digit code at each."""
    user = request.user
    if not access.needs_second_factor(user) or user.is_verified():
        return redirect("home")
    if locked := _end_if_locked(request):
        return locked
    device = TOTPDevice.objects.devices_for_user(user, confirmed=True).first()
    enrolling = device is None
    if enrolling:
        device = (TOTPDevice.objects.devices_for_user(user, confirmed=False).first()
                  or TOTPDevice.objects.create(user=user, name="动态口令", confirmed=False))
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            with transaction.atomic():
                if enrolling:
                    device.confirmed = True
                    device.save(update_fields=["confirmed"])
                    record_event("otp_enrolled", actor=user, request=request)
                otp_login(request, device)
                record_event("otp_verified", actor=user, request=request)
            services.signed_in(user)
            return _next_or_home(request)
        form.add_error("token", "动态口令不正确或已过期，请重新输入。")
        _failed_step(request, user, "second_factor")
    context = {"form": form, "enrolling": enrolling}
    if enrolling:
        from hezuo.accounts.second_factor import enrolment

        context.update(enrolment(device))
    return render(request, "accounts/second_factor.html", context,
                  status=422 if request.method == "POST" else 200)


def _require_account_pages(user):
    if not (access.can_manage_accounts(user) or access.can_manage_security(user)):
        raise PermissionDenied("只有系统管理员和安全管理员可以查看用户")


def user_list(request):
    _require_account_pages(request.user)
    users = User.objects.select_related("unit").order_by("role", "username")
    q = request.GET.get("q", "").strip()
    if q:
        users = users.filter(username__icontains=q) | users.filter(display_name__icontains=q)
    page = Paginator(users, 50).get_page(request.GET.get("page"))
    security = access.can_manage_security(request.user)
    locked = services.locked_usernames() if security else {}
    with_device = set(TOTPDevice.objects.filter(user__in=page.object_list, confirmed=True).values_list("user_id", flat=True))
    rows = [{
        "account": u,
        "editable": access.can_edit_account(request.user, u),
        "grantable": bool(access.grantable_roles(request.user, u)),
        "locked_until": locked.get(u.username),
        "has_device": u.pk in with_device,
        "can_reset_device": security and u.pk in with_device and access.can_reset_second_factor(request.user, u),
    } for u in page]
    return render(request, "accounts/user_list.html", {
        "page": page, "rows": rows, "q": q, "security": security,
        "can_create": access.can_manage_accounts(request.user)})


def user_edit(request, pk=None):
    account = get_object_or_404(User, pk=pk) if pk else None
    allowed = access.can_edit_account(request.user, account) if account else access.can_manage_accounts(request.user)
    if not allowed:
        raise PermissionDenied("您不能在页面上修改该账号")
    form = AccountForm(request.POST or None, instance=account)
    if request.method == "POST" and form.is_valid():
        saved = services.save_account(request.user, form, request=request)
        messages.success(request, f"已保存用户：{saved.username}" + ("（未授权：请安全管理员授予角色）" if not saved.role else ""))
        return redirect("accounts:users")
    return render(request, "accounts/user_form.html", {"form": form, "edited": account},
                  status=422 if request.method == "POST" else 200)


def grant(request, pk):
    account = get_object_or_404(User.objects.select_related("unit"), pk=pk)
    if not access.grantable_roles(request.user, account):
        raise PermissionDenied("您不能修改该账号的角色")
    form = GrantForm(request.POST or None, actor=request.user, account=account)
    if request.method == "POST" and form.is_valid():
        services.grant_role(request.user, account, form.cleaned_data["role"], form.cleaned_data["unit"],
                            request=request)
        messages.success(request, f"已将 {account.username} 的角色设为：{account.get_role_display()}")
        return redirect("accounts:users")
    return render(request, "accounts/grant_form.html", {"form": form, "edited": account},
                  status=422 if request.method == "POST" else 200)


@require_POST
def unlock(request, pk):
    account = get_object_or_404(User, pk=pk)
    services.unlock(request.user, account, request=request)
    messages.success(request, f"已解除 {account.username} 的登录锁定")
    return redirect("accounts:users")


@require_POST
def reset_second_factor(request, pk):
    account = get_object_or_404(User, pk=pk)
    services.reset_second_factor(request.user, account, request=request)
    messages.success(request, f"已重置 {account.username} 的动态口令，其下次登录时重新绑定")
    return redirect("accounts:users")


def password_policy(request):
    if not access.can_manage_security(request.user):
        raise PermissionDenied("只有安全管理员可以设置密码策略")
    form = PasswordPolicyForm(request.POST or None, instance=PasswordPolicy.current())
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            form.save()
        messages.success(request, "密码策略已保存")
        return redirect("accounts:password_policy")
    return render(request, "accounts/password_policy.html", {"form": form},
                  status=422 if request.method == "POST" else 200)
