"""The skeleton every use case shares: the dossier locked, its changed columns saved, its history row
appended and `dossier_changed` sent, in the use case's transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from itertools import compress
from operator import ne

from django.utils import timezone
from django.utils.translation import gettext as _

from onestop import fastsql

from ..models import Dossier, DossierEvent, DossierStep
from ..signals import dossier_changed
from .errors import ChangedUnderYou, DossierNotFound
from .rules import ACTION_METHODS

# What a use case whose change goes to the portal whole reads besides the dossier (portal.payloads.sync_payload;
# the receiving agency it reads too is read then, by its own query).
_WHOLE = ("procedure", "competent_agency")


def _locked(dossier: Dossier | str, expected_version: int | None = None, *, related: Sequence[str] = ()) -> Dossier:
    """The dossier re-read with its row locked for the rest of the transaction, with its current step and the
    relations `related`. Any other relation is read when it is first used (its own query): the ones most
    transitions never read (the procedure, the agencies: a dossier's calendar is found by its agency's key) are
    not joined into every transition's read."""
    by_code = isinstance(dossier, str)
    locked = fastsql.get(
        Dossier,
        where="code = %s" if by_code else "id = %s",
        params=[dossier if by_code else dossier.pk],
        related=("current_step", *related),
        lock=True,
    )
    if locked is None:
        raise DossierNotFound(_("Không tìm thấy hồ sơ %(code)s.") % {"code": dossier if by_code else ""})
    if expected_version is not None and locked.version != expected_version:
        raise ChangedUnderYou(
            _(
                "Hồ sơ %(code)s vừa được người khác cập nhật (phiên bản %(now)s, bạn đang xem %(seen)s). "
                "Hãy tải lại rồi thực hiện lại."
            )
            % {"code": locked.code, "now": locked.version, "seen": expected_version},
            current_version=locked.version,
        )
    locked._loaded_values = _column_values(locked)
    return locked


def _check_step(dossier: Dossier, expected_step: int | None) -> None:
    """Refuse a step action aimed at a step the dossier has already left (someone else finished or sent it
    back in the meantime), so a repeated or concurrent request cannot act on the next step instead."""
    if expected_step is None or dossier.current_step_id == expected_step:
        return
    current = dossier.current_step
    raise ChangedUnderYou(
        _(
            "Bước bạn đang xử lý của hồ sơ %(code)s đã được người khác chuyển đi; hồ sơ hiện ở bước "
            "“%(step)s”. Hãy tải lại rồi thực hiện lại."
        )
        % {"code": dossier.code, "step": current.name if current else _("không có")},
        current_step=dossier.current_step_id,
        current_version=dossier.version,
    )


_COLUMNS = tuple(f.attname for f in Dossier._meta.concrete_fields if not f.primary_key)


def _column_values(dossier: Dossier) -> tuple:
    """The dossier's column values, in `_COLUMNS` order."""
    return tuple(map(dossier.__dict__.get, _COLUMNS))


def _save_changes(dossier: Dossier) -> None:
    """UPDATE only the columns the use case changed since it locked (`_locked`) or created the dossier (the
    row is locked, so nothing else changed them)."""
    values = _column_values(dossier)
    fastsql.update(dossier, list(compress(_COLUMNS, map(ne, values, dossier._loaded_values))))
    dossier._loaded_values = values


def _record(
    dossier: Dossier,
    *,
    action: str,
    from_status: str,
    actor,
    at: dt.datetime,
    note: str = "",
    step: DossierStep | None = None,
    data: dict | None = None,
) -> DossierEvent:
    """Save the dossier and append its history row; tell the other apps (same transaction)."""
    dossier.event_seq += 1
    dossier.version += 1
    _save_changes(dossier)
    step = step if step is not None else dossier.current_step
    actor = actor if getattr(actor, "pk", None) else None
    event = fastsql.new(
        DossierEvent,
        {"dossier": dossier, "step": step, "actor": actor},
        dossier_id=dossier.pk,
        seq=dossier.event_seq,
        action=action,
        from_status=from_status,
        to_status=dossier.status,
        step_id=step.pk if step is not None else None,
        step_name=step.name if step else "",
        actor_id=actor.pk if actor is not None else None,
        actor_name=_actor_name(actor),
        at=at,
        note=note or "",
        data=data or {},
    )
    fastsql.insert([event], defer_ids=True)  # rows that refer to it use fastsql.key_of(event, by=DossierEvent.IDENTITY)
    fastsql.send_queued()  # the server writes the history row while the receivers build theirs
    dossier_changed.send(sender=Dossier, dossier=dossier, event=event, previous_status=from_status)
    return event


def _actor_name(actor) -> str:
    if actor is None or not getattr(actor, "pk", None):
        return ""
    return actor.get_full_name() or actor.get_username()


def _now(at: dt.datetime | None) -> dt.datetime:
    return at or timezone.now()


def record_event(*, dossier, actor, action: str, note: str = "", data: dict | None = None, at=None) -> DossierEvent:
    """Append a history row that changes no state (a payment, a note), with the same signal as a
    transition so that other apps see it. For use by other apps' services (payments)."""
    if action in ACTION_METHODS:
        raise ValueError("state changes go through their own service")
    with fastsql.atomic():
        dossier = _locked(dossier)
        return _record(
            dossier, action=action, from_status=dossier.status, actor=actor, at=_now(at), note=note, data=data
        )
