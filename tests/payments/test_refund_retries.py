"""Online refunds the platform could not make at once: each attempt waits twice as long as the one before
(1, 2, 4 … minutes, at most an hour), the sweep makes only the attempts whose time has come, after the
last attempt the officers take over, and an officer's retry starts the schedule over. Times come from
the `now` given to the services; nothing sleeps."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from payments import platform
from payments import services as payment_services
from payments.models import PaymentStatus, RefundStatus
from payments.selectors import payment_summary, refunds_due
from payments.services import execute_refund, refunds, sweep_payments
from tests.payments.helpers import RefundPlatform, WorkerStopped, api, refund_rows

pytestmark = pytest.mark.xdist_group("payment-sim")

MINUTE = dt.timedelta(minutes=1)


@pytest.fixture
def requested(fees, sim, refunds_enabled):
    """An online refund requested on withdrawal, its first attempt not yet made (the task did not run)."""

    def make():
        dossier, refund = fees.withdrawn_after_online_payment(sim, run_tasks=False)
        assert (refund.status, refund.attempts, refund.next_attempt_at) == (
            RefundStatus.REQUESTED,
            0,
            refund.requested_at,
        )
        return dossier, refund

    return make


def test_each_failed_attempt_waits_twice_as_long_up_to_an_hour_and_the_eighth_is_the_last(requested, monkeypatch):
    answers = RefundPlatform(monkeypatch, 503, "unreachable", 502)
    dossier, refund = requested()
    now = refund.next_attempt_at
    waits = []

    for attempt in range(1, 9):
        assert execute_refund(refund_id=refund.pk, now=now) == "retry"
        refund.refresh_from_db()
        assert (refund.status, refund.attempts) == (RefundStatus.REQUESTED, attempt)
        waits.append(refund.next_attempt_at - now)
        now = refund.next_attempt_at

    assert waits == [m * MINUTE for m in (1, 2, 4, 8, 16, 32, 60, 60)]
    assert refund.last_error == "HTTP 502 từ Nền tảng thanh toán"
    assert refund_rows(dossier) == []  # a transient failure is not history
    # After the eighth, its outcome is asked of the platform (not made: the officers take over).
    assert execute_refund(refund_id=refund.pk, now=now) == "failed"
    assert len(answers.calls) == 8
    assert {call["refund_reference"] for call in answers.calls} == {refund.reference}


def test_the_sweep_sends_a_refund_again_only_when_its_time_has_come(requested, monkeypatch):
    answers = RefundPlatform(monkeypatch, 503, "ok")
    dossier, refund = requested()
    first = refund.next_attempt_at
    assert sweep_payments(now=first) == {"refund_retry": 1}
    due = first + MINUTE

    early_by_task = execute_refund(refund_id=refund.pk, now=due - dt.timedelta(seconds=1))
    early_sweep = sweep_payments(now=due - dt.timedelta(seconds=1))

    assert (early_by_task, early_sweep) == ("not_due", {})
    assert len(answers.calls) == 1
    assert sweep_payments(now=due) == {"refund_done": 1}
    assert len(answers.calls) == 2
    refund.refresh_from_db()
    assert (refund.status, refund.attempts, refund.next_attempt_at) == (RefundStatus.DONE, 2, None)
    assert refund.completed_at == due
    assert sweep_payments(now=due + dt.timedelta(days=1)) == {}


def test_after_the_last_attempt_the_refund_is_left_to_the_officers(requested, monkeypatch, settings):
    settings.PAYMENT_REFUND_MAX_ATTEMPTS = 3
    answers = RefundPlatform(monkeypatch, "unreachable")
    dossier, refund = requested()
    now, outcomes = refund.next_attempt_at, []

    for _sweep in range(4):
        outcomes.append(sweep_payments(now=now))
        refund.refresh_from_db()
        now = refund.next_attempt_at or now

    # Three attempts, then the outcome of the last asked of the platform, which did not make it.
    assert outcomes == [{"refund_retry": 1}, {"refund_retry": 1}, {"refund_retry": 1}, {"refund_failed": 1}]
    assert (refund.status, refund.attempts, refund.next_attempt_at) == (RefundStatus.FAILED, 3, None)
    assert refund.last_error == "timed out"
    (row,) = refund_rows(dossier)
    assert row.data["refund_status"] == "failed" and row.data["attempts"] == 3
    assert row.note == (
        "Hoàn trả 50.000 đồng không thành công sau 3 lần gửi Nền tảng thanh toán; cán bộ cần xử lý thủ công."
    )
    assert row.at == now and row.actor is None
    # Nothing more is sent to the platform, by the sweep or by a late task.
    later = now + dt.timedelta(days=1)
    assert sweep_payments(now=later) == {}
    assert execute_refund(refund_id=refund.pk, now=later) == "no_change"
    assert len(answers.calls) == 3
    (payment,) = payment_summary(dossier)["payments"]
    assert payment["status"] == PaymentStatus.PAID
    assert payment["refund"]["status"] == "failed" and payment["refund"]["can_hand_back"] is True


def test_a_refusal_leaves_the_refund_to_the_officers_at_once(requested, monkeypatch):
    answers = RefundPlatform(monkeypatch, 422)
    dossier, refund = requested()

    assert execute_refund(refund_id=refund.pk, now=refund.next_attempt_at) == "failed"

    refund.refresh_from_db()
    assert (refund.status, refund.attempts, refund.next_attempt_at) == (RefundStatus.FAILED, 1, None)
    (row,) = refund_rows(dossier)
    assert row.note == "Hoàn trả 50.000 đồng không thành công; cán bộ cần xử lý thủ công."
    assert sweep_payments(now=refund.requested_at + dt.timedelta(days=1)) == {}
    assert len(answers.calls) == 1


def test_an_attempt_whose_worker_stopped_is_followed_on_the_same_schedule(requested, monkeypatch):
    answers = RefundPlatform(monkeypatch, "crash", "ok")
    dossier, refund = requested()
    first = refund.next_attempt_at

    with pytest.raises(WorkerStopped):
        execute_refund(refund_id=refund.pk, now=first)

    refund.refresh_from_db()
    assert (refund.status, refund.attempts, refund.next_attempt_at) == (RefundStatus.REQUESTED, 1, first + MINUTE)
    assert sweep_payments(now=first + 30 * dt.timedelta(seconds=1)) == {}
    assert sweep_payments(now=first + MINUTE) == {"refund_done": 1}
    assert len(answers.calls) == 2


def test_a_last_attempt_whose_worker_stopped_is_not_sent_again(requested, monkeypatch, settings):
    settings.PAYMENT_REFUND_MAX_ATTEMPTS = 1
    answers = RefundPlatform(monkeypatch, "crash", "ok")
    dossier, refund = requested()
    with pytest.raises(WorkerStopped):
        execute_refund(refund_id=refund.pk, now=refund.next_attempt_at)
    refund.refresh_from_db()

    assert sweep_payments(now=refund.next_attempt_at) == {"refund_failed": 1}

    assert len(answers.calls) == 1
    refund.refresh_from_db()
    assert refund.status == RefundStatus.FAILED
    assert [r.data["refund_status"] for r in refund_rows(dossier)] == ["failed"]


def test_an_unanswered_last_attempt_the_platform_made_is_done_and_not_handed_back(requested, monkeypatch, settings):
    settings.PAYMENT_REFUND_MAX_ATTEMPTS = 1
    answers = RefundPlatform(monkeypatch, "unreachable")  # the call timed out, but the platform made the refund
    dossier, refund = requested()
    assert execute_refund(refund_id=refund.pk, now=refund.next_attempt_at) == "retry"
    refund.refresh_from_db()
    asked = []

    def query(reference):
        asked.append(reference)
        return platform.PlatformPayment(reference=reference, txn_id="T1", status="refunded", amount=refund.amount)

    monkeypatch.setattr(platform, "query_payment", query)

    assert sweep_payments(now=refund.next_attempt_at) == {"refund_done": 1}

    assert asked == [refund.payment.reference] and len(answers.calls) == 1
    refund.refresh_from_db()
    refund.payment.refresh_from_db()
    assert (refund.status, refund.payment.status) == (RefundStatus.DONE, PaymentStatus.REFUNDED)
    (row,) = refund_rows(dossier)
    assert row.data["refund_status"] == "done" and "xác nhận bằng tra cứu" in row.note
    (payment,) = payment_summary(dossier)["payments"]
    assert payment["refund"]["can_hand_back"] is False


def test_while_the_platform_cannot_say_whether_it_made_the_refund_nothing_goes_to_the_counter(
    requested, monkeypatch, settings
):
    settings.PAYMENT_REFUND_MAX_ATTEMPTS = 1
    answers = RefundPlatform(monkeypatch, "unreachable")
    dossier, refund = requested()
    assert execute_refund(refund_id=refund.pk, now=refund.next_attempt_at) == "retry"
    refund.refresh_from_db()
    asked_at = refund.next_attempt_at

    def query(reference):
        raise platform.PlatformError("timed out")

    monkeypatch.setattr(platform, "query_payment", query)

    assert sweep_payments(now=asked_at) == {"refund_retry": 1}

    refund.refresh_from_db()
    assert (refund.status, refund.attempts) == (RefundStatus.REQUESTED, 1)
    assert refund.next_attempt_at == asked_at + dt.timedelta(hours=1)  # asked again after the longest wait
    assert refund_rows(dossier) == [] and len(answers.calls) == 1
    (payment,) = payment_summary(dossier)["payments"]
    assert payment["refund"]["can_hand_back"] is False


def test_an_attempt_in_flight_is_not_made_again_by_another_worker(requested, monkeypatch):
    answers = RefundPlatform(monkeypatch, 503)
    dossier, refund = requested()
    now = refund.next_attempt_at
    meanwhile = []
    answers.during_call = lambda: meanwhile.append(execute_refund(refund_id=refund.pk, now=now))

    assert execute_refund(refund_id=refund.pk, now=now) == "retry"

    assert meanwhile == ["not_due"]  # the attempt was claimed, with the next one's time, before the call
    assert len(answers.calls) == 1
    refund.refresh_from_db()
    assert refund.attempts == 1


def test_of_two_workers_that_saw_the_refund_due_only_one_makes_the_attempt(requested, monkeypatch):
    answers = RefundPlatform(monkeypatch, 503)
    dossier, refund = requested()
    now = refund.next_attempt_at
    schedule, other = payment_services.refund_retry_delay, []

    def other_worker_claims_first(attempts):
        """Runs after this worker read the refund as due and before it claims the attempt."""
        if not other:
            other.append("started")
            other.append(execute_refund(refund_id=refund.pk, now=now))
        return schedule(attempts)

    monkeypatch.setattr(refunds, "refund_retry_delay", other_worker_claims_first)

    assert execute_refund(refund_id=refund.pk, now=now) == "no_change"

    assert other == ["started", "retry"]
    assert len(answers.calls) == 1
    refund.refresh_from_db()
    assert (refund.attempts, refund.next_attempt_at) == (1, now + MINUTE)


def test_an_officer_retry_starts_the_schedule_over(
    world, requested, monkeypatch, settings, django_capture_on_commit_callbacks
):
    settings.PAYMENT_REFUND_MAX_ATTEMPTS = 2
    answers = RefundPlatform(monkeypatch, 503)
    dossier, refund = requested()
    now = refund.next_attempt_at
    assert execute_refund(refund_id=refund.pk, now=now) == "retry"
    assert execute_refund(refund_id=refund.pk, now=now + MINUTE) == "retry"
    assert execute_refund(refund_id=refund.pk, now=now + 3 * MINUTE) == "failed"  # asked: not made
    url = f"/api/v1/dossiers/{dossier.code}/refunds/{refund.reference}/retry/"

    with django_capture_on_commit_callbacks(execute=False) as scheduled:
        answer = api(world.counter).post(url)

    assert answer.status_code == 200, answer.json()
    assert len(scheduled) == 1  # the first attempt of the new schedule, as a task
    refund.refresh_from_db()
    assert (refund.status, refund.attempts, refund.last_error) == (RefundStatus.REQUESTED, 0, "")
    retried = refund_rows(dossier)[-1]
    assert retried.data["refund_status"] == "requested" and retried.data["attempts_before"] == 2
    assert retried.actor == world.counter and refund.next_attempt_at == retried.at
    # The full number of attempts again, the first wait one minute again.
    restart = refund.next_attempt_at
    assert execute_refund(refund_id=refund.pk, now=restart) == "retry"
    refund.refresh_from_db()
    assert (refund.attempts, refund.next_attempt_at) == (1, restart + MINUTE)
    assert execute_refund(refund_id=refund.pk, now=restart + MINUTE) == "retry"
    assert execute_refund(refund_id=refund.pk, now=restart + 3 * MINUTE) == "failed"
    assert len(answers.calls) == 4


def test_the_sweep_finds_the_refunds_due_through_its_index(db):
    plan = refunds_due(timezone.now()).values_list("pk", flat=True).explain()
    assert "refund_due_attempt" in plan


def test_the_officers_screen_the_api_and_the_admin_show_the_attempts_and_the_next_one(
    world, client, requested, monkeypatch
):
    RefundPlatform(monkeypatch, 503)
    dossier, refund = requested()
    assert execute_refund(refund_id=refund.pk, now=refund.next_attempt_at) == "retry"
    refund.refresh_from_db()
    next_attempt = timezone.localtime(refund.next_attempt_at)

    client.force_login(world.counter)
    screen = client.get(reverse("officer:dossier", args=[dossier.code])).content.decode()
    (payment,) = api(world.counter).get(f"/api/v1/dossiers/{dossier.code}/payments/").json()["payments"]
    (in_detail,) = api(world.counter).get(f"/api/v1/dossiers/{dossier.code}/").json()["payment"]["payments"]
    client.force_login(world.admin)
    listing = client.get(reverse("admin:payments_refund_changelist")).content.decode()

    assert f"Đã gửi Nền tảng thanh toán 1 lần. Gửi lại lúc {next_attempt:%H:%M %d/%m/%Y}." in screen
    assert payment["refund"]["attempts"] == 1
    assert payment["refund"]["next_attempt_at"] == refund.next_attempt_at.isoformat()
    assert in_detail["refund"]["next_attempt_at"] == refund.next_attempt_at.isoformat()
    assert '<td class="field-attempts">1</td>' in listing
    assert f'<td class="field-next_attempt_at nowrap">{date_format(next_attempt, "DATETIME_FORMAT")}</td>' in listing
