"""Signing in through the simulated national e-identity: OpenID Connect authorization code with PKCE, the ID
token verified by the client library, the identity linked to the dossiers of the same ID number."""

import json
import urllib.parse
import urllib.request

import pytest
from django.db import connection

from citizen.models import Identity
from dossiers import services
from dossiers.models import Action, ApplicantKind, Dossier, DossierEvent
from dossiers.services import recording
from tests.citizen.conftest import DUC, MINH, sign_in_through_eid


def test_sign_in_is_the_authorization_code_flow_with_pkce(client, eid_sim, world):
    start = client.get("/dich-vu-cong/dang-nhap/", {"next": "/dich-vu-cong/ho-so/"})
    query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(start["Location"]).query))

    assert start["Location"].startswith(f"{eid_sim.url}/authorize?")
    assert query["response_type"] == "code"
    assert query["code_challenge_method"] == "S256"
    assert len(query["code_challenge"]) == 43
    assert {"openid", "profile"} <= set(query["scope"].split())
    assert query["state"] and query["nonce"]

    back = urllib.parse.urlsplit(eid_sim.pick(start["Location"], MINH))
    done = client.get(back.path, dict(urllib.parse.parse_qsl(back.query)))

    assert done.status_code == 302
    assert done["Location"] == "/dich-vu-cong/ho-so/"
    identity = Identity.objects.get(id_number=MINH)
    assert (identity.name, identity.phone, identity.kind) == ("Lò Văn Minh", "0912000111", ApplicantKind.CITIZEN)
    assert identity.address == "Bản Hài, phường Chiềng Cơi, tỉnh Sơn La"
    page = client.get("/dich-vu-cong/ho-so/")
    assert page.status_code == 200
    assert "Lò Văn Minh" in page.content.decode()


def test_a_code_is_used_once_and_only_with_its_verifier(client, eid_sim, world):
    start = client.get("/dich-vu-cong/dang-nhap/")
    back = urllib.parse.urlsplit(eid_sim.pick(start["Location"], MINH))
    code = dict(urllib.parse.parse_qsl(back.query))["code"]
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": "http://testserver/dich-vu-cong/dang-nhap/xong/",
        "client_id": "onestop",
        "client_secret": "test-eid-secret",
        "code_verifier": "not-the-verifier-the-client-made-for-this-request-0123456789",
    }
    request = urllib.request.Request(f"{eid_sim.url}/token", data=urllib.parse.urlencode(form).encode())
    try:
        urllib.request.urlopen(request, timeout=5)
        raise AssertionError("the token endpoint accepted a wrong verifier")
    except urllib.error.HTTPError as exc:
        assert exc.code == 400
        assert json.loads(exc.read())["error"] == "invalid_grant"

    replay = client.get(back.path, dict(urllib.parse.parse_qsl(back.query)))  # the code was spent above
    assert replay.status_code == 400
    assert "Chưa đăng nhập được" in replay.content.decode()
    assert not Identity.objects.exists()


def test_a_forged_state_is_refused(client, eid_sim, world):
    start = client.get("/dich-vu-cong/dang-nhap/")
    back = urllib.parse.urlsplit(eid_sim.pick(start["Location"], MINH))
    params = dict(urllib.parse.parse_qsl(back.query), state="forged")

    assert client.get(back.path, params).status_code == 400
    assert not Identity.objects.exists()


def test_a_business_signs_in_with_its_tax_code_and_its_counter_dossiers_become_its_own(client, eid_sim, world):
    dossier = world.counter_dossier(applicant_id_number="5500234567", applicant_kind=ApplicantKind.BUSINESS)

    sign_in_through_eid(client, eid_sim, DUC)

    identity = Identity.objects.get(id_number=DUC)
    assert (identity.applicant_name, identity.applicant_number) == ("Công ty Cổ phần Xây dựng Tây Bắc", "5500234567")
    dossier.refresh_from_db()
    assert dossier.applicant_user == identity.user
    assert dossier.code in client.get("/dich-vu-cong/ho-so/").content.decode()


def test_pages_of_the_applicant_need_the_e_identity(client, world):
    client.force_login(world.counter)  # an officer's own sign-in is not an e-identity

    response = client.get("/dich-vu-cong/ho-so/")

    assert response.status_code == 302
    assert response["Location"].startswith("/dich-vu-cong/dang-nhap/?next=")


def test_an_unreachable_e_identity_is_a_503_page_in_vietnamese(client, eid_sim, settings, db):
    settings.EID_URL = "http://127.0.0.1:9"

    response = client.get("/dich-vu-cong/dang-nhap/")

    assert response.status_code == 503
    assert "Hệ thống định danh điện tử chưa xác nhận được bạn" in response.content.decode()


def test_the_demo_people_match_the_demo_dossiers_applicants():
    """Signing in as a demo person of the e-identity finds his dossiers among seed_demo's."""
    from citizen.eid_sim.people import BY_ID
    from seeds.data.stories import WALK_INS

    walk_ins = {number: name for name, _kind, number, _phone, _address in WALK_INS}
    assert walk_ins["014190003456"] == BY_ID["014190003456"]["name"]
    assert walk_ins["5500234567"] == BY_ID["014085009012"]["org_name"]
    assert "014090001234" not in walk_ins


def test_counter_dossiers_are_linked_at_sign_in_each_with_its_version_bumped_and_a_history_row(client, eid_sim, world):
    mine = [world.counter_dossier(applicant_id_number=MINH) for _ in range(2)]
    someone_else = world.counter_dossier(applicant_id_number="034190000999")
    versions = {d.pk: d.version for d in mine}

    sign_in_through_eid(client, eid_sim, MINH)
    sign_in_through_eid(client, eid_sim, MINH)  # a second sign-in finds nothing left to link

    user = Identity.objects.get(id_number=MINH).user
    for dossier in Dossier.objects.filter(pk__in=versions):
        assert dossier.applicant_user == user
        assert dossier.version == versions[dossier.pk] + 1
        (linked,) = DossierEvent.objects.filter(dossier=dossier, seq=dossier.event_seq)
        assert (linked.action, linked.actor, linked.data["linked"]) == (Action.NOTE, user, True)
        assert DossierEvent.objects.filter(dossier=dossier, action=Action.NOTE).count() == 1
    someone_else.refresh_from_db()
    assert someone_else.applicant_user is None and not someone_else.events.filter(action=Action.NOTE).exists()
    with connection.cursor() as cursor:
        indexes = connection.introspection.get_constraints(cursor, Dossier._meta.db_table)
    assert indexes["dossier_unlinked_applicant"]["columns"] == ["applicant_id_number"]


def test_linking_is_one_transaction_nothing_is_linked_when_one_dossier_fails(world, monkeypatch):
    first, second = (world.counter_dossier(applicant_id_number=MINH) for _ in range(2))
    events = DossierEvent.objects.count()
    real_finish, calls = recording.Change.finish, []

    def finish_then_fail(change):
        calls.append(change.dossier.pk)
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return real_finish(change)

    monkeypatch.setattr(recording.Change, "finish", finish_then_fail)
    with pytest.raises(RuntimeError):
        services.link_applicant_dossiers(user=world.applicant, applicant_number=MINH)

    assert not Dossier.objects.filter(applicant_user=world.applicant, pk__in=[first.pk, second.pk]).exists()
    assert DossierEvent.objects.count() == events
