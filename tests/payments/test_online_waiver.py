"""A fee waived for online filing (the demo's household business and company registration): an online dossier
owes nothing, the officer's fee card and the printed receipt say which waiver applied, processing starts
without a payment, and the same procedure filed at the counter still owes the fee."""

import datetime as dt

import pytest

from dossiers import services
from payments.models import FeeExemption
from tests.dossiers.api_support import client_for
from tests.dossiers.test_receipt import pdf_text
from tests.factories import ProcedureFactory, at, make_process
from workflows.models import OnlineLevel

WAIVER = "Miễn lệ phí đăng ký hộ kinh doanh qua mạng"


@pytest.fixture
def waived(world):
    procedure = ProcedureFactory(
        competent_agency=world.agency,
        online_level=OnlineLevel.FULL,
        fee_amount=100_000,
        fee_note="100.000 đồng; miễn khi đăng ký qua mạng",
    )
    make_process(procedure)
    FeeExemption.objects.create(
        name=WAIVER, procedure=procedure, percent=100, online_only=True, valid_from=dt.date(2025, 1, 1)
    )
    return procedure


def _fee_card(page: str) -> str:
    return page.split("<h2>Phí, lệ phí</h2>", 1)[1].split("</div>", 1)[0]


def test_an_online_filing_shows_its_waiver_on_the_fee_card_and_starts_unpaid(client, world, waived):
    dossier = world.online_dossier(procedure=waived)
    dossier = services.receive_dossier(dossier=dossier, actor=world.counter, at=at(2025, 8, 12, 10))
    client.force_login(world.counter)

    page = client.get(f"/can-bo/ho-so/{dossier.code}/").content.decode()
    card = _fee_card(page)
    assert "<strong>0 đ</strong>" in card
    assert "Miễn 100%" in card and WAIVER in card
    assert "giảm 100.000 đ" in card
    assert 'id="tt-start"' in page and "Chưa thể “Chuyển xử lý”" not in page

    started = services.start_processing(dossier=dossier, actor=world.counter, at=at(2025, 8, 12, 11))
    assert started.status == "processing"


def test_the_receipt_of_an_online_filing_prints_the_waiver(world, waived):
    dossier = world.online_dossier(procedure=waived)
    dossier = services.receive_dossier(dossier=dossier, actor=world.counter, at=at(2025, 8, 12, 10))

    text = pdf_text(client_for(world.counter).get(f"/api/v1/dossiers/{dossier.code}/receipt.pdf").content)
    text = " ".join(text.split())  # lines wrapped as the page's width wraps them

    assert "Phí, lệ phí: 0 đồng" in text
    assert f"Miễn, giảm: {WAIVER}" in text and "giảm 100.000 đồng (100%)" in text


def test_the_same_procedure_filed_at_the_counter_owes_the_fee(client, world, waived):
    dossier = world.counter_dossier(procedure=waived)
    client.force_login(world.counter)

    card = _fee_card(client.get(f"/can-bo/ho-so/{dossier.code}/").content.decode())
    assert "<strong>100.000 đ</strong>" in card and WAIVER not in card
    text = pdf_text(client_for(world.counter).get(f"/api/v1/dossiers/{dossier.code}/receipt.pdf").content)
    assert "Phí, lệ phí: 100.000 đồng" in text and "Miễn, giảm" not in text
