"""The simulated payment platform as a real subprocess (own port, own SQLite file), and helpers to act
as the applicant's browser on its payment page and to hand its signed notifications to the callback."""

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

from dossiers import services
from portal.processes import free_port
from tests.dossiers.api_support import client_for
from tests.factories import ProcedureFactory, at, make_process
from workflows.models import OnlineLevel

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
    deadline = time.monotonic() + 30
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


def deliver(client, message: dict):
    """Post one of the platform's signed notifications to the callback exactly as it was signed."""
    return client.post(
        "/api/v1/payments/callback/",
        data=message["body"],
        content_type="application/json",
        headers=message["headers"],
    )


api = client_for  # an API client, signed in as the user if one is given


class Fees:
    """Procedures of each kind the fee rules tell apart, in the shared world's agency."""

    def __init__(self, world):
        self.world = world
        self.full = ProcedureFactory(
            competent_agency=world.agency, online_level=OnlineLevel.FULL, fee_amount=50_000, name="Cấp phiếu LLTP"
        )
        self.partial = ProcedureFactory(
            competent_agency=world.agency, online_level=OnlineLevel.PARTIAL, fee_amount=30_000
        )
        self.free = ProcedureFactory(competent_agency=world.agency, online_level=OnlineLevel.FULL, fee_amount=0)
        for procedure in (self.full, self.partial, self.free):
            make_process(procedure)

    def received_online(self, procedure):
        """Filed online by the applicant and accepted by the counter."""
        dossier = self.world.online_dossier(procedure=procedure)
        return services.receive_dossier(dossier=dossier, actor=self.world.counter, at=at(2025, 8, 12, 10))

    def pay_online(self, sim, client_factory, dossier) -> dict:
        """The applicant starts a payment, pays on the platform's page, the notification arrives."""
        answer = client_factory(self.world.applicant).post(f"/api/v1/dossiers/{dossier.code}/payments/")
        assert answer.status_code == 201, answer.json()
        status, _back = sim.press(answer.json()["pay_url"], "pay")
        assert status == 303
        (message,) = sim.outbox(answer.json()["reference"])
        assert deliver(client_factory(), message).status_code == 200
        return answer.json()


@pytest.fixture
def fees(world):
    return Fees(world)
