"""Reads for the home page: record counts and a few totals in the user's scope."""

from django.db.models import Count, Sum

from hezuo import access
from hezuo.core.kinds import REGISTRY


def home_summary(user):
    from hezuo.projects.models import FundRecord, Project

    cards = []
    for kind in REGISTRY.values():
        if kind.model.scope_path is None or not access.can_read_kind(user, kind.model):
            continue
        cards.append({"kind": kind, "count": access.visible(user, kind.model.objects.all()).count()})
    latest = None
    if access.can_read_kind(user, Project):
        latest = access.visible(user, Project.objects.all()).order_by("-year").values_list("year", flat=True).first()
    funds = []
    if latest:
        rows = (access.visible(user, FundRecord.objects.filter(year=latest))
                .values("stage").annotate(total=Sum("amount"), n=Count("id")))
        totals = {row["stage"]: row for row in rows}
        funds = [(value, label, totals.get(value, {}).get("total") or 0) for value, label in FundRecord.Stage.choices]
    return {"cards": cards, "year": latest, "funds": funds}


def list_rows(kind, user, params):
    """A list page's rows for `user` with the page's filters and sort from `params` (a QueryDict).

    Returns (queryset, filter form, sort). The page and its background export read the same.
    """
    from hezuo.core.filters import FilterForm

    queryset = access.visible(user, kind.queryset())
    filters = FilterForm(kind, user, params)
    queryset = filters.apply(queryset)
    sort = params.get("o", "")
    if sort.lstrip("-") in kind.sorts:
        queryset = queryset.order_by(sort, "-pk")
    elif kind.default_sort:
        queryset = queryset.order_by(kind.default_sort, "-pk")
    return queryset, filters, sort
