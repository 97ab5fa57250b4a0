"""Each employer gets a public token (its poster's QR code: /j/c/<token>/). Added empty, filled
row by row (a default would give every existing employer the same one), then made unique."""

from django.db import migrations, models

import hezuo.jobs.models


def fill_tokens(apps, schema_editor):
    Employer = apps.get_model("jobs", "Employer")
    for employer in Employer.objects.filter(token__isnull=True).only("pk"):
        Employer.objects.filter(pk=employer.pk).update(token=hezuo.jobs.models.new_token())


class Migration(migrations.Migration):
    dependencies = [("jobs", "0003_postings_go_with_their_event")]

    operations = [
        migrations.AddField(model_name="employer", name="token",
                            field=models.CharField(editable=False, max_length=24, null=True,
                                                   verbose_name="公开链接标识")),
        migrations.RunPython(fill_tokens, migrations.RunPython.noop),
        migrations.AlterField(model_name="employer", name="token",
                              field=models.CharField(default=hezuo.jobs.models.new_token, editable=False, max_length=24,
                                                     unique=True, verbose_name="公开链接标识")),
    ]
