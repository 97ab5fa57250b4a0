"""Audit entries as people read them.

django-auditlog stores what changed as text the way Python prints it: a foreign key as its
id (工作类别 `5`), a choice as its code (`industry`), an amount as `13500000.00`, nothing
as `None`, a time in UTC with microseconds. `readable(entries, viewer)` turns a page of
entries into rows with field labels, names, Chinese labels, amounts in 万元/亿元 (the exact
元 on hover), local times to the second, and the import that made the change — in a few
queries for the whole page, never one per entry. Personal data is masked for anyone who
may not see it (access.sees_personal_data), the audit admin included.
"""

import datetime
import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from auditlog.models import LogEntry
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone

from hezuo import access, numbers
from hezuo.amounts import AmountField
from hezuo.audit.events import EVENTS
from hezuo.kinds import kind_for_model

EMPTY = "（空）"
ACTIONS = {LogEntry.Action.CREATE: "新增", LogEntry.Action.UPDATE: "修改", LogEntry.Action.DELETE: "删除",
           LogEntry.Action.ACCESS: "访问"}
# Entries written before imports carried their id name it in their cause: 导入记录 #12
IMPORT_IN_CAUSE = re.compile(r"导入记录 #(\d+)")
# Who created a record and when is the entry's own head; versions are bookkeeping.
BOOKKEEPING = ("created_at", "created_by", "updated_at", "updated_by", "version")
NOT_NUMERIC = ("year", "start_year", "end_year", "established_year", "settled_year", "sort_order")


@dataclass
class Value:
    text: str
    title: str = ""  # the exact 元 of an amount, or why a value is masked


@dataclass
class Change:
    label: str
    before: Value
    after: Value


@dataclass
class Source:
    """The import that made a change: linked when the viewer may open it."""

    name: str
    url: str = ""


@dataclass
class Row:
    entry: LogEntry
    time: str
    action: str
    kind: str
    actor: str
    changes: list = field(default_factory=list)
    source: Source | None = None
    cause: str = ""

    @property
    def created_runs(self):
        """The ids of the records an import created, for its entry of their model
        (hezuo/audit/imports.py): ['1–100000', …]."""
        runs = (self.entry.additional_data or {}).get("created") or []
        return [f"{first}–{last}" if first != last else f"{first}" for first, last in runs]

    @property
    def changed_labels(self):
        """What an edit changed; a creation or deletion lists every field, which says nothing."""
        if self.entry.action != LogEntry.Action.UPDATE:
            return ""
        return "、".join(change.label for change in self.changes)


def local_time(moment):
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M:%S")


def readable(entries, viewer):
    """Rows for `entries` (a list or queryset, its actor and content type selected) as `viewer` may read them."""
    entries = list(entries)
    names = Names()
    for entry in entries:
        model = entry.content_type.model_class()
        for key, values in _changes(entry):
            model_field = field_of(model, key)
            if model_field is not None and model_field.many_to_one:
                for value in values:
                    names.want(model_field.related_model, value)
    names.load()
    imports = Imports(entries, viewer)
    unmasked = access.sees_personal_data(viewer)
    return [_row(entry, names, imports, unmasked) for entry in entries]


def _changes(entry):
    changes = entry.changes_dict or {}
    return [(key, values) for key, values in changes.items() if isinstance(values, (list, tuple)) and len(values) == 2]


def _row(entry, names, imports, unmasked):
    model = entry.content_type.model_class()
    data = entry.additional_data or {}
    action = ACTIONS.get(entry.action, "")
    # Events, and changes the 回收站 made (a delete into it, a restore from it).
    action = EVENTS.get(data.get("event"), action)
    changes = []
    personal = getattr(model, "PERSONAL_FIELDS", ())
    for key, (before, after) in _changes(entry):
        model_field = field_of(model, key)
        if model_field is not None and (model_field.primary_key or model_field.name in BOOKKEEPING):
            continue  # the id, who and when are the entry's own
        if model_field is None and _reverse(model, key):
            continue  # auditlog logs reverse relations as "app.Model.None"
        label = str(model_field.verbose_name) if model_field is not None else key
        shown = [show(model_field, value, names) for value in (before, after)]
        if model_field is not None and model_field.name in personal and not unmasked:
            shown = [masked(value) for value in shown]
        if shown[0].text == shown[1].text == EMPTY:
            continue  # a created record's empty field
        changes.append(Change(label, *shown))
    return Row(
        entry=entry,
        time=local_time(entry.timestamp),
        action=action,
        kind=str(model._meta.verbose_name) if model else "",
        actor=str(entry.actor) if entry.actor else "系统",
        changes=changes,
        source=imports.source(entry),
        # Why: an import's or a command's cause, or the reason typed when deleting (a target,
        # a record into the 回收站).
        cause=data.get("cause") or data.get("reason") or "",
    )


def field_of(model, key):
    """The model field an entry's key names: auditlog writes field names, the importer attnames."""
    if model is None:
        return None
    try:
        model_field = model._meta.get_field(key)
    except FieldDoesNotExist:
        return next((f for f in model._meta.concrete_fields if f.attname == key), None)
    return model_field if model_field.concrete or model_field.many_to_many else None


def _reverse(model, key):
    return model is not None and any(f.name == key for f in model._meta.get_fields() if f.auto_created and not f.concrete)


def masked(value):
    if value.text == EMPTY:
        return value
    return Value(access.mask_personal(value.text), "个人信息已脱敏")


def show(model_field, value, names):
    """One logged value, as the record's own page would show it."""
    if value is None or value in ("", "None"):
        return Value(EMPTY)
    text = str(value)
    if model_field is None:
        return Value(text)
    if model_field.many_to_one:
        return Value(names.name(model_field.related_model, text))
    if model_field.choices:
        labels = {str(key): label for key, label in model_field.flatchoices}
        return Value(str(labels.get(text, text)))
    if isinstance(model_field, models.BooleanField):
        return Value({"True": "是", "False": "否", "1": "是", "0": "否"}.get(text, text))
    if isinstance(model_field, AmountField):
        amount = _decimal(text)
        return Value(numbers.format_amount(amount), numbers.format_exact(amount)) if amount is not None else Value(text)
    if isinstance(model_field, models.DateTimeField):
        return Value(_moment(text))
    if isinstance(model_field, models.DateField):
        return Value(text[:10])
    if isinstance(model_field, (models.DecimalField, models.IntegerField)) and model_field.name not in NOT_NUMERIC:
        number = _decimal(text)
        return Value(numbers.format_count(number)) if number is not None else Value(text)
    return Value(text)


def _decimal(text):
    try:
        return Decimal(text)
    except (InvalidOperation, ValueError):
        return None


def _moment(text):
    """auditlog writes times in UTC without a zone; show them in local time, to the second."""
    try:
        moment = datetime.datetime.fromisoformat(text)
    except ValueError:
        return text
    if timezone.is_naive(moment):
        moment = moment.replace(tzinfo=datetime.timezone.utc)
    return local_time(moment)


class Names:
    """Names of the records entries point to: one query per model for a whole page."""

    def __init__(self):
        self.wanted = defaultdict(set)
        self.names = {}

    def want(self, model, value):
        if value not in (None, "", "None"):
            try:
                self.wanted[model].add(model._meta.pk.to_python(value))
            except ValidationError:
                pass

    def load(self):
        for model, pks in self.wanted.items():
            kind = kind_for_model(model)
            rows = kind.queryset() if kind else model._base_manager.all()
            self.names.update(((model, str(obj.pk)), str(obj)) for obj in rows.filter(pk__in=pks))

    def name(self, model, value):
        return self.names.get((model, str(value)), f"#{value}（已删除）")


class Imports:
    """The imports behind a page of entries, and which of them the viewer may open."""

    def __init__(self, entries, viewer):
        from hezuo.imports.models import ImportRecord

        self.ids = {entry.pk: self.import_id(entry, ImportRecord) for entry in entries}
        wanted = set(self.ids.values()) - {None}
        self.records = ImportRecord.objects.in_bulk(wanted) if wanted else {}
        self.visible = set()
        if self.records:
            self.visible = set(access.visible_imports(viewer, ImportRecord.objects.filter(pk__in=wanted))
                               .values_list("pk", flat=True))

    @staticmethod
    def import_id(entry, ImportRecord):
        data = entry.additional_data or {}
        if data.get("import"):
            return data["import"]
        if entry.content_type.model_class() is ImportRecord and entry.object_id:
            return entry.object_id
        found = IMPORT_IN_CAUSE.search(data.get("cause", "") or "")
        return int(found[1]) if found else None

    def source(self, entry):
        pk = self.ids.get(entry.pk)
        if pk is None:
            return None
        record = self.records.get(pk)
        if record is None:
            return Source(f"导入记录 #{pk}（已删除）")
        url = reverse("imports:detail", args=[pk]) if pk in self.visible else ""
        return Source(f"导入“{record}”", url)
