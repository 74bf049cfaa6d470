"""The portal sync card of the officers' dossier screen (registered with `dossiers.extensions`): whether the
dossier's changes have reached the national portal, are waiting, or failed and why."""

from __future__ import annotations

from django.db.models import Count

from .models import OutboxMessage, OutboxState


def sync_card(request, dossier, extra: dict) -> dict | None:
    """The latest message of the dossier and how many of its messages are in each state; None before any."""
    messages = OutboxMessage.objects.filter(dossier_code=dossier.code)
    counts = dict(messages.order_by().values_list("state").annotate(n=Count("id")))
    if not counts:
        return None
    latest = messages.order_by("-seq").first()
    failed = messages.filter(state=OutboxState.DEAD).order_by("-seq").first()
    waiting = messages.filter(state=OutboxState.PENDING).order_by("seq").first()
    return {
        "latest": latest,
        "delivered": counts.get(OutboxState.DELIVERED, 0),
        "pending": counts.get(OutboxState.PENDING, 0),
        "dead": counts.get(OutboxState.DEAD, 0),
        "failed": failed,
        "waiting": waiting,
    }
