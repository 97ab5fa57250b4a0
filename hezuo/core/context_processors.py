from functools import lru_cache

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse

from hezuo import access
from hezuo.kinds import NAV_GROUPS, REGISTRY


def navigation(request):
    """The side navigation: record kinds grouped, only what the user may read, each with its
    list's URL and whether it is the page shown (on every page: looked up here, not by the
    template, which took a millisecond of each page)."""
    user = request.user
    if not user.is_authenticated:
        return {"demo_notice": settings.DEMO_NOTICE}
    urls = list_urls(settings.ROOT_URLCONF, get_urlconf(), get_script_prefix())
    shown = request.resolver_match.namespace if request.resolver_match else None
    groups = []
    for title in NAV_GROUPS:
        items = [{"label": f"{k.icon} {k.title}", "url": urls[k.slug], "active": k.slug == shown}
                 for k in REGISTRY.values() if k.group == title and access.can_read_kind(user, k.model)]
        if items:
            groups.append({"title": title, "items": items})
    role = access.role_of(user)
    return {
        "nav_groups": groups,
        "is_admin": role == access.Role.ADMIN,
        "can_manage_users": access.can_manage_accounts(user) or access.can_manage_security(user),
        "can_read_audit": access.can_read_audit(user),
        "can_import": access.can_import(user),
        "can_export": access.can_export(user),
        "can_read_statistics": access.can_read_statistics(user),
        "can_read_trash": access.can_read_trash(user),
        "can_read_reporting": access.can_read_reporting(user),
        "trash_keep_days": settings.HEZUO_TRASH_KEEP_DAYS,
        "user_role": role,
        "demo_notice": settings.DEMO_NOTICE,
    }


@lru_cache(maxsize=8)
def list_urls(_root_urlconf, _urlconf, _script_prefix):
    """{slug: list URL} of every record kind; the same for every request of a deployment
    (the arguments are what reverse() reads besides the name)."""
    return {slug: reverse(kind.url_name("list")) for slug, kind in REGISTRY.items()}
