"""Notifications to the applicant: sent after the change commits, by e-mail (Django's backend) and SMS (the
simulated gateway keeps what it sends), on the channels the applicant chose, never twice for one event."""

import pytest
from django.core import mail

from dossiers import services
from notifications import services as notification_services
from notifications import tasks
from notifications.models import Delivery, Notification, SimulatedSms
from notifications.services import set_preference


@pytest.fixture
def sent_now(monkeypatch, django_capture_on_commit_callbacks):
    """Runs the notification tasks the commits ask for, in this process, as a worker would."""
    calls = []

    def apply_async(kwargs, **options):
        calls.append(kwargs)
        tasks.notify.run(**kwargs)

    monkeypatch.setattr(tasks.notify, "apply_async", apply_async)
    return calls


def online_dossier(world, **kwargs):
    return world.online_dossier(applicant_email="an@example.vn", applicant_phone="0912345678", **kwargs)


def test_a_receipt_is_sent_by_e_mail_and_sms_after_the_commit(world, sent_now, django_capture_on_commit_callbacks):
    dossier = online_dossier(world)
    with django_capture_on_commit_callbacks(execute=True):
        dossier = services.receive_dossier(dossier=dossier, actor=world.counter)

    assert [c["kind"] for c in sent_now] == ["receipt"]
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["an@example.vn"]
    assert mail.outbox[0].subject == f"Hồ sơ {dossier.code} đã được tiếp nhận"
    assert "ngày hẹn trả kết quả" in mail.outbox[0].body
    assert "/tra-cuu/?ma=" in mail.outbox[0].body and "&k=" in mail.outbox[0].body
    (sms,) = SimulatedSms.objects.all()
    assert sms.to == "0912345678" and dossier.code in sms.body
    assert set(Notification.objects.values_list("channel", "status")) == {("email", "sent"), ("sms", "sent")}


def test_the_same_event_is_never_sent_twice(world, sent_now, django_capture_on_commit_callbacks):
    dossier = online_dossier(world)
    with django_capture_on_commit_callbacks(execute=True):
        services.receive_dossier(dossier=dossier, actor=world.counter)
    seq = Notification.objects.first().event_seq

    tasks.notify.run(dossier_id=dossier.pk, event_seq=seq, kind="receipt")  # a repeated or retried task

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


def test_a_failing_gateway_is_retried_and_what_was_sent_is_not_sent_again(world, settings, monkeypatch):
    dossier = services.receive_dossier(dossier=online_dossier(world), actor=world.counter)
    seq = dossier.event_seq
    settings.SMS_GATEWAY = "tests.notifications.test_notifications.BrokenGateway"

    with pytest.raises(ConnectionError):
        notification_services.send_event_notifications(dossier_id=dossier.pk, event_seq=seq, kind="receipt")
    sms = Notification.objects.get(channel="sms")
    assert (sms.status, sms.attempts) == (Delivery.PENDING, 1)
    assert "ConnectionError" in sms.error
    assert len(mail.outbox) == 1

    settings.SMS_GATEWAY = "notifications.sms.SimulatedGateway"
    notification_services.send_event_notifications(dossier_id=dossier.pk, event_seq=seq, kind="receipt")

    sms.refresh_from_db()
    assert (sms.status, sms.attempts) == (Delivery.SENT, 2)
    assert len(mail.outbox) == 1
    assert SimulatedSms.objects.count() == 1


def test_the_task_retries_and_gives_up_marking_what_failed(world, settings, monkeypatch):
    dossier = services.receive_dossier(dossier=online_dossier(world), actor=world.counter)
    settings.SMS_GATEWAY = "tests.notifications.test_notifications.BrokenGateway"
    retried = []

    def retry(exc=None, countdown=None, **kwargs):
        retried.append(countdown)
        return RuntimeError("retry")

    monkeypatch.setattr(tasks.notify, "retry", retry)
    with pytest.raises(RuntimeError):
        tasks.notify.run(dossier_id=dossier.pk, event_seq=dossier.event_seq, kind="receipt")
    assert retried == [30]

    tasks.notify.push_request(retries=tasks.MAX_RETRIES)
    try:
        with pytest.raises(ConnectionError):
            tasks.notify.run(dossier_id=dossier.pk, event_seq=dossier.event_seq, kind="receipt")
    finally:
        tasks.notify.pop_request()
    assert Notification.objects.get(channel="sms").status == Delivery.FAILED


def test_a_change_that_rolls_back_notifies_nobody(world, sent_now, django_capture_on_commit_callbacks):
    dossier = online_dossier(world)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(services.DossierError):
        services.refuse_dossier(dossier=dossier, actor=world.counter, note="")

    assert sent_now == []
    assert mail.outbox == []


class BrokenGateway:
    def send(self, to, body):
        raise ConnectionError("gateway unreachable")
