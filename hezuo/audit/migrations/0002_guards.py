"""Database triggers that refuse UPDATE and DELETE on the audit entries, their seals and the
archive cuts, except inside `hezuo.audit.chain.unlocked()` (the archive; a test's flush).

PostgreSQL: the transaction sets hezuo.audit_unlocked (SET LOCAL); TRUNCATE is refused too.
SQLite: the triggers call hezuo_audit_unlocked(), a function each of our connections defines
(chain.sqlite_unlocked_function); in the sqlite3 shell it does not exist, so nothing passes.
"""

from django.db import migrations

TABLES = {
    "auditlog_logentry": "hezuo_audit_guard_entry",
    "audit_seal": "hezuo_audit_guard_seal",
    "audit_archivecut": "hezuo_audit_guard_cut",
}

PG_FUNCTION = """
CREATE OR REPLACE FUNCTION hezuo_audit_refuse() RETURNS trigger AS $$
BEGIN
    IF coalesce(current_setting('hezuo.audit_unlocked', true), '') = 'on' THEN
        IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
        RETURN NEW;
    END IF;
    RAISE EXCEPTION USING ERRCODE = 'insufficient_privilege',
        MESSAGE = '审计日志不可修改或删除（' || TG_OP || ' ' || TG_TABLE_NAME || '）';
END
$$ LANGUAGE plpgsql
"""


def create(apps, schema_editor):
    execute = schema_editor.execute
    if schema_editor.connection.vendor == "postgresql":
        execute(PG_FUNCTION)
        for table, name in TABLES.items():
            for op, level in (("UPDATE", "ROW"), ("DELETE", "ROW"), ("TRUNCATE", "STATEMENT")):
                execute(f"CREATE TRIGGER {name}_{op.lower()} BEFORE {op} ON {table} "
                        f"FOR EACH {level} EXECUTE FUNCTION hezuo_audit_refuse()")
    else:
        for table, name in TABLES.items():
            for op in ("UPDATE", "DELETE"):
                execute(f"CREATE TRIGGER {name}_{op.lower()} BEFORE {op} ON {table} "
                        f"WHEN NOT hezuo_audit_unlocked() "
                        f"BEGIN SELECT RAISE(ABORT, '审计日志不可修改或删除'); END")


def drop(apps, schema_editor):
    postgresql = schema_editor.connection.vendor == "postgresql"
    for table, name in TABLES.items():
        for op in ("update", "delete", "truncate") if postgresql else ("update", "delete"):
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}_{op}" + (f" ON {table}" if postgresql else ""))
    if postgresql:
        schema_editor.execute("DROP FUNCTION IF EXISTS hezuo_audit_refuse()")


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0001_initial"),
        ("auditlog", "0017_add_actor_email"),
    ]

    operations = [migrations.RunPython(create, drop)]
