"""POST/GET /api/v1/dossiers/ and GET /api/v1/dossiers/{code}/: filing, worklists and the full dossier."""

import datetime as dt

import pytest
from django.utils import timezone

from dossiers.models import Dossier, DossierEvent, Status
from tests.dossiers.api_support import client_for, create_body, pdf_file
from tests.factories import UserFactory, officer
from workflows.models import StaffRole

URL = "/api/v1/dossiers/"


# -- filing -----------------------------------------------------------------------------------------
def test_applicant_files_online_and_the_dossier_is_submitted_as_his(world):
    response = client_for(world.applicant).post(URL, create_body(world, return_channel="online"), format="json")

    assert response.status_code == 201, response.json()
    body = response.json()
    dossier = Dossier.objects.get(code=body["code"])
    assert dossier.status == Status.SUBMITTED == body["status"]
    assert dossier.channel == "online"
    assert dossier.applicant_user == world.applicant
    assert body["code"].startswith(f"{world.agency.code}-")
    assert {d["component"] for d in body["documents"]} == {"to-khai", "cccd"}
    assert body["allowed_actions"] == ["withdraw"]
    assert DossierEvent.objects.get(dossier=dossier).action == "submit"


def test_counter_officer_receives_directly_and_the_clock_starts(world):
    response = client_for(world.counter).post(URL, create_body(world), format="json")

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "received"
    assert body["channel"] == "counter"
    assert body["clock_running"] is True
    assert body["appointment_at"] is not None
    assert body["received_by"] == world.counter.get_full_name()
    assert "start" in body["allowed_actions"]
    assert Dossier.objects.get(code=body["code"]).applicant_user is None


@pytest.mark.parametrize(
    "who, channel, message",
    [
        ("counter", "online", "Cán bộ tiếp nhận trực tiếp (counter) hoặc qua bưu chính (post)."),
        ("applicant", "counter", "Người nộp chỉ nộp hồ sơ trực tuyến (online)."),
    ],
)
def test_a_channel_the_filer_cannot_use_is_400_and_nothing_is_written(world, who, channel, message):
    response = client_for(getattr(world, who)).post(URL, create_body(world, channel=channel), format="json")

    assert response.status_code == 400
    assert response.json()["errors"]["channel"] == [message]
    assert not Dossier.objects.exists()


def test_a_direct_receipt_without_a_required_component_is_400_and_nothing_is_written(world):
    body = create_body(world, documents=[{"component": "cccd", "name": "Căn cước", "paper_copy": True}])

    response = client_for(world.counter).post(URL, body, format="json")

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert response.json()["detail"].startswith("Chưa đủ thành phần hồ sơ bắt buộc: Tờ khai.")
    assert response.json()["errors"]["documents"] == ["Tờ khai"]
    assert not Dossier.objects.exists()


def test_an_online_filing_may_lack_components(world):  # receiving it then is refused: test_api_actions
    body = create_body(world, return_channel="online", documents=[])

    response = client_for(world.applicant).post(URL, body, format="json")

    assert response.status_code == 201, response.json()
    assert response.json()["status"] == "submitted"


def test_counter_officer_files_with_multipart_files(world):
    body = create_body(world)
    body.pop("documents")
    body["documents[to-khai]"] = pdf_file("to-khai.pdf")
    body["documents[cccd]"] = pdf_file("cccd.pdf")

    response = client_for(world.counter).post(URL, body, format="multipart")

    assert response.status_code == 201, response.json()
    documents = {d["component"]: d for d in response.json()["documents"]}
    assert documents["to-khai"]["content_type"] == "application/pdf"
    assert documents["to-khai"]["paper_copy"] is False
    assert documents["cccd"]["size"] > 0
    assert len(documents["cccd"]["sha256"]) == 64


def test_unknown_procedure_is_400_naming_the_code_and_nothing_is_written(world):
    response = client_for(world.counter).post(URL, create_body(world, procedure="1.999999"), format="json")

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert "1.999999" in body["detail"]
    assert body["errors"]["procedure"] == ["Không có thủ tục mã “1.999999”."]
    assert not Dossier.objects.exists()


def test_unknown_receiving_agency_is_400_naming_the_code(world):
    response = client_for(world.counter).post(URL, create_body(world, receiving_agency="000.XX"), format="json")

    assert response.status_code == 400
    assert response.json()["errors"]["receiving_agency"] == ["Không có cơ quan mã “000.XX”."]


def test_missing_applicant_name_is_400(world):
    body = create_body(world)
    body.pop("applicant_name")

    response = client_for(world.counter).post(URL, body, format="json")

    assert response.status_code == 400
    assert "applicant_name" in response.json()["errors"]
    assert not Dossier.objects.exists()


def test_counter_officer_of_another_agency_may_not_receive_for_this_one(world):
    response = client_for(world.outsider).post(URL, create_body(world), format="json")

    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert not Dossier.objects.exists()


def test_return_channel_the_procedure_does_not_offer_is_400(world):
    world.procedure.return_channels = ["counter"]
    world.procedure.save()

    response = client_for(world.applicant).post(URL, create_body(world, return_channel="post"), format="json")

    assert response.status_code == 400
    assert "return_channel" in response.json()["errors"]


def test_unauthenticated_is_401_with_the_error_shape(db):
    response = client_for().post(URL, {}, format="json")

    assert response.status_code == 401
    assert set(response.json()) == {"detail", "code"}
    assert response.json()["code"] == "not_authenticated"


def test_token_authentication_works(world):
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    token = Token.objects.create(user=world.counter)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")

    assert client.get(URL).status_code == 200


# -- worklists --------------------------------------------------------------------------------------
def codes(response) -> set[str]:
    assert response.status_code == 200, response.json()
    return {row["code"] for row in response.json()["results"]}


def test_worklist_of_an_officer_shows_only_his_agencies(world):
    mine = world.counter_dossier()
    other_procedure_agency = world.other_agency
    theirs = world.counter_dossier()
    Dossier.objects.filter(pk=theirs.pk).update(
        receiving_agency=other_procedure_agency, competent_agency=other_procedure_agency
    )

    assert codes(client_for(world.counter).get(URL)) == {mine.code}
    assert codes(client_for(world.outsider).get(URL)) == {theirs.code}


def test_supervisor_and_superuser_see_everything(world):
    a, b = world.counter_dossier(), world.online_dossier()
    supervisor = officer(world.centre, StaffRole.SUPERVISOR, "giamsat")

    assert codes(client_for(supervisor).get(URL)) == {a.code, b.code}
    assert codes(client_for(world.admin).get(URL)) == {a.code, b.code}


def test_applicant_sees_only_his_own_dossiers(world):
    own = world.online_dossier()
    world.counter_dossier()
    stranger = UserFactory(username="nguoikhac")

    assert codes(client_for(world.applicant).get(URL)) == {own.code}
    assert codes(client_for(stranger).get(URL)) == set()


def test_filter_by_status_procedure_and_agency(world):
    received = world.counter_dossier()
    submitted = world.online_dossier()
    client = client_for(world.counter)

    assert codes(client.get(URL, {"status": "received"})) == {received.code}
    assert codes(client.get(URL, {"status": "received,submitted"})) == {received.code, submitted.code}
    assert codes(client.get(URL, {"procedure": world.procedure.code})) == {received.code, submitted.code}
    assert codes(client.get(URL, {"agency": world.agency.code})) == {received.code, submitted.code}


def test_filter_by_agency_outside_his_own_is_403(world):
    response = client_for(world.counter).get(URL, {"agency": world.other_agency.code})

    assert response.status_code == 403
    assert "Sở Xây dựng" in response.json()["detail"]


def test_bad_filters_are_400_with_clear_messages(world):
    client = client_for(world.counter)

    bad_date = client.get(URL, {"due_before": "31/08/2025"})
    assert bad_date.status_code == 400
    assert bad_date.json()["errors"]["due_before"] == ["Ngày không đúng định dạng YYYY-MM-DD (ví dụ 2025-08-31)."]
    assert "due_before" in bad_date.json()["detail"]

    assert client.get(URL, {"status": "lost"}).json()["errors"]["status"][0].startswith("Trạng thái không hợp lệ: lost")
    assert client.get(URL, {"agency": "nowhere"}).json()["errors"]["agency"] == ["Không có cơ quan mã “nowhere”."]
    assert client.get(URL, {"overdue": "maybe"}).status_code == 400
    assert client.get(URL, {"assigned_to": "lanhdao"}).status_code == 400


def test_overdue_and_due_before(world):
    late = world.counter_dossier()  # received in August 2025 with a 3-day limit: long overdue
    fresh = world.counter_dossier(when=timezone.now())
    client = client_for(world.counter)

    assert codes(client.get(URL, {"overdue": "true"})) == {late.code}
    assert codes(client.get(URL, {"overdue": "false"})) == {fresh.code}
    assert codes(client.get(URL, {"due_before": "2025-09-01"})) == {late.code}
    tomorrow_plus_month = (timezone.localdate() + dt.timedelta(days=60)).isoformat()
    assert codes(client.get(URL, {"due_before": tomorrow_plus_month})) == {late.code, fresh.code}
    rows = client.get(URL, {"overdue": "true"}).json()["results"]
    assert rows[0]["is_overdue"] is True


def test_assigned_to_me_includes_main_handler_and_co_handler(world):
    from dossiers import services

    d1 = services.start_processing(dossier=world.counter_dossier(), actor=world.counter, assignee=world.counter)
    d2 = services.start_processing(dossier=world.counter_dossier(), actor=world.counter)
    services.assign_handlers(dossier=d2, actor=world.leader, co_handlers=[world.counter])
    world.counter_dossier()  # received, nobody assigned

    assert codes(client_for(world.counter).get(URL, {"assigned_to": "me"})) == {d1.code, d2.code}
    assert codes(client_for(world.specialist).get(URL, {"assigned_to": "me"})) == set()


def test_search_by_code_applicant_name_and_summary(world):
    a = world.counter_dossier(summary="Đăng ký khai sinh cho con")
    b = world.counter_dossier()
    client = client_for(world.counter)

    assert codes(client.get(URL, {"q": "khai sinh"})) == {a.code}
    assert codes(client.get(URL, {"q": b.code})) == {b.code}
    assert codes(client.get(URL, {"q": "Văn An"})) == {a.code, b.code}
    assert codes(client.get(URL, {"q": "Trần"})) == set()


def test_worklist_rows_show_current_step_and_assignee(world):
    from dossiers import services

    services.start_processing(dossier=world.counter_dossier(), actor=world.counter, assignee=world.counter)

    [row] = client_for(world.counter).get(URL).json()["results"]
    assert row["status_label"] == "Đang xử lý"
    assert row["current_step"]["name"] == "Tiếp nhận"
    assert row["current_step"]["assignee"] == "canbo.motcua"
    assert row["procedure"]["code"] == world.procedure.code


def test_worklist_page_is_one_query_whatever_its_length(world, django_assert_num_queries):
    from dossiers import services

    def page_queries():
        client = client_for(world.counter)
        world.counter._onestop_memberships = None
        # memberships of the user, the count for the paginator, the page itself
        with django_assert_num_queries(3):
            response = client.get(URL)
        return len(response.json()["results"])

    for _ in range(2):
        services.start_processing(dossier=world.counter_dossier(), actor=world.counter, assignee=world.counter)
    assert page_queries() == 2
    for _ in range(6):
        services.start_processing(dossier=world.counter_dossier(), actor=world.counter, assignee=world.counter)
    world.online_dossier()
    assert page_queries() == 9


# -- the full dossier -------------------------------------------------------------------------------
def test_detail_for_an_officer_has_steps_documents_version_and_allowed_actions(world):
    from dossiers import services

    dossier = services.start_processing(dossier=world.counter_dossier(), actor=world.counter, assignee=world.counter)

    response = client_for(world.counter).get(f"{URL}{dossier.code}/")

    assert response.status_code == 200
    body = response.json()
    assert body["code"] == dossier.code
    assert body["version"] == dossier.version
    assert response["ETag"] == f'"{dossier.version}"'
    assert body["current_step"]["name"] == "Tiếp nhận"
    assert body["current_step"]["due_at"] is not None
    assert [s["name"] for s in body["steps"]] == ["Tiếp nhận"]
    assert body["steps"][0]["handlers"] == [{"username": "canbo.motcua", "role": "main"}]
    assert body["clock_running"] is True
    assert body["is_overdue"] is True
    assert body["flags"]["is_overdue"] is True
    assert body["remaining_working_seconds"] < 0
    assert body["applicant_phone"] == "0912345678"
    assert set(body["allowed_actions"]) >= {"complete-step", "request-supplement", "pause", "withdraw"}
    assert "receive" not in body["allowed_actions"]


def test_detail_allowed_actions_depend_on_the_user(world):
    dossier = world.counter_dossier(when=timezone.now() - dt.timedelta(minutes=5))  # not late: apologies allowed

    leader_actions = client_for(world.leader).get(f"{URL}{dossier.code}/").json()["allowed_actions"]
    assert "apologize" in leader_actions
    assert "withdraw" not in leader_actions


def test_a_late_dossier_offers_no_apology(world):
    dossier = world.counter_dossier()  # received 12/8/2025: long past its due date

    leader_actions = client_for(world.leader).get(f"{URL}{dossier.code}/").json()["allowed_actions"]

    assert "apologize" not in leader_actions


def test_applicant_sees_his_dossier(world):
    dossier = world.online_dossier()

    response = client_for(world.applicant).get(f"{URL}{dossier.code}/")

    assert response.status_code == 200
    assert response.json()["applicant_name"] == "Nguyễn Văn An"


@pytest.mark.parametrize("who", ["outsider", "stranger"])
def test_outsiders_get_404_as_if_the_dossier_did_not_exist(world, who):
    dossier = world.counter_dossier()
    user = world.outsider if who == "outsider" else UserFactory(username="nguoila")

    response = client_for(user).get(f"{URL}{dossier.code}/")
    missing = client_for(user).get(f"{URL}000.00.12.H52-250812-9999/")

    assert response.status_code == missing.status_code == 404
    assert response.json()["code"] == "not_found"


def test_multipart_mixes_uploaded_files_and_paper_documents(world):
    import json

    body = create_body(world)
    body["documents"] = json.dumps(
        [{"component": "cccd", "name": "Căn cước", "paper_copy": True}, {"component": "to-khai", "name": "Tờ khai ký"}]
    )
    body["documents[to-khai]"] = pdf_file("to-khai.pdf")

    response = client_for(world.counter).post(URL, body, format="multipart")

    assert response.status_code == 201, response.json()
    documents = {d["component"]: d for d in response.json()["documents"]}
    assert (documents["cccd"]["paper_copy"], documents["cccd"]["size"]) == (True, 0)
    assert (documents["to-khai"]["paper_copy"], documents["to-khai"]["name"]) == (False, "Tờ khai ký")
    assert documents["to-khai"]["content_type"] == "application/pdf"


@pytest.mark.parametrize(
    ("documents", "message"),
    [
        ("oops", "“documents” phải là danh sách các {component, name, paper_copy}."),
        ([{"name": "Tờ khai"}], "documents.0.component"),
    ],
)
def test_malformed_documents_are_400(world, documents, message):
    response = client_for(world.counter).post(URL, create_body(world, documents=documents), format="json")

    assert response.status_code == 400
    assert message in response.json()["detail"]
    assert not Dossier.objects.exists()


def test_bad_upload_while_filing_is_400_and_no_dossier_is_written(world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    body = create_body(world)
    body.pop("documents")
    body["documents[to-khai]"] = SimpleUploadedFile("to-khai.exe", b"MZ\x90\x00", content_type="application/pdf")

    response = client_for(world.counter).post(URL, body, format="multipart")

    assert response.status_code == 400
    assert response.json()["code"] == "unsupported_file_type"
    assert not Dossier.objects.exists()


def test_search_finds_a_name_without_accents_or_in_capitals_a_phone_and_an_id_number(world):
    from dossiers import services
    from tests.factories import at, complete_documents

    def filed(name, phone, id_number):
        return services.create_dossier(
            actor=world.counter,
            procedure=world.procedure,
            channel="counter",
            receiving_agency=world.agency,
            applicant_name=name,
            applicant_phone=phone,
            applicant_id_number=id_number,
            documents=complete_documents(world.procedure),
            at=at(2025, 8, 12, 9),
        )

    lan = filed("Nguyễn Thị Lan", "0912345678", "014195001234")
    minh = filed("Lò Văn Minh", "0388123456", "014090004321")
    filed("Nguyễn Thị Lành", "0977000111", "014185009999")
    client = client_for(world.counter)

    assert codes(client.get(URL, {"q": "nguyen thi lan"})) >= {lan.code}
    assert codes(client.get(URL, {"q": "nguyen thi lan "})) == codes(client.get(URL, {"q": "Nguyễn Thị Lan"}))
    assert codes(client.get(URL, {"q": "LÒ VĂN MINH"})) == {minh.code}
    assert codes(client.get(URL, {"q": "lo van minh"})) == {minh.code}
    assert codes(client.get(URL, {"q": "0388 123 456"})) == {minh.code}
    assert codes(client.get(URL, {"q": "+84912345678"})) == {lan.code}
    assert codes(client.get(URL, {"q": "014195001234"})) == {lan.code}
    assert codes(client.get(URL, {"q": lan.code.lower()})) == {lan.code}


def test_the_worklist_count_stops_past_the_cap_and_says_so(world, monkeypatch):
    from onestop import paging

    for _ in range(3):
        world.counter_dossier()
    client = client_for(world.counter)

    body = client.get(URL).json()
    assert (body["count"], body["count_capped"]) == (3, False)

    monkeypatch.setattr(paging, "CAP", 2)
    body = client.get(URL).json()
    assert (body["count"], body["count_capped"]) == (3, True)
    assert len(body["results"]) == 3


def test_the_counter_files_several_pages_of_one_document_and_all_are_listed(world):
    body = create_body(world)
    body.pop("documents")
    body["documents[to-khai]"] = [pdf_file("trang-1.pdf"), pdf_file("trang-2.pdf")]
    body["documents[cccd]"] = pdf_file("cccd.pdf")

    response = client_for(world.counter).post(URL, body, format="multipart")

    assert response.status_code == 201, response.json()
    documents = {d["component"]: d for d in response.json()["documents"]}
    assert (documents["to-khai"]["version"], documents["to-khai"]["versions"]) == (1, 1)
    assert documents["to-khai"]["file_count"] == 2
    assert [(f["part"], f["file_name"][:10]) for f in documents["to-khai"]["files"]] == [
        (1, "v1-trang-1"),
        (2, "v1.2-trang"),
    ]
    assert documents["cccd"]["file_count"] == 1
