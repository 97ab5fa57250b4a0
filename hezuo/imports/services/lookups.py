"""Names in a workbook → ids: what the database holds, plus what the workbook itself creates.

One table drives it (specs.TARGETS): a target kind (unit, program, project …) is a model,
the fields that name one of its records, and the sheet that may create them. A name the
workbook creates resolves to a pending reference (kind, key) until its sheet is written;
`final` then gives its id. Regions have their own resolver (codes, names, code + name), in
one place: `resolve_region`.
"""

from itertools import chain
from operator import itemgetter

from hezuo.imports.specs import TARGETS
from hezuo.vocabulary.words import closest
from hezuo.org import names as region_names
from hezuo.org.models import Region
from hezuo.org.regions import RegionError, RegionResolver
from hezuo.org.services import load_codes, load_paired

BATCH = 900  # ids per IN (…): SQLite's limit on variables, with room to spare


class Lookups:
    def __init__(self, parsed, allowed_units=None):
        self.parsed = parsed  # sheet name → (spec, rows)
        self.allowed_units = allowed_units  # a district reporter's units: scoped targets elsewhere are unknown to them
        self.known = {}  # target kind → {key tuple: (id, owning unit id)}
        self.new = {}  # target kind → key tuples the workbook creates
        self.region_codes = dict(Region.objects.values_list("code", "id"))
        self.regions = None  # the region resolver, made when a region is first named
        self.package_regions = set()  # towns and villages of the package to load at the write
        self.package_loaded = False
        self.new_regions = {r.values.get("code"): r.values.get("name") for r in self.rows("地区")
                            if r.values.get("code") not in self.region_codes}

    def rows(self, sheet):
        return self.parsed.get(sheet, (None, []))[1]

    # -- what exists ----------------------------------------------------------------------

    def records(self, kind):
        """{key: (id, unit id)} of the target's records the workbook may name."""
        if kind not in self.known:
            self.known[kind] = self.load(kind, self.named(kind))
        return self.known[kind]

    def named(self, kind):
        """The first key field's values the workbook writes for `kind`, or None for all."""
        target = TARGETS[kind]
        if target.model._meta.model_name in ("unit", "program"):
            return None  # small dictionaries: read whole
        names = set()
        for spec, rows in self.parsed.values():
            getter = self.first_key_field(spec, kind)
            if getter is not None:
                names.update(row.values.get(getter) for row in rows)
        names.discard(None)
        return [name for name in names if not isinstance(name, tuple)]

    @staticmethod
    def first_key_field(spec, kind):
        """Where a sheet writes the first key field of the `kind` records it names, if it does."""
        target = TARGETS[kind]
        if spec.model is target.model:
            return target.key[0]
        for column in spec.columns:
            if column.kind == kind or column.parent and spec.parents[column.parent] == kind \
                    and column.part == target.key[0]:
                return column.field
        if kind in spec.parents.values():
            return target.key[0]  # a key field the row has itself: an enterprise's park
        return None

    def load(self, kind, first_values):
        target = TARGETS[kind]
        meta = target.model._meta
        key = [meta.get_field(f).attname for f in target.key]
        path = target.scope_path
        owner = "id" if path is None else path + ("_id" if "__" not in path else "")
        columns = ["id", *key, owner]
        key_of = itemgetter(*range(1, len(key) + 1))
        found = {}
        if first_values is None:
            queries = [target.model.objects.values_list(*columns)]
        else:
            queries = [target.model.objects.filter(**{f"{key[0]}__in": first_values[start:start + BATCH]})
                       .values_list(*columns) for start in range(0, len(first_values), BATCH)]
        for row in chain.from_iterable(queries):
            found[key_of(row) if len(key) > 1 else (row[1],)] = (row[0], row[-1])
        return found

    def created_by_workbook(self, kind):
        """Keys of `kind` that the workbook's own sheet creates (not in the database yet)."""
        if kind not in self.new:
            target = TARGETS[kind]
            known = self.records(kind)
            rows = self.rows(target.sheet) if target.sheet else []
            spec = self.parsed.get(target.sheet, (None, []))[0]
            # A sheet of children that makes its parents (specs.MakesParent) names them by its part columns.
            made = next((m.parent for m in spec.makes if spec.parents.get(m.parent) == kind), None) if spec else None
            key_of = itemgetter(*[f"{made}__{f}" if made else f for f in target.key])
            keys = {key_of(r.values) if len(target.key) > 1 else (key_of(r.values),) for r in rows}
            self.new[kind] = {key for key in keys if key not in known and None not in key}
        return self.new[kind]

    # -- resolving --------------------------------------------------------------------------

    def resolve(self, kind, text):
        """(value, error message) for a reference written as one cell: an id, or (kind, key)
        for what the workbook itself creates."""
        if kind == "region":
            return self.resolve_region(text)
        return self.resolve_key(kind, (text,), f"{TARGETS[kind].by}“{text}”")

    def resolve_key(self, kind, key, described):
        """Like resolve, for a record named by several cells; `described` says what was
        written (批次名称为“…”、派出单位为“…”)."""
        target = TARGETS[kind]
        found = self.records(kind).get(key)
        if found is not None and (not target.scoped or self.allowed_units is None or found[1] in self.allowed_units):
            return found[0], ""
        if found is None and key in self.created_by_workbook(kind):
            return (kind, key), ""
        where = "您的数据范围内" if target.scoped and self.allowed_units is not None else ""
        # The same words whether a scoped record is another unit's or does not exist.
        hint = f"（可在“{target.sheet}”工作表中新增）" if target.sheet else ""
        return None, f"{where}没有{described}的{target.noun}{hint}{self.closest(kind, key)}"

    def closest(self, kind, key):
        """。是否为：南浔区？ — for dictionaries everyone may read (units, programs), never for
        records in a scope: a suggestion must not show what exists elsewhere."""
        target = TARGETS[kind]
        if target.scoped or len(key) != 1 or not isinstance(key[0], str):
            return ""
        names = [name for (name,) in self.records(kind)]
        names += [name for (name,) in self.created_by_workbook(kind) if isinstance(name, str)] if target.sheet else []
        close = closest(key[0], names)
        return f"。是否为：{'、'.join(close)}？" if close else ""

    def resolve_region(self, text):
        """Regions as clerks write them (hezuo.org.regions), or one the workbook's 地区 sheet adds.
        A town or village of the package that is not loaded yet is loaded at the write."""
        if self.regions is None:
            self.regions = RegionResolver(ids=self.region_codes)
        code, _rest = region_names.split_code(region_names.normalise(text))
        if code in self.new_regions:
            return ("region", (code,)), ""
        own = [c for c, name in self.new_regions.items() if name == text and c not in self.package_regions]
        try:
            node = self.regions.resolve(text)
        except RegionError as error:
            if len(own) == 1:
                return ("region", (own[0],)), ""
            return None, str(error)
        if node.code in own:  # the workbook adds a town of the package as its own
            return ("region", (node.code,)), ""
        if own:
            return None, f"有 {len(own) + 1} 个地区名为“{text}”，请写区划代码，如“{node.code} {node.name}”"
        if node.pk is not None:
            return node.pk, ""
        self.new_regions[node.code] = node.name
        self.package_regions.add(node.code)
        return ("region", (node.code,)), ""

    def load_package_regions(self):
        """In the import's transaction, before the rows that refer to them: the package's towns
        and villages the workbook names, and those of the counties its pairings point at."""
        if self.package_loaded:
            return
        self.package_loaded = True
        if self.package_regions:
            self.region_codes.update(load_codes(self.package_regions))
        paired = {r.values.get("region") for r in self.rows("结对关系")}
        load_paired([pk for pk in paired if isinstance(pk, int)])

    def unit_name(self, unit_id):
        return next((key[0] for key, (pk, _unit) in self.records("unit").items() if pk == unit_id), "")

    def unit_of(self, spec, values):
        """The id of the unit that owns a row; for a record the workbook itself creates (a
        fund of a new project), the unit its own row names. None when it cannot be
        determined (a unit the workbook creates, a reference that failed): the write gate
        refuses such a row for a district reporter instead of skipping it."""
        path = spec.model.scope_path
        if path is None:
            return None
        first = path.split("__")[0]
        value = values.get(first)
        if first == "unit":
            return None if isinstance(value, tuple) else value
        kind = spec.model._meta.get_field(first).related_model._meta.model_name
        if isinstance(value, tuple):
            return self.unit_of_new(kind, value[1])
        return self.owners(kind).get(value)

    def unit_of_new(self, kind, key):
        """The unit the workbook's own row creating the `kind` record `key` names, or None."""
        spec, values = self.new_row(kind, key)
        return None if spec is None or values is None else self.unit_of(spec, values)

    def new_values(self, kind, key):
        """The values of the workbook's own row creating the `kind` record `key`, or None."""
        return self.new_row(kind, key)[1]

    def new_row(self, kind, key):
        index = self.__dict__.setdefault("_new_rows", {})
        if kind not in index:
            target = TARGETS[kind]
            spec = self.parsed.get(target.sheet, (None, []))[0]
            key_of = itemgetter(*target.key)
            index[kind] = (spec, {(key_of(r.values) if len(target.key) > 1 else (key_of(r.values),)): r.values
                                  for r in self.rows(target.sheet)})
        spec, rows = index[kind]
        return spec, rows.get(tuple(key))

    def owners(self, kind):
        """Record id → its unit id, for the target's records the workbook names."""
        records = self.records(kind)
        cached = getattr(self, f"_owners_{kind}", None)
        if cached is None or len(cached) != len(records):
            cached = {pk: unit for pk, unit in records.values()}
            setattr(self, f"_owners_{kind}", cached)
        return cached

    # -- while writing ----------------------------------------------------------------------

    def has_pending(self):
        return bool(self.new_regions) or any(self.new.values())

    def written(self, model):
        """After a sheet of `model` is written, what it created has ids."""
        for kind, target in TARGETS.items():
            if target.model is model and self.new.get(kind):
                # Keys may hold references created earlier in this import (a new park's enterprises).
                first = list({self.final(key[0]) for key in self.new[kind]})
                self.known[kind].update(self.load(kind, first))
                self.__dict__.pop(f"_owners_{kind}", None)
        if model is Region and self.new_regions:
            self.region_codes = dict(Region.objects.values_list("code", "id"))

    def created(self, obj):
        """A record of a tree sheet just saved: later rows of its sheet may name it as their parent."""
        if isinstance(obj, Region):
            self.region_codes[obj.code] = obj.pk
            return
        for kind, target in TARGETS.items():
            if isinstance(obj, target.model):
                key = tuple(getattr(obj, target.model._meta.get_field(f).attname) for f in target.key)
                self.records(kind)[key] = (obj.pk, getattr(obj, "unit_id", obj.pk))

    def final(self, value):
        """A value ready to store: a pending reference becomes the id just created.
        Raises KeyError when it is not written yet."""
        if not isinstance(value, tuple):
            return value
        kind, key = value
        if kind == "region":
            return self.region_codes[key[0]]
        key = tuple(self.final(part) for part in key)
        return self.known[kind][key][0]

    def existing(self, spec, rows):
        """Existing records of the rows' keys, as {key: values dict}."""
        found = {}
        if not spec.model.objects.exists():
            return found  # an empty table (a first import) needs no look-ups
        meta = spec.model._meta
        first = spec.key[0]
        wanted = list({r.values.get(first) for r in rows if not isinstance(r.values.get(first), tuple)} - {None})
        fields = ["id", "version"] + [meta.get_field(f).attname for f in spec.stored]
        if spec.model is Region:
            fields.append("from_package")
        first_attname = meta.get_field(first).attname
        key_of = itemgetter(*[meta.get_field(f).attname for f in spec.key])
        for start in range(0, len(wanted), BATCH):
            query = spec.model.objects.filter(**{f"{first_attname}__in": wanted[start:start + BATCH]}).values(*fields)
            for values in query:
                found[key_of(values)] = values
        return found

    def parent_values(self, kind, field, ids):
        """{parent id: its `field`} for the copies a child sheet takes from its parents."""
        model = TARGETS[kind].model
        values = {}
        ids = list(ids)
        for start in range(0, len(ids), BATCH):
            values.update(model.objects.filter(pk__in=ids[start:start + BATCH]).values_list(
                "id", model._meta.get_field(field).attname))
        return values
