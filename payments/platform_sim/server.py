"""The simulated payment platform over HTTP (stdlib http.server).

Merchant API (signed requests, signed answers):
  POST /api/payments            create a payment, answers its pay_url
  POST /api/payments/query      status query by reference (also GET /api/payments/<reference>?merchant=)
  POST /api/refunds             refund a paid payment
Applicant's browser:
  GET  /pay/<txn_id>            the payment page (Thanh toán / Hủy)
  POST /pay/<txn_id>            action=pay|cancel, then back to the merchant's return_url
Test controls (unsigned, loopback only):
  GET/POST /control/behaviour   deliver, delay_seconds, duplicates, lose
  POST /control/reset           default behaviour
  GET  /control/outbox          the signed notifications, sent or held (?reference=)
  POST /control/notify          a fresh signed notification for a transaction (timestamp_offset, nonce)
  POST /control/deliver         send every undelivered notification now, whatever its delay
  GET  /healthz
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import secrets
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from http import HTTPStatus
from zoneinfo import ZoneInfo

from onestop.formats import vnd
from onestop.simhttp import JsonHandler, make_server
from payments import signing

from .store import Store

logger = logging.getLogger("onestop.payments.sim")
VN = ZoneInfo("Asia/Ho_Chi_Minh")
TOLERANCE = 300


class Platform:
    """The platform's behaviour, independent of HTTP."""

    def __init__(self, store: Store, secret: bytes, *, render_page=None):
        self.store = store
        self.secret = secret
        self.render_page = render_page or _plain_page

    # -- merchant API ---------------------------------------------------------------------------
    def create(self, body: dict, base_url: str) -> tuple[int, dict]:
        reference = str(body.get("reference") or "")
        amount = body.get("amount")
        if not reference or not isinstance(amount, int) or amount <= 0:
            return 400, {"error": "invalid", "message": "reference and a positive integer amount are required"}
        existing = self.store.txn(reference=reference)
        if existing is not None:  # idempotent: the same reference answers the same transaction
            if existing["amount"] != amount:
                return 409, {"error": "conflict", "message": "reference already used with another amount"}
            return 200, self.describe(existing, base_url)
        now = time.time()
        expires_at = float(body.get("expires_at") or now + 1800)
        txn = {
            "txn_id": "NTT" + secrets.token_hex(8).upper(),
            "reference": reference,
            "merchant": str(body.get("merchant", "")),
            "amount": amount,
            "description": str(body.get("description", ""))[:500],
            "dossier_code": str(body.get("dossier_code", ""))[:60],
            "callback_url": str(body.get("callback_url", "")),
            "return_url": str(body.get("return_url", "")),
            "status": "pending",
            "created_at": now,
            "expires_at": expires_at,
        }
        self.store.insert_txn(txn)
        return 201, self.describe(self.store.txn(reference=reference), base_url)

    def describe(self, txn: dict, base_url: str = "") -> dict:
        txn = self._expire_if_due(txn)
        return {
            "reference": txn["reference"],
            "txn_id": txn["txn_id"],
            "status": txn["status"],
            "amount": txn["amount"],
            "refunded_amount": txn["refunded_amount"],
            "receipt_number": txn["receipt_number"],
            "paid_at": _iso(txn["paid_at"]),
            "expires_at": _iso(txn["expires_at"]),
            "pay_url": f"{base_url}/pay/{txn['txn_id']}" if base_url else "",
        }

    def query(self, reference: str, base_url: str) -> tuple[int, dict]:
        txn = self.store.txn(reference=reference)
        if txn is None:
            return 404, {"error": "not_found", "reference": reference, "status": "unknown"}
        return 200, self.describe(txn, base_url)

    def refund(self, body: dict) -> tuple[int, dict]:
        refund_reference = str(body.get("refund_reference") or "")
        txn = self.store.txn(reference=str(body.get("reference") or ""))
        amount = body.get("amount")
        if txn is None:
            return 404, {"error": "not_found"}
        if not refund_reference or not isinstance(amount, int) or amount <= 0:
            return 400, {"error": "invalid"}
        done = self.store.refund(refund_reference)
        if done is not None:  # idempotent
            return 200, {"refund_reference": refund_reference, "status": "refunded", "amount": done["amount"]}
        if txn["status"] not in ("paid", "refunded"):
            return 409, {"error": "not_paid", "status": txn["status"]}
        if txn["refunded_amount"] + amount > txn["amount"]:
            return 409, {"error": "exceeds_paid"}
        self.store.add_refund(
            refund_reference=refund_reference, txn_id=txn["txn_id"], amount=amount, reason=str(body.get("reason", ""))
        )
        return 200, {
            "refund_reference": refund_reference,
            "status": "refunded",
            "amount": amount,
            "refunded_at": _iso(time.time()),
        }

    # -- the applicant's page -------------------------------------------------------------------
    def page(self, txn_id: str, message: str = "") -> tuple[int, str]:
        txn = self.store.txn(txn_id=txn_id)
        if txn is None:
            return 404, self.render_page({"missing": True})
        txn = self._expire_if_due(txn)
        context = {
            "txn": txn,
            "amount": vnd(txn["amount"]),
            "expires": _local(txn["expires_at"]),
            "pending": txn["status"] == "pending",
            "status_label": STATUS_LABELS.get(txn["status"], txn["status"]),
            "message": message,
        }
        return 200, self.render_page(context)

    def act(self, txn_id: str, action: str) -> tuple[int, str, str]:
        """The applicant pays or cancels; answers (status, where to go back, message)."""
        txn = self.store.txn(txn_id=txn_id)
        if txn is None:
            return 404, "", "Không tìm thấy giao dịch."
        txn = self._expire_if_due(txn)
        if txn["status"] != "pending":
            return 409, "", f"Giao dịch đã ở trạng thái “{STATUS_LABELS.get(txn['status'], txn['status'])}”."
        if action == "pay":
            now = time.time()
            number = self.store.next_number(f"receipt-{_local_day(now)}")
            receipt = f"BL-{_local_day(now)}-{number:06d}"
            self.store.update_txn(txn_id, status="paid", paid_at=now, receipt_number=receipt)
        elif action == "cancel":
            self.store.update_txn(txn_id, status="cancelled")
        else:
            return 400, "", "Thao tác không hợp lệ."
        txn = self.store.txn(txn_id=txn_id)
        self.notify(txn)
        back = ""
        if txn["return_url"]:
            sep = "&" if "?" in txn["return_url"] else "?"
            query = urllib.parse.urlencode(
                {"ma_ho_so": txn["dossier_code"], "ma_giao_dich": txn["reference"], "trang_thai": txn["status"]}
            )
            back = f"{txn['return_url']}{sep}{query}"
        return 200, back, STATUS_LABELS[txn["status"]]

    def _expire_if_due(self, txn: dict) -> dict:
        if txn["status"] == "pending" and time.time() > txn["expires_at"]:
            self.store.update_txn(txn["txn_id"], status="expired")
            txn = {**txn, "status": "expired"}
        return txn

    # -- notifications --------------------------------------------------------------------------
    def notification_body(self, txn: dict) -> dict:
        return {
            "type": "payment.status",
            "merchant": txn["merchant"],
            "reference": txn["reference"],
            "txn_id": txn["txn_id"],
            "status": txn["status"],
            "amount": txn["amount"],
            "currency": "VND",
            "receipt_number": txn["receipt_number"],
            "paid_at": _iso(txn["paid_at"]),
        }

    def notify(self, txn: dict, *, timestamp_offset: int = 0, nonce: str | None = None, force: bool = False):
        """Queue the signed notification(s) of the transaction's status, as the behaviour says."""
        behaviour = self.store.behaviour()
        if behaviour["lose"] and not force:
            return []
        if not txn["callback_url"]:
            return []
        body = self.notification_body(txn)
        copies = 1 if force else max(1, int(behaviour["duplicates"]))
        delay = 0.0 if force else float(behaviour["delay_seconds"])
        ids = []
        for _ in range(copies):
            due = time.time() + delay
            headers = signing.sign(self.secret, body, timestamp=int(due) + timestamp_offset, nonce=nonce)
            ids.append(
                self.store.add_message(
                    txn_id=txn["txn_id"],
                    url=txn["callback_url"],
                    nonce=headers[signing.NONCE_HEADER],
                    timestamp=int(headers[signing.TIMESTAMP_HEADER]),
                    signature=headers[signing.SIGNATURE_HEADER],
                    body=signing.canonical_body(body),
                    due_at=due,
                )
            )
        return ids

    def deliver_due(self, *, force: bool = False) -> int:
        """Send what is due (or, forced, everything undelivered). A message keeps its nonce on retries
        and is signed again with the time of sending, as a real sender would."""
        if not force and not self.store.behaviour()["deliver"]:
            return 0
        sent = 0
        for message in self.store.due_messages(time.time(), force=force):
            body = json.loads(message["body"])
            headers = signing.sign(self.secret, body, nonce=message["nonce"])
            if force:  # keep the timestamp the message was made with (a stale one stays stale)
                headers = {
                    signing.TIMESTAMP_HEADER: str(message["timestamp"]),
                    signing.NONCE_HEADER: message["nonce"],
                    signing.SIGNATURE_HEADER: message["signature"],
                }
            headers["Content-Type"] = "application/json"
            request = urllib.request.Request(
                message["url"], data=message["body"].encode(), headers=headers, method="POST"
            )
            status, error = None, ""
            try:
                with urllib.request.urlopen(request, timeout=10) as response:
                    status = response.status
            except urllib.error.HTTPError as exc:
                status, error = exc.code, exc.read()[:300].decode(errors="replace")
            except (urllib.error.URLError, OSError) as exc:
                error = str(exc)
            delivered = status is not None and 200 <= status < 300
            self.store.mark_attempt(message["id"], status=status, error=error, delivered=delivered)
            sent += int(delivered)
        return sent

    def outbox(self, reference: str | None = None) -> list[dict]:
        return [
            {
                "id": m["id"],
                "reference": m["reference"],
                "url": m["url"],
                "headers": {
                    signing.TIMESTAMP_HEADER: str(m["timestamp"]),
                    signing.NONCE_HEADER: m["nonce"],
                    signing.SIGNATURE_HEADER: m["signature"],
                },
                "body": m["body"],
                "due_at": _iso(m["due_at"]),
                "attempts": m["attempts"],
                "delivered_at": _iso(m["delivered_at"]),
                "last_status": m["last_status"],
            }
            for m in self.store.messages(reference=reference)
        ]


STATUS_LABELS = {
    "pending": "Chờ thanh toán",
    "paid": "Thanh toán thành công",
    "cancelled": "Đã hủy giao dịch",
    "expired": "Giao dịch đã hết hạn",
    "refunded": "Đã hoàn trả",
}


def _iso(stamp: float | None) -> str:
    if not stamp:
        return ""
    return dt.datetime.fromtimestamp(stamp, VN).isoformat(timespec="seconds")


def _local(stamp: float) -> str:
    return dt.datetime.fromtimestamp(stamp, VN).strftime("%H:%M %d/%m/%Y")


def _local_day(stamp: float) -> str:
    return dt.datetime.fromtimestamp(stamp, VN).strftime("%Y%m%d")


def _plain_page(context: dict) -> str:
    if context.get("missing"):
        return "<!doctype html><meta charset=utf-8><title>Không tìm thấy</title><p>Không tìm thấy giao dịch.</p>"
    txn = context["txn"]
    return f"<!doctype html><meta charset=utf-8><p>{txn['description']}: {context['amount']} đồng</p>"


class Handler(JsonHandler):
    platform: Platform
    server_version = "PaymentPlatformSim/1.0"
    logger, log_level = logger, logging.INFO

    # -- plumbing -------------------------------------------------------------------------------
    @property
    def base_url(self) -> str:
        host = self.headers.get("Host") or "{}:{}".format(*self.server.server_address[:2])
        return f"http://{host}"

    def _json(self, status: int, body, *, signed: bool = False):
        signature = signing.sign(self.platform.secret, body).items() if signed and isinstance(body, dict) else ()
        self.send_json(status, body, signature)

    def _signed_body(self, body: dict) -> bool:
        try:
            signing.verify(self.platform.secret, body, self.headers, tolerance=TOLERANCE)
        except (signing.BadSignature, signing.StaleMessage) as exc:
            self._json(403, {"error": "invalid_signature", "message": str(exc)})
            return False
        return True

    def _body(self) -> dict | None:
        _raw, body = self.read_json()
        if body is None:
            self._json(400, {"error": "invalid_json"})
        return body

    # -- routes ---------------------------------------------------------------------------------
    def do_GET(self):  # noqa: N802
        url = urllib.parse.urlsplit(self.path)
        path, query = url.path, urllib.parse.parse_qs(url.query)
        if path == "/healthz":
            return self._json(200, {"ok": True})
        if path.startswith("/pay/"):
            status, html = self.platform.page(path.removeprefix("/pay/").strip("/"))
            return self.send_html(status, html)
        if path.startswith("/api/payments/"):
            reference = urllib.parse.unquote(path.removeprefix("/api/payments/"))
            body = {"type": "payment.query", "merchant": query.get("merchant", [""])[0], "reference": reference}
            if not self._signed_body(body):
                return None
            status, answer = self.platform.query(reference, self.base_url)
            return self._json(status, answer, signed=True)
        if path == "/control/behaviour":
            return self._json(200, self.platform.store.behaviour())
        if path == "/control/outbox":
            return self._json(200, self.platform.outbox(query.get("reference", [None])[0]))
        return self._json(404, {"error": "not_found"})

    def do_POST(self):  # noqa: N802
        path = urllib.parse.urlsplit(self.path).path
        if path.startswith("/pay/"):
            form = urllib.parse.parse_qs(self.read_body().decode())
            txn_id = path.removeprefix("/pay/").strip("/")
            status, back, message = self.platform.act(txn_id, form.get("action", [""])[0])
            if status == 200 and back:
                self.send_response(HTTPStatus.SEE_OTHER)
                self.send_header("Location", back)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return None
            page_status, html = self.platform.page(txn_id, message)
            return self.send_html(status if status != 200 else page_status, html)
        body = self._body()
        if body is None:
            return None
        if path in ("/api/payments", "/api/payments/query", "/api/refunds"):
            if not self._signed_body(body):
                return None
            if path == "/api/payments":
                status, answer = self.platform.create(body, self.base_url)
            elif path == "/api/payments/query":
                status, answer = self.platform.query(str(body.get("reference", "")), self.base_url)
            else:
                status, answer = self.platform.refund(body)
            return self._json(status, answer, signed=True)
        if path == "/control/behaviour":
            try:
                return self._json(200, self.platform.store.set_behaviour(body))
            except ValueError as exc:
                return self._json(400, {"error": str(exc)})
        if path == "/control/reset":
            return self._json(200, self.platform.store.reset_behaviour())
        if path == "/control/notify":
            txn = self.platform.store.txn(reference=str(body.get("reference", "")))
            if txn is None:
                return self._json(404, {"error": "not_found"})
            ids = self.platform.notify(
                self.platform._expire_if_due(txn),
                timestamp_offset=int(body.get("timestamp_offset", 0)),
                nonce=body.get("nonce") or None,
                force=True,
            )
            messages = [m for m in self.platform.outbox(txn["reference"]) if m["id"] in ids]
            return self._json(200, messages)
        if path == "/control/deliver":
            return self._json(200, {"delivered": self.platform.deliver_due(force=True)})
        return self._json(404, {"error": "not_found"})


def serve(*, host: str, port: int, store_path: str, secret: bytes, render_page=None, hold: bool = False):
    """Run the platform until interrupted: the HTTP server and a thread that delivers notifications."""
    store = Store(store_path)
    if hold:
        store.set_behaviour({"deliver": False})
    platform = Platform(store, secret, render_page=render_page)
    httpd = make_server(Handler, host, port, platform=platform)
    stop = threading.Event()

    def deliver_loop():
        while not stop.wait(0.2):
            try:
                platform.deliver_due()
            except Exception:  # the loop must outlive one bad message
                logger.exception("delivery failed")

    threading.Thread(target=deliver_loop, name="payment-sim-delivery", daemon=True).start()
    try:
        httpd.serve_forever()
    finally:
        stop.set()
        httpd.server_close()
