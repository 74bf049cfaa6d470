"""Sending one event's notifications, once per channel, and the applicant's choice of channels."""

from __future__ import annotations

import logging

from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from dossiers.models import Dossier, DossierEvent

from . import sms
from .messages import compose
from .models import Delivery, Notification, NotificationChannel, Preference

logger = logging.getLogger("onestop.notifications")


def preference_for(user) -> Preference:
    if user is None:
        return Preference(email=True, sms=True)
    return Preference.objects.filter(user=user).first() or Preference(user=user, email=True, sms=True)


def set_preference(*, user, email: bool, sms: bool) -> Preference:
    preference, _created = Preference.objects.update_or_create(user=user, defaults={"email": email, "sms": sms})
    return preference


def _recipients(dossier: Dossier) -> list[tuple[str, str]]:
    chosen = preference_for(dossier.applicant_user)
    found = []
    if chosen.email and dossier.applicant_email:
        found.append((NotificationChannel.EMAIL, dossier.applicant_email))
    if chosen.sms and dossier.applicant_phone:
        found.append((NotificationChannel.SMS, dossier.applicant_phone))
    return found


def _record(dossier: Dossier, event: DossierEvent, kind: str, channel: str, recipient: str) -> Notification:
    subject, body = compose(kind, dossier, event)
    try:
        with transaction.atomic():
            return Notification.objects.get_or_create(
                dossier=dossier,
                event_seq=event.seq,
                channel=channel,
                defaults={"kind": kind, "recipient": recipient, "subject": subject, "body": body},
            )[0]
    except IntegrityError:  # another worker wrote it first
        return Notification.objects.get(dossier=dossier, event_seq=event.seq, channel=channel)


def _send(notification: Notification) -> None:
    if notification.channel == NotificationChannel.EMAIL:
        send_mail(notification.subject, notification.body, None, [notification.recipient], fail_silently=False)
    else:
        sms.gateway().send(notification.recipient, notification.body)


def send_event_notifications(*, dossier_id: int, event_seq: int, kind: str) -> list[Notification]:
    """Send what the event calls for on each channel the applicant chose. A channel already sent for this
    event is not sent again (a retried or repeated task); one that fails raises, for the task to retry."""
    dossier = Dossier.objects.select_related("procedure", "applicant_user").filter(pk=dossier_id).first()
    event = DossierEvent.objects.filter(dossier_id=dossier_id, seq=event_seq).first()
    if dossier is None or event is None:
        return []
    done, failure = [], None
    for channel, recipient in _recipients(dossier):
        _record(dossier, event, kind, channel, recipient)
        with transaction.atomic():
            notification = (
                Notification.objects.select_for_update()
                .filter(dossier=dossier, event_seq=event_seq, channel=channel)
                .get()
            )
            if notification.status == Delivery.SENT:
                done.append(notification)
                continue
            notification.attempts += 1
            try:
                _send(notification)
            except Exception as exc:
                notification.error = f"{type(exc).__name__}: {exc}"[:500]
                notification.save(update_fields=["attempts", "error"])
                failure = failure or exc
                continue
            notification.status, notification.sent_at, notification.error = Delivery.SENT, timezone.now(), ""
            notification.save(update_fields=["status", "sent_at", "attempts", "error"])
            done.append(notification)
    if failure is not None:
        raise failure
    return done


def give_up(*, dossier_id: int, event_seq: int) -> None:
    """After the last retry: what could not be sent is marked failed (the officers see it in the admin)."""
    Notification.objects.filter(dossier_id=dossier_id, event_seq=event_seq, status=Delivery.PENDING).update(
        status=Delivery.FAILED
    )
