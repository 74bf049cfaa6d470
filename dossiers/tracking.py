"""Public tracking (Art. 12 of 003, DOMAIN §3 "Tracking"): what of a dossier anyone holding its code may
see, and the lookup secret printed on the receipt (text and QR code) with which its owner sees it unmasked.

The secret is derived from the code with the site's signing key, so nothing is stored and it never changes;
a wrong secret answers exactly as no secret does.
"""

from __future__ import annotations

import base64
import hmac
from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse
from django.utils.crypto import salted_hmac

from .models import Action

SECRET_PARAMETER = "k"
# What the applicant is told about: internal moves between steps (assignments, send-backs) and officers'
# notes stay inside.
INTERNAL_ACTIONS = (Action.NOTE, Action.ASSIGN, Action.SEND_BACK)


def lookup_secret(code: str) -> str:
    """Twelve letters and digits (60 bits) that only the receipt carries."""
    digest = salted_hmac("dossiers.tracking.lookup", code.strip(), algorithm="sha256").digest()
    return base64.b32encode(digest).decode()[:12]


def owns(code: str, secret: str | None) -> bool:
    """Whether `secret` is the lookup secret of the dossier `code`."""
    if not secret:
        return False
    return hmac.compare_digest(lookup_secret(code).encode(), secret.strip().upper().encode())


def tracking_path(code: str, *, secret: bool = True) -> str:
    query = {"ma": code, SECRET_PARAMETER: lookup_secret(code)} if secret else {"ma": code}
    return f"{reverse('tracking')}?{urlencode(query)}"


def tracking_url(dossier) -> str:
    """The absolute tracking URL of a dossier with its lookup secret: what the receipt's QR code holds."""
    return settings.SITE_URL + tracking_path(dossier.code)
