"""The platform's signed notifications: verified, idempotent, never trusted when forged, replayed or
stale; a lost one is recovered by asking the platform; an unpaid payment expires."""

import json
import time

import pytest

from dossiers.models import DossierEvent
from payments import signing
from payments.models import Payment, PaymentStatus, PlatformNotification
from payments.services import sweep_payments
from tests.payments.helpers import api, deliver

pytestmark = pytest.mark.xdist_group("payment-sim")


def _start(world, dossier) -> dict:
    answer = api(world.applicant).post(f"/api/v1/dossiers/{dossier.code}/payments/")
    assert answer.status_code == 201, answer.json()
    return answer.json()


def _paid_rows(dossier) -> int:
    return DossierEvent.objects.filter(dossier=dossier, action="payment", data__status="paid").count()


def test_forged_signature_is_rejected_and_the_payment_stays_pending(world, fees, sim):
    dossier = fees.received_online(fees.full)
    started = _start(world, dossier)
    sim.press(started["pay_url"], "cancel")  # the platform will say "cancelled"
    (genuine,) = sim.outbox(started["reference"])

    # Someone rewrites the platform's message to say "paid", keeping its signature.
    body = json.loads(genuine["body"])
    body.update(status="paid", receipt_number="BL-GIA-000001")
    forged = {"body": signing.canonical_body(body), "headers": genuine["headers"]}
    answer = deliver(api(), forged)
    assert answer.status_code == 403 and answer.json()["code"] == "invalid_signature"

    # Or signs it himself with a key he guessed.
    guessed = {"body": signing.canonical_body(body), "headers": signing.sign(b"guessed-key", body)}
    assert deliver(api(), guessed).status_code == 403
    # Or leaves the signature out.
    assert deliver(api(), {"body": signing.canonical_body(body), "headers": {}}).status_code == 403

    payment = Payment.objects.get(pk=started["payment_id"])
    assert payment.status == PaymentStatus.PENDING and payment.receipt_number == ""
    assert _paid_rows(dossier) == 0
    assert PlatformNotification.objects.count() == 0  # nothing unverified is even remembered

    # The genuine message is applied: the applicant cancelled.
    assert deliver(api(), genuine).json()["result"] == "applied"
    assert Payment.objects.get(pk=started["payment_id"]).status == PaymentStatus.FAILED


def test_replayed_notification_is_ignored(world, fees, sim):
    dossier = fees.received_online(fees.full)
    started = _start(world, dossier)
    sim.press(started["pay_url"], "pay")
    (message,) = sim.outbox(started["reference"])

    first = deliver(api(), message)
    replay = deliver(api(), message)
    assert first.status_code == 200 and first.json()["result"] == "applied"
    assert replay.status_code == 200 and replay.json()["result"] == "replay_ignored"
    assert _paid_rows(dossier) == 1
    assert PlatformNotification.objects.filter(nonce=message["headers"][signing.NONCE_HEADER]).count() == 1

    # A replay of the same nonce with a fresh timestamp is still a replay (and needs the key anyway).
    body = json.loads(message["body"])
    resigned = {
        "body": message["body"],
        "headers": signing.sign(b"test-payment-secret", body, nonce=message["headers"][signing.NONCE_HEADER]),
    }
    assert deliver(api(), resigned).json()["result"] == "replay_ignored"
    assert _paid_rows(dossier) == 1


def test_duplicate_notifications_are_applied_once(world, fees, sim):
    sim.behave(duplicates=2)
    dossier = fees.received_online(fees.full)
    started = _start(world, dossier)
    sim.press(started["pay_url"], "pay")
    messages = sim.outbox(started["reference"])
    assert len(messages) == 2
    assert messages[0]["headers"][signing.NONCE_HEADER] != messages[1]["headers"][signing.NONCE_HEADER]

    answers = [deliver(api(), m).json() for m in messages]
    assert [a["result"] for a in answers] == ["applied", "no_change"]
    assert all(a["status"] == "paid" for a in answers)
    assert _paid_rows(dossier) == 1
    assert Payment.objects.get(pk=started["payment_id"]).status == PaymentStatus.PAID


def test_stale_timestamp_is_refused(world, fees, sim):
    dossier = fees.received_online(fees.full)
    started = _start(world, dossier)
    sim.press(started["pay_url"], "pay")
    (stale,) = sim.notify(started["reference"], timestamp_offset=-3600)  # signed an hour ago
    answer = deliver(api(), stale)
    assert answer.status_code == 400 and answer.json()["code"] == "stale_notification"
    (future,) = sim.notify(started["reference"], timestamp_offset=3600)
    assert deliver(api(), future).status_code == 400
    assert Payment.objects.get(pk=started["payment_id"]).status == PaymentStatus.PENDING
    assert _paid_rows(dossier) == 0


def test_lost_notification_is_recovered_by_querying_the_platform(world, fees, sim):
    sim.behave(lose=True)
    dossier = fees.received_online(fees.full)
    started = _start(world, dossier)
    status, _back = sim.press(started["pay_url"], "pay")
    assert status == 303
    assert sim.outbox(started["reference"]) == []  # the notification never comes
    assert Payment.objects.get(pk=started["payment_id"]).status == PaymentStatus.PENDING

    counts = sweep_payments(min_age_seconds=0)
    assert counts == {"applied": 1}
    payment = Payment.objects.get(pk=started["payment_id"])
    assert payment.status == PaymentStatus.PAID
    assert payment.confirmed_via == "query" and payment.receipt_number.startswith("BL-")
    assert _paid_rows(dossier) == 1
    assert sweep_payments(min_age_seconds=0) == {}  # nothing pending any more


def test_delayed_notification_after_reconciliation_changes_nothing(world, fees, sim):
    sim.behave(delay_seconds=120)
    dossier = fees.received_online(fees.full)
    started = _start(world, dossier)
    sim.press(started["pay_url"], "pay")
    (late,) = sim.outbox(started["reference"])
    assert late["delivered_at"] == ""

    assert sweep_payments(min_age_seconds=0) == {"applied": 1}
    answer = deliver(api(), late)
    assert answer.status_code == 200 and answer.json()["result"] == "no_change"
    assert _paid_rows(dossier) == 1


def test_unpaid_payment_expires_and_a_new_one_can_be_started(world, fees, sim, settings):
    settings.PAYMENT_EXPIRY_MINUTES = 1.5 / 60  # 1.5 seconds
    dossier = fees.received_online(fees.full)
    started = _start(world, dossier)
    time.sleep(2)

    status, _back = sim.press(started["pay_url"], "pay")
    assert status == 409  # the platform no longer takes the money
    assert sweep_payments(min_age_seconds=0) == {"applied": 1}
    payment = Payment.objects.get(pk=started["payment_id"])
    assert payment.status == PaymentStatus.EXPIRED
    row = DossierEvent.objects.filter(dossier=dossier, action="payment").last()
    assert row.data["status"] == "expired" and "hết hạn" in row.note

    settings.PAYMENT_EXPIRY_MINUTES = 30
    again = _start(world, dossier)
    assert again["payment_id"] != started["payment_id"] and again["status"] == "pending"


def test_amount_mismatch_is_not_marked_paid(world, fees, sim):
    dossier = fees.received_online(fees.full)
    started = _start(world, dossier)
    sim.press(started["pay_url"], "pay")
    (message,) = sim.outbox(started["reference"])
    body = json.loads(message["body"])
    body["amount"] = 5_000
    signed = {"body": signing.canonical_body(body), "headers": signing.sign(b"test-payment-secret", body)}
    answer = deliver(api(), signed)
    assert answer.status_code == 400 and answer.json()["code"] == "amount_mismatch"
    assert Payment.objects.get(pk=started["payment_id"]).status == PaymentStatus.PENDING


def test_status_query_answers_are_signed(world, fees, sim, settings):
    """A status answer that does not verify is not believed: the payment stays pending."""
    sim.behave(lose=True)
    dossier = fees.received_online(fees.full)
    started = _start(world, dossier)
    sim.press(started["pay_url"], "pay")
    settings.PAYMENT_SECRET = "another-key"  # our key no longer matches the platform's
    assert sweep_payments(min_age_seconds=0) == {"unreachable": 1}
    assert Payment.objects.get(pk=started["payment_id"]).status == PaymentStatus.PENDING


def test_a_receipt_number_of_another_payment_is_kept_as_a_conflict_and_answered_409(world, fees, sim):
    first, second = fees.received_online(fees.full), fees.received_online(fees.full)
    paid = _start(world, first)
    sim.press(paid["pay_url"], "pay")
    (message,) = sim.outbox(paid["reference"])
    assert deliver(api(), message).json()["result"] == "applied"
    taken = Payment.objects.get(pk=paid["payment_id"]).receipt_number

    started = _start(world, second)
    sim.press(started["pay_url"], "pay")
    (genuine,) = sim.outbox(started["reference"])
    body = json.loads(genuine["body"])
    body["receipt_number"] = taken  # the platform, by a fault of its own, numbers it as the first one
    signed = {"body": signing.canonical_body(body), "headers": signing.sign(b"test-payment-secret", body)}

    answer = deliver(api(), signed)

    assert answer.status_code == 409 and answer.json()["code"] == "receipt_conflict"
    assert taken in answer.json()["detail"]
    notice = PlatformNotification.objects.get(reference=started["reference"])
    assert (notice.outcome, notice.detail) == ("conflict", "receipt_conflict")
    payment = Payment.objects.get(pk=started["payment_id"])
    assert payment.status == PaymentStatus.PENDING and payment.receipt_number == ""
    assert _paid_rows(second) == 0


def test_a_notification_nested_a_thousand_levels_deep_is_a_400(world, fees, sim):
    deep = "[" * 1000 + "]" * 1000
    answer = api().post("/api/v1/payments/callback/", data=deep, content_type="application/json")
    assert answer.status_code == 400 and answer.json()["code"] == "invalid"
    assert PlatformNotification.objects.count() == 0
