"""The project's own app: what belongs to a deployment rather than to a domain app — the start-up checks of
its settings (onestop/checks.py), the `backup` command, the shared templates of refusals."""

from django.apps import AppConfig


class OnestopConfig(AppConfig):
    name = "onestop"
    verbose_name = "onestop"

    def ready(self):
        from . import checks  # noqa: F401 (registers the system checks)
