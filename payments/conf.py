"""Payment configuration, read from Django settings when a deployment sets them there, else from the
environment. Read on every call so that a test or a province switch takes effect without a restart."""

from __future__ import annotations

import os

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

DEV_SECRET = "onestop-dev-payment-secret"


def _value(name: str, default: str = "") -> str:
    value = getattr(settings, name, None)
    if value is None or value == "":
        value = os.environ.get(name, default)
    return str(value)


def _bool(name: str, default: bool) -> bool:
    value = getattr(settings, name, None)
    if isinstance(value, bool):
        return value
    raw = os.environ.get(name)
    if raw is None:
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def platform_url() -> str:
    """Base URL of the national payment platform (simulated by `manage.py payment_sim`)."""
    return _value("PAYMENT_PLATFORM_URL", "http://127.0.0.1:8091").rstrip("/")


def secret() -> bytes:
    """The HMAC-SHA256 key shared with the platform. A development default exists only with DEBUG on."""
    value = _value("PAYMENT_SECRET")
    if not value:
        if not settings.DEBUG:
            raise ImproperlyConfigured("PAYMENT_SECRET must be set when DEBUG is off")
        value = DEV_SECRET
    return value.encode()


def merchant_code() -> str:
    """Who we are to the platform (the province's merchant code)."""
    return _value("PAYMENT_MERCHANT_CODE", "H52")


def callback_url() -> str:
    """Where the platform sends its signed server-to-server notifications."""
    return _value("PAYMENT_CALLBACK_URL", "http://127.0.0.1:8000/api/v1/payments/callback/")


def return_url() -> str:
    """Where the applicant's browser goes back to after the payment page (the page that reads the outcome)."""
    return _value("PAYMENT_RETURN_URL", f"{settings.SITE_URL}/dich-vu-cong/thanh-toan/ket-qua/")


def expiry_minutes() -> float:
    """How long an online payment stays open on the platform (fractions allowed)."""
    return float(_value("PAYMENT_EXPIRY_MINUTES", "30"))


def refunds_enabled() -> bool:
    """The province's switch: refund a paid fee when the dossier is refused or withdrawn."""
    return _bool("PAYMENT_REFUNDS_ENABLED", False)


def refund_max_attempts() -> int:
    """How many times an online refund is sent to the platform while it cannot be reached or answers with
    a server error; after the last, the refund fails and the officers handle it by hand."""
    return max(1, int(_value("PAYMENT_REFUND_MAX_ATTEMPTS", "8")))


def refund_retry_base_seconds() -> float:
    """The wait after a refund's first failed attempt; each later wait doubles it (1, 2, 4 … minutes)."""
    return float(_value("PAYMENT_REFUND_RETRY_BASE_SECONDS", "60"))


def refund_retry_max_seconds() -> float:
    """The longest wait between two attempts of a refund."""
    return float(_value("PAYMENT_REFUND_RETRY_MAX_SECONDS", "3600"))


def timestamp_tolerance_seconds() -> int:
    """A notification whose timestamp is further than this from now is refused (and nonces are kept
    at least this long, so a replay inside the window is recognised)."""
    return int(_value("PAYMENT_TIMESTAMP_TOLERANCE", "300"))


def request_timeout_seconds() -> float:
    return float(_value("PAYMENT_PLATFORM_TIMEOUT", "10"))
