from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Thông báo cho người nộp")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from onestop.celery import app

        from . import conf, receivers, tasks  # noqa: F401  (connects the receiver; registers the tasks)

        app.conf.beat_schedule.update(
            {
                # The outbox sweeper: sends what no after-commit kick sent, and retries with backoff.
                "notifications-sweep": {"task": "notifications.sweep", "schedule": conf.SWEEP_SECONDS},
            }
        )
