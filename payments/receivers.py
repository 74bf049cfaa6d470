"""How payments follows the dossier's life: the fees are computed at receipt, and a paid dossier that
is refused or withdrawn is refunded where the province allows it."""

from django.dispatch import receiver

from dossiers.signals import dossier_changed

from . import services


@receiver(dossier_changed, dispatch_uid="payments.on_dossier_changed")
def on_dossier_changed(sender, dossier, event, previous_status, **kwargs):
    if event.action == "receive":
        services.ensure_base_charge(dossier, at=event.at)
    elif event.action in services.REFUND_ACTIONS:
        services.request_refunds(dossier=dossier, action=event.action)
