"""The program dictionary every office starts with (DESIGN.md); offices edit it afterwards."""

from django.db import migrations

DEFAULT_PROGRAMS = [
    ("对口支援", None), ("援疆", "对口支援"), ("援青", "对口支援"), ("援藏", "对口支援"),
    ("东西部协作", None),
    ("对口合作", None), ("浙吉合作", "对口合作"),
    ("山海协作", None),
    ("长三角一体化", None), ("接轨上海", "长三角一体化"), ("嘉湖一体化", "长三角一体化"), ("杭湖一体化", "长三角一体化"),
    ("友好城市", None),
]


def create_programs(apps, schema_editor):
    Program = apps.get_model("org", "Program")
    if Program.objects.exists():
        return
    created = {}
    for order, (name, parent) in enumerate(DEFAULT_PROGRAMS, start=1):
        created[name] = Program.objects.create(name=name, parent=created.get(parent), sort_order=order * 10)


class Migration(migrations.Migration):
    dependencies = [("org", "0001_initial")]
    operations = [migrations.RunPython(create_programs, migrations.RunPython.noop)]
