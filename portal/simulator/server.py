"""The simulated portal's HTTP server (stdlib ThreadingHTTPServer).

API (JSON): POST /api/auth/login → session token · POST /api/hoso/dongbo (sync) and /api/hoso/tiendo
(progress) with {"items": [...]} → one result per item (applied, duplicate, rejected, blocked) ·
POST /api/hoso/lookup {"codes": [...]} · GET /api/hoso/<MaHoSo> · GET /api/health.
Admin (header X-Admin-Key when a key is set): GET/POST /admin/faults, POST /admin/reset,
GET /admin/stats, GET /admin/export.

Faults: fail_rate (share of calls answered 500 without applying), dup_rate (share applied but answered
502, so the sender sends them again and the portal must deduplicate), latency_ms (added to every
call), answer_latency_ms (a batch held after it is applied, before its answer: in flight, as the stats
say), outage (every call answered 503). POST /admin/reset empties the store and clears the faults.
"""

from __future__ import annotations

import hmac
import logging
import os
import random
import secrets
import threading
import time
from dataclasses import asdict, dataclass
from urllib.parse import unquote

from onestop.simhttp import JsonHandler, make_server

from ..signing import verify
from .store import Store

logger = logging.getLogger("portal.simulator")


@dataclass
class Faults:
    fail_rate: float = 0.0
    dup_rate: float = 0.0
    latency_ms: int = 0
    answer_latency_ms: int = 0
    outage: bool = False

    def update(self, data: dict) -> None:
        if "fail_rate" in data:
            self.fail_rate = min(max(float(data["fail_rate"]), 0.0), 1.0)
        if "dup_rate" in data:
            self.dup_rate = min(max(float(data["dup_rate"]), 0.0), 1.0)
        if "latency_ms" in data:
            self.latency_ms = max(int(data["latency_ms"]), 0)
        if "answer_latency_ms" in data:
            self.answer_latency_ms = max(int(data["answer_latency_ms"]), 0)
        if "outage" in data:
            self.outage = bool(data["outage"])


class PortalSimulator:
    def __init__(
        self,
        *,
        db_path: str,
        host: str = "127.0.0.1",
        port: int = 8090,
        username: str = "onestop",
        password: str = "onestop-dev-password",
        secret: str | None = None,
        admin_key: str = "",
        token_ttl: float = 1800,
        faults: Faults | None = None,
        seed: int | None = None,
    ):
        self.store = Store(db_path)
        self.username, self.password = username, password
        self.secret = secret
        self.admin_key = admin_key
        self.token_ttl = token_ttl
        self.faults = faults or Faults()
        self.random = random.Random(seed)
        self.random_lock = threading.Lock()
        self.tokens: dict[str, float] = {}
        self.inflight: dict[str, int] = {}
        self.counters = {"requests": 0, "injected_failures": 0, "lost_answers": 0, "outage_refusals": 0, "logins": 0}
        self.state_lock = threading.Lock()
        self.httpd = make_server(_Handler, host, port, sim=self)
        self.thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return self.httpd.server_address[1]

    @property
    def url(self) -> str:
        return f"http://{self.httpd.server_address[0]}:{self.port}"

    def serve_forever(self) -> None:
        self.httpd.serve_forever(poll_interval=0.2)

    def start_in_thread(self) -> PortalSimulator:
        self.thread = threading.Thread(target=self.serve_forever, name="portal-sim", daemon=True)
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    # -- state -------------------------------------------------------------------------------------
    def chance(self, rate: float) -> bool:
        if rate <= 0:
            return False
        with self.random_lock:
            return self.random.random() < rate

    def count(self, name: str, by: int = 1) -> None:
        with self.state_lock:
            self.counters[name] = self.counters.get(name, 0) + by

    def issue_token(self) -> str:
        token = secrets.token_urlsafe(24)
        with self.state_lock:
            self.tokens[token] = time.monotonic() + self.token_ttl
            self.counters["logins"] += 1
        return token

    def token_valid(self, token: str) -> bool:
        with self.state_lock:
            expiry = self.tokens.get(token)
            if expiry is None:
                return False
            if expiry < time.monotonic():
                del self.tokens[token]
                return False
            return True

    def stats(self) -> dict:
        with self.state_lock:
            counters, inflight = dict(self.counters), {k: v for k, v in self.inflight.items() if v}
        return {**counters, **self.store.stats, "stored": self.store.count(), "inflight": inflight}

    def reset(self) -> None:
        self.store.reset()
        with self.state_lock:
            for key in self.counters:
                self.counters[key] = 0
            self.tokens.clear()
        self.faults.update(asdict(Faults()))


class _Handler(JsonHandler):
    sim: PortalSimulator
    protocol_version = "HTTP/1.1"
    server_version = "PortalSim/1.0"
    logger = logger  # quiet (debug): the stats endpoint tells what happened

    def do_GET(self):
        self._dispatch("GET")

    def do_POST(self):
        self._dispatch("POST")

    def _dispatch(self, method: str) -> None:
        path = self.path.split("?", 1)[0]
        raw, data = self.read_json()
        if data is None:
            return self.send_json(400, {"error": "body must be a JSON object"})
        if path.startswith("/admin/"):
            return self._admin(method, path, data)
        sim = self.sim
        sim.count("requests")
        if sim.faults.outage:
            sim.count("outage_refusals")
            return self.send_json(503, {"error": "portal unavailable (outage)"})
        if sim.faults.latency_ms:
            time.sleep(sim.faults.latency_ms / 1000)
        if method == "GET" and path == "/api/health":
            return self.send_json(200, {"ok": True})
        if method == "POST" and path == "/api/auth/login":
            return self._login(data)
        signature = self.headers.get("X-Signature", "")
        if sim.secret is not None and method == "POST" and not verify(raw, signature, sim.secret):
            return self.send_json(403, {"error": "bad signature"})
        token = self.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        if not token or not sim.token_valid(token):
            return self.send_json(401, {"error": "session expired or missing; log in again"})
        if method == "POST" and path in ("/api/hoso/dongbo", "/api/hoso/tiendo"):
            return self._messages("sync" if path.endswith("dongbo") else "progress", data)
        if method == "POST" and path == "/api/hoso/lookup":
            codes = [c for c in data.get("codes", []) if isinstance(c, str)]
            return self.send_json(200, {"dossiers": sim.store.lookup(codes)})
        if method == "GET" and path.startswith("/api/hoso/"):
            found = sim.store.dossier(unquote(path.removeprefix("/api/hoso/")))
            return self.send_json(200, found) if found else self.send_json(404, {"error": "no such dossier"})
        return self.send_json(404, {"error": "not found"})

    def _login(self, data: dict) -> None:
        sim = self.sim
        if data.get("username") != sim.username or not hmac.compare_digest(str(data.get("password", "")), sim.password):
            return self.send_json(403, {"error": "wrong username or password"})
        return self.send_json(200, {"token": sim.issue_token(), "expires_in": sim.token_ttl})

    def _messages(self, kind: str, data: dict) -> None:
        sim = self.sim
        items = data.get("items")
        if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
            return self.send_json(400, {"error": "items must be a list of objects"})
        if sim.chance(sim.faults.fail_rate):
            sim.count("injected_failures")
            return self.send_json(500, {"error": "injected failure"})
        pid = self.headers.get("X-Client-Pid", "?")
        with sim.state_lock:
            sim.inflight[pid] = sim.inflight.get(pid, 0) + 1
        try:
            results = sim.store.apply(kind, items)
            if sim.faults.answer_latency_ms:
                time.sleep(sim.faults.answer_latency_ms / 1000)
        finally:
            with sim.state_lock:
                sim.inflight[pid] -= 1
        if sim.chance(sim.faults.dup_rate):
            sim.count("lost_answers")
            return self.send_json(502, {"error": "injected: applied, answer lost"})
        return self.send_json(200, {"results": results})

    def _admin(self, method: str, path: str, data: dict) -> None:
        sim = self.sim
        if sim.admin_key and not hmac.compare_digest(self.headers.get("X-Admin-Key", ""), sim.admin_key):
            return self.send_json(403, {"error": "admin key required"})
        if path == "/admin/faults":
            if method == "POST":
                try:
                    sim.faults.update(data)
                except (TypeError, ValueError) as exc:
                    return self.send_json(400, {"error": str(exc)})
                logger.info("faults now %s", asdict(sim.faults))
            return self.send_json(200, asdict(sim.faults))
        if path == "/admin/reset" and method == "POST":
            sim.reset()
            return self.send_json(200, {"ok": True})
        if path == "/admin/stats":
            return self.send_json(200, sim.stats())
        if path == "/admin/export":
            return self.send_json(200, {"messages": sim.store.export()})
        return self.send_json(404, {"error": "not found"})


def default_db_path(data_dir) -> str:
    return os.path.join(str(data_dir), "portal-sim.sqlite3")
