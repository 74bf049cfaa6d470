"""The figures follow the dossiers: a change that moves one (a receipt, a resolution, a return, an end, an
online payment, a rating) updates the dossier's fact and the summaries in the change's own transaction."""

from __future__ import annotations

from django.db.models.signals import post_save
from django.dispatch import receiver

from dossiers.models import Action, Rating, Status
from dossiers.signals import dossier_changed

from .services import refresh_dossier

# The states between which no figure moves share a phase: a pause, a resume, a supplement or a step
# completed leaves every count as it was, and costs a transition nothing here.
_PHASES = {
    Status.RECEIVED: "open",
    Status.PROCESSING: "open",
    Status.SUPPLEMENT: "open",
    Status.PAUSED: "open",
}


def _phase(status: str) -> str:
    return _PHASES.get(status, status)


@receiver(dossier_changed, dispatch_uid="reports.figures")
def follow_change(sender, *, dossier, event, previous_status, **kwargs):
    if event.action == Action.PAYMENT or (
        _phase(previous_status) != _phase(dossier.status) and dossier.status != Status.SUBMITTED
    ):
        refresh_dossier(dossier=dossier)


@receiver(post_save, sender=Rating, dispatch_uid="reports.rating")
def follow_rating(sender, instance, raw=False, **kwargs):
    if not raw:
        refresh_dossier(dossier=instance.dossier)
