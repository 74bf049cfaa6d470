"""History the database protects: every history row sealed (dossiers.sealing: the SHA-256 of its content and of
the previous row's seal, the dossier keeping its last row's), the rows there are sealed here in their order; and
triggers that refuse UPDATE and DELETE on the history and the clock ledger.

On PostgreSQL both UPDATE and DELETE are refused (TRUNCATE is not: Django's test runner and `flush` empty tables
with it; a history emptied that way no longer ends with its dossier's seal). On SQLite only UPDATE is: Django
empties tables there with DELETE (`flush`, the test runner); a deleted row breaks the chain, which
`verify_history` reports. A later migration that rebuilds one of these tables on SQLite (SQLite alters a table by
copying it) must create its trigger again.
"""

from django.db import migrations, models

from dossiers import sealing

BATCH = 5000

PROTECTED = ("dossiers_dossierevent", "dossiers_clockevent")

PG_FUNCTION = """
CREATE OR REPLACE FUNCTION onestop_history_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'history is append-only: % on % refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'integrity_constraint_violation';
END
$$
"""


def seal_existing(apps, schema_editor):
    """Seal the history rows written before seals existed, dossier by dossier in `seq` order."""
    alias = schema_editor.connection.alias
    Dossier = apps.get_model("dossiers", "Dossier")
    DossierEvent = apps.get_model("dossiers", "DossierEvent")
    dossiers = Dossier.objects.using(alias).order_by("pk")
    last = 0
    while True:
        batch = list(dossiers.filter(pk__gt=last).only("pk", "code")[:BATCH])
        if not batch:
            return
        codes = {d.pk: d.code for d in batch}
        events = list(
            DossierEvent.objects.using(alias)
            .filter(dossier_id__gte=batch[0].pk, dossier_id__lte=batch[-1].pk)
            .order_by("dossier_id", "seq")
        )
        rows = []
        for event in events:
            values = {name: getattr(event, name) for name in sealing.SEALED if name != "code"}
            values["code"] = codes[event.dossier_id]
            rows.append(values)
        heads = sealing.seal(rows)
        for event, values in zip(events, rows, strict=True):
            event.digest = values["digest"]
        DossierEvent.objects.using(alias).bulk_update(events, ["digest"], batch_size=1000)
        for d in batch:
            d.history_digest = heads.get(d.code, "")
        Dossier.objects.using(alias).bulk_update(batch, ["history_digest"], batch_size=1000)
        last = batch[-1].pk


def create_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_FUNCTION, params=None)  # its % are RAISE's, not placeholders
        for table in PROTECTED:
            schema_editor.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION onestop_history_append_only()"
            )
    elif vendor == "sqlite":
        for table in PROTECTED:
            schema_editor.execute(
                f"CREATE TRIGGER IF NOT EXISTS {table}_append_only BEFORE UPDATE ON {table} "
                f"BEGIN SELECT RAISE(ABORT, 'history is append-only: UPDATE on {table} refused'); END"
            )


def drop_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor in ("postgresql", "sqlite"):
        for table in PROTECTED:
            on = f" ON {table}" if vendor == "postgresql" else ""
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only{on}")
    if vendor == "postgresql":
        schema_editor.execute("DROP FUNCTION IF EXISTS onestop_history_append_only()")


class Migration(migrations.Migration):
    dependencies = [
        ("dossiers", "0010_document_parts_unlinked_applicant"),
    ]

    operations = [
        migrations.AddField(
            model_name="dossier",
            name="history_digest",
            field=models.CharField(
                blank=True, default="", editable=False, max_length=64, verbose_name="dấu niêm phong lịch sử"
            ),
        ),
        migrations.AddField(
            model_name="dossierevent",
            name="digest",
            field=models.CharField(blank=True, default="", editable=False, max_length=64, verbose_name="dấu niêm phong"),
        ),
        migrations.RunPython(seal_existing, migrations.RunPython.noop),
        migrations.RunPython(create_triggers, drop_triggers),
    ]
