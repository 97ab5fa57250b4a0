"""Inserting many new records fast.

Django's bulk_create compiles every value through the field API; for an import of
100,000 rows that costs more than reading the workbook. Here each column gets one adapter,
chosen once, and rows go to the driver in batches: one COPY on PostgreSQL, many rows a
statement on SQLite. Only for plain inserts of validated values whose
ids we do not need back. Changed rows go back with one prepared UPDATE a row (fast_update).
"""

import datetime
import sqlite3
from itertools import chain, repeat
from operator import itemgetter

from django.db import connection, models
from django.db.backends.base.operations import BaseDatabaseOperations
from django.utils import timezone


def column_adapter(field, ops):
    """The cheapest correct way to turn a Python value of `field` into what the driver takes."""
    if isinstance(field, models.DateTimeField):
        return lambda value: None if value is None else ops.adapt_datetimefield_value(value)
    if isinstance(field, models.DateField):
        if connection.vendor == "sqlite":
            # SQLite stores a date as its ISO text, which Django's adapter writes in Python on
            # every row; a column holds few distinct days, each written once here.
            return remembered(date_text)
        return None  # psycopg takes a date as it is
    if isinstance(field, models.DecimalField):
        if type(ops).adapt_decimalfield_value is BaseDatabaseOperations.adapt_decimalfield_value:
            return None  # the driver takes a Decimal as it is
        return lambda value: None if value is None else ops.adapt_decimalfield_value(
            value, field.max_digits, field.decimal_places)
    if isinstance(field, (models.CharField, models.TextField, models.IntegerField, models.BooleanField,
                          models.ForeignKey)):
        return None  # the driver takes these as they are
    return lambda value: field.get_db_prep_save(value, connection)


def date_text(value):
    """A DateField's value as SQLite stores it (a datetime counts by its day, as in Django)."""
    return (value.date() if isinstance(value, datetime.datetime) else value).isoformat()


def remembered(adapt):
    """`adapt` done once per distinct value (None stays None)."""
    known = {None: None}

    def adapted(value):
        try:
            return known[value]
        except KeyError:
            result = known[value] = adapt(value)
            return result

    return adapted


def sql_literals(values):
    """SQL literals of `values`, as SQLite itself quotes them (its quote() function), in one
    query: a value every row shares is written into the statement once instead of bound on
    every row, which costs SQLite's insert of a fund sheet about a sixth."""
    if not values:
        return []
    with connection.cursor() as cursor:
        return list(cursor.execute("SELECT " + ", ".join(["quote(%s)"] * len(values)), values).fetchone())


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
    # Columns the rows carry come first; the others are constants.
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
    if connection.vendor == "sqlite":
        # What every row shares goes into the statement once, as SQLite quotes it, instead of
        # being bound on every row: about a sixth of SQLite's insert of a fund sheet. Only
        # values whose literal is exact (a float's may be rounded) and short: a statement
        # repeats it on each of its rows.
        inlined = [i for i, value in enumerate(constants)
                   if value is None or type(value) in (int, bool) or type(value) is str and len(value) <= 100]
        literals = dict(zip(inlined, sql_literals([constants[i] for i in inlined])))
    else:
        literals = {}  # PostgreSQL's COPY takes every column of every row
    bound = [value for i, value in enumerate(constants) if i not in literals]
    adapters = [column_adapter(f, ops) for f in given]
    order = given + [f for i, f in enumerate(fixed) if i not in literals] + [fixed[i] for i in literals]
    table = ops.quote_name(model._meta.db_table)
    columns = ", ".join(ops.quote_name(f.column) for f in order)

    def parameters(batch):
        """The batch's rows as tuples in the order of `order`, made a column at a time."""
        made = []
        for f, adapt in zip(given, adapters):
            column = map(itemgetter(f.name), batch)
            made.append(map(adapt, column) if adapt else column)
        return zip(*made, *map(repeat, bound))

    if connection.vendor == "postgresql":
        # COPY streams rows in one statement: an order of magnitude faster than INSERTs.
        with connection.wrap_database_errors, connection.cursor() as cursor, \
                cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for row in parameters(rows):
                copy.write_row(row)
        return
    # SQLite: many rows a statement (VALUES (…), (…), …), for its work per statement —
    # AUTOINCREMENT's sequence, the statement's reset — is then done once a batch, not once a
    # row: a third of the insert of a fund sheet. The statement goes to the driver as it is,
    # with ? placeholders (Django would search 100 KB for %s on every batch), its errors
    # raised as Django's.
    width = len(given) + len(bound)
    one = "(" + ", ".join(["?"] * width + list(literals.values())) + ")"
    head = f"INSERT INTO {table} ({columns}) VALUES "
    connection.ensure_connection()
    driver = connection.connection
    size = max(1, min(batch_size, driver.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER) // max(width, 1)))
    full = head + ", ".join([one] * size)
    for start in range(0, len(rows), size):
        batch = rows[start:start + size]
        sql = full if len(batch) == size else head + ", ".join([one] * len(batch))
        with connection.wrap_database_errors:
            driver.execute(sql, list(chain.from_iterable(parameters(batch))))


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
