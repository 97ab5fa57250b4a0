from django import template
from django.utils.html import format_html

from hezuo import numbers

register = template.Library()


@register.filter
def money(value):
    """An amount in 万元/亿元 with the exact 元 on hover."""
    return format_html('<span class="money" title="{}">{}</span>', numbers.format_exact(value),
                       numbers.format_amount(value))


@register.filter
def count(value, unit=""):
    return numbers.format_count(value, unit)


@register.simple_tag(takes_context=True)
def query_with(context, **changes):
    """The current query string with some parameters replaced (sorting, paging)."""
    params = context["request"].GET.copy()
    for key, value in changes.items():
        if value in (None, ""):
            params.pop(key, None)
        else:
            params[key] = value
    if "page" not in changes:  # a new sort or filter starts again at the first page
        for key in ("page", "after", "before"):
            params.pop(key, None)
    return "?" + params.urlencode() if params else "?"


@register.simple_tag(takes_context=True)
def sort_link(context, name):
    current = context.get("sort", "")
    target = f"-{name}" if current == name else name
    return query_with(context, o=target)


@register.filter
def sort_mark(name, current):
    if current == name:
        return "▲"
    if current == f"-{name}":
        return "▼"
    return ""


@register.filter
def percent(value):
    """A rate in percent, one decimal: 152.0 → 152%."""
    return numbers.format_percent(value)


@register.filter
def points(value):
    """A difference of rates: 43.1个百分点."""
    return numbers.format_points(value)
