"""Events that are not a change of a record — signing in and out, a failed sign-in, a
lockout, a password change, a second factor — written into the same audit trail as the
changes (django-auditlog's LogEntry, action ACCESS), so one log, one chain and one page
hold everything the audit admin reads.
"""

import ipaddress

from auditlog.models import LogEntry
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

# event code → what the audit admin reads
EVENTS = {
    "login": "登录成功",
    "login_failed": "登录失败",
    "locked_out": "账号锁定",
    "unlocked": "解除锁定",
    "logout": "退出登录",
    "session_expired": "长时间未操作，自动退出",
    "password_changed": "修改密码",
    "password_reset": "管理员重置密码",
    "password_expired": "密码过期，要求修改",
    "otp_enrolled": "绑定动态口令",
    "otp_verified": "动态口令验证通过",
    "otp_failed": "动态口令错误",
    "otp_reset": "重置动态口令",
    "role_changed": "角色变更",
    "export": "导出数据",
    "backup": "备份",
    "restore": "恢复",
    "trash_deleted": "删除（移入回收站）",
    "trash_restored": "从回收站恢复",
    "trash_purged": "回收站到期清除",
}


def client_address(request):
    """The client's address, the one place it is read: for sign-in lockout and its log
    (django-axes, AXES_CLIENT_IP_CALLABLE), for the audit trail's entries (AuditMiddleware)
    and for events.

    Behind `HEZUO_PROXY_COUNT` reverse proxies, each appending the address it saw to
    X-Forwarded-For, the client is that many entries from the right: what the client itself
    wrote in the header stands further left and is never read. A request with fewer entries
    did not come through the proxies, and its REMOTE_ADDR is the client.
    """
    if request is None:
        return None
    remote = request.META.get("REMOTE_ADDR")
    count = settings.HEZUO_PROXY_COUNT
    if count > 0:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [part for part in forwarded if part]
        if len(forwarded) >= count:
            candidate = forwarded[-count]
            try:
                return str(ipaddress.ip_address(candidate))
            except ValueError:
                pass
    return remote


def record_event(event, *, actor=None, target=None, request=None, username="", **data):
    """Write one event into the audit trail, in the caller's transaction.

    `target` is the object the event is about (usually a user), `username` the name typed
    at a failed sign-in when there is no such user.
    """
    if event not in EVENTS:
        raise ValueError(f"unknown audit event {event!r}")
    target = target if target is not None else actor
    if target is not None:
        content_type = ContentType.objects.get_for_model(target)  # an instance: request.user is a lazy object
        object_pk, object_id, name = str(target.pk), target.pk, str(target)
    else:
        from django.contrib.auth import get_user_model

        content_type = ContentType.objects.get_for_model(get_user_model())
        object_pk, object_id, name = "", None, username
    return LogEntry.objects.create(
        content_type=content_type,
        object_pk=object_pk,
        object_id=object_id,
        object_repr=f"{EVENTS[event]}：{name}"[:200],
        action=LogEntry.Action.ACCESS,
        changes={},
        actor=actor if actor is not None and getattr(actor, "pk", None) else None,
        remote_addr=client_address(request),
        additional_data={"event": event, "username": username or getattr(target, "username", ""), **data},
        timestamp=timezone.now(),
    )
