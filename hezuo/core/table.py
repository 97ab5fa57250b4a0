"""How a record's fields are shown: amounts in 万元/亿元 with the exact 元 on hover,
choices by label, links to related records, personal data masked by role.

A list page shows 20 rows of up to 8 cells; drawn through the template language each cell
cost ~30 template nodes, half of the page's time. So a row's cells are written here, every
value escaped, and the template places the row (`row.html`); a detail link is reversed once
per table and model, not once per row and cell.
"""

from dataclasses import dataclass
from html import escape

from django.db import models
from django.urls import reverse
from django.utils.safestring import mark_safe

from hezuo import access, numbers
from hezuo.amounts import AmountField
from hezuo.core.filters import resolve_field
from hezuo.kinds import kind_for_model


@dataclass
class Cell:
    text: str
    title: str = ""
    url: str = ""
    numeric: bool = False
    label: str = ""
    name: str = ""  # a total's column, and its exact number as text (data-total, data-value)
    value: str = ""

    def td(self, url="", link_class=""):
        """The cell as a <td>, its text a link to `url` when given, else to its own `url`."""
        text = escape(self.text)
        if url or self.url:
            quiet = f' class="{link_class}"' if link_class else ""
            text = f'<a{quiet} href="{escape(url or self.url)}">{text}</a>'
        numeric = ' class="num"' if self.numeric else ""
        title = f' title="{escape(self.title)}"' if self.title else ""
        return f'<td{numeric}{title} data-label="{escape(self.label)}">{text}</td>'


def pk_url(url_name):
    """pk → the URL `url_name` reverses to with that pk, for URLs like /projects/<int:pk>/.

    reverse() costs ~60 µs; a list page called it for every row and every linked cell. Here it
    is called once, with a marker where the pk goes. Build it per request (per Table): the
    result carries the request's script prefix.
    """
    marker = "2147480009"
    head, tail = reverse(url_name, args=[int(marker)]).split(marker)
    return lambda pk: f"{head}{pk}{tail}"


class Table:
    def __init__(self, kind, user, columns, rows):
        self.kind = kind
        self.user = user
        self.columns = columns
        self.rows_source = rows
        self.fields = {name: resolve_field(kind.model, name) for name in columns}
        self.unmasked = access.sees_personal_data(user)
        self._detail_urls = {}

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
        """Each row: its record, its page's URL, its cells, and the cells as HTML (<td>s);
        the first cell links to the record, a related record's cell to that record (quietly)."""
        detail = self.detail_url(self.kind.model)
        for obj in self.rows_source:
            url = detail(obj.pk)
            cells = [self.labelled(self.cell(obj, name, field), field) for name, field in self.fields.items()]
            html = [cell.td(url if index == 0 else "", "" if index == 0 else "quiet")
                    for index, cell in enumerate(cells)]
            yield {"obj": obj, "url": url, "cells": cells, "html": mark_safe("".join(html))}

    @staticmethod
    def labelled(cell, field):
        cell.label = field.verbose_name
        return cell

    def detail_url(self, model):
        """pk → the detail page of a `model` record, or None when the user may not read the kind."""
        if model not in self._detail_urls:
            kind = kind_for_model(model)
            readable = kind is not None and access.can_read_kind(self.user, model)
            self._detail_urls[model] = pk_url(kind.url_name("detail")) if readable else None
        return self._detail_urls[model]

    def cell(self, obj, name, field):
        value = getattr(obj, name)
        if value is None or value == "":
            return Cell("—")
        if isinstance(field, AmountField):
            return Cell(numbers.format_amount(value), numbers.format_exact(value), numeric=True)
        if field.is_relation:
            detail = self.detail_url(field.related_model)
            return Cell(str(value), url=detail(value.pk) if detail else "")
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
