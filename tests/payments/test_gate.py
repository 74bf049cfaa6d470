"""DOMAIN §3 (Fees): a full-online dossier with a fee is not processed until it is paid online;
partial-online and counter dossiers may pay at the counter."""

import pytest
from django.urls import reverse

from dossiers import services
from dossiers.models import DossierEvent, Status
from payments import services as payment_services
from payments.models import Charge, FeeExemption, FeeItem, Method, Payment, PaymentStatus
from payments.selectors import amounts, payment_summary
from payments.services import start_gate
from tests.payments.helpers import api, deliver

pytestmark = pytest.mark.xdist_group("payment-sim")


def test_full_online_dossier_with_fee_cannot_start_until_paid_online(world, fees, sim):
    dossier = fees.received_online(fees.full)
    assert Charge.objects.get(dossier=dossier).amount == 50_000  # computed at receipt

    with pytest.raises(services.TransitionNotAllowed) as refused:
        services.start_processing(dossier=dossier, actor=world.counter)
    assert "thanh toán trực tuyến 50.000 đồng" in refused.value.message
    assert refused.value.code == "condition_failed"
    assert DossierEvent.objects.filter(dossier=dossier, action="start").count() == 0

    summary = api(world.applicant).get(f"/api/v1/dossiers/{dossier.code}/payments/").json()
    assert summary["status"] == "unpaid"
    assert summary["must_pay_online"] is True
    assert summary["outstanding"] == 50_000
    assert "50.000 đồng trực tuyến" in summary["what_to_pay"]

    started = api(world.applicant).post(f"/api/v1/dossiers/{dossier.code}/payments/")
    assert started.status_code == 201
    body = started.json()
    assert body["amount"] == 50_000 and body["status"] == "pending"
    assert body["pay_url"].startswith(sim.url + "/pay/")
    assert body["expires_at"]
    # The applicant's page on the platform shows what to pay.
    status, page = sim.page(body["pay_url"])
    assert status == 200 and "50.000 đồng" in page and dossier.code in page
    assert payment_summary(dossier)["pay_url"] == body["pay_url"]

    # Still held back while the payment is pending.
    with pytest.raises(services.TransitionNotAllowed):
        services.start_processing(dossier=dossier, actor=world.counter)

    status, back = sim.press(body["pay_url"], "pay")
    assert status == 303 and back.startswith("http://testserver/tra-cuu/") and "trang_thai=paid" in back
    (message,) = sim.outbox(body["reference"])
    answer = deliver(api(), message)
    assert answer.status_code == 200 and answer.json()["result"] == "applied"

    payment = Payment.objects.get(pk=body["payment_id"])
    assert payment.status == PaymentStatus.PAID
    assert payment.receipt_number.startswith("BL-")
    paid_row = DossierEvent.objects.filter(dossier=dossier, action="payment").last()
    assert payment.receipt_number in paid_row.note and paid_row.data["status"] == "paid"

    started = services.start_processing(dossier=dossier, actor=world.counter)
    assert started.status == Status.PROCESSING
    summary = payment_summary(started)
    assert summary["status"] == "paid" and summary["method"] == Method.ONLINE
    assert summary["receipt_number"] == payment.receipt_number and summary["pay_url"] is None


def test_counter_refuses_cash_for_a_full_online_dossier_with_a_fee(world, fees, sim):
    dossier = fees.received_online(fees.full)
    answer = api(world.counter).post(
        f"/api/v1/dossiers/{dossier.code}/payments/counter/", {"method": "cash", "receipt_number": "0001234"}
    )
    assert answer.status_code == 409
    assert answer.json()["code"] == "online_payment_required"
    assert Payment.objects.filter(dossier=dossier).count() == 0


@pytest.mark.parametrize("kind", ["partial_online", "counter"])
def test_partial_online_and_counter_dossiers_pay_at_the_counter(world, fees, sim, kind):
    if kind == "partial_online":
        dossier = fees.received_online(fees.partial)
        due = 30_000
    else:  # a full-online procedure, but filed at the counter
        dossier = world.counter_dossier(procedure=fees.full)
        due = 50_000
    # Not held back: the fee may be paid at the counter, even when the result is handed over.
    assert services.start_processing(dossier=dossier, actor=world.counter).status == Status.PROCESSING

    answer = api(world.counter).post(
        f"/api/v1/dossiers/{dossier.code}/payments/counter/",
        {"method": "cash", "receipt_number": f"BL-QUAY-{kind}", "amount": due},
    )
    assert answer.status_code == 201, answer.json()
    assert answer.json()["status"] == "paid" and answer.json()["amount"] == due
    payment = Payment.objects.get(dossier=dossier)
    assert payment.recorded_by == world.counter and payment.method == Method.CASH
    row = DossierEvent.objects.filter(dossier=dossier, action="payment").get()
    assert row.actor == world.counter and f"BL-QUAY-{kind}" in row.note

    again = api(world.applicant).post(f"/api/v1/dossiers/{dossier.code}/payments/")
    assert again.status_code in (404, 409)  # not theirs to see (a counter dossier), or nothing owed


def test_counter_payment_checks_officer_amount_and_receipt(world, fees, sim):
    dossier = fees.received_online(fees.partial)
    url = f"/api/v1/dossiers/{dossier.code}/payments/counter/"
    assert api(world.outsider).post(url, {"receipt_number": "1"}).status_code == 404  # not theirs to see
    wrong = api(world.counter).post(url, {"receipt_number": "1", "amount": 10_000})
    assert wrong.status_code == 400 and "30.000" in wrong.json()["detail"]
    assert wrong.json()["errors"] == {"amount": ["Số tiền nộp phải đúng số còn phải nộp: 30.000 đồng."]}
    assert api(world.counter).post(url, {"method": "cash"}).status_code == 400
    assert Payment.objects.count() == 0


@pytest.mark.parametrize(
    ("call", "errors"),
    [
        (
            lambda dossier, officer: payment_services.record_counter_payment(
                dossier=dossier, actor=officer, method="crypto", receipt_number="BL-1"
            ),
            {"method": ["Hình thức nộp tại quầy phải là “cash” hoặc “bank”."]},
        ),
        (
            lambda dossier, officer: payment_services.request_financial_obligation(
                dossier=dossier, actor=officer, amount=0, reason="Lệ phí trước bạ"
            ),
            {"amount": ["Số tiền phải là số nguyên dương (đồng)."]},
        ),
        (
            lambda dossier, officer: payment_services.request_financial_obligation(
                dossier=dossier, actor=officer, amount=10**30, reason="Lệ phí trước bạ"
            ),
            {"amount": ["Số tiền không được vượt quá 1.000.000.000.000 đồng."]},
        ),
    ],
    ids=["counter_method", "obligation_amount", "obligation_too_large"],
)
def test_a_payment_service_says_what_is_wrong_with_each_field_it_refuses(world, fees, sim, call, errors):
    dossier = fees.received_online(fees.partial)
    dossier.refresh_from_db()
    before = (dossier.status, dossier.version, Charge.objects.filter(dossier=dossier).count())

    with pytest.raises(services.InvalidInput) as refused:
        call(dossier, world.counter)

    assert refused.value.errors == errors
    dossier.refresh_from_db()  # nothing recorded: no payment, no charge, no change to the dossier
    assert (dossier.status, dossier.version, Charge.objects.filter(dossier=dossier).count()) == before
    assert not Payment.objects.filter(dossier=dossier).exists()


def test_nothing_to_pay_and_already_paid_answer_409(world, fees, sim):
    free = fees.received_online(fees.free)
    answer = api(world.applicant).post(f"/api/v1/dossiers/{free.code}/payments/")
    assert answer.status_code == 409 and answer.json()["code"] == "nothing_to_pay"
    assert services.start_processing(dossier=free, actor=world.counter).status == Status.PROCESSING

    dossier = fees.received_online(fees.full)
    fees.pay_online(sim, dossier)
    again = api(world.applicant).post(f"/api/v1/dossiers/{dossier.code}/payments/")
    assert again.status_code == 409 and again.json()["code"] == "nothing_to_pay"


def test_only_the_applicant_starts_a_payment_and_a_repeat_answers_the_same_one(world, fees, sim):
    dossier = fees.received_online(fees.full)
    url = f"/api/v1/dossiers/{dossier.code}/payments/"
    assert api(world.counter).post(url).status_code == 403
    assert api(world.outsider).post(url).status_code == 404  # not theirs to see
    assert api().post(url).status_code in (401, 403)

    first = api(world.applicant).post(url, headers={"Idempotency-Key": "k-1"})
    repeat = api(world.applicant).post(url, headers={"Idempotency-Key": "k-1"})
    other_click = api(world.applicant).post(url)
    assert first.status_code == repeat.status_code == 201
    assert first.json() == repeat.json()
    assert other_click.json()["payment_id"] == first.json()["payment_id"]  # an open payment is reused
    assert Payment.objects.filter(dossier=dossier).count() == 1


def test_exemption_valid_at_receipt_reduces_the_amount_due(world, fees, sim):
    item = FeeItem.objects.create(procedure=fees.full, kind="charge", name="Lệ phí cấp phiếu", amount=50_000)
    FeeItem.objects.create(procedure=fees.full, kind="fee", name="Phí tra cứu", amount=20_000, order=2)
    FeeExemption.objects.create(
        name="Giảm 50% lệ phí khi nộp trực tuyến",
        legal_basis="NQ 12/2025/NQ-HĐND",
        procedure=fees.full,
        fee_item=item,
        percent=50,
        online_only=True,
        valid_from="2025-01-01",
        valid_until="2025-12-31",
    )
    FeeExemption.objects.create(name="Hết hiệu lực", percent=100, valid_from="2024-01-01", valid_until="2024-12-31")
    dossier = fees.received_online(fees.full)  # received 12/08/2025
    charge = Charge.objects.get(dossier=dossier)
    assert charge.amount == 25_000 + 20_000
    assert [line["due"] for line in charge.items] == [25_000, 20_000]
    assert charge.items[0]["exemption"]["percent"] == 50
    with pytest.raises(services.TransitionNotAllowed) as refused:
        services.start_processing(dossier=dossier, actor=world.counter)
    assert "45.000 đồng" in refused.value.message

    at_counter = world.counter_dossier(procedure=fees.full)  # the online-only reduction does not apply
    assert Charge.objects.get(dossier=at_counter).amount == 70_000


def test_public_summary_for_the_tracking_page_lists_no_payments(world, fees, sim):
    dossier = fees.received_online(fees.partial)
    fees.collect_at_counter(dossier, "0009")
    public = payment_summary(dossier, public=True)
    assert public["status"] == "paid" and public["receipt_number"] == "0009"
    assert "payments" not in public
    full = api(world.applicant).get(f"/api/v1/dossiers/{dossier.code}/payments/").json()
    assert full["payments"][0]["recorded_by"] == world.counter.username
    assert api(world.outsider).get(f"/api/v1/dossiers/{dossier.code}/payments/").status_code == 404  # not theirs to see


def test_an_unpaid_dossier_that_ended_without_a_result_owes_nothing(world, fees, sim):
    dossier = fees.received_online(fees.partial)
    assert payment_summary(dossier)["outstanding"] == 30_000

    dossier = fees.withdraw(dossier)

    summary = payment_summary(dossier)
    assert (summary["status"], summary["outstanding"], summary["what_to_pay"]) == ("not_due", 0, "")
    assert "không phải nộp" in summary["status_label"].lower()


def owed_as_each_reader_says(world, client, dossier) -> dict:
    """What is left to pay, as read by the services' figures, the fee section of every API answer, the
    start gate and the officers' fee card."""
    client.force_login(world.counter)
    card = client.get(reverse("officer:dossier", args=[dossier.code])).content.decode()
    return {
        "amounts": amounts(dossier).outstanding,
        "payments_api": api(world.applicant).get(f"/api/v1/dossiers/{dossier.code}/payments/").json()["outstanding"],
        "dossier_api": api(world.counter).get(f"/api/v1/dossiers/{dossier.code}/").json()["payment"]["outstanding"],
        "tracking": api().get(f"/api/v1/track/{dossier.code}/").json()["payment"]["outstanding"],
        "start_gate_holds": start_gate(dossier) is not None,
        "fee_card_shows_owed": "Còn thiếu" in card,
    }


@pytest.mark.parametrize("ending", ["withdrawn after receipt", "refused at the counter"])
def test_every_reader_agrees_that_a_dossier_ended_without_a_result_owes_nothing(client, world, fees, sim, ending):
    if ending == "refused at the counter":
        dossier = world.online_dossier(procedure=fees.full)  # not received: the fee is an estimate
    else:
        dossier = fees.received_online(fees.full)
    owed = {"amounts": 50_000, "payments_api": 50_000, "dossier_api": 50_000, "tracking": 50_000}
    assert owed_as_each_reader_says(world, client, dossier) == {
        **owed,
        "start_gate_holds": True,
        "fee_card_shows_owed": True,
    }

    if ending == "refused at the counter":
        dossier = services.refuse_dossier(dossier=dossier, actor=world.counter, note="Không thuộc thẩm quyền")
    else:
        dossier = fees.withdraw(dossier)

    assert owed_as_each_reader_says(world, client, dossier) == {
        **dict.fromkeys(owed, 0),
        "start_gate_holds": False,
        "fee_card_shows_owed": False,
    }
