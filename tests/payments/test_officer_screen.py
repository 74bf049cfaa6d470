"""The fee card of the officers' dossier screen: the counter records a fee paid in cash or at a bank and a
refund handed back; the screen says why a full-online dossier cannot be paid at the counter."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from dossiers import services
from dossiers.models import DossierEvent
from payments.models import Payment, PaymentStatus, RefundStatus
from tests.dossiers.api_support import client_for

pytestmark = pytest.mark.xdist_group("payment-sim")


def page(client, dossier):
    return client.get(reverse("officer:dossier", args=[dossier.code]))


def collect(client, dossier, **fields):
    """Post the counter-payment form as the screen does and return the page it leads to."""
    return post_collection(client, dossier, **fields).content.decode()


def post_collection(client, dossier, **fields):
    url = reverse("officer-payments:counter-payment", args=[dossier.code])
    return client.post(url, {"method": "cash", **fields}, follow=True)


def counter_field(html: str, name: str) -> str:
    """The markup of one field of the counter-payment form: its label, input and errors."""
    ids = {"method": "counter-method", "receipt_number": "counter-receipt", "note": "counter-note"}
    (block,) = [b for b in html.split('<div class="field')[1:] if f'id="{ids[name]}"' in b]
    return block


def fee_card(html: str) -> str:
    """The markup of the fee card on the dossier screen."""
    return html.split("<h2>Phí, lệ phí</h2>", 1)[1].split('<div class="card', 1)[0]


def test_the_counter_collects_the_fee_from_the_screen(client, world, fees, sim):
    dossier = fees.received_online(fees.partial)
    client.force_login(world.counter)
    before = page(client, dossier).content.decode()
    assert "Thu phí tại quầy" in before and "Ghi nhận đã thu 30.000 đ" in before

    text = collect(client, dossier, receipt_number="BL-0042")

    assert "Đã ghi nhận thu 30.000 đồng, biên lai số BL-0042." in text
    assert "Thu phí tại quầy" not in text  # nothing left to collect
    payment = Payment.objects.get(dossier=dossier)
    assert (payment.status, payment.receipt_number) == (PaymentStatus.PAID, "BL-0042")
    assert payment.recorded_by == world.counter


def test_a_missing_receipt_number_is_refused_on_its_field_and_nothing_recorded(client, world, fees, sim):
    dossier = fees.received_online(fees.partial)
    client.force_login(world.counter)

    answer = post_collection(client, dossier, method="bank", receipt_number="   ", note="Nộp thay")

    text = answer.content.decode()
    assert answer.status_code == 400
    assert "Chưa ghi nhận thu phí: vui lòng kiểm tra lại các ô được đánh dấu ở mục Phí, lệ phí." in text
    receipt = counter_field(text, "receipt_number")
    assert receipt.startswith(" has-error") and "Phải ghi số biên lai thu phí, lệ phí." in receipt
    assert 'value="Nộp thay"' in counter_field(text, "note")  # the form as typed
    assert '<option value="bank" selected>' in counter_field(text, "method")
    assert '<details style="margin-top:.6rem" class="refused" open><summary>Thu phí tại quầy' in text
    assert not Payment.objects.filter(dossier=dossier).exists()
    assert not DossierEvent.objects.filter(dossier=dossier, action="payment").exists()


@pytest.mark.parametrize(
    ("fields", "field", "error"),
    [
        ({"method": "crypto"}, "method", "Chọn hình thức nộp: tiền mặt hoặc chuyển khoản ngân hàng."),
        ({"method": ""}, "method", "Chọn hình thức nộp: tiền mặt hoặc chuyển khoản ngân hàng."),
        ({"receipt_number": "B" * 65}, "receipt_number", "tối đa 64 kí tự"),
        ({"note": "x" * 501}, "note", "tối đa 500 kí tự"),
    ],
)
def test_bad_input_on_the_counter_form_is_refused_on_its_field(client, world, fees, sim, fields, field, error):
    dossier = fees.received_online(fees.partial)
    client.force_login(world.counter)

    answer = post_collection(client, dossier, **{"receipt_number": "BL-0300", **fields})

    assert answer.status_code == 400
    block = counter_field(answer.content.decode(), field)
    assert block.startswith(" has-error") and error in block
    assert not Payment.objects.filter(dossier=dossier).exists()


def test_a_receipt_number_already_used_is_refused_on_its_field(client, world, fees, sim):
    first, second = fees.received_online(fees.partial), fees.received_online(fees.partial)
    fees.collect_at_counter(first, "BL-0400")
    client.force_login(world.counter)

    answer = post_collection(client, second, receipt_number="BL-0400")

    assert answer.status_code == 400
    receipt = counter_field(answer.content.decode(), "receipt_number")
    assert receipt.startswith(" has-error") and "Số biên lai BL-0400 đã được dùng." in receipt
    assert not Payment.objects.filter(dossier=second).exists()


def online_payment_in_progress(dossier):
    """The citizen has started paying online and the platform has not answered yet."""
    Payment.objects.create(
        dossier=dossier,
        method="online",
        status=PaymentStatus.PENDING,
        amount=30_000,
        reference="TT-DANG-THANH-TOAN",
        expires_at=timezone.now() + dt.timedelta(minutes=15),
    )


def test_a_refusal_that_names_no_field_is_shown_on_the_fee_card(client, world, fees, sim):
    """The citizen started paying online while the officer had the counter form open: the card says why
    nothing was recorded, where the form was, and no longer offers it."""
    dossier = fees.received_online(fees.partial)
    client.force_login(world.counter)
    online_payment_in_progress(dossier)

    answer = post_collection(client, dossier, receipt_number="BL-0500")

    assert answer.status_code == 409
    card = fee_card(answer.content.decode())
    why = "Công dân đang có giao dịch thanh toán trực tuyến chưa kết thúc; chờ giao dịch hết hạn rồi thu."
    assert f'<div class="alert error" role="alert" style="margin-top:.6rem">{why}</div>' in card
    assert "Thu phí tại quầy" not in card
    assert Payment.objects.filter(dossier=dossier).count() == 1


def test_no_counter_form_while_an_online_payment_is_in_progress(client, world, fees, sim):
    """The service would refuse to collect then (PaymentInProgress): the card does not offer it."""
    dossier = fees.received_online(fees.partial)
    client.force_login(world.counter)
    assert "Thu phí tại quầy" in page(client, dossier).content.decode()
    online_payment_in_progress(dossier)

    assert "Thu phí tại quầy" not in page(client, dossier).content.decode()


def test_a_full_online_dossier_shows_what_to_pay_and_no_counter_form(client, world, fees, sim):
    dossier = fees.received_online(fees.full)
    client.force_login(world.counter)
    text = page(client, dossier).content.decode()
    assert "trực tuyến qua Nền tảng thanh toán" in text
    assert "Thu phí tại quầy" not in text
    refused = post_collection(client, dossier, receipt_number="BL-1")
    assert refused.status_code == 409
    assert "Chưa ghi nhận thu phí: Hồ sơ toàn trình có phí phải được thanh toán trực tuyến" in refused.content.decode()
    assert not Payment.objects.filter(dossier=dossier).exists()


def test_only_a_counter_officer_sees_and_uses_the_forms(client, world, fees, sim):
    dossier = fees.received_online(fees.partial)
    client.force_login(world.specialist)
    assert "Thu phí tại quầy" not in page(client, dossier).content.decode()
    refused = post_collection(client, dossier, receipt_number="BL-2")
    assert refused.status_code == 403 and "Chỉ cán bộ Bộ phận Một cửa" in refused.content.decode()
    assert not Payment.objects.filter(dossier=dossier).exists()


def test_the_counter_records_a_refund_handed_back(client, world, fees, sim, refunds_enabled):
    dossier, refund = fees.withdrawn_after_cash("BL-7")
    client.force_login(world.counter)
    assert "Đã hoàn trả cho người nộp" in page(client, dossier).content.decode()

    answer = client.post(
        reverse("officer-payments:refund", args=[dossier.code, refund.reference]),
        {"note": "Đã ký nhận"},
        follow=True,
    )

    refund.refresh_from_db()
    assert refund.status == RefundStatus.DONE
    text = answer.content.decode()
    assert "Đã ghi nhận hoàn trả 30.000 đồng." in text and "Đã hoàn trả cho người nộp" not in text
    last = DossierEvent.objects.filter(dossier=dossier, action="payment").order_by("seq").last()
    assert last.actor == world.counter and "Đã ký nhận" in last.note


def test_a_refund_note_too_long_is_refused_on_the_screen_and_nothing_recorded(
    client, world, fees, sim, refunds_enabled
):
    dossier, refund = fees.withdrawn_after_cash("BL-8")
    client.force_login(world.counter)
    events = DossierEvent.objects.filter(dossier=dossier).count()

    answer = client.post(reverse("officer-payments:refund", args=[dossier.code, refund.reference]), {"note": "x" * 501})

    assert answer.status_code == 400
    assert "Chưa ghi nhận hoàn trả: Ghi chú dài tối đa 500 ký tự." in answer.content.decode()
    refund.refresh_from_db()
    assert refund.status == RefundStatus.AT_COUNTER
    assert DossierEvent.objects.filter(dossier=dossier).count() == events


def test_the_receipt_prints_the_amount_due_after_exemptions(world, fees, sim):
    from payments.models import FeeExemption, FeeItem
    from tests.dossiers.test_receipt import pdf_text

    item = FeeItem.objects.create(procedure=fees.full, kind="charge", name="Lệ phí cấp phiếu", amount=50_000)
    FeeExemption.objects.create(
        name="Giảm 50% khi nộp trực tuyến", procedure=fees.full, fee_item=item, percent=50, online_only=True,
        valid_from="2025-01-01", valid_until="2025-12-31",
    )  # fmt: skip
    dossier = fees.received_online(fees.full)

    text = pdf_text(client_for(world.counter).get(f"/api/v1/dossiers/{dossier.code}/receipt.pdf").content)

    assert "25.000 đồng" in text and "50.000 đồng" not in text


def test_a_receipt_number_is_used_once(world, fees, sim):
    first, second = fees.received_online(fees.partial), fees.received_online(fees.partial)
    url = "/api/v1/dossiers/{}/payments/counter/"
    body = {"method": "cash", "receipt_number": "BL-0100"}

    assert client_for(world.counter).post(url.format(first.code), body).status_code == 201
    again = client_for(world.counter).post(url.format(second.code), body)

    assert again.status_code == 400 and again.json()["code"] == "duplicate_receipt"
    assert again.json()["detail"] == "Số biên lai BL-0100 đã được dùng."
    assert again.json()["errors"] == {"receipt_number": ["Số biên lai BL-0100 đã được dùng."]}
    assert not Payment.objects.filter(dossier=second).exists()


def test_the_fee_is_collected_when_the_result_is_handed_over(client, world, fees, sim):
    dossier = services.start_processing(dossier=fees.received_online(fees.partial), actor=world.counter)
    dossier = services.resolve_dossier(dossier=dossier, actor=world.leader, result="approved")
    client.force_login(world.counter)

    assert "Ghi nhận đã thu 30.000 đ" in page(client, dossier).content.decode()
    assert "Đã ghi nhận thu 30.000 đồng" in collect(client, dossier, receipt_number="BL-0200")
