from django.conf import settings

from hezuo import access
from hezuo.core.kinds import NAV_GROUPS, REGISTRY


def navigation(request):
    """The side navigation: record kinds grouped, only what the user may read."""
    user = request.user
    if not user.is_authenticated:
        return {"demo_notice": settings.DEMO_NOTICE}
    groups = []
    for title in NAV_GROUPS:
        items = [k for k in REGISTRY.values() if k.group == title and access.can_read_kind(user, k.model)]
        if items:
            groups.append({"title": title, "items": items})
    role = access.role_of(user)
    return {
        "nav_groups": groups,
        "is_admin": role == access.Role.ADMIN,
        "can_manage_users": access.can_manage_accounts(user) or access.can_manage_security(user),
        "can_read_audit": access.can_read_audit(user),
        "can_import": role in (access.Role.CITY, access.Role.DISTRICT, access.Role.LEADER),
        "can_read_statistics": access.can_read_statistics(user),
        "can_read_trash": access.can_read_trash(user),
        "trash_keep_days": settings.HEZUO_TRASH_KEEP_DAYS,
        "user_role": role,
        "demo_notice": settings.DEMO_NOTICE,
    }
