"""The summary's preview on the 年度总结 page, typeset as the files are (render.printed)."""

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from hezuo.reports.services import render

register = template.Library()


@register.simple_tag
def report_body(report):
    """The summary's body and appendix as HTML, every figure and source a link."""
    return mark_safe(render.to_html(report, standalone=False))  # rendered by a template, escaped there


@register.filter
def column_head(column):
    """A column's header with its unit on a line of its own: 派遣人次<br>（人次）."""
    label, unit = render.head_lines(column)
    return format_html("{}<br>{}", label, unit) if unit else label
