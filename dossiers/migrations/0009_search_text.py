"""Dossiers searched by a normalised column (workflows.search): filled for the rows there are, and on
PostgreSQL a trigram index (pg_trgm) that a substring search (`LIKE '%…%'`) uses."""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations, models

from workflows.search import phone_digits, search_key

BATCH = 5000


def fill(apps, schema_editor):
    Dossier = apps.get_model("dossiers", "Dossier")
    rows = Dossier.objects.using(schema_editor.connection.alias).order_by("pk")
    last = 0
    while True:
        batch = list(
            rows.filter(pk__gt=last).only(
                "pk", "code", "applicant_name", "applicant_phone", "applicant_id_number", "summary"
            )[:BATCH]
        )
        if not batch:
            return
        for d in batch:
            d.search_text = search_key(
                d.code, d.applicant_name, phone_digits(d.applicant_phone), d.applicant_id_number, d.summary
            )
        Dossier.objects.using(schema_editor.connection.alias).bulk_update(batch, ["search_text"])
        last = batch[-1].pk


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS dossier_search_trgm ON dossiers_dossier USING gin (search_text gin_trgm_ops)"
        )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS dossier_search_trgm")


class Migration(migrations.Migration):
    dependencies = [
        ("dossiers", "0008_rating_and_submission_time"),
    ]

    operations = [
        migrations.AddField(
            model_name="dossier",
            name="search_text",
            field=models.TextField(blank=True, default="", editable=False, verbose_name="khóa tìm kiếm"),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="dossier",
            index=models.Index(fields=["-created_at", "-id"], name="dossier_created"),
        ),
        TrigramExtension(),
        migrations.RunPython(create_index, drop_index),
    ]
