"""Refunds when a paid dossier is refused or withdrawn, where the province enables them; and the
financial obligation asked for during processing (national status 6)."""

import pytest
from django.urls import reverse

from dossiers import services
from dossiers.models import DossierEvent, PauseReason, Status
from payments import platform
from payments import services as payment_services
from payments.models import Charge, ChargeKind, Method, Payment, PaymentStatus, Refund, RefundStatus
from payments.selectors import payment_summary
from tests.factories import at
from tests.payments.helpers import RefundPlatform, api, deliver, refund_rows

pytestmark = pytest.mark.xdist_group("payment-sim")


def test_withdrawal_after_online_payment_is_refunded_through_the_platform(world, fees, sim, refunds_enabled):
    dossier = fees.received_online(fees.full)
    started = fees.pay_online(sim, dossier)

    fees.withdraw(dossier, actor=world.applicant, note="Không còn nhu cầu")

    refund = Refund.objects.get(payment_id=started["payment_id"])
    assert refund.status == RefundStatus.DONE and refund.amount == 50_000
    assert Payment.objects.get(pk=started["payment_id"]).status == PaymentStatus.REFUNDED
    (row,) = refund_rows(dossier)
    assert row.data["refund_status"] == "done" and "Đã hoàn trả 50.000 đồng" in row.note
    assert platform.query_payment(started["reference"]).status == "refunded"  # the platform agrees
    assert payment_summary(dossier)["status"] == "refunded"

    # Running the task again changes nothing.
    from payments.tasks import refund_payment

    assert refund_payment.apply(args=[refund.pk]).get(disable_sync_subtasks=False) == "no_change"
    assert len(refund_rows(dossier)) == 1


def test_refusal_at_the_counter_after_paying_at_submission_is_refunded(
    world, fees, sim, refunds_enabled, django_capture_on_commit_callbacks
):
    dossier = world.online_dossier(procedure=fees.full)  # not yet received: the applicant pays on filing
    fees.pay_online(sim, dossier)
    with django_capture_on_commit_callbacks(execute=True):
        services.refuse_dossier(dossier=dossier, actor=world.counter, note="Không thuộc thẩm quyền")
    assert Refund.objects.get(payment__dossier=dossier).status == RefundStatus.DONE
    assert len(refund_rows(dossier)) == 1


def test_no_refund_when_the_province_has_not_enabled_them(world, fees, sim):
    dossier = fees.received_online(fees.full)
    started = fees.pay_online(sim, dossier)
    fees.withdraw(dossier, actor=world.applicant)
    assert Refund.objects.count() == 0
    assert Payment.objects.get(pk=started["payment_id"]).status == PaymentStatus.PAID
    assert refund_rows(dossier) == []
    assert platform.query_payment(started["reference"]).status == "paid"


def test_cash_payment_is_refunded_at_the_counter(world, fees, sim, refunds_enabled):
    dossier, refund = fees.withdrawn_after_cash("0000777")
    assert refund.status == RefundStatus.AT_COUNTER
    (row,) = refund_rows(dossier)
    assert "0000777" in row.note and "Bộ phận Một cửa" in row.note


def test_the_counter_records_the_cash_handed_back(world, fees, sim, refunds_enabled):
    dossier, refund = fees.withdrawn_after_cash()
    url = f"/api/v1/dossiers/{dossier.code}/refunds/{refund.reference}/complete/"

    outsider = api(world.outsider).post(url, {"note": "x"})
    not_counter = api(world.specialist).post(url, {"note": "x"})
    done = api(world.counter).post(url, {"note": "Công dân đã ký nhận."})
    again = api(world.counter).post(url, {})

    assert outsider.status_code == 404  # not a dossier the outsider may see: answered as an unknown code
    assert not_counter.status_code == 403
    assert "Bộ phận Một cửa" in not_counter.json()["detail"]
    assert done.status_code == 200, done.json()
    (payment,) = done.json()["payments"]
    assert payment["status"] == "refunded" and payment["refund"]["status"] == "done"
    assert done.json()["status"] == "refunded"
    assert again.status_code == 409 and "Đã hoàn trả" in again.json()["detail"]
    rows = refund_rows(dossier)
    assert [r.data["refund_status"] for r in rows] == ["at_counter", "done"]
    assert rows[-1].actor == world.counter and "Công dân đã ký nhận." in rows[-1].note
    assert api(world.counter).post(url.replace("/complete/", "/undo/")).status_code == 404


def test_an_online_refund_the_platform_refused_can_be_retried(
    world, fees, sim, refunds_enabled, monkeypatch, django_capture_on_commit_callbacks
):
    with monkeypatch.context() as patch:
        RefundPlatform(patch, 422)
        dossier, refund = fees.withdrawn_after_online_payment(sim)
    assert refund.status == RefundStatus.FAILED and "422" in refund.last_error
    url = f"/api/v1/dossiers/{dossier.code}/refunds/{refund.reference}/retry/"

    with django_capture_on_commit_callbacks(execute=True):
        answer = api(world.counter).post(url)

    assert answer.status_code == 200, answer.json()
    refund.refresh_from_db()
    assert refund.status == RefundStatus.DONE
    rows = refund_rows(dossier)
    assert [r.data["refund_status"] for r in rows] == ["failed", "requested", "done"]
    assert rows[1].actor == world.counter and "gửi lại yêu cầu hoàn trả 50.000 đồng" in rows[1].note
    assert api(world.counter).post(url).status_code == 409  # nothing left to retry


def test_financial_obligation_pauses_and_payment_resumes(world, fees, sim, django_capture_on_commit_callbacks):
    dossier = fees.received_online(fees.full)
    fees.pay_online(sim, dossier)
    dossier = services.start_processing(dossier=dossier, actor=world.counter, at=at(2025, 8, 12, 11))

    answer = api(world.counter).post(
        f"/api/v1/dossiers/{dossier.code}/payments/obligations/",
        {"amount": 120_000, "reason": "Lệ phí trước bạ"},
    )
    assert answer.status_code == 201, answer.json()
    assert answer.json()["status"] == Status.PAUSED
    dossier.refresh_from_db()
    assert dossier.status == Status.PAUSED and dossier.pause_reason == PauseReason.FINANCIAL
    assert dossier.clock_running is False
    summary = payment_summary(dossier)
    assert summary["outstanding"] == 120_000 and summary["financial_obligation"] is True
    assert summary["must_pay_online"] is True and "120.000" in summary["what_to_pay"]

    # A full-online dossier pays this online too.
    refused = api(world.counter).post(
        f"/api/v1/dossiers/{dossier.code}/payments/counter/", {"method": "cash", "receipt_number": "X1"}
    )
    assert refused.status_code == 409
    started = api(world.applicant).post(f"/api/v1/dossiers/{dossier.code}/payments/").json()
    assert started["amount"] == 120_000
    sim.press(started["pay_url"], "pay")
    (message,) = sim.outbox(started["reference"])
    with django_capture_on_commit_callbacks(execute=True):
        assert deliver(api(), message).json()["result"] == "applied"

    dossier.refresh_from_db()
    assert dossier.status == Status.PROCESSING and dossier.pause_reason == ""
    resumed = DossierEvent.objects.filter(dossier=dossier, action="resume").get()
    assert resumed.actor == world.counter and "nghĩa vụ tài chính" in resumed.note
    assert Payment.objects.filter(dossier=dossier, status=PaymentStatus.PAID, method=Method.ONLINE).count() == 2


def test_only_a_handler_asks_for_a_financial_obligation(world, fees, sim):
    dossier = world.dossier_in(Status.PROCESSING)
    url = f"/api/v1/dossiers/{dossier.code}/payments/obligations/"
    assert api(world.outsider).post(url, {"amount": 1000, "reason": "x"}).status_code == 404  # not theirs to see
    assert api(world.counter).post(url, {"amount": 0, "reason": "x"}).status_code == 400
    dossier.refresh_from_db()
    assert dossier.status == Status.PROCESSING


def test_an_amount_too_large_for_any_obligation_is_refused_with_a_message(world, fees, sim):
    dossier = world.dossier_in(Status.PROCESSING)
    url = f"/api/v1/dossiers/{dossier.code}/payments/obligations/"

    answer = api(world.counter).post(url, {"amount": 10**30, "reason": "Lệ phí trước bạ"}, format="json")

    assert answer.status_code == 400
    assert answer.json()["errors"]["amount"] == ["Giá trị phải nhỏ hơn hoặc bằng 1000000000000."]
    dossier.refresh_from_db()
    assert dossier.status == Status.PROCESSING
    assert not Charge.objects.filter(dossier=dossier, kind=ChargeKind.ADDITIONAL).exists()


def test_the_admin_action_records_a_counter_refund_and_says_why_it_refuses(world, fees, sim, refunds_enabled, client):
    dossier, refund = fees.withdrawn_after_cash("0000779")
    client.force_login(world.admin)
    url = reverse("admin:payments_refund_changelist")

    done = client.post(url, {"action": "complete_at_counter", "_selected_action": [refund.pk]}, follow=True)
    retried = client.post(url, {"action": "retry_online", "_selected_action": [refund.pk]}, follow=True)

    refund.refresh_from_db()
    assert refund.status == RefundStatus.DONE
    assert any("Đã ghi nhận hoàn trả 1 khoản" in str(m) for m in done.context["messages"])
    assert any("Chỉ thử lại được" in str(m) for m in retried.context["messages"])
    assert refund_rows(dossier)[-1].actor == world.admin


@pytest.mark.parametrize(
    "path",
    ["platform after a transient failure", "counter after the platform refused", "counter after cash"],
)
def test_a_refund_is_finished_the_same_way_whoever_gives_the_money_back(
    world, fees, sim, refunds_enabled, monkeypatch, path
):
    """Refund done, payment refunded, last error cleared, one history row saying so, the fee refunded."""
    if path == "counter after cash":
        dossier, refund = fees.withdrawn_after_cash("0000780")
    else:
        platform_answers = RefundPlatform(monkeypatch, 503 if path.startswith("platform") else 422, "ok")
        dossier, refund = fees.withdrawn_after_online_payment(sim)
        assert refund.last_error
    rows_before = len(refund_rows(dossier))

    if path.startswith("platform"):
        assert payment_services.execute_refund(refund_id=refund.pk, now=refund.next_attempt_at) == "done"
        assert len(platform_answers.calls) == 2
        finished_by = None
    else:
        url = f"/api/v1/dossiers/{dossier.code}/refunds/{refund.reference}/complete/"
        assert api(world.counter).post(url, {"note": "Đã ký nhận"}).status_code == 200
        finished_by = world.counter

    refund.refresh_from_db()
    assert (refund.status, refund.last_error, refund.next_attempt_at) == (RefundStatus.DONE, "", None)
    assert refund.completed_at is not None
    assert Payment.objects.get(pk=refund.payment_id).status == PaymentStatus.REFUNDED
    rows = refund_rows(dossier)
    assert len(rows) == rows_before + 1
    assert rows[-1].data["refund_status"] == "done" and rows[-1].data["status"] == PaymentStatus.REFUNDED
    assert rows[-1].actor == finished_by and rows[-1].at == refund.completed_at
    assert "Đã hoàn trả" in rows[-1].note
    summary = payment_summary(dossier)
    assert summary["status"] == "refunded" and summary["payments"][0]["refund"]["status"] == "done"


def test_a_refund_is_found_only_through_its_own_dossier(client, world, fees, sim, refunds_enabled):
    """The API and the officers' screen look a refund up the same way: by reference, within the dossier."""
    dossier, refund = fees.withdrawn_after_cash("0000781")
    other, _other_refund = fees.withdrawn_after_cash("0000782")
    client.force_login(world.counter)
    not_found = f"Hồ sơ {other.code} không có khoản hoàn trả {refund.reference}."

    by_api = api(world.counter).post(f"/api/v1/dossiers/{other.code}/refunds/{refund.reference}/complete/")
    on_screen = client.post(reverse("officer-payments:refund", args=[other.code, refund.reference]), follow=True)

    assert by_api.status_code == 404 and by_api.json() == {"detail": not_found, "code": "not_found"}
    assert not_found in on_screen.content.decode()
    refund.refresh_from_db()
    assert refund.status == RefundStatus.AT_COUNTER
    assert [r.data["refund_status"] for r in refund_rows(dossier)] == ["at_counter"]
