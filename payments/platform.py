"""Client of the national payment platform: create a payment, ask its status, refund it. Every
request is signed (payments.signing); every answer is checked before it is believed."""

from __future__ import annotations

import json
import logging
import urllib.error
import urllib.request
from dataclasses import dataclass

from . import conf, signing

logger = logging.getLogger("onestop.payments.platform")


class PlatformError(Exception):
    """The platform could not be reached or refused the request; nothing was learnt."""

    def __init__(self, message: str, *, status: int | None = None):
        super().__init__(message)
        self.status = status


@dataclass
class PlatformPayment:
    reference: str
    txn_id: str
    status: str  # pending | paid | cancelled | expired | refunded
    amount: int
    receipt_number: str = ""
    paid_at: str = ""
    pay_url: str = ""


def _call(method: str, path: str, body: dict) -> dict:
    url = conf.platform_url() + path
    data = signing.canonical_body(body).encode() if method == "POST" else None
    headers = {"Content-Type": "application/json", "Accept": "application/json"}
    headers.update(signing.sign(conf.secret(), body))
    request = urllib.request.Request(url, data=data, headers=headers, method=method)
    try:
        with urllib.request.urlopen(request, timeout=conf.request_timeout_seconds()) as response:
            raw = response.read()
            answer = json.loads(raw.decode() or "{}")
            answer_headers = response.headers
    except urllib.error.HTTPError as exc:
        detail = exc.read()[:300].decode(errors="replace")
        raise PlatformError(f"{method} {path}: HTTP {exc.code} {detail}", status=exc.code) from None
    except (urllib.error.URLError, OSError, ValueError) as exc:
        raise PlatformError(f"{method} {path}: {exc}") from None
    # Answers are signed too: a forged answer to a status query must not mark anything paid.
    try:
        signing.verify(conf.secret(), answer, answer_headers, tolerance=conf.timestamp_tolerance_seconds())
    except (signing.BadSignature, signing.StaleMessage) as exc:
        raise PlatformError(f"{method} {path}: unverified answer ({exc})") from None
    return answer


def _payment(answer: dict) -> PlatformPayment:
    return PlatformPayment(
        reference=str(answer.get("reference", "")),
        txn_id=str(answer.get("txn_id", "")),
        status=str(answer.get("status", "")),
        amount=int(answer.get("amount", 0)),
        receipt_number=str(answer.get("receipt_number") or ""),
        paid_at=str(answer.get("paid_at") or ""),
        pay_url=str(answer.get("pay_url") or ""),
    )


def create_payment(
    *, reference: str, amount: int, description: str, dossier_code: str, expires_at: int, return_url: str
) -> PlatformPayment:
    body = {
        "type": "payment.create",
        "merchant": conf.merchant_code(),
        "reference": reference,
        "amount": amount,
        "currency": "VND",
        "description": description,
        "dossier_code": dossier_code,
        "expires_at": expires_at,
        "callback_url": conf.callback_url(),
        "return_url": return_url,
    }
    return _payment(_call("POST", "/api/payments", body))


def query_payment(reference: str) -> PlatformPayment:
    body = {"type": "payment.query", "merchant": conf.merchant_code(), "reference": reference}
    return _payment(_call("POST", "/api/payments/query", body))


def refund_payment(*, reference: str, refund_reference: str, amount: int, reason: str) -> dict:
    body = {
        "type": "payment.refund",
        "merchant": conf.merchant_code(),
        "reference": reference,
        "refund_reference": refund_reference,
        "amount": amount,
        "reason": reason,
    }
    return _call("POST", "/api/refunds", body)
