"""The simulated payment platform as a real subprocess (own port, own SQLite file), with a helper to act
as the applicant's browser on its payment page; the fee procedures of `tests.payments.helpers.Fees`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from portal.processes import free_port
from tests.payments.helpers import Fees

SECRET = "test-payment-secret"
ROOT = Path(__file__).resolve().parents[2]


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


class Simulator:
    def __init__(self, url: str):
        self.url = url
        self._opener = urllib.request.build_opener(_NoRedirect)

    def _call(self, method: str, path: str, body: dict | None = None):
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(
            self.url + path, data=data, method=method, headers={"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.loads(response.read())

    def behave(self, **changes) -> dict:
        return self._call("POST", "/control/behaviour", changes)

    def reset(self) -> None:
        self._call("POST", "/control/reset", {})
        self.behave(deliver=False)  # tests hand notifications to the test client themselves

    def outbox(self, reference: str) -> list[dict]:
        return self._call("GET", "/control/outbox?" + urllib.parse.urlencode({"reference": reference}))

    def notify(self, reference: str, **options) -> list[dict]:
        return self._call("POST", "/control/notify", {"reference": reference, **options})

    def page(self, pay_url: str) -> tuple[int, str]:
        try:
            with self._opener.open(pay_url, timeout=10) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode()

    def press(self, pay_url: str, action: str = "pay") -> tuple[int, str]:
        """The applicant presses “Thanh toán” (pay) or “Hủy giao dịch” (cancel) on the platform's page.
        Answers the HTTP status and where the browser is sent back to."""
        data = urllib.parse.urlencode({"action": action}).encode()
        request = urllib.request.Request(pay_url, data=data, method="POST")
        try:
            with self._opener.open(request, timeout=10) as response:
                return response.status, response.headers.get("Location", "")
        except urllib.error.HTTPError as exc:
            return exc.code, exc.headers.get("Location", "")


@pytest.fixture(scope="session")
def payment_sim(tmp_path_factory):
    """`manage.py payment_sim` on a free port with a temporary SQLite file, for the whole session."""
    port = free_port()
    workdir = tmp_path_factory.mktemp("payment-sim")
    env = {
        **os.environ,
        "PAYMENT_SECRET": SECRET,
        "ONESTOP_DATA_DIR": str(workdir),
        "DJANGO_SETTINGS_MODULE": "onestop.settings",
    }
    env.pop("DATABASE_URL", None)
    log = open(workdir / "sim.log", "w")  # noqa: SIM115 - kept open for the process's life
    process = subprocess.Popen(
        [
            sys.executable,
            str(ROOT / "manage.py"),
            "payment_sim",
            "--port",
            str(port),
            "--db",
            str(workdir / "sim.sqlite3"),
            "--hold-notifications",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90  # a loaded machine starts Django slowly
    while True:
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=1):
                break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                raise RuntimeError("payment simulator did not start: " + (workdir / "sim.log").read_text()) from None
            time.sleep(0.1)
    yield Simulator(url)
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
    log.close()


@pytest.fixture
def sim(payment_sim, settings, monkeypatch):
    """The running simulator, with this process configured to talk to it and Celery run inline."""
    from onestop.celery import app
    from portal import conf as portal_conf

    # Inline Celery would make the portal's delivery kick run the delivery in its own thread, on its own
    # connection to the test database, beside the test's: these tests do not deliver to the portal.
    monkeypatch.setattr(portal_conf, "KICK_ENABLED", False)

    settings.PAYMENT_PLATFORM_URL = payment_sim.url
    settings.PAYMENT_SECRET = SECRET
    settings.PAYMENT_MERCHANT_CODE = "H52"
    settings.PAYMENT_CALLBACK_URL = "http://testserver/api/v1/payments/callback/"
    settings.PAYMENT_RETURN_URL = "http://testserver/tra-cuu/"
    settings.PAYMENT_REFUNDS_ENABLED = False
    payment_sim.reset()
    eager, propagates = app.conf.task_always_eager, app.conf.task_eager_propagates
    app.conf.task_always_eager, app.conf.task_eager_propagates = True, True
    yield payment_sim
    app.conf.task_always_eager, app.conf.task_eager_propagates = eager, propagates


@pytest.fixture
def fees(world, django_capture_on_commit_callbacks):
    return Fees(world, django_capture_on_commit_callbacks)


@pytest.fixture
def refunds_enabled(sim, settings):
    """The province refunds a paid fee when the dossier is refused or withdrawn."""
    settings.PAYMENT_REFUNDS_ENABLED = True
