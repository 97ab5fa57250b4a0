"""Events that are not a change of a record — signing in and out, a failed sign-in, a
lockout, a password change, a second factor — written into the same audit trail as the
changes (django-auditlog's LogEntry, action ACCESS), so one log, one chain and one page
hold everything the audit admin reads.
"""

from auditlog.models import LogEntry
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
    "otp_failed": "动态口令错误",
    "otp_reset": "重置动态口令",
    "role_changed": "角色变更",
    "export": "导出数据",
    "backup": "备份",
    "restore": "恢复",
}


def client_address(request):
    """The client's address as the audit trail records it (see docs/deployment.md)."""
    return request.META.get("REMOTE_ADDR") if request is not None else None


def record_event(event, *, actor=None, target=None, request=None, username="", **data):
    """Write one event into the audit trail, in the caller's transaction.

    `target` is the object the event is about (usually a user), `username` the name typed
    at a failed sign-in when there is no such user.
    """
    if event not in EVENTS:
        raise ValueError(f"unknown audit event {event!r}")
    target = target if target is not None else actor
    if target is not None:
        content_type = ContentType.objects.get_for_model(type(target))
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
