"""The simulated e-identity served in a thread on a free port, and a helper that walks its sign-in page as
the applicant's browser would."""

from __future__ import annotations

import threading
import urllib.error
import urllib.parse
import urllib.request

import pytest

from citizen.eid_sim.server import Provider, build_server, load_key
from portal.processes import free_port

CLIENT_SECRET = "test-eid-secret"
POPULATION_TOKEN = "test-population-token"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


class EidSim:
    def __init__(self, url: str, provider: Provider):
        self.url = url
        self.provider = provider
        self._opener = urllib.request.build_opener(_NoRedirect)

    def pick(self, authorize_url: str, id_number: str) -> str:
        """Open the sign-in page, pick a person: answers where the browser is sent back to."""
        with urllib.request.urlopen(authorize_url, timeout=10) as response:
            assert response.status == 200
        params = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(authorize_url).query))
        data = urllib.parse.urlencode({**params, "id_number": id_number}).encode()
        try:
            self._opener.open(urllib.request.Request(f"{self.url}/authorize", data=data), timeout=10)
        except urllib.error.HTTPError as exc:
            assert exc.code == 302, exc.read()
            return exc.headers["Location"]
        raise AssertionError("the e-identity did not send the browser back")


@pytest.fixture(scope="session")
def eid_server(tmp_path_factory):
    provider = Provider(
        key=load_key(tmp_path_factory.mktemp("eid") / "key.json"),
        client_id="onestop",
        client_secret=CLIENT_SECRET,
        population_token=POPULATION_TOKEN,
    )
    port = free_port()
    httpd = build_server(host="127.0.0.1", port=port, provider=provider)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield EidSim(f"http://127.0.0.1:{port}", provider)
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def eid_sim(eid_server, settings):
    settings.EID_URL = eid_server.url
    settings.EID_CLIENT_ID = "onestop"
    settings.EID_CLIENT_SECRET = CLIENT_SECRET
    settings.EID_POPULATION_TOKEN = POPULATION_TOKEN
    return eid_server


def sign_in_through_eid(client, eid: EidSim, id_number: str, next_url: str = "") -> object:
    """The whole authorization-code flow as a browser makes it; answers the last response (the redirect after
    sign-in)."""
    start = client.get("/dich-vu-cong/dang-nhap/", {"next": next_url} if next_url else {})
    assert start.status_code == 302, start.content
    back = urllib.parse.urlsplit(eid.pick(start["Location"], id_number))
    return client.get(back.path, dict(urllib.parse.parse_qsl(back.query)))


MINH = "014090001234"
DUC = "014085009012"


@pytest.fixture
def minh(client, eid_sim, world):
    """Lò Văn Minh, signed in through the e-identity."""
    sign_in_through_eid(client, eid_sim, MINH)
    return client


def own_dossier(world, id_number: str = MINH):
    """A dossier the signed-in applicant filed online earlier (complete, with PDF scans)."""
    from citizen.models import Identity
    from dossiers import services
    from tests.factories import complete_documents

    user = Identity.objects.get(id_number=id_number).user
    return services.create_dossier(
        actor=user,
        applicant_user=user,
        procedure=world.procedure,
        channel="online",
        receiving_agency=world.agency,
        applicant_name="Lò Văn Minh",
        return_channel="online",
        documents=complete_documents(world.procedure, files=True),
    )
