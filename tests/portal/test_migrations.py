"""The portal's data migrations, run backwards and forwards on a database holding outbox rows."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from dossiers.models import Status
from portal.models import OutboxMessage


def migrate(*targets):
    executor = MigrationExecutor(connection)
    executor.migrate(list(targets) or executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_reversing_0004_fills_the_outbox_rows_in_again_from_their_history(world):
    dossier = world.dossier_in(Status.PAUSED)
    assert OutboxMessage.objects.filter(dossier_code=dossier.code).count() == 3

    migrate(("portal", "0003_outbox_mapping_inputs"))
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT action, dossier_status FROM portal_outboxmessage WHERE dossier_code = %s ORDER BY seq",
                [dossier.code],
            )
            refilled = cursor.fetchall()
    finally:
        migrate()

    assert refilled == [("receive", "received"), ("start", "processing"), ("pause", "paused")]
    assert OutboxMessage.objects.filter(dossier_code=dossier.code).count() == 3
