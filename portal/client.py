"""HTTP client for the national portal: session-token login (cached per process, renewed on 401),
HMAC-SHA256 signed bodies, one kept-alive connection per thread."""

from __future__ import annotations

import http.client
import json
import os
import threading
import time
from urllib.parse import urlsplit

from . import conf
from .signing import sign

SYNC_PATH = "/api/hoso/dongbo"
PROGRESS_PATH = "/api/hoso/tiendo"
LOOKUP_PATH = "/api/hoso/lookup"
LOGIN_PATH = "/api/auth/login"
HEALTH_PATH = "/api/health"


class PortalError(Exception):
    """A call to the portal that did not succeed."""

    retryable = True


class PortalUnavailable(PortalError):
    """Not reached, timed out, or answered 5xx: try again later."""


class PortalRejected(PortalError):
    """Answered 4xx: the request itself is wrong."""

    retryable = False


class PortalClient:
    def __init__(self, base_url: str | None = None, *, username=None, password=None, timeout=None):
        self.base_url = (base_url or conf.portal_url()).rstrip("/")
        default_user, default_password = conf.credentials()
        self.username = username or default_user
        self.password = password or default_password
        self.timeout = timeout or conf.TIMEOUT
        parts = urlsplit(self.base_url)
        self._https = parts.scheme == "https"
        self._host = parts.hostname or "127.0.0.1"
        self._port = parts.port or (443 if self._https else 80)
        self._prefix = parts.path.rstrip("/")
        self._local = threading.local()
        self._token: str | None = None
        self._token_lock = threading.Lock()

    # -- transport ----------------------------------------------------------------------------------
    def _connection(self) -> http.client.HTTPConnection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            cls = http.client.HTTPSConnection if self._https else http.client.HTTPConnection
            conn = cls(self._host, self._port, timeout=self.timeout)
            self._local.conn = conn
        return conn

    def close(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None

    def _request(self, method: str, path: str, body: dict | None = None, *, token: str | None = None):
        data = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode() if body is not None else b""
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "X-Signature": sign(data, conf.SIGNING_SECRET),
            "X-Client-Pid": str(os.getpid()),
        }
        if token:
            headers["Authorization"] = f"Bearer {token}"
        for attempt in (1, 2):  # a kept-alive connection the server closed is retried once, fresh
            conn = self._connection()
            try:
                conn.request(method, self._prefix + path, body=data or None, headers=headers)
                response = conn.getresponse()
                raw = response.read()
                break
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError) as exc:
                self.close()
                if attempt == 2:
                    raise PortalUnavailable(f"{type(exc).__name__}: {exc}") from exc
            except (OSError, http.client.HTTPException) as exc:
                self.close()
                raise PortalUnavailable(f"{type(exc).__name__}: {exc}") from exc
        if response.getheader("Connection", "").lower() == "close":
            self.close()
        try:
            answer = json.loads(raw) if raw else {}
        except ValueError:
            answer = {"raw": raw[:200].decode(errors="replace")}
        return response.status, answer

    # -- session ------------------------------------------------------------------------------------
    def login(self) -> str:
        status, answer = self._request("POST", LOGIN_PATH, {"username": self.username, "password": self.password})
        if status >= 500:
            raise PortalUnavailable(f"login: HTTP {status}")
        if status != 200 or "token" not in answer:
            raise PortalRejected(f"login: HTTP {status} {answer.get('error', '')}")
        self._token = answer["token"]
        return self._token

    def _authorised(self, method: str, path: str, body: dict | None = None):
        with self._token_lock:
            token = self._token or self.login()
        status, answer = self._request(method, path, body, token=token)
        if status == 401:
            with self._token_lock:
                if self._token == token:
                    self._token = None
                token = self._token or self.login()
            status, answer = self._request(method, path, body, token=token)
        if status >= 500:
            raise PortalUnavailable(f"HTTP {status} {answer.get('error', '')}".strip())
        if status >= 400:
            raise PortalRejected(f"HTTP {status} {answer.get('error', '')}".strip())
        return answer

    # -- calls --------------------------------------------------------------------------------------
    def send(self, path: str, items: list[dict]) -> list[dict]:
        """Send a batch; the answer has one result per item: applied, duplicate or rejected."""
        answer = self._authorised("POST", path, {"items": items})
        results = answer.get("results")
        if not isinstance(results, list) or len(results) != len(items):
            raise PortalUnavailable("answer without one result per item")
        return results

    def lookup(self, codes: list[str]) -> dict[str, dict]:
        """What the portal holds per dossier code: its status and the sequence numbers applied."""
        return self._authorised("POST", LOOKUP_PATH, {"codes": codes}).get("dossiers", {})

    def dossier(self, code: str) -> dict | None:
        try:
            return self._authorised("GET", f"/api/hoso/{code}")
        except PortalRejected:
            return None

    def health(self) -> tuple[bool, str]:
        started = time.monotonic()
        try:
            status, _answer = self._request("GET", HEALTH_PATH)
        except PortalUnavailable as exc:
            return False, str(exc)
        return status == 200, f"HTTP {status} in {(time.monotonic() - started) * 1000:.0f} ms"


_client: PortalClient | None = None
_client_lock = threading.Lock()


def portal_client() -> PortalClient:
    """The process's client (its session token is reused by every task in the process)."""
    global _client
    with _client_lock:
        if _client is None or _client.base_url != conf.portal_url():
            _client = PortalClient()
        return _client
