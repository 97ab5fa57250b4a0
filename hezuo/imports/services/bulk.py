"""Inserting many new records fast.

Django's bulk_create compiles every value through the field API; for an import of
100,000 rows that costs more than reading the workbook. Here each column gets one adapter,
chosen once, and rows go to the driver with executemany in batches. Only for plain
inserts of validated values whose ids we do not need back.
"""

from operator import itemgetter

from django.db import connection, models
from django.db.backends.base.operations import BaseDatabaseOperations
from django.utils import timezone


def column_adapter(field, ops):
    """The cheapest correct way to turn a Python value of `field` into what the driver takes."""
    if isinstance(field, models.DateTimeField):
        return lambda value: None if value is None else ops.adapt_datetimefield_value(value)
    if isinstance(field, models.DateField):
        # Both drivers take a date as it is (Django registers SQLite's adapter), which is what
        # Django's own adapter leaves to them but for writing the ISO text itself.
        return None
    if isinstance(field, models.DecimalField):
        if type(ops).adapt_decimalfield_value is BaseDatabaseOperations.adapt_decimalfield_value:
            return None  # the driver takes a Decimal as it is
        return lambda value: None if value is None else ops.adapt_decimalfield_value(
            value, field.max_digits, field.decimal_places)
    if isinstance(field, (models.CharField, models.TextField, models.IntegerField, models.BooleanField,
                          models.ForeignKey)):
        return None  # the driver takes these as they are
    return lambda value: field.get_db_prep_save(value, connection)


def fast_insert(model, rows, same=None, batch_size=2000):
    """INSERT `rows` — dicts of validated values by field name (a foreign key's value is the
    id), all with the same keys — as new `model` records. `same` gives values shared by every
    row (who created them); fields left out get their default; auto_now/auto_now_add fields
    one stamp for all. Rows may carry their ids (`hezuo.audit.imports.reserve_ids`), which the
    audit trail needs and an insert without RETURNING cannot tell.
    """
    same = same or {}
    if not rows:
        return
    for f in model._meta.concrete_fields:
        # A unique field with a callable default (a posting's public token) needs its own
        # value on every row, not one default for all.
        if f.unique and not f.primary_key and callable(f.default) and f.name not in rows[0] and f.name not in same:
            for values in rows:
                values[f.name] = f.default()
    ops = connection.ops
    fields = [f for f in model._meta.concrete_fields if not f.primary_key or f.name in rows[0]]
    # Columns the rows carry come first, fetched with one itemgetter; the others are constants.
    given = [f for f in fields if f.name in rows[0] and f.name not in same
             and not (getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False))]
    fixed = [f for f in fields if f not in given]
    stamp = timezone.now()
    constants = []
    for f in fixed:
        adapt = column_adapter(f, ops)
        if f.name in same:
            value = same[f.name]
        elif getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            value = stamp
        else:
            value = f.get_default()
        constants.append(adapt(value) if adapt and value is not None else value)
    constants = tuple(constants)
    adapters = [(i, adapt) for i, adapt in enumerate(column_adapter(f, ops) for f in given) if adapt]
    fetch = itemgetter(*[f.name for f in given])
    if adapters:
        def prepared(values):
            row = list(fetch(values)) if len(given) > 1 else [fetch(values)]
            for i, adapt in adapters:
                row[i] = adapt(row[i])
            return tuple(row) + constants
    elif len(given) > 1:
        def prepared(values):
            return fetch(values) + constants
    else:
        def prepared(values):
            return (fetch(values),) + constants
    columns = ", ".join(ops.quote_name(f.column) for f in given + fixed)
    placeholders = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {ops.quote_name(model._meta.db_table)} ({columns}) VALUES ({placeholders})"
    if connection.vendor == "postgresql":
        # COPY streams rows in one statement: an order of magnitude faster than INSERTs.
        table = ops.quote_name(model._meta.db_table)
        with connection.cursor() as cursor, cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for values in rows:
                copy.write_row(prepared(values))
        return
    with connection.cursor() as cursor:
        for start in range(0, len(rows), batch_size):
            cursor.executemany(sql, [prepared(values) for values in rows[start:start + batch_size]])


def fast_update(model, objs, fields, batch_size=2000):
    """UPDATE `fields` (names or attnames) of each of `objs` (instances with their pk), as one
    prepared statement run for every row through executemany. Django's bulk_update writes a
    CASE WHEN over the whole batch for every field, whose cost grows with the batch: over a
    second per 1,000 rows of a fund sheet."""
    if not objs or not fields:
        return
    meta = model._meta
    targets = [meta.get_field(name) for name in dict.fromkeys(fields)]
    ops, quote = connection.ops, connection.ops.quote_name
    adapters = [column_adapter(f, ops) or (lambda value: value) for f in targets]
    sql = (f"UPDATE {quote(meta.db_table)} SET {', '.join(f'{quote(f.column)} = %s' for f in targets)} "
           f"WHERE {quote(meta.pk.column)} = %s")
    getters = [f.attname for f in targets]
    with connection.cursor() as cursor:
        for start in range(0, len(objs), batch_size):
            cursor.executemany(sql, [[adapt(getattr(obj, name)) for adapt, name in zip(adapters, getters)] + [obj.pk]
                                     for obj in objs[start:start + batch_size]])
