"""The filter bar of every list page, built from a Kind's `filters`.

Program, unit and region filters include everything under the chosen node, because a
parent's totals roll up its children. Besides the names below with a meaning of their own,
`since`/`until` bound a date path (a statistic through a month), a `__isnull` path asks
whether a field is filled in, and `year` over a pair of paths (start, end) means "in force
that year" (a pairing from 2021 on counts in 2024).
"""

import datetime
from html import escape

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.safestring import mark_safe

from hezuo import access
from hezuo.core.fields import RegionField
from hezuo.org.models import Program, Region, subtree_ids


def resolve_field(model, path):
    """The model field at the end of a lookup path like 'project__program'."""
    field = None
    for part in path.split("__"):
        field = model._meta.get_field(part)
        model = field.related_model
    return field


def is_flag(model, path):
    """A filter that is yes or no: a boolean field, or whether a field is filled in."""
    return path.endswith("__isnull") or isinstance(resolve_field(model, path), models.BooleanField)


DATE_BOUNDS = {"since": ("起始日期", "gte"), "until": ("截止日期", "lte")}


class PickSelect(forms.Select):
    """A <select> written in Python: Django's Select renders itself and then every <option>
    through templates of their own, ~1 ms a dropdown; a filter bar has up to eight. The same
    markup (and `required` rule) as Select, for one value and options without groups."""

    def render(self, name, value, attrs=None, renderer=None):
        picked = "" if value is None else str(value)
        options = "\n".join(
            f'<option value="{escape(str(key))}"{" selected" if str(key) == picked else ""}>{escape(str(label))}</option>'
            for key, label in self.choices)
        # Attributes in order, as Django's attrs.html writes them.
        attrs = "".join(f" {escape(key)}" if setting is True else f' {escape(key)}="{escape(str(setting))}"'
                        for key, setting in self.build_attrs(self.attrs, attrs).items() if setting is not False)
        return mark_safe(f'<select name="{escape(name)}"{attrs}>\n{options}\n</select>')


class PickField(forms.Field):
    """A dropdown of dictionary rows (programs, units) by name; cleans to the row picked.

    ModelChoiceField reads its queryset twice (to check the value, then through a server-side
    cursor on PostgreSQL to list it), builds a model instance per row and renders each <option>
    through a template of its own: with 300 units ~15 ms of every list page. Here the rows are
    read once as tuples (id, name, *more), and only the one picked becomes a model instance.
    """

    widget = PickSelect
    default_error_messages = {"invalid_choice": forms.ChoiceField.default_error_messages["invalid_choice"]}

    def __init__(self, queryset, *more, **kwargs):
        super().__init__(**kwargs)
        self.model, self.db = queryset.model, queryset.db
        self.names = ["id", "name", *more]
        self.rows = {str(row[0]): row for row in queryset.values_list(*self.names)}
        self.choices = self.widget.choices = [("", "全部")] + [(pk, row[1]) for pk, row in self.rows.items()]

    def to_python(self, value):
        if value in self.empty_values:
            return None
        row = self.rows.get(str(value))
        if row is None:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice",
                                  params={"value": value})
        return self.model.from_db(self.db, self.names, row)


def in_year(model, path, year):
    """The condition "the `year` at `path` is `year`". A dated record's year is its date's
    (Record.year_from), so it is asked as a range of that date: a list sorted by date then
    reads exactly the year's rows off its (date, id) index, which needs no (year, date) twin."""
    prefix, _, name = path.rpartition("__")
    owner = resolve_field(model, prefix).related_model if prefix else model
    dated = getattr(owner, "year_from", None) if name == "year" else None
    if dated is None:
        return Q(**{path: year})
    lead = f"{prefix}__" if prefix else ""
    return Q(**{f"{lead}{dated}__range": (datetime.date(year, 1, 1), datetime.date(year, 12, 31))})


class FilterForm(forms.Form):
    q = forms.CharField(label="搜索", required=False)

    def __init__(self, kind, user, data):
        super().__init__(data)
        self.kind = kind
        self.fields["q"].widget.attrs["placeholder"] = "名称关键字"
        for name, path in kind.filters.items():
            self.fields[name] = self.build_field(name, path, user)

    def build_field(self, name, path, user):
        in_force = isinstance(path, tuple)  # (start, end): in force that year
        if in_force:
            path = path[0]
        if name in DATE_BOUNDS:
            return forms.DateField(label=DATE_BOUNDS[name][0], required=False,
                                   widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
        if path.endswith("__isnull"):
            label = resolve_field(self.kind.model, path.removesuffix("__isnull")).verbose_name
            return forms.ChoiceField(choices=[("", "全部"), ("1", "未填写"), ("0", "已填写")], label=label,
                                     required=False, widget=PickSelect)
        model_field = resolve_field(self.kind.model, path)
        label = model_field.verbose_name
        if isinstance(model_field, models.BooleanField):
            return forms.ChoiceField(choices=[("", "全部"), ("1", "是"), ("0", "否")], label=label, required=False,
                                     widget=PickSelect)
        if name in ("program", "parent"):
            return PickField(Program.objects.all(), "parent_id", label=label, required=False)
        if name == "unit":
            return PickField(access.filter_units(user), "path", label=label, required=False)
        if name == "region":
            return RegionField(Region.objects.all(), load=False, label=label, required=False)
        if name == "year":
            this_year = timezone.localdate().year
            years = [("", "全部")] + [(str(y), f"{y}年") for y in range(this_year + 1, 2014, -1)]
            return forms.TypedChoiceField(choices=years, coerce=int, label="年度" if in_force else label,
                                          required=False, empty_value=None, widget=PickSelect)
        choices = [("", "全部")] + [(str(v), l) for v, l in model_field.choices if v != ""]
        return forms.ChoiceField(choices=choices, label=label, required=False, widget=PickSelect)

    def apply(self, queryset):
        if not self.is_valid():
            return queryset
        data = self.cleaned_data
        q = data.get("q")
        if q:
            condition = None
            for path in self.kind.search:
                term = Q(**{f"{path}__icontains": q})
                condition = term if condition is None else condition | term
            queryset = queryset.filter(condition)
        for name, path in self.kind.filters.items():
            value = data.get(name)
            if value in (None, ""):
                continue
            if isinstance(path, tuple):
                start, end = path
                queryset = queryset.filter(Q(**{f"{start}__lte": value}) &
                                           (Q(**{f"{end}__isnull": True}) | Q(**{f"{end}__gte": value})))
            elif name in DATE_BOUNDS:
                queryset = queryset.filter(**{f"{path}__{DATE_BOUNDS[name][1]}": value})
            elif is_flag(self.kind.model, path):
                queryset = queryset.filter(**{path: value == "1"})
            elif name == "program":
                queryset = queryset.filter(**{f"{path}__in": self.program_tree(value)})
            elif name == "year":
                queryset = queryset.filter(in_year(self.kind.model, path, value))
            elif name == "unit":
                queryset = queryset.filter(**{f"{path}__path__startswith": value.path})
            elif name == "region":
                queryset = queryset.filter(**{f"{path}__code__startswith": value.prefix})
            else:
                # A model may say what one of its values means on a list (a posting 已发布 past
                # its 有效期至 reads 已下线 everywhere): Record.list_filter_q.
                declared = getattr(self.kind.model, "list_filter_q", None)
                condition = declared(name, value) if declared else None
                queryset = queryset.filter(condition if condition is not None else Q(**{path: value}))
        return queryset

    def program_tree(self, program):
        """The ids of `program` and the programs under it, from the rows the dropdown read."""
        return subtree_ids({pk: parent for pk, _name, parent in self.fields["program"].rows.values()}, program.pk)

    def active(self):
        """(label, shown value) of the filters in use, for the summary line.

        Read once a page (the list template asks four times), and from the chosen values only:
        looking a value up in a field's choices would list a region filter's whole table.
        """
        if not hasattr(self, "_active"):
            self._active = self.read_active() if self.is_valid() else []
        return self._active

    def read_active(self):
        shown = []
        for name, value in self.cleaned_data.items():
            if value in (None, ""):
                continue
            field = self.fields[name]
            if isinstance(field, forms.ChoiceField) and not isinstance(field, forms.ModelChoiceField):
                value = next((label for key, label in field.choices if key == str(value)), value)
            shown.append((field.label, value))
        return shown
