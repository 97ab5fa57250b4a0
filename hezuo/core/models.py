"""What every reportable record shares."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models


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


class Record(models.Model):
    """A record someone reports: versioned for optimistic locking, stamped with who wrote it.

    `scope_path` is the lookup from the record to the Unit that owns it; access.py
    filters by that unit's subtree. `write_roles` are the roles that may change it.
    """

    scope_path = "unit"
    write_roles = ("city", "district")
    # A dated record's `year` is its date's, stored for the indexes and filters of a year:
    # `year_from` names the date field it comes from (None: the record has no derived year).
    year_from = None

    @classmethod
    def derived_fields(cls):
        """The fields derived_values() sets; bulk writes, which bypass save(), store them too."""
        return ("year",) if cls.year_from else ()

    version = models.PositiveIntegerField("版本", default=1, editable=False)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    # No index on who wrote a record: nothing looks records up by it, and every index
    # slows the bulk inserts of an import.
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, editable=False,
        related_name="+", verbose_name="创建人", db_index=False,
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, editable=False,
        related_name="+", verbose_name="最后修改人", db_index=False,
    )

    class Meta:
        abstract = True

    @classmethod
    def derived_values(cls, values):
        """Fields computed from others (the year of a dated record), from a dict of field
        values by attname. save() applies them; bulk writes, which bypass save(), too."""
        return {"year": values[cls.year_from].year} if cls.year_from else {}

    def derive_fields(self):
        self.__dict__.update(self.derived_values(self.__dict__))

    def save(self, *args, **kwargs):
        self.derive_fields()
        super().save(*args, **kwargs)

    def on_written(self):
        """What saving this record from a page brings along, in the same transaction (a
        pairing: its county's towns and villages). Bulk writes do the same for their rows."""

    def owning_unit(self):
        """The Unit this record belongs to, following scope_path."""
        obj = self
        for part in self.scope_path.split("__"):
            obj = getattr(obj, part, None)
            if obj is None:
                return None
        return obj


def year_choices():
    return [(y, f"{y}年") for y in range(2015, 2036)]
