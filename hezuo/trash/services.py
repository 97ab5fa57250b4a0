"""The 回收站: deleting a record keeps it (and what went with it) for restoring.

Only `core.services.records.delete_record` calls `move_to_trash`, inside its transaction
after the write gate (hezuo/gate.py) passed the record and what goes with it
(`check_deletable`), so no page or service deletes a record past the trash or the gate.
Restoring re-creates the rows with their ids in one transaction, or refuses in Chinese
naming what stands in the way; both are audited.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.core import serializers
from django.db import router
from django.db.models.deletion import Collector
from django.utils import timezone

from hezuo import access, gate
from hezuo.audit.events import record_event
from hezuo.kinds import kind_for_model
from hezuo.trash.models import TrashEntry, describe


class CannotRestore(Exception):
    """What stands in the way of a restore, in words for the officer."""


@dataclass
class Group:
    """Records of one kind that go with a deleted record: 资金 5 条, 安排 350万元 …"""

    title: str
    count: int
    totals: list = field(default_factory=list)  # [(label, Decimal 元)]

    def text(self):
        return describe(self.title, self.count, self.totals)


@dataclass
class Consequences:
    """What deleting a record does besides deleting it."""

    groups: list  # [Group] of the records deleted with it
    links: list  # [(count, model title, field label)]: records that lose a link to it
    collector: Collector

    def link_texts(self):
        return [f"{count} 条{title}的“{label}”将被清空" for count, title, label in self.links]


def consequences(obj):
    """What goes with `obj` when it is deleted. Raises ProtectedError / RestrictedError."""
    collector = Collector(using=router.db_for_write(type(obj), instance=obj), origin=obj)
    collector.collect([obj])
    groups = []
    for model, instances in _instances(collector).items():
        others = [o for o in instances if not (model is type(obj) and o.pk == obj.pk)]
        if others:
            groups.append(_group(model, others))
    links = []
    for (fk, _value), querysets in collector.field_updates.items():
        count = sum(len(qs) if isinstance(qs, list) else qs.count() for qs in querysets)
        links.append((count, fk.model._meta.verbose_name, fk.verbose_name))
    return Consequences(groups, links, collector)


def _instances(collector):
    """Every row the collector will delete, by model (fast deletes fetched too)."""
    rows = defaultdict(list)
    for model, instances in collector.data.items():
        rows[model].extend(instances)
    for queryset in collector.fast_deletes:
        rows[queryset.model].extend(queryset)
    return rows


def _group(model, instances):
    kind = kind_for_model(model)
    title = str(kind.title if kind else model._meta.verbose_name)
    totals = []
    for name in kind.totals if kind else ():
        # A sum across a fund's stages (安排 + 拨付) means nothing: totals split by `breakdown`.
        if kind.breakdown:
            breakdown = model._meta.get_field(kind.breakdown)
            sums = defaultdict(Decimal)
            for obj in instances:
                sums[getattr(obj, kind.breakdown)] += getattr(obj, name) or 0
            totals += [(label, sums[value]) for value, label in breakdown.choices if value in sums]
        else:
            totals.append((str(model._meta.get_field(name).verbose_name),
                           sum((getattr(obj, name) or 0 for obj in instances), Decimal(0))))
    return Group(title, len(instances), totals)


def check_deletable(user, obj, found):
    """The gate for what deleting `obj` deletes with it (a project's funds …): the actor was
    checked on `obj`, so these are checked for their periods — a fund of a closed month goes
    with its project only when that month is open. One query a model."""
    for model, instances in _instances(found.collector).items():
        others = [o.pk for o in instances if not (model is type(obj) and o.pk == obj.pk)]
        for start in range(0, len(others), 900):
            gate.check_cascade(model, gate.stored_targets(model, pk__in=others[start:start + 900]).values(),
                               gate.DELETE)


def move_to_trash(obj, user, reason="", *, found=None):
    """Delete `obj` with what goes with it, keeping all of it in the trash. Call inside the
    write transaction; raises ProtectedError / RestrictedError (nothing deleted)."""
    found = found or consequences(obj)
    instances = _instances(found.collector)
    rows = []
    for model in _parents_first(instances):
        rows += serializers.serialize("python", sorted(instances[model], key=lambda o: o.pk))
    for row in rows:  # to the microsecond: DjangoJSONEncoder would keep milliseconds only
        row["fields"] = {name: value.isoformat() if isinstance(value, datetime) else value
                         for name, value in row["fields"].items()}
    links = []
    for (fk, _value), querysets in found.collector.field_updates.items():
        pks = [o.pk for qs in querysets for o in qs]
        links.append({"model": fk.model._meta.label_lower, "field": fk.name, "value": obj.pk, "pks": pks})
    kind = kind_for_model(type(obj))
    unit = obj.owning_unit() if type(obj).scope_path else None
    entry = TrashEntry.objects.create(
        kind=kind.slug, object_id=obj.pk, label=str(obj)[:300], unit=unit, unit_name=str(unit or ""),
        deleted_by=access.user_of(user), reason=reason[:200], rows=rows, links=links,
        summary=[{"title": g.title, "count": g.count, "totals": g.totals} for g in found.groups]
        + [{"title": text, "count": None, "totals": []} for text in found.link_texts()],
    )
    note = {"event": "trash_deleted", "trash": entry.pk, "reason": reason}
    for rows_of_model in instances.values():
        for row in rows_of_model:
            _note_for_audit(row, note if row is obj else {**note, "with": entry.label})
    found.collector.delete()
    return entry


def _note_for_audit(row, note):
    """What django-auditlog stores beside the delete or create entry of `row` (it calls the
    instance's get_additional_data): the audit pages then read 删除（移入回收站）or 从回收站恢复,
    with the entry, the reason and the record it went with."""
    row.get_additional_data = lambda: note


def _parents_first(instances):
    """The models in an order where every foreign key points to a model before it."""
    models, ordered = set(instances), []
    while models:
        ready = [m for m in models
                 if not any(f.related_model in models and f.related_model is not m
                            for f in m._meta.concrete_fields if f.is_relation)]
        ready = ready or list(models)  # a cycle cannot come from CASCADE alone; keep going anyway
        for model in sorted(ready, key=lambda m: m._meta.label):
            ordered.append(model)
            models.discard(model)
    return ordered


@dataclass
class RestoreResult:
    obj: object
    count: int


def restore(entry_id, user):
    """Re-create a trash entry's records with their ids, and their lost links, in the caller's
    write transaction. Raises CannotRestore, PermissionDenied or TrashEntry.DoesNotExist."""
    access.check_restore(user)
    entry = TrashEntry.objects.select_for_update().get(pk=entry_id)
    if not entry.is_restorable():
        raise CannotRestore(f"“{entry.label}”已在回收站超过保留期限，不能再恢复。")
    restored = [d.object for d in serializers.deserialize("python", entry.rows)]
    _check_restorable(entry, restored)
    note = {"event": "trash_restored", "trash": entry.pk, "deleted_by": str(entry.deleted_by),
            "deleted_at": entry.deleted_at.isoformat(), "reason": entry.reason}
    for obj in restored:
        _note_for_audit(obj, note)
        # raw: the rows come back as they were (created/updated stamps, version), not re-derived.
        obj.save_base(raw=True, force_insert=True)
    _relink(entry)
    _follow_projects(restored)
    # Checked on the rows as they now stand, in the transaction (a restored fund's unit is
    # its project's, which may be restored with it): a refusal rolls all of it back. The
    # record restored is checked for the actor too; what comes back with it for its periods.
    by_model = defaultdict(list)
    for obj in restored:
        by_model[type(obj)].append(obj.pk)
    for model, pks in by_model.items():
        for start in range(0, len(pks), 900):
            targets = gate.stored_targets(model, pk__in=pks[start:start + 900])
            if getattr(kind_for_model(model), "slug", None) == entry.kind:
                gate.check(user, gate.RESTORE, model, targets.values())
            else:
                gate.check_cascade(model, targets.values(), gate.RESTORE)
    root = next(o for o in restored
                if o.pk == entry.object_id and getattr(kind_for_model(type(o)), "slug", None) == entry.kind)
    entry.delete()
    return RestoreResult(root, len(restored))


def _check_restorable(entry, restored):
    problems = []
    by_model = defaultdict(list)
    for obj in restored:
        by_model[type(obj)].append(obj)
    coming = {(model, obj.pk) for model, objs in by_model.items() for obj in objs}
    for model, objs in by_model.items():
        title = model._meta.verbose_name
        taken = set(model.objects.filter(pk__in=[o.pk for o in objs]).values_list("pk", flat=True))
        problems += [f"编号为 {pk} 的{title}已存在" for pk in sorted(taken)]
        for fk in (f for f in model._meta.concrete_fields if f.is_relation and f.related_model):
            wanted = {getattr(o, fk.attname) for o in objs} - {None}
            wanted -= {pk for m, pk in coming if m is fk.related_model}
            if not wanted:
                continue
            present = set(fk.related_model._base_manager.filter(pk__in=wanted).values_list("pk", flat=True))
            if wanted - present:
                problems.append(f"{title}的“{fk.verbose_name}”已被删除（如在回收站中，请先恢复它）")
        if any(f.unique and not f.primary_key for f in model._meta.concrete_fields) or model._meta.unique_together \
                or model._meta.constraints:
            for obj in objs:
                problems += _unique_problems(model, obj, entry)
    if problems:
        raise CannotRestore(f"不能恢复“{entry.label}”：" + "；".join(dict.fromkeys(problems)) + "。")


def _unique_problems(model, obj, entry):
    from django.core.exceptions import ValidationError

    problems = []
    try:
        obj.validate_unique(exclude=[model._meta.pk.name])
        obj.validate_constraints()
    except ValidationError as error:
        for name, messages in error.message_dict.items():
            if name in ("__all__", None) or name not in {f.name for f in model._meta.fields}:
                problems += [str(m) for m in messages]
                continue
            label = model._meta.get_field(name).verbose_name
            problems.append(f"{label}“{getattr(obj, name)}”现已被另一条{model._meta.verbose_name}使用，"
                            f"请先修改那一条的{label}")
    return problems


def _relink(entry):
    from django.apps import apps

    for link in entry.links:
        model = apps.get_model(link["model"])
        fk = model._meta.get_field(link["field"])
        # Records getting their link back change (a project its park): their periods are checked.
        gate.check_cascade(model, gate.stored_targets(model, pk__in=link["pks"]).values())
        for obj in model.objects.filter(pk__in=link["pks"], **{f"{fk.name}__isnull": True}):
            setattr(obj, fk.attname, link["value"])
            obj.save(update_fields=[fk.name])


def _follow_projects(restored):
    """Fund records carry their project's program (FundRecord.program): one restored without
    its project follows the program the project has now."""
    from hezuo.projects.models import FundRecord

    funds = [o.pk for o in restored if isinstance(o, FundRecord)]
    if funds:
        FundRecord.objects.filter(pk__in=funds).follow_projects()


def purge(now=None):
    """Remove entries past the keeping time. Returns how many."""
    expired = TrashEntry.objects.expired(now)
    count = expired.count()
    if count:
        expired.delete()
        record_event("trash_purged", count=count, before=TrashEntry.cutoff(now).isoformat())
    return count


def visible_entries(user):
    return access.visible(user, TrashEntry.objects.restorable(timezone.now()))
