"""Records for tests, made the way people make them.

`form_data` is what a record's edit page posts back when nothing is changed, taken from
the very form the page shows, so every kind in the registry gets valid POST data without
a hand-written fixture. `new_record_data` and `copy_of` make a second record like a first
one that does not collide with it on unique fields.
"""

from django import forms
from django.db import models

from hezuo.core.kinds import kind_for_model
from hezuo.core.views import form_class
from hezuo.jobs import credit
from hezuo.org.models import Pairing, Region

def form_data(obj, **changes):
    """The POST data of `obj`'s edit form, unchanged, with its `version`, then `changes`."""
    form = form_class(kind_for_model(type(obj)))(instance=obj)
    data = {}
    for bound in form:
        data.update(widget_data(bound.field.widget, bound.html_name, bound.value()))
    data["version"] = obj.version
    data.update(changes)
    return data


def widget_data(widget, name, value):
    """What a browser sends for one widget showing `value`."""
    if isinstance(widget, forms.MultiWidget):  # amounts: <name>_0 the number, <name>_1 the unit
        data = {}
        for suffix, part_widget, part in zip(widget.widgets_names, widget.widgets, widget.decompress(value)):
            data.update(widget_data(part_widget, name + suffix, part))
        return data
    if isinstance(widget, forms.CheckboxInput):
        return {name: "on"} if value else {}
    shown = widget.format_value(value)
    if isinstance(widget, forms.SelectMultiple):  # a browser sends each chosen value, none for none
        return {name: shown} if shown else {}
    if isinstance(shown, list):  # selects
        shown = shown[0] if shown else ""
    return {name: "" if shown is None else shown}


def new_record_data(obj, n=1):
    """POST data for the create page: a record like `obj`, distinct from it."""
    data = form_data(obj)
    del data["version"]
    for name, value in distinct_values(obj, n).items():
        if isinstance(value, Region):
            value = value.code  # the region box takes a GB/T code
        elif isinstance(value, models.Model):
            value = value.pk
        data[name] = str(value)
    return data


def copy_of(obj, n=1, **changes):
    """Save the n-th copy of `obj` through the ORM (fast, for rows that only need to exist)."""
    values = {
        field.attname: getattr(obj, field.attname)
        for field in obj._meta.concrete_fields
        if field.editable and not field.primary_key
    }
    copy = type(obj)(**values)
    for name, value in {**distinct_values(obj, n), **changes}.items():
        setattr(copy, name, value)
    copy.save()
    return copy


def distinct_values(obj, n):
    """Values that make the n-th copy of `obj` unique where the model says it must be."""
    meta = obj._meta
    together = {name for c in meta.constraints if isinstance(c, models.UniqueConstraint) for name in c.fields}
    values = {}
    for field in meta.concrete_fields:
        if not field.editable or field.primary_key or not (field.unique or field.name in together):
            continue
        value = getattr(obj, field.name)
        if isinstance(field, models.CharField) and value.isdigit():  # region codes stay digits
            values[field.name] = str(int(value) + n)
        elif isinstance(field, models.CharField):
            values[field.name] = f"{value}-{n}"
        elif isinstance(field, models.IntegerField):  # a year
            values[field.name] = value + n
    if "credit_code" in values:  # a credit code stays valid: the n-th code after it, its check character recomputed
        head = obj.credit_code[:17]
        values["credit_code"] = credit.with_check(f"{head[:12]}{(int(head[12:]) + n) % 100000:05d}")
    if isinstance(obj, Pairing):  # unique per unit, region and program: pair with the n-th other county
        counties = Region.objects.filter(level=Region.Level.COUNTY).exclude(pk=obj.region_id).order_by("code")
        values["region"] = counties[n - 1]
    return values
