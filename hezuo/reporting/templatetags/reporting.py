"""The 待办 block of the home page, as a tag, so the home view (hezuo.core) does not import
the reporting cycle."""

from django import template

from hezuo.reporting.queries import todo

register = template.Library()


@register.inclusion_tag("reporting/todo.html", takes_context=True)
def todo_block(context):
    return {"todo": todo(context["user"]), "csrf_token": context.get("csrf_token")}
