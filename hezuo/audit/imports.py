"""What an import writes into the audit trail: a few rows for the records it creates, however
many, and one entry per record it changes.

- **Created records**: one entry per import and model (新增资金：100,000 条，编号 …), whose
  sealed content lists the runs of consecutive ids the import gave them, and the same runs in
  `ImportedRange`, the index that a record's 修改记录 panel and the audit log's filter by record
  read. An entry (and a seal) per created record cost five times the import itself
  (bench/RESULTS.md), and said nothing the import's kept file does not.
- **Changed records**: one entry each with the field-level before/after, named as auditlog
  names a record (`str`, its foreign keys fetched first by `prime`).
- **The import**: one entry with what it did to each sheet.

Every entry names the import (`additional_data["import"]`). Ids are never found again after the
fact (by stamp or by actor and time, which another writer could share): they are reserved
before the rows go in (`reserve_ids`) and the fast insert sends them, so the ranges are exact
and the chain seals exactly these entries (`chain.request_seal`).
"""

from collections import defaultdict

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.utils import timezone

from hezuo import numbers
from hezuo.audit.chain import request_seal
from hezuo.audit.models import ImportedRange
from hezuo.imports.services.bulk import fast_insert

SHOWN_RUNS = 5  # runs named in an entry's name; all of them are in its content


def reserve_ids(model, count):
    """`count` primary keys for new `model` rows that no other insert will take, in order.

    PostgreSQL: from the table's sequence, which never hands a value out twice; a concurrent
    writer's ids may fall between ours (more runs, never a wrong one). SQLite: the ids after the
    largest ever handed out (AUTOINCREMENT's own rule), under the write lock that the import's
    transaction holds from its start (`transaction_mode` IMMEDIATE); without that lock a
    concurrent insert of the same id would fail the import, not mix the two up."""
    if count <= 0:
        return []
    table, column = model._meta.db_table, model._meta.pk.column
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The sequence's name first: looked up in every row, it costs ten times the nextval.
            cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [table, column])
            [sequence] = cursor.fetchone()
            cursor.execute("SELECT nextval(%s::regclass) FROM generate_series(1, %s)", [sequence, count])
            return sorted(pk for (pk,) in cursor.fetchall())
        quote = connection.ops.quote_name
        cursor.execute(f"SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = %s), 0), "
                       f"coalesce((SELECT max({quote(column)}) FROM {quote(table)}), 0))", [table])
        start = cursor.fetchone()[0] + 1
    return list(range(start, start + count))


def runs(ids):
    """Ids as [[first, last], …], the runs of consecutive ones, in order."""
    found = []
    for pk in sorted(ids):
        if found and pk == found[-1][1] + 1:
            found[-1][1] = pk
        else:
            found.append([pk, pk])
    return found


def describe(count, spans):
    """The name of a creation entry: how many, and which ids."""
    shown = "、".join(f"{first}–{last}" if first != last else f"{first}" for first, last in spans[:SHOWN_RUNS])
    more = f" 等 {len(spans)} 段" if len(spans) > SHOWN_RUNS else ""
    return f"{numbers.format_count(count)} 条，编号 {shown}{more}"


class ImportAudit:
    """The entries of one import, gathered while it writes and inserted in its transaction.

        audit = ImportAudit(user, record, cause)
        audit.number(Model, rows)          # before fast_insert(Model, rows): gives each row its id
        audit.saved(Model, [obj.pk, …])    # records saved one by one (units, regions)
        audit.updated(Model, [(obj, diff), …])
        audit.write(sheets)                # at the end, inside the transaction
    """

    def __init__(self, user, record=None, cause=""):
        self.actor = user.pk if user else None
        self.record = record
        self.data = {"cause": cause or "导入"}
        if record is not None:
            self.data["import"] = record.pk
        self.created = defaultdict(list)  # model → ids
        self.changes = []  # entry rows of changed records

    def number(self, model, rows):
        """Give each row (a dict for fast_insert) the id it is to be inserted with."""
        ids = reserve_ids(model, len(rows))
        for values, pk in zip(rows, ids, strict=True):
            values["id"] = pk
        self.saved(model, ids)

    def saved(self, model, ids):
        self.created[model] += ids

    def updated(self, model, changes):
        self.changes += entry_rows(model, LogEntry.Action.UPDATE, changes)

    def write(self, sheets):
        """Insert the entries and ranges, and have the chain seal the entries after the commit."""
        few = []  # a creation entry per model, and the import's own
        spans_of = {}
        for model, ids in self.created.items():
            if not ids:
                continue
            spans = runs(ids)
            content_type = ContentType.objects.get_for_model(model)
            spans_of[len(few)] = (content_type, spans)
            few.append({"content_type": content_type.pk, "object_pk": "", "object_id": None,
                        "object_repr": describe(len(ids), spans), "action": LogEntry.Action.CREATE,
                        "changes": {}, "additional_data": {**self.data, "created": spans}})
        if self.record is not None:
            counts = {sheet.name: ["", f"{sheet.rows} 行：新增 {sheet.created}，更新 {sheet.updated}，"
                                       f"未变 {sheet.unchanged}"] for sheet in sheets}
            row = entry_rows(type(self.record), LogEntry.Action.CREATE, [(self.record, counts)])[0]
            few.append({**row, "additional_data": self.data})
        ids = reserve_ids(LogEntry, len(few) + len(self.changes))
        if not ids:
            return
        for row, pk in zip(few + self.changes, ids, strict=True):
            row["id"] = pk
        same = {"actor": self.actor, "timestamp": timezone.now()}
        fast_insert(LogEntry, few, same=same)
        fast_insert(LogEntry, self.changes, same={**same, "additional_data": self.data})
        ImportedRange.objects.bulk_create([
            ImportedRange(entry_id=few[index]["id"], content_type=content_type, first_pk=first, last_pk=last)
            for index, (content_type, spans) in spans_of.items() for first, last in spans
        ])
        request_seal(ids)


def entry_rows(model, action, changes):
    """Audit entries as values for fast_insert, one per (record, changes); who, when and why
    are the same for all of an import's. Naming the records asks the database for what their
    names need (a fund's shows its project's code) in a few queries, not one per record."""
    prime(model, [obj for obj, _change in changes])
    content_type = ContentType.objects.get_for_model(model).pk
    return [{"content_type": content_type, "object_pk": str(obj.pk), "object_id": obj.pk,
             "object_repr": str(obj)[:200], "action": action, "changes": change} for obj, change in changes]


def prime(model, objs):
    """Give `objs` the records their foreign keys point to, from a few queries, so that naming
    them (str: a fund's name shows its project's code) asks the database nothing more."""
    for f in model._meta.concrete_fields:
        if not f.is_relation or f.name in ("created_by", "updated_by"):
            continue
        ids = list({getattr(obj, f.attname) for obj in objs} - {None})
        targets = {}
        for start in range(0, len(ids), 900):
            targets.update(f.related_model._base_manager.in_bulk(ids[start:start + 900]))
        for obj in objs:
            if getattr(obj, f.attname) in targets:
                f.set_cached_value(obj, targets[getattr(obj, f.attname)])
