"""No personal data in the logs: an applicant signs in through the e-identity, files online (once while the
population database does not answer), is tracked, pays online (one notification forged, one replayed) and the
counter takes the dossier in, with every record at the production level formatted as production formats it (JSON
lines); none carries the applicant's ID number, phone, e-mail, name or address, not even in the query string
of a request that went wrong (an officer's search by phone)."""

from __future__ import annotations

import io
import json
import logging
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.module_loading import import_string

from dossiers import services
from dossiers.models import Dossier
from dossiers.tracking import tracking_path
from onestop.logs import RequestIdFilter
from tests.citizen.conftest import MINH, eid_server, eid_sim, sign_in_through_eid  # noqa: F401 - fixtures
from tests.dossiers.api_support import client_for
from tests.factories import PDF_BYTES, ProcedureFactory, make_process
from tests.payments.conftest import payment_sim, sim  # noqa: F401 - fixtures
from tests.payments.helpers import deliver
from workflows.models import OnlineLevel

# Lò Văn Minh as the e-identity and the population database know him (citizen/eid_sim/people.py).
PERSONAL = {
    "ID number": MINH,
    "phone": "0912000111",
    "e-mail": "lovanminh@example.vn",
    "name": "Lò Văn Minh",
    "address": "Bản Hài",
}


@pytest.fixture
def json_log(settings):
    """Every record at INFO and above (the production level), through the project's JSON formatter."""
    spec = dict(settings.LOGGING["formatters"]["json"])
    formatter = import_string(spec.pop("()"))(**spec)
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(formatter)
    handler.addFilter(RequestIdFilter())
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    root.removeHandler(handler)
    root.setLevel(level)


def _strings(value) -> list[str]:
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in (k, *_strings(v))]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return [str(value)]


def _leaks(records: list[dict]) -> list[tuple[str, dict]]:
    found = []
    for record in records:
        text = " ".join(_strings(record))
        digits = re.sub(r"\D", "", text)
        for what, value in PERSONAL.items():
            if value in text or (value.isdigit() and value in digits):
                found.append((what, record))
    return found


def _file_online(client, procedure) -> Dossier:
    html = client.get(f"/dich-vu-cong/thu-tuc/{procedure.code}/nop/").content.decode()
    opened = re.search(r'name="opened" value="([^"]+)"', html).group(1)
    body = {
        "phone": PERSONAL["phone"],
        "email": PERSONAL["e-mail"],
        "summary": "",
        "receiving_agency": str(procedure.competent_agency_id),
        "return_channel": "online",
        "opened": opened,
        "doc-to-khai": [SimpleUploadedFile("to-khai.pdf", PDF_BYTES, content_type="application/pdf")],
    }
    answer = client.post(f"/dich-vu-cong/thu-tuc/{procedure.code}/nop/", body)
    assert answer.status_code == 302, answer.content.decode()[:2000]
    return Dossier.objects.get(code=answer["Location"].rstrip("/").rsplit("/", 1)[-1])


def test_filing_tracking_payment_and_sign_in_log_no_personal_data(
    client,
    world,
    eid_sim,  # noqa: F811 - the fixture imported above
    sim,  # noqa: F811
    settings,
    json_log,
    django_capture_on_commit_callbacks,  # noqa: F811
):
    procedure = ProcedureFactory(competent_agency=world.agency, online_level=OnlineLevel.FULL, fee_amount=50_000)
    make_process(procedure)

    # Sign-in: one refused (a callback nobody started), then the whole flow.
    assert client.get("/dich-vu-cong/dang-nhap/xong/", {"code": "x", "state": "y"}).status_code in (302, 400)
    sign_in_through_eid(client, eid_sim, MINH)

    # Filing: the form while the population database does not answer, then a dossier filed.
    reachable = settings.EID_URL
    settings.EID_URL = "http://127.0.0.1:9"
    assert client.get(f"/dich-vu-cong/thu-tuc/{procedure.code}/nop/").status_code == 200
    settings.EID_URL = reachable
    with django_capture_on_commit_callbacks(execute=True):
        dossier = _file_online(client, procedure)
        services.receive_dossier(dossier=dossier, actor=world.counter)
    assert dossier.applicant_id_number == MINH and dossier.applicant_phone == PERSONAL["phone"]

    # Tracking: by the receipt's link, by code alone, a code that does not exist.
    for path in (tracking_path(dossier.code), tracking_path(dossier.code, secret=False), "/tra-cuu/?ma=KHONG-CO"):
        assert client.get(path).status_code in (200, 404)
    # An officer looks the applicant up by phone and by name, one page past the end (a 404 with the query).
    officer = client_for(world.counter)
    for query in (PERSONAL["phone"], PERSONAL["name"]):
        assert officer.get("/api/v1/dossiers/", {"q": query}).json()["count"] == 1
        assert officer.get("/api/v1/dossiers/", {"q": query, "page": 9}).status_code == 404

    # Payment: started by the applicant, paid on the platform; the notification forged, delivered, replayed.
    applicant = client_for(dossier.applicant_user)
    with django_capture_on_commit_callbacks(execute=True):
        started = applicant.post(f"/api/v1/dossiers/{dossier.code}/payments/")
        assert started.status_code == 201, started.json()
        assert sim.press(started.json()["pay_url"], "pay")[0] == 303
        (message,) = sim.outbox(started.json()["reference"])
        forged = {**message, "headers": {**message["headers"], "X-Payment-Signature": "0" * 64}}
        assert deliver(client_for(), forged).status_code >= 400
        assert deliver(client_for(), message).status_code == 200
        deliver(client_for(), message)

    records = json_log()
    loggers = {r.get("logger") for r in records}
    # What was logged on the way: the sign-in refused, the population database unreachable, the 404s.
    assert {"onestop.citizen", "onestop.citizen.eid", "django.request"} <= loggers, loggers
    assert all({"level", "logger", "message", "request_id", "time"} <= set(r) for r in records)
    assert _leaks(records) == []
