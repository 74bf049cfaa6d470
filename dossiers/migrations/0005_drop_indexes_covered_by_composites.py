"""Drop the single-column indexes of foreign keys that lead a composite index already (every change of a
dossier's state writes each index of its row, and each history and clock row each index of theirs).

Only the indexes go: the foreign-key constraints stay as they are (AlterField alone would drop and re-add
them, re-checking every row of the tables under lock)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


# (table, column, index name as Django named it when it created it)
COVERED = [
    ("dossiers_dossier", "applicant_user_id", "dossiers_dossier_applicant_user_id_1ba4db0f"),
    ("dossiers_dossier", "competent_agency_id", "dossiers_dossier_competent_agency_id_a13707a3"),
    ("dossiers_dossier", "procedure_id", "dossiers_dossier_procedure_id_4e0e78d6"),
    ("dossiers_dossier", "receiving_agency_id", "dossiers_dossier_receiving_agency_id_d0b091b4"),
    ("dossiers_dossierevent", "dossier_id", "dossiers_dossierevent_dossier_id_90237d93"),
    ("dossiers_clockevent", "dossier_id", "dossiers_clockevent_dossier_id_7c378efc"),
]


class Migration(migrations.Migration):
    dependencies = [
        ("dossiers", "0004_labels"),
        ("workflows", "0002_labels"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    f'DROP INDEX IF EXISTS "{name}"',
                    reverse_sql=f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" ("{column}")',
                )
                for table, column, name in COVERED
            ],
            state_operations=[
                migrations.AlterField(
                    model_name="clockevent",
                    name="dossier",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="clock_events",
                        to="dossiers.dossier",
                    ),
                ),
                migrations.AlterField(
                    model_name="dossier",
                    name="applicant_user",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="tài khoản người nộp",
                    ),
                ),
                migrations.AlterField(
                    model_name="dossier",
                    name="competent_agency",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="workflows.agency",
                        verbose_name="cơ quan giải quyết",
                    ),
                ),
                migrations.AlterField(
                    model_name="dossier",
                    name="procedure",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="workflows.procedure",
                        verbose_name="thủ tục",
                    ),
                ),
                migrations.AlterField(
                    model_name="dossier",
                    name="receiving_agency",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="workflows.agency",
                        verbose_name="nơi tiếp nhận",
                    ),
                ),
                migrations.AlterField(
                    model_name="dossierevent",
                    name="dossier",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="events",
                        to="dossiers.dossier",
                    ),
                ),
            ],
        ),
    ]
