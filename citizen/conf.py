"""Configuration of the applicant's side, read from Django settings when a deployment sets them there, else
from the environment (read on every call, so a test can point it elsewhere)."""

from __future__ import annotations

import os

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

DEV_CLIENT_SECRET = "onestop-dev-eid-secret"
DEV_POPULATION_TOKEN = "onestop-dev-population-token"


def _value(name: str, default: str = "") -> str:
    value = getattr(settings, name, None)
    if value is None or value == "":
        value = os.environ.get(name, default)
    return str(value)


def _secret(name: str, dev_default: str) -> str:
    value = _value(name)
    if not value:
        if not settings.DEBUG:
            raise ImproperlyConfigured(f"{name} must be set when DEBUG is off")
        value = dev_default
    return value


def eid_url() -> str:
    """The national e-identity's issuer URL (simulated by `manage.py eid_sim`)."""
    return _value("EID_URL", "http://127.0.0.1:8092").rstrip("/")


def client_id() -> str:
    return _value("EID_CLIENT_ID", "onestop")


def client_secret() -> str:
    return _secret("EID_CLIENT_SECRET", DEV_CLIENT_SECRET)


def population_token() -> str:
    """The bearer token of the population database's API."""
    return _secret("EID_POPULATION_TOKEN", DEV_POPULATION_TOKEN)


def upload_max_files() -> int:
    """How many files one e-form or supplement may carry."""
    return int(_value("CITIZEN_MAX_FILES", "20"))
