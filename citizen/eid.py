"""Our side of the national e-identity: an OpenID Connect client (Authlib; authorization code with PKCE S256,
the ID token's signature, issuer, audience, expiry and nonce checked by the library) and the population
database's lookup by ID number."""

from __future__ import annotations

import logging

import requests
from authlib.integrations.django_client import OAuth

from . import conf

logger = logging.getLogger("onestop.citizen.eid")
SCOPE = "openid profile email phone address"


class EidUnavailable(Exception):
    """The e-identity could not be reached or refused the exchange."""


def client():
    """A client registered with the current configuration (read per call: tests and deployments change it)."""
    oauth = OAuth()
    oauth.register(
        name="eid",
        client_id=conf.client_id(),
        client_secret=conf.client_secret(),
        server_metadata_url=f"{conf.eid_url()}/.well-known/openid-configuration",
        client_kwargs={"scope": SCOPE, "code_challenge_method": "S256", "timeout": 10},
    )
    return oauth.create_client("eid")


def population_record(id_number: str) -> dict | None:
    """What the population database knows of a person (None when it does not answer or does not know)."""
    try:
        response = requests.get(
            f"{conf.eid_url()}/api/population/{id_number}",
            headers={"Authorization": f"Bearer {conf.population_token()}"},
            timeout=5,
        )
    except requests.RequestException as exc:
        # Not the exception's text: it carries the URL, and so the ID number.
        logger.warning("population database unreachable: %s", type(exc).__name__)
        return None
    if response.status_code != 200:
        return None
    return response.json()
