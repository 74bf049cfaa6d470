"""The officers' screens at /can-bo/: login, worklist tabs, the dossier screen and its action forms, the
counter receipt."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from dossiers import services
from dossiers.models import Action, DocumentVersion, Dossier, DossierEvent, Status
from tests.dossiers.api_support import PDF_BYTES, pdf_file
from tests.factories import ProcedureFactory, complete_documents, make_process


@pytest.fixture
def signed_in(client):
    def sign_in(user):
        client.force_login(user)
        return client

    return sign_in


def tab_counts(response) -> dict[str, int]:
    return {key: count for key, _label, count, _url, _shown in response.context["tabs"]}


def listed_codes(response) -> list[str]:
    return [row[0].code for row in response.context["rows"]]


# The receipt services' refusal of a dossier lacking its required "Tờ khai" (`services.check_complete`).
INCOMPLETE = (
    "Chưa đủ thành phần hồ sơ bắt buộc: Tờ khai. Chưa thể tiếp nhận; hãy yêu cầu bổ sung (hướng dẫn một lần, đầy đủ)."
)


def recent(world):
    """A counter dossier received now, so its due date is days ahead."""
    return world.counter_dossier(when=timezone.now() - dt.timedelta(minutes=5))


# -- access -----------------------------------------------------------------------------------------
def test_worklist_needs_login(client, db):
    response = client.get("/can-bo/")

    assert response.status_code == 302
    assert response["Location"] == "/can-bo/dang-nhap/?next=/can-bo/"


def test_login_page_signs_an_officer_in_and_logout_is_a_post(client, world):
    page = client.get("/can-bo/dang-nhap/")
    assert page.status_code == 200
    assert "Đăng nhập cán bộ" in page.content.decode()

    wrong = client.post("/can-bo/dang-nhap/", {"username": "canbo.motcua", "password": "sai"})
    assert "Tên đăng nhập hoặc mật khẩu không đúng" in wrong.content.decode()

    response = client.post("/can-bo/dang-nhap/", {"username": "canbo.motcua", "password": "matkhau123"})
    assert response.status_code == 302
    assert response["Location"] == "/can-bo/"
    assert client.get("/can-bo/").status_code == 200

    assert client.get("/can-bo/dang-xuat/").status_code == 405
    assert client.post("/can-bo/dang-xuat/").status_code == 302
    assert client.get("/can-bo/").status_code == 302


def test_applicant_gets_a_polite_403(signed_in, world):
    dossier = world.online_dossier()
    client = signed_in(world.applicant)

    for url in ("/can-bo/", f"/can-bo/ho-so/{dossier.code}/", "/can-bo/tiep-nhan/"):
        response = client.get(url)
        assert response.status_code == 403
        assert "không phải tài khoản cán bộ" in response.content.decode()


# -- worklist ---------------------------------------------------------------------------------------
def test_tabs_show_the_counter_officers_dossiers_with_counts(signed_in, world):
    submitted = world.dossier_in(Status.SUBMITTED)
    late = world.dossier_in(Status.RECEIVED)  # received in 2025: its legal time has run out
    fresh = recent(world)
    paused = world.dossier_in(Status.PAUSED)
    supplement = world.dossier_in(Status.SUPPLEMENT)
    resolved = world.dossier_in(Status.RESOLVED)
    client = signed_in(world.counter)

    response = client.get("/can-bo/?tab=tat-ca")

    assert response.status_code == 200
    assert tab_counts(response) == {
        "cho-tiep-nhan": 1,
        "cua-toi": 2,  # the two received dossiers wait for him to send them into processing
        "sap-den-han": 0,
        "qua-han": 1,
        "cho-bo-sung": 1,
        "tam-dung": 1,
        "cho-tra": 1,
        "tat-ca": 6,
    }
    assert set(listed_codes(response)) == {d.code for d in (submitted, late, fresh, paused, supplement, resolved)}
    assert listed_codes(client.get("/can-bo/?tab=cho-tiep-nhan")) == [submitted.code]
    assert listed_codes(client.get("/can-bo/?tab=qua-han")) == [late.code]
    assert listed_codes(client.get("/can-bo/?tab=cho-tra")) == [resolved.code]
    assert listed_codes(client.get("/can-bo/?tab=tam-dung")) == [paused.code]
    assert listed_codes(client.get("/can-bo/?tab=cho-bo-sung")) == [supplement.code]
    ((_row, left, css),) = client.get("/can-bo/?tab=qua-han").context["rows"]
    assert left.startswith("Quá hạn ") and css == "late"


def test_officer_of_another_agency_never_sees_them(signed_in, world):
    codes = [world.dossier_in(Status.SUBMITTED).code, world.dossier_in(Status.RECEIVED).code]
    client = signed_in(world.outsider)

    response = client.get("/can-bo/?tab=tat-ca")

    assert response.status_code == 200
    assert set(tab_counts(response).values()) == {0}
    text = response.content.decode()
    assert not any(code in text for code in codes)
    assert client.get(f"/can-bo/ho-so/{codes[0]}/").status_code == 404
    assert client.get(f"/can-bo/?tab=tat-ca&q={codes[0]}").context["rows"] == []


def test_my_tab_follows_the_current_step(signed_in, world):
    dossier = services.start_processing(dossier=recent(world), actor=world.counter, assignee=world.counter)
    services.complete_step(dossier=dossier, actor=world.counter, assignee=world.specialist)

    assert listed_codes(signed_in(world.specialist).get("/can-bo/?tab=cua-toi")) == [dossier.code]
    assert listed_codes(signed_in(world.counter).get("/can-bo/?tab=cua-toi")) == []


def test_due_soon_tab(signed_in, world):
    soon = services.start_processing(dossier=world.dossier_in(Status.RECEIVED), actor=world.counter)
    Dossier.objects.filter(pk=soon.pk).update(due_at=timezone.now() + dt.timedelta(hours=2))
    recent(world)

    response = signed_in(world.counter).get("/can-bo/?tab=sap-den-han")

    assert listed_codes(response) == [soon.code]
    ((_row, left, css),) = response.context["rows"]
    assert left.startswith("Còn ") and css == "soon"


def test_a_paused_dossier_shows_its_stopped_clock_not_lateness(signed_in, world):
    paused = world.dossier_in(Status.PAUSED)  # paused in 2025, two working hours into its three days
    assert paused.due_at < timezone.now()  # the due date it had when paused has passed, but the clock is stopped

    response = signed_in(world.counter).get("/can-bo/?tab=tam-dung")

    ((_row, left, css),) = response.context["rows"]
    assert (left, css) == ("Dừng tính giờ, còn 2 ngày 6 giờ", "stopped")
    assert tab_counts(response)["qua-han"] == 0


def test_search_by_code_and_applicant_name(signed_in, world):
    first = world.dossier_in(Status.SUBMITTED)
    world.dossier_in(Status.RECEIVED)
    other = services.create_dossier(
        actor=world.counter,
        procedure=world.procedure,
        channel="counter",
        receiving_agency=world.agency,
        applicant_name="Lò Thị Mai",
        documents=complete_documents(world.procedure),
    )
    client = signed_in(world.counter)

    assert listed_codes(client.get(f"/can-bo/?tab=tat-ca&q={first.code}")) == [first.code]
    assert listed_codes(client.get("/can-bo/?tab=tat-ca&q=Lò Thị")) == [other.code]
    assert listed_codes(client.get(f"/can-bo/?tab=tat-ca&thu_tuc={world.procedure.pk + 1000}")) == []


def test_worklist_queries_do_not_grow_with_the_rows(signed_in, world, django_assert_max_num_queries):
    client = signed_in(world.counter)
    for _ in range(2):
        services.start_processing(dossier=world.dossier_in(Status.RECEIVED), actor=world.counter)
    client.get("/can-bo/?tab=tat-ca")  # warm the session and the calendar
    with CaptureQueriesContext(connection) as few:
        client.get("/can-bo/?tab=tat-ca")
    for _ in range(10):
        received = world.dossier_in(Status.RECEIVED)
        services.start_processing(dossier=received, actor=world.counter, assignee=world.counter)

    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get("/can-bo/?tab=tat-ca")

    assert len(response.context["rows"]) == 12


# -- the dossier screen -----------------------------------------------------------------------------
def test_dossier_screen_shows_only_the_allowed_actions(signed_in, world):
    dossier = world.dossier_in(Status.RECEIVED)

    text = signed_in(world.counter).get(f"/can-bo/ho-so/{dossier.code}/").content.decode()

    allowed = {Action.START, Action.WITHDRAW}  # a received dossier, for its agency's counter officer
    for action in services.ACTION_SERVICES:
        assert (f'id="tt-{action}"' in text) == (action in allowed), action
    assert dossier.applicant_name in text
    assert "Tiếp nhận" in text and "Thẩm định" in text  # the process steps
    assert f"/api/v1/dossiers/{dossier.code}/receipt.pdf" in text
    assert f"/tra-cuu/?ma={dossier.code}" in text

    specialist_text = signed_in(world.specialist).get(f"/can-bo/ho-so/{dossier.code}/").content.decode()
    assert 'id="tt-withdraw"' not in specialist_text


def test_action_form_changes_the_state_through_the_service(signed_in, world):
    dossier = world.dossier_in(Status.RECEIVED)
    client = signed_in(world.counter)

    response = client.post(
        f"/can-bo/ho-so/{dossier.code}/thao-tac/start/",
        {"version": dossier.version, "note": "Chuyển phòng chuyên môn", "assignee": "canbo.motcua"},
    )

    assert response.status_code == 302
    assert response["Location"] == f"/can-bo/ho-so/{dossier.code}/"
    dossier.refresh_from_db()
    assert dossier.status == Status.PROCESSING
    assert dossier.current_step.assignee == world.counter
    event = DossierEvent.objects.filter(dossier=dossier).order_by("-seq").first()
    assert (event.action, event.actor, event.note) == (Action.START, world.counter, "Chuyển phòng chuyên môn")
    page = client.get(response["Location"]).content.decode()
    assert "Đã thực hiện “Chuyển xử lý”" in page


def test_refused_action_shows_the_message_and_changes_nothing(signed_in, world):
    dossier = services.start_processing(dossier=world.dossier_in(Status.RECEIVED), actor=world.counter)
    before = (dossier.status, dossier.version, DossierEvent.objects.filter(dossier=dossier).count())
    client = signed_in(world.specialist)

    response = client.post(
        f"/can-bo/ho-so/{dossier.code}/thao-tac/stop/",
        {"version": dossier.version, "note": "Người nộp không bổ sung đúng hạn"},
    )

    assert response.status_code == 403
    text = response.content.decode()
    assert "Bạn không có quyền “Dừng xử lý”" in text
    assert "Người nộp không bổ sung đúng hạn" in text  # the form kept as typed
    assert '<details id="tt-stop" class="danger" open>' in text
    dossier.refresh_from_db()
    assert (dossier.status, dossier.version, DossierEvent.objects.filter(dossier=dossier).count()) == before


def test_missing_required_field_is_shown_on_the_form(signed_in, world):
    dossier = world.dossier_in(Status.SUBMITTED)

    response = signed_in(world.counter).post(f"/can-bo/ho-so/{dossier.code}/thao-tac/refuse/", {"version": 1})

    assert response.status_code == 400
    text = response.content.decode()
    assert "Vui lòng kiểm tra lại" in text
    assert '<details id="tt-refuse" class="danger" open>' in text  # the refusal form is open again
    (refuse,) = [p for p in response.context["panels"] if p["action"] == "refuse"]
    assert refuse["form"].errors["note"]  # the missing reason is marked on its field
    assert Dossier.objects.get(pk=dossier.pk).status == Status.SUBMITTED


def test_stale_version_is_refused(signed_in, world):
    dossier = world.dossier_in(Status.RECEIVED)
    seen = dossier.version
    services.start_processing(dossier=dossier, actor=world.leader)  # another officer acts meanwhile
    client = signed_in(world.counter)

    response = client.post(f"/can-bo/ho-so/{dossier.code}/thao-tac/withdraw/", {"version": seen, "note": "Rút"})

    assert response.status_code == 409
    assert "vừa được người khác cập nhật" in response.content.decode()
    assert Dossier.objects.get(pk=dossier.pk).status == Status.PROCESSING


def test_document_download_is_for_officers_who_see_the_dossier(signed_in, world):
    dossier = world.counter_dossier(documents=[services.DocumentInput(component="to-khai", file=pdf_file())])
    version = DocumentVersion.objects.get(dossier=dossier)
    url = f"/can-bo/ho-so/{dossier.code}/giay-to/{version.pk}/"

    response = signed_in(world.specialist).get(url)

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert signed_in(world.outsider).get(url).status_code == 404


# -- counter receipt --------------------------------------------------------------------------------
def test_counter_receipt_creates_a_received_dossier_with_documents(signed_in, world):
    client = signed_in(world.counter)
    picker = client.get("/can-bo/tiep-nhan/")
    assert world.procedure.name in picker.content.decode()
    form = client.get(f"/can-bo/tiep-nhan/?thu_tuc={world.procedure.pk}")
    assert "Tờ khai" in form.content.decode() and "Căn cước" in form.content.decode()

    response = client.post(
        f"/can-bo/tiep-nhan/?thu_tuc={world.procedure.pk}",
        {
            "procedure": world.procedure.pk,
            "receiving_agency": world.agency.pk,
            "applicant_name": "Hoàng Văn Bình",
            "applicant_kind": 1,
            "applicant_phone": "0987654321",
            "summary": "Cấp bản sao trích lục khai sinh",
            "return_channel": "counter",
            "paper_to-khai": "on",
            "file_cccd": pdf_file("cccd.pdf"),
        },
    )

    dossier = Dossier.objects.get(applicant_name="Hoàng Văn Bình")
    assert response.status_code == 302
    assert response["Location"] == f"/can-bo/ho-so/{dossier.code}/?tiep_nhan=1"
    assert dossier.status == Status.RECEIVED
    assert dossier.channel == "counter"
    assert dossier.code.startswith(f"{world.agency.code}-")
    assert dossier.received_by == world.counter and dossier.appointment_at is not None
    docs = {d.component: d for d in DocumentVersion.objects.filter(dossier=dossier)}
    assert docs["to-khai"].paper_copy and not docs["to-khai"].file
    assert docs["cccd"].file and docs["cccd"].size == len(PDF_BYTES)
    page = client.get(response["Location"]).content.decode()
    assert "In giấy tiếp nhận" in page
    assert f"/api/v1/dossiers/{dossier.code}/receipt.pdf" in page


def test_the_counter_scans_several_pages_of_one_document(signed_in, world):
    client = signed_in(world.counter)

    response = client.post(
        f"/can-bo/tiep-nhan/?thu_tuc={world.procedure.pk}",
        {
            "procedure": world.procedure.pk,
            "receiving_agency": world.agency.pk,
            "applicant_name": "Hoàng Văn Bình",
            "applicant_kind": 1,
            "return_channel": "counter",
            "file_to-khai": [pdf_file("trang-1.pdf"), pdf_file("trang-2.pdf")],
        },
    )

    assert response.status_code == 302
    dossier = Dossier.objects.get(applicant_name="Hoàng Văn Bình")
    pages = list(DocumentVersion.objects.filter(dossier=dossier, component="to-khai").order_by("part"))
    assert [(v.version, v.part, v.paper_copy) for v in pages] == [(1, 1, False), (1, 2, False)]
    page = client.get(f"/can-bo/ho-so/{dossier.code}/").content.decode()
    for v in pages:  # both listed, each downloadable
        assert f"/can-bo/ho-so/{dossier.code}/giay-to/{v.pk}/" in page


def test_counter_receipt_requires_the_required_documents(signed_in, world):
    client = signed_in(world.counter)

    response = client.post(
        f"/can-bo/tiep-nhan/?thu_tuc={world.procedure.pk}",
        {
            "procedure": world.procedure.pk,
            "receiving_agency": world.agency.pk,
            "applicant_name": "Hoàng Văn Bình",
            "applicant_kind": 1,
            "return_channel": "counter",
            "paper_cccd": "on",  # an optional component does not stand in for the required one
        },
    )

    assert response.status_code == 400
    assert response.context["form"].non_field_errors() == [INCOMPLETE]  # the receipt service's own refusal
    assert INCOMPLETE in response.content.decode()
    assert not Dossier.objects.filter(applicant_name="Hoàng Văn Bình").exists()


def test_counter_receipt_is_for_counter_officers(signed_in, world):
    response = signed_in(world.specialist).get("/can-bo/tiep-nhan/")

    assert response.status_code == 403
    assert "Chỉ cán bộ Bộ phận Một cửa" in response.content.decode()


# -- documents with an action ----------------------------------------------------------------------
def _at_last_step(world):
    d = services.start_processing(dossier=world.dossier_in(Status.RECEIVED), actor=world.counter)
    d = services.complete_step(dossier=d, actor=world.counter)
    d = services.complete_step(dossier=d, actor=world.specialist)
    return services.complete_step(dossier=d, actor=world.leader)


def test_the_last_step_is_completed_with_the_signed_result_attached(signed_in, world):
    dossier = _at_last_step(world)
    client = signed_in(world.leader)
    assert 'enctype="multipart/form-data"' in client.get(f"/can-bo/ho-so/{dossier.code}/").content.decode()

    response = client.post(
        f"/can-bo/ho-so/{dossier.code}/thao-tac/complete-step/",
        {
            "version": dossier.version,
            "result": "approved",
            "document_component": "ket-qua",
            "document_file": pdf_file("quyet-dinh.pdf"),
        },
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    dossier.refresh_from_db()
    assert dossier.status == Status.RESOLVED
    (version,) = DocumentVersion.objects.filter(dossier=dossier, is_result=True)
    assert (version.component, version.name, version.size) == ("ket-qua", "Kết quả giải quyết", len(PDF_BYTES))
    event = DossierEvent.objects.filter(dossier=dossier).order_by("-seq").first()
    assert event.action == Action.COMPLETE_STEP and event.data["documents"][0]["component"] == "ket-qua"


def test_a_supplement_is_filed_from_the_screen_as_a_new_version(signed_in, world):
    dossier = world.dossier_in(Status.SUPPLEMENT)
    DocumentVersion.objects.create(dossier=dossier, component="cccd", name="Căn cước", version=1)
    client = signed_in(world.counter)

    response = client.post(
        f"/can-bo/ho-so/{dossier.code}/thao-tac/submit-supplement/",
        {"version": dossier.version, "document_component": "cccd", "document_file": pdf_file("cccd-moi.pdf")},
    )

    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == Status.PROCESSING
    assert list(
        DocumentVersion.objects.filter(dossier=dossier, component="cccd")
        .order_by("version")
        .values_list("version", "size")
    ) == [(1, 0), (2, len(PDF_BYTES))]


@pytest.mark.parametrize(
    "fields, error",
    [
        ({"document_file": "exe"}, "không đúng định dạng"),
        ({"document_file": "pdf"}, "Chọn thành phần hồ sơ cho tệp đính kèm."),
    ],
)
def test_a_bad_attachment_is_refused_on_the_form_and_nothing_changes(signed_in, world, fields, error):
    dossier = _at_last_step(world)
    before = (dossier.version, DocumentVersion.objects.filter(dossier=dossier).count())
    upload = pdf_file("virus.exe", b"MZ\x90\x00" * 10) if fields["document_file"] == "exe" else pdf_file()
    data = {"version": dossier.version, "document_file": upload}
    if fields["document_file"] == "exe":
        data["document_component"] = "ket-qua"

    response = signed_in(world.leader).post(f"/can-bo/ho-so/{dossier.code}/thao-tac/complete-step/", data)

    assert response.status_code == 400
    assert error in response.content.decode()
    dossier.refresh_from_db()
    assert (dossier.version, DocumentVersion.objects.filter(dossier=dossier).count()) == before
    assert dossier.status == Status.PROCESSING


def test_an_online_filing_lacking_a_component_is_received_once_the_paper_copy_is_ticked(signed_in, world):
    dossier = world.online_dossier(documents=[])
    client = signed_in(world.counter)
    url = f"/can-bo/ho-so/{dossier.code}/thao-tac/receive/"

    page = client.get(f"/can-bo/ho-so/{dossier.code}/").content.decode()
    assert "Đã nhận bản giấy: Tờ khai" in page  # the required component it lacks, not the optional one
    assert "Đã nhận bản giấy: Căn cước" not in page

    refused = client.post(url, {"version": dossier.version})
    assert refused.status_code == 400
    assert INCOMPLETE in refused.content.decode()
    assert Dossier.objects.get(pk=dossier.pk).status == Status.SUBMITTED

    client.post(url, {"version": dossier.version, "paper_to-khai": "on"})
    dossier.refresh_from_db()
    assert dossier.status == Status.RECEIVED
    assert list(dossier.documents.values_list("component", "paper_copy")) == [("to-khai", True)]


def test_start_form_of_a_dossier_received_before_its_process_offers_the_officers_of_the_first_step(signed_in, world):
    procedure = ProcedureFactory(competent_agency=world.agency)
    dossier = world.counter_dossier(procedure=procedure)
    make_process(procedure)  # published after the receipt: the dossier starts on it
    client = signed_in(world.counter)

    page = client.get(f"/can-bo/ho-so/{dossier.code}/").content.decode()
    select = page[page.index('id="id_start_assignee"') :]
    select = select[: select.index("</select>")]
    assert f'value="{world.specialist.username}"' in select

    client.post(
        f"/can-bo/ho-so/{dossier.code}/thao-tac/start/",
        {"version": dossier.version, "note": "", "assignee": world.specialist.username},
    )
    dossier.refresh_from_db()
    assert (dossier.status, dossier.current_step.assignee) == (Status.PROCESSING, world.specialist)


def test_tab_counts_stop_at_the_cap_and_say_there_are_more(signed_in, world, monkeypatch):
    from onestop import paging

    for _ in range(4):
        world.dossier_in(Status.RECEIVED)
    monkeypatch.setattr(paging, "CAP", 2)

    response = signed_in(world.counter).get("/can-bo/?tab=tat-ca")

    assert tab_counts(response)["tat-ca"] == 3  # counted up to the cap + 1, not every row
    text = response.content.decode()
    assert '<span class="n">hơn 2</span>' in text
    assert "1–4 trên hơn 2 hồ sơ" in text
    assert len(response.context["rows"]) == 4  # the page is full: the rows past the count are there
