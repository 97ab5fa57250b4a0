"""Writing one checked sheet, by its shape (SheetSpec.shape): one writer per shape.

- TreeWriter: dictionaries whose rows may hang under earlier rows of the same sheet (units,
  regions). Few rows, saved one by one, so save() keeps tree paths right and the next row
  can name this one as its parent.
- FlatWriter: records inserted in bulk (services/bulk.py: COPY, or many rows a statement on SQLite) and
  updated with one prepared UPDATE a row (bulk.fast_update). A sheet's other sheets (children) that copy a field from its
  records follow an update of that field.
- ChildWriter: a FlatWriter for rows under a record of another sheet, which also copies the
  fields the spec declares (`copies`) from that parent record.

Writers run inside the import's transaction; they tell the import's audit
(hezuo/audit/imports.ImportAudit) what they wrote and report problems through the importer.
"""

from auditlog.context import disable_auditlog
from django.db.models import OuterRef, Subquery

from hezuo import access, gate
from hezuo.imports.services.bulk import fast_insert, fast_update
from hezuo.imports.specs import SHEETS


class Writer:
    def __init__(self, importer, spec, now, audit):
        self.importer = importer
        self.audit = audit
        self.spec = spec
        self.model = spec.model
        self.lookups = importer.lookups
        self.now = now
        meta = spec.model._meta
        self.attnames = {f: meta.get_field(f).attname for f in spec.stored}
        self.user = access.user_of(importer.user)  # stamped: None for the console
        user_id = self.user.pk if self.user else None
        self.stamps = {"created_by_id": user_id, "updated_by_id": user_id}

    def final_values(self, row):
        """The row as attname → value, pending references replaced by their new ids."""
        final = self.lookups.final
        return {self.attnames[f]: (v if type(v) is not tuple else final(v)) for f, v in row.values.items()}

    def updated(self, row, values, obj=None):
        """The record a changed row becomes (`obj`, the stored record, or an unsaved one with
        the row's values only: the writers update only the sheet's columns), and its audit
        changes."""
        if obj is None:
            obj = self.model(pk=row.existing["id"], **values)
        else:
            for name, value in values.items():
                setattr(obj, name, value)
        obj.version = row.existing["version"] + 1
        obj.updated_by = self.user
        obj.updated_at = self.now
        return obj, self.importer.diff(row.existing, values)


class TreeWriter(Writer):
    def write(self, rows):
        created, changes = [], []
        for row in rows:
            if row.action == "unchanged":
                continue
            try:
                values = self.final_values(row)
            except KeyError as error:  # a parent written further down its own sheet
                self.importer.problem(self.spec.name, row.number, None, error.args[0], "上级须写在本行之前的行中")
                break
            if row.action == "create":
                values.update(self.model.derived_values(values))
                obj = self.model(**values, **self.stamps)
            else:
                # Saved whole (save() keeps tree paths right): from the stored record, so the
                # columns the sheet leaves out keep their values.
                obj, change = self.updated(row, values, self.model.objects.get(pk=row.existing["id"]))
                changes.append((obj, change))
            obj.derive_fields()
            self.importer.validate(self.spec, obj, row.number)
            if self.importer.result.problems:
                break
            creating = not obj.pk
            with disable_auditlog():  # its entry is written by the importer, naming the import
                obj.save(force_update=not creating)
            if creating:
                created.append(obj)
            self.lookups.created(obj)
        if self.importer.result.problems:
            return
        self.audit.saved(self.model, [obj.pk for obj in created])
        self.audit.updated(self.model, changes)


class FlatWriter(Writer):
    def copied(self, rows):
        """{field: {parent id: value}} for the fields the spec copies from parent records."""
        return {}

    def write(self, rows):
        spec, model = self.spec, self.model
        creates, updates, changes = [], [], []
        written = []  # the fields each updated row has a column for
        final = self.lookups.final
        pending = self.lookups.has_pending()
        derived = model.derived_values
        copied = self.copied(rows)
        copies = [(field, parent, copied[field]) for field, parent in spec.copies]
        followers = self.followers()
        moved = {follower: [] for follower in followers}  # records whose copied field changed
        stamped = {stamp: [] for stamp in spec.stamps}  # records whose stamped field changed
        for row in rows:
            if row.action == "unchanged":
                continue
            if row.action == "create":
                # The hot path of a large import: the row's own dict goes to the insert.
                values = row.values
                if pending:
                    for f, v in values.items():
                        if type(v) is tuple:
                            values[f] = final(v)
                values.update(derived(values))
                for field, parent, by_parent in copies:
                    values[field] = by_parent[values[parent]]
                for field, by, at in spec.stamps:
                    given = values.get(field) is not None
                    values[by], values[at] = (self.stamps["updated_by_id"], self.now) if given else (None, None)
                creates.append(values)
                continue
            values = self.final_values(row)
            written.append(values.keys())
            obj, change = self.updated(row, values)
            for field, parent, by_parent in copies:
                setattr(obj, self.attname(field), by_parent[getattr(obj, self.attnames[parent])])
            for follower in followers:
                field = self.attname(follower[2])
                if getattr(obj, field) != row.existing[field]:
                    moved[follower].append(obj.pk)
            for stamp in spec.stamps:
                field, by, at = stamp
                if field in row.values and getattr(obj, self.attname(field)) != row.existing[self.attname(field)]:
                    setattr(obj, self.attname(by), self.stamps["updated_by_id"])
                    setattr(obj, at, self.now)
                    stamped[stamp].append(obj)
            updates.append(obj)
            changes.append((obj, change))
        for obj in updates:
            obj.derive_fields()
        self.audit.number(model, creates)  # their ids, reserved before the insert
        fast_insert(model, creates, same={"created_by": self.stamps["created_by_id"],
                                          "updated_by": self.stamps["updated_by_id"],
                                          "created_at": self.now, "updated_at": self.now})
        present = set().union(*written)
        fields = [f for f in self.attnames.values() if f in present] + ["version", "updated_by", "updated_at"]
        fields += [f for f in model.derived_fields() if f not in fields]
        fields += [self.attname(field) for field, _parent in spec.copies]
        fast_update(model, updates, fields)
        for (_field, by, at), objs in stamped.items():
            fast_update(model, objs, [by, at])
        for (child, parent, field), ids in moved.items():
            follow(child, parent, field, ids)
        self.audit.updated(model, changes)

    def attname(self, field):
        return self.model._meta.get_field(field).attname

    def followers(self):
        """(child model, parent field, field) for each field another sheet copies from these records."""
        return [(other.model, parent, field) for other in SHEETS for field, parent in other.copies
                if other.model._meta.get_field(parent).related_model is self.model]


class ChildWriter(FlatWriter):
    def copied(self, rows):
        copied = {}
        final = self.lookups.final
        for field, parent in self.spec.copies:
            ids = {row.values[parent] for row in rows if row.action != "unchanged"}
            ids = {final(pk) if type(pk) is tuple else pk for pk in ids}  # parents this import created
            kind = self.model._meta.get_field(parent).related_model._meta.model_name
            copied[field] = self.lookups.parent_values(kind, field, ids)
        return copied


def follow(child, parent, field, ids):
    """Give the children of the records `ids` their parent's `field` again (after the parents
    were written in bulk, bypassing save(); e.g. FundRecord.program, its project's). The
    importer's check phase refused the import if one of them lies in a closed period; checked
    again here, in the write transaction (gate.WriteRefused rolls it back)."""
    related = child._meta.get_field(parent).related_model
    for start in range(0, len(ids), 900):
        children = child.objects.filter(**{f"{parent}__in": ids[start:start + 900]})
        value = Subquery(related.objects.filter(pk=OuterRef(parent)).values(field)[:1])
        gate.check_cascade(child, gate.stored_targets(child, pk__in=children.exclude(**{field: value}).values("pk")).values())
        children.update(**{field: value})


WRITERS = {"tree": TreeWriter, "flat": FlatWriter, "child": ChildWriter}
