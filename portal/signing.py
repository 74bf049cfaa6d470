"""The HMAC-SHA256 signature of a request body (header X-Signature), shared by the client and the
simulated portal. Free of Django so that the simulator can run without the project's settings."""

from __future__ import annotations

import hashlib
import hmac


def sign(body: bytes, secret: str) -> str:
    """Hex HMAC-SHA256 of the raw body under the shared secret."""
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def verify(body: bytes, signature: str, secret: str) -> bool:
    """Whether `signature` is the body's signature, compared in constant time."""
    return hmac.compare_digest(sign(body, secret).encode(), signature.encode(errors="replace"))
