"""The notifications' outbox: the rows of an event written in the change's own transaction, then each one
sent once (claimed before the gateway is called, so that no two workers send it and a worker that dies
mid-send does not cause a second message); what fails waits with backoff for the sweeper. The applicant's
choice of channels."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable

from django.core.mail import send_mail
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from dossiers.models import Dossier, DossierEvent

from . import conf, sms
from .messages import compose, kind_of
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
    chosen = preference_for(dossier.applicant_user_id and dossier.applicant_user)
    found = []
    if chosen.email and dossier.applicant_email:
        found.append((NotificationChannel.EMAIL, dossier.applicant_email))
    if chosen.sms and dossier.applicant_phone:
        found.append((NotificationChannel.SMS, dossier.applicant_phone))
    return found


def record_notifications(
    *, dossier: Dossier, event: DossierEvent, now: dt.datetime | None = None
) -> list[Notification]:
    """The notifications a recorded change calls for, one per channel the applicant chose, written (one
    INSERT) in the change's own transaction: they commit or roll back with it, and nothing is lost if the
    broker is away when it commits. Their words are composed now, as the dossier stands after the change."""
    if not (dossier.applicant_email or dossier.applicant_phone):
        return []
    kind = kind_of(event, dossier)
    if kind is None:
        return []
    recipients = _recipients(dossier)
    if not recipients:
        return []
    subject, body = compose(kind, dossier, event)
    now = now or timezone.now()
    # The after-commit kick sends them at once; the sweeper takes them only if it did not, a little later.
    due = now + dt.timedelta(seconds=conf.GRACE_SECONDS)
    rows = [
        Notification(
            dossier_id=dossier.pk,
            event_seq=event.seq,
            kind=kind,
            channel=channel,
            recipient=recipient,
            subject=subject,
            body=body,
            created_at=now,
            next_attempt_at=due,
        )
        for channel, recipient in recipients
    ]
    return Notification.objects.bulk_create(rows)


def _send(notification: Notification) -> None:
    if notification.channel == NotificationChannel.EMAIL:
        send_mail(notification.subject, notification.body, None, [notification.recipient], fail_silently=False)
    else:
        sms.gateway().send(notification.recipient, notification.body)


def backoff(attempts: int) -> dt.timedelta:
    """How long a notification waits after its `attempts`-th failed send."""
    return dt.timedelta(seconds=min(conf.BACKOFF_MAX, conf.BACKOFF_BASE * 2 ** max(0, attempts - 1)))


def send_notification(*, notification_id: int, now: dt.datetime | None = None) -> str:
    """Send one pending notification: claimed first (a conditional UPDATE, committed before the gateway is
    called), so that it goes out at most once whoever else tries. Answers what became of it: "sent",
    "retry" (the gateway refused it; due again after a backoff), "failed" (refused too often) or "skipped"
    (not pending: sent, being sent, or gone)."""
    now = now or timezone.now()
    claimed = Notification.objects.filter(pk=notification_id, status=Delivery.PENDING).update(
        status=Delivery.SENDING, claimed_at=now, attempts=F("attempts") + 1
    )
    if not claimed:
        return "skipped"
    notification = Notification.objects.get(pk=notification_id)
    try:
        _send(notification)
    except Exception as exc:  # the gateway did not take it: it was not sent, so it may be sent again
        error = f"{type(exc).__name__}: {exc}"[:500]
        failed = notification.attempts >= conf.MAX_ATTEMPTS
        Notification.objects.filter(pk=notification_id, status=Delivery.SENDING).update(
            status=Delivery.FAILED if failed else Delivery.PENDING,
            error=error,
            claimed_at=None,
            next_attempt_at=now + backoff(notification.attempts),
        )
        logger.warning(
            "notification %s (%s) not sent, attempt %s: %s", notification_id, notification.channel,
            notification.attempts, error,
        )  # fmt: skip
        return "failed" if failed else "retry"
    Notification.objects.filter(pk=notification_id, status=Delivery.SENDING).update(
        status=Delivery.SENT, sent_at=timezone.now(), error="", claimed_at=None
    )
    return "sent"


def deliver(*, ids: Iterable[int]) -> dict[str, int]:
    """Send the notifications `ids` (those of one change, kicked after its commit)."""
    outcome: dict[str, int] = {}
    for pk in ids:
        result = send_notification(notification_id=pk)
        outcome[result] = outcome.get(result, 0) + 1
    return outcome


def sweep(*, now: dt.datetime | None = None) -> dict[str, int]:
    """What the kicks did not send (the broker was down, a worker died, the gateway failed): the pending
    notifications that are due, oldest first, each sent as `send_notification` does. One claimed for
    sending longer than the lease by a worker that never said how it went is not sent again (it may have
    gone out): it is marked failed for an officer to see."""
    now = now or timezone.now()
    stuck = Notification.objects.filter(
        status=Delivery.SENDING, claimed_at__lt=now - dt.timedelta(seconds=conf.LEASE_SECONDS)
    ).update(status=Delivery.FAILED, error=_("Không rõ đã gửi được hay chưa (tiến trình gửi dừng giữa chừng)."))
    due = list(
        Notification.objects.filter(status=Delivery.PENDING, next_attempt_at__lte=now)
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[: conf.SWEEP_BATCH]
    )
    outcome = deliver(ids=due)
    if stuck:
        outcome["abandoned"] = stuck
    return outcome
