"""The outbox receiver of `dossier_changed` (with the delivery kick after commit), and the receivers
that drop the cached status mapping when it is edited, refuse deleting an active mapping version and
release the messages waiting for a national status code when a version is saved active."""

from __future__ import annotations

from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_delete
from django.dispatch import receiver

from dossiers.signals import dossier_changed

from . import conf
from .kick import kick_delivery
from .mapping import invalidate_mapping
from .models import MappingVersion, StatusMapping
from .services import record_change, release_rows_awaiting_codes


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


@receiver(pre_delete, sender=MappingVersion, dispatch_uid="portal.mapping_version.delete")
def _refuse_deleting_an_active_version(sender, instance, **kwargs):
    """Also for a queryset's delete(), which sends this signal for every row it deletes."""
    instance.ensure_deletable()


@receiver(post_save, sender=MappingVersion, dispatch_uid="portal.mapping_version.active")
def _mapping_version_active(sender, instance, raw=False, **kwargs):
    """Messages written while no version was active get their codes from this one, at once after commit."""
    if instance.is_active and not raw:
        transaction.on_commit(release_rows_awaiting_codes, robust=True)
