"""What every reportable record shares: money (`AmountField`), and the `Record` base, which
lives in the neutral hezuo/records.py so that every app may build on it (re-exported here)."""

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models

from hezuo.records import Record

__all__ = ["AmountField", "Record", "year_choices"]


class AmountField(models.DecimalField):
    """Money, exact, in 元. Forms enter it in 元 or 万元; pages show 万元/亿元."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_digits", 18)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("validators", [MinValueValidator(Decimal("0"))])
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        for key in ("max_digits", "decimal_places", "validators"):
            kwargs.pop(key, None)
        return name, path, args, kwargs

    def formfield(self, **kwargs):
        from hezuo.core.fields import AmountFormField

        return super().formfield(**{"form_class": AmountFormField, **kwargs})


def year_choices():
    return [(y, f"{y}年") for y in range(2015, 2036)]
