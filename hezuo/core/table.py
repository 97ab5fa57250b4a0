"""How a record's fields are shown: amounts in 万元/亿元 with the exact 元 on hover,
choices by label, links to related records, personal data masked by role."""

from dataclasses import dataclass

from django.db import models
from django.urls import reverse

from hezuo import access, numbers
from hezuo.core.filters import resolve_field
from hezuo.core.kinds import kind_for_model
from hezuo.core.models import AmountField


@dataclass
class Cell:
    text: str
    title: str = ""
    url: str = ""
    numeric: bool = False
    label: str = ""
    name: str = ""  # a total's column, and its exact number as text (data-total, data-value)
    value: str = ""


class Table:
    def __init__(self, kind, user, columns, rows):
        self.kind = kind
        self.user = user
        self.columns = columns
        self.rows_source = rows
        self.fields = {name: resolve_field(kind.model, name) for name in columns}
        self.unmasked = access.sees_personal_data(user)
        self._readable = {}

    def headers(self):
        return [
            {"name": name, "label": field.verbose_name, "sortable": name in self.kind.sorts,
             "numeric": self.is_numeric(field)}
            for name, field in self.fields.items()
        ]

    @staticmethod
    def is_numeric(field):
        return isinstance(field, (models.DecimalField, models.IntegerField)) and not field.choices and \
            field.name not in ("year", "start_year", "end_year", "established_year", "settled_year", "sort_order")

    def rows(self):
        detail = self.kind.url_name("detail")
        for obj in self.rows_source:
            yield {
                "obj": obj,
                "url": reverse(detail, args=[obj.pk]),
                "cells": [self.labelled(self.cell(obj, name, field), field) for name, field in self.fields.items()],
            }

    @staticmethod
    def labelled(cell, field):
        cell.label = field.verbose_name
        return cell

    def readable(self, model):
        if model not in self._readable:
            self._readable[model] = kind_for_model(model) is not None and access.can_read_kind(self.user, model)
        return self._readable[model]

    def cell(self, obj, name, field):
        value = getattr(obj, name)
        if value is None or value == "":
            return Cell("—")
        if isinstance(field, AmountField):
            return Cell(numbers.format_amount(value), numbers.format_exact(value), numeric=True)
        if field.is_relation:
            url = ""
            if self.readable(field.related_model):
                url = reverse(kind_for_model(field.related_model).url_name("detail"), args=[value.pk])
            return Cell(str(value), url=url)
        if field.choices:
            return Cell(getattr(obj, f"get_{name}_display")())
        if isinstance(field, models.BooleanField):
            return Cell("是" if value else "否")
        if isinstance(field, models.DateTimeField):
            return Cell(value.astimezone().strftime("%Y-%m-%d %H:%M"))
        if isinstance(field, models.DateField):
            return Cell(value.strftime("%Y-%m-%d"))
        if name == "quantity" and hasattr(obj, "quantity_unit"):
            return Cell(numbers.format_quantity(value, obj.quantity_unit), numeric=True)
        if name in getattr(obj, "PERSONAL_FIELDS", ()) and not self.unmasked:
            return Cell(access.mask_personal(value), "个人信息已脱敏")
        if self.is_numeric(field):
            return Cell(numbers.format_count(value), numeric=True)
        return Cell(str(value))

    def totals_row(self, totals):
        if not totals:
            return None
        cells = []
        for name, field in self.fields.items():
            value = totals.get(name) or 0
            exact = {"label": field.verbose_name, "name": name, "value": format(numbers.to_decimal(value), "f")}
            if name not in totals:
                cells.append(None)
            elif isinstance(field, AmountField):
                cells.append(Cell(numbers.format_amount(value), numbers.format_exact(value), numeric=True, **exact))
            else:
                cells.append(Cell(numbers.format_count(value), numeric=True, **exact))
        return cells

    def detail_fields(self, obj):
        """(label, Cell) for every field a person can see on the detail page."""
        shown = []
        for field in obj._meta.concrete_fields:
            if field.name in ("id", "prefix", "created_by", "updated_by", "created_at", "updated_at", "version"):
                continue
            if field.name == "quantity_unit":
                continue
            shown.append((field.verbose_name, self.cell(obj, field.name, field)))
        return shown
