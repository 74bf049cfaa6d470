"""Signing of messages between onestop and the payment platform: HMAC-SHA256 over the timestamp, a
nonce and the canonical JSON body (DOMAIN §5: HMAC-SHA256, never MD5). Both sides use this module."""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import time

TIMESTAMP_HEADER = "X-Payment-Timestamp"
NONCE_HEADER = "X-Payment-Nonce"
SIGNATURE_HEADER = "X-Payment-Signature"


def canonical_body(body: dict) -> str:
    """Keys sorted, no insignificant whitespace, UTF-8 text kept as is: the same bytes on both sides
    whatever the sender's formatting."""
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def signature(key: bytes, *, timestamp: str, nonce: str, body: dict) -> str:
    message = f"{timestamp}\n{nonce}\n{canonical_body(body)}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def sign(key: bytes, body: dict, *, timestamp: int | None = None, nonce: str | None = None) -> dict[str, str]:
    """The three headers that go with `body`."""
    ts = str(int(time.time()) if timestamp is None else int(timestamp))
    nonce = nonce or secrets.token_hex(16)
    return {
        TIMESTAMP_HEADER: ts,
        NONCE_HEADER: nonce,
        SIGNATURE_HEADER: signature(key, timestamp=ts, nonce=nonce, body=body),
    }


class BadSignature(Exception):
    """The message is not from the holder of the key, or not as it was sent."""


class StaleMessage(Exception):
    """The message's timestamp is outside the accepted window."""


def verify(key: bytes, body: dict, headers, *, tolerance: int, now: float | None = None) -> tuple[int, str]:
    """Check a message's signature and freshness; answers (timestamp, nonce) or raises."""
    ts, nonce, sig = (headers.get(h) for h in (TIMESTAMP_HEADER, NONCE_HEADER, SIGNATURE_HEADER))
    if not ts or not nonce or not sig:
        raise BadSignature("missing signature headers")
    if len(nonce) > 100:
        raise BadSignature("nonce too long")
    expected = signature(key, timestamp=ts, nonce=nonce, body=body)
    if not hmac.compare_digest(expected, sig.strip().lower()):
        raise BadSignature("signature mismatch")
    try:
        stamp = int(ts)
    except ValueError:
        raise BadSignature("malformed timestamp") from None
    now = time.time() if now is None else now
    if abs(now - stamp) > tolerance:
        raise StaleMessage(f"timestamp {stamp} is {int(now - stamp)} s away from now")
    return stamp, nonce
