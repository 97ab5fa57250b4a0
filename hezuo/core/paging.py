"""Paging the list pages through millions of rows.

Django's Paginator counts the whole filtered set, then reads page N with OFFSET (N-1)×size:
at 2,000,000 fund records both are a pass over every matching row, and deep pages get
slower the deeper they are. Here:

- The count is given by the caller when it has it (the list page counts its rows in the
  same aggregate as the totals footer); otherwise it is counted no further than COUNT_CAP,
  and the page says "10,000+ 条".
- 下一页 and 上一页 carry the sort key of the last (first) row shown, `after=` / `before=`,
  so the next page is one index seek however deep it is (keyset pagination). It shows the
  rows OFFSET would show, as long as nobody adds or deletes rows in between.
- A page asked for by number alone (末页, a typed ?page=N) is read with OFFSET from the
  nearer end of the list: the last page costs what the first does.
"""

import math

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.paginator import Page
from django.db.models import Q

COUNT_CAP = 10_000


class Paginator:
    """How many rows and pages a list has; templates read it as `page.paginator`."""

    def __init__(self, count, per_page, exact=True):
        self.count = count  # COUNT_CAP + 1 when not exact
        self.per_page = per_page
        self.exact = exact

    @property
    def num_pages(self):
        """The number of pages, or None when the rows were not counted to the end."""
        if not self.exact:
            return None
        return max(1, math.ceil(self.count / self.per_page))

    @property
    def count_text(self):
        return str(self.count) if self.exact else f"{COUNT_CAP:,}+"

    def validate_number(self, number):
        """The page asked for, as Paginator.get_page reads it: not a number → 1, out of range → the last."""
        try:
            number = int(number)
        except (TypeError, ValueError):
            return 1
        if self.exact and (number < 1 or number > self.num_pages):
            return self.num_pages
        return max(number, 1)


class ListPage(Page):
    def __init__(self, rows, number, paginator, key, more):
        super().__init__(rows, number, paginator)
        self.key = key
        self.more = more

    def has_next(self):
        return self.more

    def next_page_number(self):
        return self.number + 1

    def previous_page_number(self):
        return self.number - 1

    @property
    def after(self):
        """The key 下一页 starts after ("" where the sort has no key)."""
        return self.key.cursor(self.object_list[-1]) if self.key and self.object_list else ""

    @property
    def before(self):
        return self.key.cursor(self.object_list[0]) if self.key and self.object_list else ""


class SortKey:
    """The sort of a list ordered by (one non-null column of its own, -pk): keyset-pageable."""

    def __init__(self, field, descending):
        self.field = field
        self.descending = descending

    @classmethod
    def of(cls, queryset):
        order = queryset.query.order_by
        if len(order) != 2 or order[1] != "-pk":
            return None
        name = order[0].lstrip("-")
        try:
            field = queryset.model._meta.get_field(name)
        except FieldDoesNotExist:
            return None
        if not field.concrete or field.is_relation or field.null:
            return None
        return cls(field, order[0].startswith("-"))

    def cursor(self, obj):
        return f"{obj.pk}_{self.field.value_to_string(obj)}"

    def parse(self, text):
        """(pk, value) from a cursor, or None if it is not one."""
        pk, _, value = (text or "").partition("_")
        try:
            return int(pk), self.field.to_python(value)
        except (ValueError, ValidationError):
            return None

    def beyond(self, pk, value, forward):
        """Rows after (forward) or before the row (pk, value) in the list's order. The bound on
        the column alone is implied by the rest; it is there so the database seeks the index."""
        name = self.field.name
        op = "lt" if self.descending == forward else "gt"
        return Q(**{f"{name}__{op}e": value}) & (
            Q(**{f"{name}__{op}": value}) | Q(**{name: value, f"pk__{'lt' if forward else 'gt'}": pk}))


def paginate(queryset, params, per_page, count=None):
    """The page of the ordered `queryset` that `params` (request.GET: page, after, before)
    asks for. `count` is the exact number of rows when the caller has it."""
    if count is None:
        # Any COUNT_CAP + 1 rows will do: no ORDER BY in the counting subquery.
        count = queryset.order_by()[:COUNT_CAP + 1].count()
        paginator = Paginator(count, per_page, exact=count <= COUNT_CAP)
    else:
        paginator = Paginator(count, per_page)
    number = paginator.validate_number(params.get("page"))
    key = SortKey.of(queryset)
    rows, more = [], False
    if number > 1 and key:
        rows, more = read_by_key(queryset, key, params, per_page)
    if not rows and count:
        rows = read_by_number(queryset, paginator, number)
        more = len(rows) > per_page
    if paginator.exact:
        more = number < paginator.num_pages
    return ListPage(rows[:per_page], number, paginator, key, more)


def read_by_key(queryset, key, params, size):
    """(rows, whether more follow) of the page after or before a cursor; ([], False) without
    a valid one. Going forward one row more is read, for a list not counted to its end."""
    for name, forward in (("after", True), ("before", False)):
        cursor = key.parse(params.get(name)) if params.get(name) else None
        if cursor:
            rows = queryset.filter(key.beyond(*cursor, forward))
            if forward:
                rows = list(rows[:size + 1])
                return rows, len(rows) > size
            return list(rows.reverse()[:size])[::-1], True
    return [], False


def read_by_number(queryset, paginator, number):
    size = paginator.per_page
    offset = (number - 1) * size
    total_order = queryset.query.order_by[-1:] == ("-pk",)  # reversed, the exact mirror image
    if paginator.exact and total_order and number > (paginator.num_pages + 1) / 2:
        rest = paginator.count - offset  # rows from this page's first to the end
        return list(queryset.reverse()[max(rest - size, 0):rest])[::-1]
    return list(queryset[offset:offset + size + (0 if paginator.exact else 1)])
