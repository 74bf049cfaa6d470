from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    """Sync with the national portal (Cổng DVC quốc gia): the outbox, its delivery, and the simulated
    portal. An app of its own because it is a separate capability with its own storage and processes,
    reached from dossiers only through the `dossier_changed` signal."""

    name = "portal"
    verbose_name = _("Đồng bộ Cổng DVC quốc gia")

    def ready(self):
        from dossiers.extensions import register_card
        from onestop.celery import app
        from onestop.health import register_check

        # Importing receivers connects the outbox receiver; tasks registers the tasks queued by name.
        from . import conf, receivers, tasks  # noqa: F401
        from .health import broker_check, mapping_check, portal_check
        from .officer import sync_card

        register_card("portal", template="portal/officer/sync_card.html", context=sync_card)

        # The broker being away delays the kicks and the sync, never the counter (the outbox waits): reported,
        # not critical, so that a readiness probe keeps the web processes serving while Redis is down.
        register_check("broker", broker_check, critical=False)
        # The portal being down delays the sync, never the web: reported, not critical.
        register_check("portal", portal_check, critical=False)
        # Without an active mapping version the sync waits, the web does not: reported, not critical.
        register_check("status_mapping", mapping_check, critical=False)
        app.conf.beat_schedule.update(
            {
                # The outbox sweeper: delivers what no after-commit kick reached (broker down, worker died).
                "portal-sweep-outbox": {"task": "portal.sweep_outbox", "schedule": conf.SWEEP_SECONDS},
                # Compares the recent period with the national portal and re-sends what it lacks.
                "portal-reconcile": {"task": "portal.reconcile", "schedule": conf.RECONCILE_SECONDS},
            }
        )
