"""The outbox receiver of `dossier_changed` (with the delivery kick after commit), and the receivers
that drop the cached status mapping when it is edited."""

from __future__ import annotations

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from dossiers.signals import dossier_changed

from . import conf
from .kick import kick_delivery
from .mapping import invalidate_mapping
from .models import MappingVersion, StatusMapping
from .services import record_change


@receiver(dossier_changed, dispatch_uid="portal.outbox")
def write_outbox_row(sender, *, dossier, event, previous_status, **kwargs):
    """Runs inside the change's transaction: the row commits or rolls back with the change."""
    if record_change(dossier=dossier, event=event) is not None and conf.KICK_ENABLED:
        transaction.on_commit(kick_delivery, robust=True)


@receiver(post_save, sender=StatusMapping, dispatch_uid="portal.mapping.saved")
@receiver(post_delete, sender=StatusMapping, dispatch_uid="portal.mapping.deleted")
@receiver(post_save, sender=MappingVersion, dispatch_uid="portal.mapping_version.saved")
@receiver(post_delete, sender=MappingVersion, dispatch_uid="portal.mapping_version.deleted")
def _mapping_changed(sender, **kwargs):
    """This process reads the new mapping at once; other processes within mapping.CACHE_SECONDS."""
    invalidate_mapping()
