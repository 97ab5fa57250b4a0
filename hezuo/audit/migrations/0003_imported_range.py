"""The runs of ids an import created (ImportedRange), guarded like the entries they index:
UPDATE and DELETE refused outside chain.unlocked() (the archive), as in 0002_guards."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


TABLE, GUARD = "audit_importedrange", "hezuo_audit_guard_range"


def create_guards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        # hezuo_audit_refuse() is 0002's.
        for op, level in (("UPDATE", "ROW"), ("DELETE", "ROW"), ("TRUNCATE", "STATEMENT")):
            schema_editor.execute(f"CREATE TRIGGER {GUARD}_{op.lower()} BEFORE {op} ON {TABLE} "
                                  f"FOR EACH {level} EXECUTE FUNCTION hezuo_audit_refuse()")
    else:
        for op in ("UPDATE", "DELETE"):
            schema_editor.execute(f"CREATE TRIGGER {GUARD}_{op.lower()} BEFORE {op} ON {TABLE} "
                                  f"WHEN NOT hezuo_audit_unlocked() "
                                  f"BEGIN SELECT RAISE(ABORT, '审计日志不可修改或删除'); END")


def drop_guards(apps, schema_editor):
    postgresql = schema_editor.connection.vendor == "postgresql"
    for op in ("update", "delete", "truncate") if postgresql else ("update", "delete"):
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {GUARD}_{op}" + (f" ON {TABLE}" if postgresql else ""))


class Migration(migrations.Migration):

    dependencies = [
        ('audit', '0002_guards'),
        ('contenttypes', '0002_remove_content_type_name'),
        migrations.swappable_dependency(settings.AUDITLOG_LOGENTRY_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='ImportedRange',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('first_pk', models.BigIntegerField(verbose_name='起始编号')),
                ('last_pk', models.BigIntegerField(verbose_name='截止编号')),
                ('content_type', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, to='contenttypes.contenttype', verbose_name='记录类型')),
                ('entry', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='imported_ranges', to=settings.AUDITLOG_LOGENTRY_MODEL, verbose_name='审计条目')),
            ],
            options={
                'verbose_name': '导入新增记录范围',
                'verbose_name_plural': '导入新增记录范围',
                'indexes': [models.Index(fields=['content_type', 'last_pk'], name='audit_range_lookup')],
            },
        ),
        migrations.RunPython(create_guards, drop_guards),
    ]
