"""The 回收站 pages: what was deleted in the user's scope, by kind; city officers restore."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from hezuo import access
from hezuo.core.busy import DatabaseBusy
from hezuo.core.services.records import restore_record
from hezuo.kinds import REGISTRY, kind_for_model
from hezuo.trash.models import TrashEntry
from hezuo.trash.services import CannotRestore, visible_entries

PAGE_SIZE = 50


def trash_list(request, error=None, status=200):
    if not access.can_read_trash(request.user):
        raise Http404("页面不存在或不在您的数据范围内")
    entries = visible_entries(request.user)
    kinds = [(slug, REGISTRY[slug].title, count) for slug, count in _counts(entries) if slug in REGISTRY]
    chosen = request.GET.get("kind", "")
    if chosen in REGISTRY:
        entries = entries.filter(kind=chosen)
    page = Paginator(entries.select_related("deleted_by"), PAGE_SIZE).get_page(request.GET.get("page"))
    for entry in page:
        entry.kind_title = REGISTRY[entry.kind].title if entry.kind in REGISTRY else entry.kind
    return render(request, "trash/list.html", {
        "page": page, "kinds": kinds, "chosen": chosen, "keep_days": settings.HEZUO_TRASH_KEEP_DAYS,
        "can_restore": access.can_restore(request.user), "error": error,
    }, status=status)


def _counts(entries):
    from django.db.models import Count

    return entries.order_by("kind").values_list("kind").annotate(n=Count("id"))


@require_POST
def trash_restore(request, pk):
    if not access.can_read_trash(request.user):
        raise Http404("页面不存在或不在您的数据范围内")
    if not visible_entries(request.user).filter(pk=pk).exists():
        raise Http404("回收站中没有这条记录，可能已被恢复或已超过保留期限")
    try:
        result = restore_record(pk, request.user)
    except TrashEntry.DoesNotExist:
        raise Http404("回收站中没有这条记录，可能已被恢复或已超过保留期限")
    except (CannotRestore, PermissionDenied) as problem:
        return trash_list(request, error=str(problem),
                          status=409 if isinstance(problem, CannotRestore) else getattr(problem, "status", 403))
    except DatabaseBusy as problem:
        return trash_list(request, error=str(problem), status=503)
    kind = kind_for_model(type(result.obj))
    others = f"，连同随之删除的 {result.count - 1} 条记录" if result.count > 1 else ""
    messages.success(request, f"已恢复{kind.title}：{result.obj}{others}。")
    return redirect(reverse(kind.url_name("detail"), args=[result.obj.pk]))
