"""Reads for the home page (record counts and a few totals in the user's scope) and the
list pages' footers."""

import hashlib

from django.db.models import Count, Sum

from hezuo import access
from hezuo.changes import kept
from hezuo.kinds import REGISTRY


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


def list_footer(user, kind, queryset):
    """The row count and the exact totals of a list's filtered rows, in one aggregate.

    Kept until the next committed change, as the dashboard is (hezuo/changes.py `kept`): at
    2,000,000 fund records the footer of an unfiltered list or of a district's year is most
    of the page's time, and it is the same for every page of the list and every visitor in
    the same scope. The key is the filtered query itself, so any filter, search or scope
    gives its own entry.
    """
    sql, params = queryset.order_by().query.sql_with_params()
    key = hashlib.sha256(repr((sql, params)).encode()).hexdigest()[:32]

    def build():
        return queryset.aggregate(row_count=Count("*"), **{name: Sum(name) for name in kind.totals})

    totals = dict(kept("list-footer", access.data_scope(user), [kind.slug, key], build))
    return totals, totals.pop("row_count")


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
