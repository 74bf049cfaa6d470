"""The references of the clock ledger and the history (to the dossier, its step, the officer) are checked when a
row is written, not when its transaction commits.

Django makes every foreign key on PostgreSQL DEFERRABLE INITIALLY DEFERRED: each reference of a row is looked up
when the transaction commits. A transition writes two clock events and a history row, whose seven look-ups then
ran between the COMMIT and its answer, while the client waited. Checked at once, they run while the client
prepares the statements that follow. These rows refer only to rows that exist before them, so no transaction
needs the check put off; it can still put it off (SET CONSTRAINTS … DEFERRED). Other databases: unchanged.
"""

from django.db import migrations

TABLES = ("dossiers_clockevent", "dossiers_dossierevent")


def _set(schema_editor, initially: str) -> None:
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    qn = schema_editor.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conrelid::regclass::text, conname FROM pg_constraint "
            "WHERE contype = 'f' AND conrelid = ANY(%s::regclass[]) ORDER BY 1, 2",
            [list(TABLES)],
        )
        found = cursor.fetchall()
    for table, name in found:
        schema_editor.execute(f"ALTER TABLE {qn(table)} ALTER CONSTRAINT {qn(name)} DEFERRABLE INITIALLY {initially}")


def checked_at_once(apps, schema_editor):
    _set(schema_editor, "IMMEDIATE")


def checked_at_commit(apps, schema_editor):
    _set(schema_editor, "DEFERRED")


class Migration(migrations.Migration):
    dependencies = [
        ("dossiers", "0006_step_references_unindexed"),
    ]

    operations = [migrations.RunPython(checked_at_once, checked_at_commit, elidable=False)]
