"""Notifications to the applicant: written as an outbox in the change's own transaction, sent by a task kicked
after the commit, by e-mail (Django's backend) and SMS (the simulated gateway keeps what it sends), on the
channels the applicant chose, at most once per event and channel; what is not sent waits for the sweeper,
which retries with backoff."""

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from dossiers import services
from dossiers.models import Status
from notifications import conf, tasks
from notifications import services as notification_services
from notifications.models import Delivery, Notification, SimulatedSms
from notifications.services import set_preference
from payments import services as payment_services


@pytest.fixture
def sent_now(monkeypatch):
    """Runs the delivery tasks the commits kick, in this process, as a worker would."""
    calls = []

    def apply_async(kwargs, **options):
        calls.append(kwargs)
        tasks.deliver.run(**kwargs)

    monkeypatch.setattr(tasks.deliver, "apply_async", apply_async)
    return calls


@pytest.fixture
def broker_down(monkeypatch):
    def apply_async(kwargs, **options):
        raise ConnectionRefusedError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(tasks.deliver, "apply_async", apply_async)


def online_dossier(world, **kwargs):
    return world.online_dossier(applicant_email="an@example.vn", applicant_phone="0912345678", **kwargs)


def later(seconds: float) -> dt.datetime:
    return timezone.now() + dt.timedelta(seconds=seconds)


def test_a_receipt_is_written_with_the_change_and_sent_by_e_mail_and_sms_after_the_commit(
    world, sent_now, django_capture_on_commit_callbacks
):
    dossier = online_dossier(world)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        dossier = services.receive_dossier(dossier=dossier, actor=world.counter)
        # Inside the change's transaction: the rows are there, nothing has been sent.
        assert set(Notification.objects.values_list("channel", "status")) == {("email", "pending"), ("sms", "pending")}
        assert mail.outbox == [] and not SimulatedSms.objects.exists()
    for callback in callbacks:
        callback()

    assert len(sent_now) == 1
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["an@example.vn"]
    assert mail.outbox[0].subject == f"Hồ sơ {dossier.code} đã được tiếp nhận"
    assert "ngày hẹn trả kết quả" in mail.outbox[0].body
    assert "/tra-cuu/?ma=" in mail.outbox[0].body and "&k=" in mail.outbox[0].body
    (sms,) = SimulatedSms.objects.all()
    assert sms.to == "0912345678" and dossier.code in sms.body
    assert set(Notification.objects.values_list("channel", "status", "attempts")) == {
        ("email", "sent", 1),
        ("sms", "sent", 1),
    }


def test_the_same_notification_is_never_sent_twice(world, sent_now, django_capture_on_commit_callbacks):
    dossier = online_dossier(world)
    with django_capture_on_commit_callbacks(execute=True):
        services.receive_dossier(dossier=dossier, actor=world.counter)
    ids = list(Notification.objects.values_list("pk", flat=True))

    again = tasks.deliver.run(ids=ids)  # a repeated or redelivered task
    swept = notification_services.sweep(now=later(3600))

    assert again == {"skipped": 2} and swept == {}
    assert len(mail.outbox) == 1
    assert SimulatedSms.objects.count() == 1


def test_the_applicant_chooses_the_channels(world, sent_now, django_capture_on_commit_callbacks):
    set_preference(user=world.applicant, email=False, sms=True)
    dossier = online_dossier(world)
    with django_capture_on_commit_callbacks(execute=True):
        services.receive_dossier(dossier=dossier, actor=world.counter)
    with django_capture_on_commit_callbacks(execute=True):
        services.start_processing(dossier=dossier, actor=world.counter)
    with django_capture_on_commit_callbacks(execute=True):
        services.request_supplement(
            dossier=dossier, actor=world.counter, missing_documents=[{"name": "Tờ khai", "reason": "Thiếu chữ ký"}]
        )

    assert mail.outbox == []
    bodies = list(SimulatedSms.objects.order_by("pk").values_list("body", flat=True))
    assert len(bodies) == 2
    assert "cần bổ sung: Tờ khai (Thiếu chữ ký)" in bodies[1]


def test_a_failing_gateway_waits_with_backoff_and_the_sweeper_sends_it_once(
    world, settings, sent_now, django_capture_on_commit_callbacks
):
    settings.SMS_GATEWAY = "tests.notifications.test_notifications.BrokenGateway"
    with django_capture_on_commit_callbacks(execute=True):
        services.receive_dossier(dossier=online_dossier(world), actor=world.counter)
    sms = Notification.objects.get(channel="sms")
    assert (sms.status, sms.attempts) == (Delivery.PENDING, 1)
    assert "ConnectionError" in sms.error
    assert sms.next_attempt_at >= later(conf.BACKOFF_BASE - 5)  # not before the backoff
    assert len(mail.outbox) == 1  # the e-mail went

    assert notification_services.sweep() == {}  # not due yet
    assert notification_services.sweep(now=later(conf.BACKOFF_BASE + 1)) == {"retry": 1}  # still broken
    sms.refresh_from_db()
    assert sms.attempts == 2 and sms.next_attempt_at >= later(2 * conf.BACKOFF_BASE - 5)  # doubled

    settings.SMS_GATEWAY = "notifications.sms.SimulatedGateway"
    assert notification_services.sweep(now=later(10 * conf.BACKOFF_BASE)) == {"sent": 1}

    sms.refresh_from_db()
    assert (sms.status, sms.attempts, sms.error) == (Delivery.SENT, 3, "")
    assert len(mail.outbox) == 1
    assert SimulatedSms.objects.count() == 1


def test_after_too_many_refusals_a_notification_is_marked_failed(world, settings, monkeypatch, broker_down):
    monkeypatch.setattr(conf, "MAX_ATTEMPTS", 2)
    settings.SMS_GATEWAY = "tests.notifications.test_notifications.BrokenGateway"
    services.receive_dossier(dossier=online_dossier(world), actor=world.counter)

    notification_services.sweep(now=later(conf.GRACE_SECONDS + 1))
    notification_services.sweep(now=later(conf.BACKOFF_MAX + conf.GRACE_SECONDS + 1))

    sms = Notification.objects.get(channel="sms")
    assert (sms.status, sms.attempts) == (Delivery.FAILED, 2)
    assert notification_services.sweep(now=later(10 * conf.BACKOFF_MAX)) == {}  # no more tries


def test_nothing_is_lost_when_the_broker_is_down_at_the_commit(world, broker_down, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        dossier = services.receive_dossier(dossier=online_dossier(world), actor=world.counter)

    dossier.refresh_from_db()
    assert dossier.status == Status.RECEIVED  # the change stands
    assert set(Notification.objects.values_list("status", flat=True)) == {Delivery.PENDING}
    assert mail.outbox == []

    assert notification_services.sweep(now=later(conf.GRACE_SECONDS + 1)) == {"sent": 2}
    assert len(mail.outbox) == 1 and SimulatedSms.objects.count() == 1


def test_a_notification_whose_sender_died_mid_send_is_not_sent_again(world, broker_down):
    services.receive_dossier(dossier=online_dossier(world), actor=world.counter)
    sms = Notification.objects.get(channel="sms")
    claimed = Notification.objects.filter(pk=sms.pk).update(status=Delivery.SENDING, claimed_at=timezone.now())
    assert claimed == 1  # a worker claimed it, then died before saying how it went

    swept = notification_services.sweep(now=later(conf.LEASE_SECONDS + 1))

    sms.refresh_from_db()
    assert swept == {"sent": 1, "abandoned": 1}  # the e-mail was sent; the SMS is not tried again
    assert sms.status == Delivery.FAILED and "Không rõ đã gửi" in sms.error
    assert not SimulatedSms.objects.exists()


def test_a_change_that_rolls_back_notifies_nobody(world, sent_now, django_capture_on_commit_callbacks):
    dossier = online_dossier(world)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(services.DossierError):
        services.refuse_dossier(dossier=dossier, actor=world.counter, note="")

    assert sent_now == []
    assert not Notification.objects.exists()
    assert mail.outbox == []


def test_a_fee_due_later_is_notified_by_e_mail_and_sms(world, sent_now, django_capture_on_commit_callbacks):
    dossier = services.receive_dossier(dossier=online_dossier(world), actor=world.counter)
    dossier = services.start_processing(dossier=dossier, actor=world.counter)
    Notification.objects.all().delete()
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        payment_services.request_financial_obligation(
            dossier=dossier, actor=world.counter, amount=120_000, reason="Lệ phí trước bạ"
        )

    (email,) = mail.outbox
    assert email.subject == f"Hồ sơ {dossier.code}: nghĩa vụ tài chính cần thực hiện"
    assert "Lệ phí trước bạ" in email.body and "120.000 đồng" in email.body
    assert "Hồ sơ của tôi" in email.body
    assert set(Notification.objects.values_list("kind", "status")) == {("fee_due", "sent")}
    assert "120.000" in SimulatedSms.objects.get().body


class BrokenGateway:
    def send(self, to, body):
        raise ConnectionError("gateway unreachable")
