"""System checks of a deployment's settings: a missing secret stops the start-up (`manage.py check`, the web
processes through onestop/wsgi.py, the Celery worker and scheduler) with a message that names it, instead of
an error at the first request that needs it."""

import os

from django.conf import settings
from django.core.checks import Error, Tags, register
from django.core.exceptions import ImproperlyConfigured

# The secrets a deployment must set when DEBUG is off, and what each one is for.
REQUIRED_SECRETS = {
    "SECRET_KEY": "Django's signing key (sessions, CSRF, password resets)",
    "PAYMENT_SECRET": "the HMAC-SHA256 key shared with the national payment platform",
    "PORTAL_USERNAME": "the account of this province on the national portal",
    "PORTAL_PASSWORD": "the password of that account",
    "PORTAL_SIGNING_SECRET": "the HMAC-SHA256 key of the requests sent to the national portal",
    "EID_CLIENT_SECRET": "this system's client secret at the national e-identity (OpenID Connect)",
    "EID_POPULATION_TOKEN": "the bearer token of the population database's API",
}


def _is_set(name: str) -> bool:
    """Set in the settings, or in the environment (where the apps' conf modules also read it)."""
    try:
        return bool(getattr(settings, name, "") or os.environ.get(name))
    except ImproperlyConfigured:  # Django refuses to hand out an empty SECRET_KEY
        return False


@register(Tags.security)
def required_secrets(app_configs=None, **kwargs):
    if settings.DEBUG:
        return []
    return [
        Error(
            f"{name} is not set: {meaning}.",
            hint=f"Set the environment variable {name} (see docs/deploy.md), or DEBUG=true on a development machine.",
            id="onestop.E001",
        )
        for name, meaning in REQUIRED_SECRETS.items()
        if not _is_set(name)
    ]


def refuse_to_start_on_errors() -> None:
    """Run the system checks as `manage.py check` does and stop this process on an error (the web and Celery
    processes call it at start-up; `manage.py` commands run the checks themselves)."""
    from django.core import checks
    from django.core.management.base import SystemCheckError

    errors = [m for m in checks.run_checks(include_deployment_checks=False) if m.is_serious() and not m.is_silenced()]
    if errors:
        raise SystemCheckError("onestop cannot start:\n" + "\n".join(f"  {e}" for e in errors))
