"""Money: stored exact, in 元, as Decimal (`AmountField`); typed as people write it, with a
unit select (`AmountFormField`); pages show 万元/亿元 (hezuo/numbers.py).

A neutral module: it imports no app, so every app's records may hold money (the apps'
layering: docs/architecture.md).
"""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models

from hezuo import numbers, text


class AmountField(models.DecimalField):
    """Money, exact, in 元. Forms enter it in 元 or 万元; pages show 万元/亿元."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_digits", 18)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("validators", [MinValueValidator(Decimal("0"))])
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, _path, args, kwargs = super().deconstruct()
        for key in ("max_digits", "decimal_places", "validators"):
            kwargs.pop(key, None)
        # The path the migrations name it by (it lived in hezuo.core.models, which still
        # exports it): a path of its own here would read as a change of every amount column.
        return name, "hezuo.core.models.AmountField", args, kwargs

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": AmountFormField, **kwargs})


AMOUNT_UNITS = [("元", "元"), ("万元", "万元"), ("亿元", "亿元")]
EXAMPLES = "例如 2838、350万、1.2亿"


class AmountWidget(forms.MultiWidget):
    """A text box for the number and a select for its unit (元/万元/亿元)."""

    template_name = "core/widgets/amount.html"

    def __init__(self, attrs=None):
        widgets = [
            forms.TextInput(attrs={"class": "amount-input", "autocomplete": "off", "placeholder": EXAMPLES}),
            forms.Select(choices=AMOUNT_UNITS, attrs={"class": "amount-unit"}),
        ]
        super().__init__(widgets, attrs)

    def decompress(self, value):
        if value in (None, ""):
            return [None, "万元"]
        value = numbers.to_decimal(value)
        # Shown in the largest unit that keeps it exact with few decimals, so nothing is
        # rounded on edit: 1.74 亿元, 2838.5 万元, else the 元 to the fen.
        yi = numbers.in_unit(value, "亿元")
        if abs(value) >= numbers.YI and yi == yi.quantize(Decimal("0.0001")):
            return [numbers._trim(yi, 4), "亿元"]
        wan = numbers.in_unit(value, "万元")
        if wan == wan.quantize(Decimal("0.01")):
            return [numbers._trim(wan, 2), "万元"]
        return [format(value, "f"), "元"]


class AmountFormField(forms.MultiValueField):
    """An amount typed as people write it (2838, 350万, 1.2亿, 2,838万元, 三百五十万) with a unit
    select; cleans to exact Decimal 元.

    Read by `numbers.read_amount`, the importer's reader: a plain number is in the selected
    unit, text that carries its own (1.2亿 with 万元 selected) is taken as written. What is
    not one exact amount (超1.5万, 3-5万, 3万5, 15%) is refused naming why, never guessed.
    """

    widget = AmountWidget

    def __init__(self, *, max_digits=None, decimal_places=None, max_value=None, min_value=None, **kwargs):
        kwargs.pop("localize", None)
        fields = [forms.CharField(required=False), forms.ChoiceField(choices=AMOUNT_UNITS)]
        super().__init__(fields, require_all_fields=False, **kwargs)

    def has_changed(self, initial, data):
        # The unit select alone, without a number, is no entry (an untouched row of a
        # several-row form keeps its preselected 万元).
        if initial in (None, "") and not (data or [None])[0]:
            return False
        return super().has_changed(initial, data)

    def compress(self, data_list):
        if not data_list or data_list[0] in (None, ""):
            if self.required:
                raise ValidationError(self.error_messages["required"], code="required")
            return None
        typed, unit = text.form_value(str(data_list[0])), data_list[1] or "万元"
        try:
            parsed = numbers.read_amount(typed, unit)
        except numbers.ChineseNumberError as error:
            raise ValidationError(f"{error}，请填写金额，{EXAMPLES}", code="invalid")
        if parsed.qualifier:
            raise ValidationError(f"“{typed.strip()}”带有“{parsed.qualifier}”，不是确切金额，请填写确切的数", code="inexact")
        if parsed.value < 0:
            raise ValidationError("金额不能为负数", code="negative")
        if parsed.value >= Decimal("1e16"):
            raise ValidationError("金额过大，请检查单位是否选错", code="too_large")
        return parsed.value
