"""Entering records quickly: the record picker's suggestions, several child records in one
form from the parent's page (a project's fund stages), a form's only choice preselected, and
the delete form's reason.

Views validate, call the record service and render, like core/views.py.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.forms import ModelChoiceField, modelformset_factory
from django.http import Http404
from django.shortcuts import redirect, render

from hezuo import access, numbers
from hezuo.core.busy import DatabaseBusy
from hezuo.core.fields import RegionField
from hezuo.core.services.records import save_records
from hezuo.text import TextFormField

PICK_SHOWN = 10  # suggestions under a record picker: a handful, the newest first
ROWS_WITHOUT_PRESET = 3  # empty rows of a several-row form whose child has no rows_by
MAX_ROWS = 50


class DeleteForm(forms.Form):
    reason = TextFormField(label="删除原因", max_length=200, required=False,
                           widget=forms.TextInput(attrs={"placeholder": "可不填，例如：重复录入"}))


def preselect_only_choices(form):
    """A required dropdown with a single choice (a reporter's only unit) starts on it: it is
    shown selected, so nothing is guessed behind the user's back."""
    for name, field in form.fields.items():
        if not isinstance(field, ModelChoiceField) or isinstance(field, RegionField):
            continue
        if not field.required or form.initial.get(name) not in (None, ""):
            continue
        only = list(field.queryset[:2])
        if len(only) == 1:
            form.initial[name] = only[0].pk


def record_suggest(request, slug):
    """<option>s for a record picker (htmx sends the box's own value): at most PICK_SHOWN of
    the user's records whose key or name contains the first word typed."""
    from hezuo.core.views import get_kind

    kind = get_kind(slug, request.user)
    if not kind.pick_key:
        raise Http404("页面不存在")
    typed = (request.GET.get("q") or next(iter(request.GET.values()), "")).strip()
    rows = access.visible(request.user, kind.queryset())
    if typed:
        term, match = typed.split()[0], Q()
        for name in kind.search:
            match |= Q(**{f"{name}__icontains": term})
        rows = rows.filter(match)
    rows = rows.order_by(*kind.model._meta.ordering)[:PICK_SHOWN]
    options = [(str(obj), _describe(obj)) for obj in rows]
    return render(request, "core/pick_options.html", {"options": options})


def _describe(obj):
    """What tells two similar names apart in a suggestion: the unit and the year."""
    parts = [str(obj.owning_unit() or "")]
    if getattr(obj, "year", None):
        parts.append(f"{obj.year}年")
    return " · ".join(p for p in parts if p)


def add_children(request, slug, pk, child):
    """Several child records in one form from the parent's page (a project's 安排, 下达, 拨付
    and 支出 at once); saved together or not at all, then back to the parent."""
    from hezuo.core.views import formfield_for, get_kind

    kind = get_kind(slug, request.user)
    parent = access.get_visible_or_404(request.user, kind.model, pk)
    access.check_change(request.user, parent)
    rel = next(r for r in kind.related if r.slug == child and r.rows_by is not None)
    child_kind = get_kind(child, request.user)
    access.check_create(request.user, child_kind.model)

    fields = [name for name in child_kind.fields if name != rel.lookup]
    presets = _presets(child_kind.model, rel.rows_by)
    data = request.POST.copy() if request.method == "POST" else None
    adding_row = data is not None and "add_row" in data
    if adding_row:  # 再加一行: the same rows as typed, one more, nothing saved
        key = "form-TOTAL_FORMS"
        data[key] = str(min(MAX_ROWS, int(data.get(key) or 0) + 1)) if str(data.get(key, "")).isdigit() else "1"
    FormSet = modelformset_factory(child_kind.model, fields=fields, formfield_callback=formfield_for,
                                   extra=len(presets), max_num=MAX_ROWS, validate_max=True, absolute_max=MAX_ROWS)
    formset = FormSet(data, queryset=child_kind.model.objects.none(), initial=presets)
    for form in formset.forms:
        setattr(form.instance, rel.lookup, parent)  # before validation: rules may read the parent
        access.limit_choices(form, request.user)

    status, error = 200, None
    if data is not None and not adding_row:
        status = 422
        filled = [form for form in formset.forms if form.has_changed()]
        if formset.is_valid() and filled:
            try:
                saved = save_records(filled, request.user)
            except (PermissionDenied, DatabaseBusy) as problem:
                error = str(problem)
                status = 503 if isinstance(problem, DatabaseBusy) else 422
            else:
                shown = "、".join(_row_text(result.obj, rel.rows_by, child_kind) for result in saved)
                messages.success(request, f"已为{kind.title}“{parent}”新增 {len(saved)} 条{child_kind.title}：{shown}")
                return redirect(kind.url_name("detail"), pk=parent.pk)
        elif formset.is_valid():
            error = f"没有填写任何{child_kind.title}。请至少填写一行的日期和金额等内容。"
    return render(request, "core/add_children.html", {
        "kind": kind, "parent": parent, "child_kind": child_kind, "formset": formset, "error": error,
        "checked": data is not None and not adding_row,
        "rows": _rows(formset, checked=data is not None and not adding_row),
        "headers": [formset.empty_form[name] for name in fields],
    }, status=status)


def _presets(model, rows_by):
    if not rows_by:
        return [{} for _ in range(ROWS_WITHOUT_PRESET)]
    return [{rows_by: value} for value, _label in model._meta.get_field(rows_by).choices if value]


def _rows(formset, checked):
    """(row number, form, [(field label, error)]) for the page and its list of problems."""
    rows = []
    for number, form in enumerate(formset.forms, start=1):
        if not checked:
            rows.append((number, form, []))
            continue
        problems = [(form[name].label, error) for name, errors in form.errors.items() if name != "__all__"
                    for error in errors]
        problems += [("", error) for error in form.non_field_errors()]
        rows.append((number, form, problems))
    return rows


def _row_text(obj, rows_by, kind):
    parts = [obj._get_FIELD_display(obj._meta.get_field(rows_by))] if rows_by else []
    parts += [numbers.format_amount(getattr(obj, name)) for name in kind.totals]
    return " ".join(parts) or str(obj)
