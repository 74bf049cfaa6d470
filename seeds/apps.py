from django.apps import AppConfig


class SeedsConfig(AppConfig):
    """Seed data (Sơn La catalogue, demo users and dossiers) and the commands that load it."""

    name = "seeds"
    verbose_name = "Dữ liệu mẫu"
