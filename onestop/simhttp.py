"""HTTP plumbing the two simulators share (national portal, payment platform): JSON and HTML answers,
JSON bodies, a quiet request log, and a threaded server bound to the simulator it serves. No Django."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class JsonHandler(BaseHTTPRequestHandler):
    logger = logging.getLogger("onestop.sim")
    log_level = logging.DEBUG

    def log_message(self, format, *args):  # noqa: A002 - the stdlib's signature
        self.logger.log(self.log_level, "%s " + format, self.address_string(), *args)

    def read_body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def read_json(self) -> tuple[bytes, dict | None]:
        """The raw body and its JSON object: {} when empty, None when it is not a JSON object."""
        raw = self.read_body()
        if not raw:
            return raw, {}
        try:
            data = json.loads(raw)
        except ValueError:
            return raw, None
        return raw, data if isinstance(data, dict) else None

    def _send(self, status: int, content_type: str, body: bytes, headers: Iterable[tuple[str, str]] = ()) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def send_json(self, status: int, data, headers: Iterable[tuple[str, str]] = ()) -> None:
        body = json.dumps(data, ensure_ascii=False).encode()
        self._send(status, "application/json; charset=utf-8", body, headers)

    def send_html(self, status: int, html: str) -> None:
        self._send(status, "text/html; charset=utf-8", html.encode())


def make_server(handler: type[JsonHandler], host: str, port: int, **bound) -> ThreadingHTTPServer:
    """A threaded server whose handler class carries `bound` (the simulator) as class attributes."""
    httpd = ThreadingHTTPServer((host, port), type(handler.__name__, (handler,), bound))
    httpd.daemon_threads = True
    return httpd
