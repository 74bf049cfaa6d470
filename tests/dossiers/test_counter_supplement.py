"""At the counter, an incomplete dossier gets its supplement request from the receipt form itself: the
documents handed in are kept under a code that never changes, the one complete list of what is missing is
printed, and once the applicant brings the rest the counter records the supplement and receives the dossier,
whose legal time runs from that receipt."""

from dossiers import services
from dossiers.models import DocumentVersion, Dossier, DossierEvent, Status
from tests.dossiers.api_support import pdf_file
from tests.dossiers.test_receipt import pdf_text
from tests.factories import at, complete_documents


def _post(client, world, **extra):
    return client.post(
        f"/can-bo/tiep-nhan/?thu_tuc={world.procedure.pk}",
        {
            "procedure": world.procedure.pk,
            "receiving_agency": world.agency.pk,
            "applicant_name": "Lò Văn Minh",
            "applicant_kind": 1,
            "applicant_phone": "0912000111",
            "return_channel": "counter",
            "file_cccd": pdf_file("cccd.pdf"),  # the optional ID card, not the required form
            **extra,
        },
    )


def test_the_counter_asks_for_a_supplement_from_the_receipt_form(client, world):
    client.force_login(world.counter)
    form = client.get(f"/can-bo/tiep-nhan/?thu_tuc={world.procedure.pk}").content.decode()
    assert 'name="yeu_cau_bo_sung"' in form and "Yêu cầu bổ sung hồ sơ" in form

    response = _post(client, world, yeu_cau_bo_sung="1", missing_extra="Giấy khai sinh — bản sao có chứng thực")

    dossier = Dossier.objects.get(applicant_name="Lò Văn Minh")
    assert response.status_code == 302 and response["Location"] == f"/can-bo/ho-so/{dossier.code}/"
    assert dossier.status == Status.SUBMITTED and dossier.awaiting_documents
    assert dossier.channel == "counter" and dossier.received_at is None and dossier.appointment_at is None
    assert dossier.missing_documents == [
        {"component": "to-khai", "name": "Tờ khai", "reason": "Chưa nộp"},
        {"name": "Giấy khai sinh", "reason": "bản sao có chứng thực"},
    ]
    assert list(DocumentVersion.objects.filter(dossier=dossier).values_list("component", flat=True)) == ["cccd"]
    (event,) = DossierEvent.objects.filter(dossier=dossier)
    assert event.action == "request-supplement" and event.actor == world.counter

    page = client.get(response["Location"]).content.decode()
    assert f"Đã lập yêu cầu bổ sung cho hồ sơ {dossier.code}" in page
    assert "Phiếu yêu cầu bổ sung" in page
    notice = " ".join(pdf_text(client.get(f"/can-bo/ho-so/{dossier.code}/in/yeu-cau-bo-sung/").content).split())
    assert "Tờ khai — lý do: Chưa nộp" in notice and "Giấy khai sinh — lý do: bản sao có chứng thực" in notice

    # The applicant comes back with the rest: the counter records the supplement, then receives the dossier.
    services.submit_supplement(
        dossier=dossier, actor=world.counter, documents=complete_documents(world.procedure), at=at(2025, 11, 20, 8)
    )
    dossier = services.receive_dossier(dossier=dossier, actor=world.counter, at=at(2025, 11, 20, 10))
    assert dossier.status == Status.RECEIVED and dossier.code == Dossier.objects.get(pk=dossier.pk).code
    assert dossier.appointment_at == at(2025, 11, 25, 10)  # three working days from the receipt


def test_a_supplement_needs_something_missing(client, world):
    client.force_login(world.counter)

    response = _post(client, world, **{"yeu_cau_bo_sung": "1", "paper_to-khai": "on"})

    assert response.status_code == 400
    assert "Hồ sơ đã đủ các thành phần bắt buộc" in response.content.decode()
    assert not Dossier.objects.filter(applicant_name="Lò Văn Minh").exists()


def test_receiving_an_incomplete_dossier_is_still_refused(client, world):
    client.force_login(world.counter)

    response = _post(client, world)

    assert response.status_code == 400
    assert "Chưa đủ thành phần hồ sơ bắt buộc: Tờ khai" in response.content.decode()
    assert not Dossier.objects.filter(applicant_name="Lò Văn Minh").exists()
