"""The Celery application: configuration comes from Django settings (CELERY_* names)."""

import logging
import os

from celery import Celery
from celery.signals import beat_init, worker_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "onestop.settings")

app = Celery("onestop")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

logger = logging.getLogger("onestop.celery")


@worker_init.connect
@beat_init.connect
def _refuse_to_start_on_errors(**kwargs):
    """A missing secret stops a worker or the scheduler at start-up, as it stops the web processes."""
    import django

    django.setup()
    from onestop.checks import refuse_to_start_on_errors

    refuse_to_start_on_errors()


@worker_init.connect
@beat_init.connect
def _log_broker(**kwargs):
    """Say which broker transport was chosen: Redis with REDIS_URL, else the serverless SQLite one."""
    from django.conf import settings

    logger.warning(
        "Celery broker: %s (%s)",
        getattr(settings, "CELERY_BROKER_TRANSPORT_NAME", "?"),
        app.conf.broker_url.split("@")[-1],
    )
