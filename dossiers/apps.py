from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DossiersConfig(AppConfig):
    """Dossiers (hồ sơ): their state machine, history, clock ledger, documents and codes."""

    name = "dossiers"
    verbose_name = _("Hồ sơ")
