from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def copy_programs(apps, schema_editor):
    FundRecord = apps.get_model("projects", "FundRecord")
    Project = apps.get_model("projects", "Project")
    FundRecord.objects.update(program=Subquery(Project.objects.filter(pk=OuterRef("project")).values("program")[:1]))


class Migration(migrations.Migration):
    """FundRecord.program, a copy of its project's program: added empty, filled in one
    UPDATE, then required; the index of a year's totals takes the program instead of the
    project."""

    dependencies = [
        ("org", "0002_default_programs"),
        ("projects", "0002_list_sort_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="fundrecord",
            name="program",
            field=models.ForeignKey(db_index=False, editable=False, null=True,
                                    on_delete=models.deletion.PROTECT, related_name="+", to="org.program",
                                    verbose_name="工作类别"),
        ),
        migrations.RunPython(copy_programs, migrations.RunPython.noop, elidable=True),
        migrations.AlterField(
            model_name="fundrecord",
            name="program",
            field=models.ForeignKey(db_index=False, editable=False, on_delete=models.deletion.PROTECT,
                                    related_name="+", to="org.program", verbose_name="工作类别"),
        ),
        # A year's totals by program and stage read the program from the record now, not the project.
        migrations.RemoveIndex(model_name="fundrecord", name="projects_fu_year_212b19_idx"),
        migrations.AddIndex(
            model_name="fundrecord",
            index=models.Index(fields=["year", "program", "stage"], include=["amount"],
                               name="projects_fund_year_program"),
        ),
    ]
