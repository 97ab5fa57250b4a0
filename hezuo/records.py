"""The base of every record someone reports, and the declaration of what a record is.

A neutral module: it imports no app, so every app may derive its records from it (the
apps' layering: docs/architecture.md).
"""

from django.conf import settings
from django.db import models


class Record(models.Model):
    """A record someone reports: versioned for optimistic locking, stamped with who wrote it.

    What a record is, declared once on its model and read everywhere else — the list
    filters (hezuo/kinds.py: a kind's program, year, unit and region filters), the statistics
    (stats/queries.py SOURCES), import and export (imports/specs.py SheetSpec.year_field), the
    dashboard's cache (stats/freshness.py watched), data scope (access.py) and the period lock
    (docs/architecture.md has the table of every model's declaration):

    - `scope_path`: the lookup to the Unit that owns it; access.py scopes by that unit's
      subtree. None for dictionaries, which belong to no unit.
    - `program_path`: the lookup to its Program (工作类别); None: it has none.
    - `region_path`: the lookup to its partner Region (结对地区, 产地 …); None: it has none.
    - `year_path`: the lookup to the year it counts in, or (start, end) years for what is in
      force over years (a pairing); None: it counts in no year.
    - `year_from`: the date field a dated record's stored `year` derives from (None: the
      record has no derived year); a through-month statistic and the period lock cut on it.

    - `closed_by`: the narrower period locks that close it besides a whole one
      (hezuo.periods PeriodLock.Covers: a key project's monthly report is closed by the
      approval of its unit's 重点项目月报 as well as by that of its 月度数据).

    `write_roles` are the roles that may change it.
    """

    scope_path = "unit"
    program_path = None
    region_path = None
    year_path = None
    year_from = None
    write_roles = ("city", "district")
    closed_by = ()

    @classmethod
    def declared_paths(cls):
        """{filter name: lookup} of the declaration, in the order a filter bar shows them."""
        named = {"program": cls.program_path, "year": cls.year_path, "unit": cls.scope_path,
                 "region": cls.region_path}
        return {name: path for name, path in named.items() if path is not None}

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
