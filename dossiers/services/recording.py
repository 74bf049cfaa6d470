"""The one skeleton every use case runs in (`transition`): the dossier locked → the action checked → the use
case's own rule → its clock events appended → the changed columns saved → the history row written and
`dossier_changed` sent, all in one transaction. Nothing is half-written: an error anywhere rolls it all back.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from workflows.clock import ClockEventKind

from ..models import ClockEvent, Dossier, DossierEvent, DossierStep
from ..signals import dossier_changed
from .clocks import _append_clocks, _budget, _clock, _dossier_budget
from .errors import ChangedUnderYou, DossierNotFound
from .locked_read import read_locked
from .rules import ACTION_METHODS, check_action

# What a use case whose change goes to the portal whole reads besides the dossier (portal.payloads.sync_payload;
# the receiving agency it reads too is read then, by its own query).
WHOLE = ("procedure", "competent_agency")

_FIELDS = tuple((f.name, f.attname) for f in Dossier._meta.concrete_fields if not f.primary_key)


def _column_values(dossier: Dossier) -> dict:
    """The dossier's column values (copies of the mutable ones), to find later which ones a use case changed."""
    return {
        name: copy.deepcopy(value) if isinstance(value := dossier.__dict__.get(attname), dict | list) else value
        for name, attname in _FIELDS
    }


def lock_dossier(
    dossier: Dossier | str | int, *, expected_version: int | None = None, related: Sequence[str] = ()
) -> Dossier:
    """The dossier (an instance, its code or its key) re-read with its row locked for the rest of the
    transaction, in one query with its current step and the relations `related`. The only place a dossier's row
    is locked. Refuses a dossier that is not there, or whose version is not `expected_version` (someone changed
    it meanwhile)."""
    by_code = isinstance(dossier, str)
    key = {"code": dossier} if by_code else {"pk": getattr(dossier, "pk", dossier)}
    if related:
        rows = Dossier.objects.select_related("current_step", *related).select_for_update(of=("self",))
        locked = rows.filter(**key).first()
    else:  # the statement of every transition, compiled once
        locked = read_locked(**key)
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
    locked._saved_values = _column_values(locked)
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


def _now(at: dt.datetime | None) -> dt.datetime:
    return at or timezone.now()


@dataclass
class Change:
    """One change of a dossier as a use case builds it: what it does to the dossier (through the model's
    transition methods), the clock events it adds and what its history row says. `finish` writes it."""

    dossier: Dossier
    action: str
    actor: object
    at: dt.datetime
    before: str  # the dossier's state before the change
    step: DossierStep | None  # the step the change is about: the current one when locked, unless set
    note: str = ""
    data: dict = field(default_factory=dict)
    clocks: list[ClockEvent] = field(default_factory=list)
    event: DossierEvent | None = None

    def clock(self, kind: str, *, at=None, step=None, budget_seconds=None, new_due_at=None, reason: str = "") -> None:
        """A clock event on the dossier's clock, or on `step`'s."""
        self.clocks.append(
            _clock(
                self.dossier,
                kind,
                at or self.at,
                step=step,
                budget_seconds=budget_seconds,
                new_due_at=new_due_at,
                reason=reason,
            )
        )

    def both_clocks(self, kind: str, *, restart: bool = False, reason: str = "") -> None:
        """The same event on the dossier's clock and on its current step's: a pause, a resume, or a restart
        with the full budgets (the procedure's and the step's)."""
        self.clock(kind, budget_seconds=_dossier_budget(self.dossier) if restart else None, reason=reason)
        if self.step is not None:
            budget = _budget(self.dossier, self.step.process_step) if restart else None
            self.clock(kind, step=self.step, budget_seconds=budget, reason=reason)

    def close_step(self, status: str) -> None:
        """The step the change is about ends (done, sent back or closed), and its clock stops."""
        if self.step is None:
            return
        self.step.status, self.step.completed_at = status, self.at
        self.clock(ClockEventKind.STOPPED, step=self.step)

    def apply_clocks(self) -> None:
        """Append the clock events so far (one INSERT) and fold them onto the readings stored with the dossier
        and its steps (its due and appointment dates follow)."""
        _append_clocks(self.dossier, self.clocks)
        self.clocks = []

    def finish(self) -> DossierEvent:
        """Apply the clock events, UPDATE the dossier's changed columns (its last history seal among them),
        INSERT the sealed history row and tell the other apps (same transaction)."""
        dossier = self.dossier
        self.apply_clocks()
        dossier.event_seq += 1
        dossier.version += 1
        event = DossierEvent.of_change(
            dossier,
            action=self.action,
            from_status=self.before,
            actor=self.actor,
            at=self.at,
            step=self.step,
            note=self.note,
            data=self.data,
        )
        _save_changes(dossier)
        DossierEvent.objects.bulk_create([event])  # answers the row's key with it
        dossier_changed.send(sender=Dossier, dossier=dossier, event=event, previous_status=self.before)
        self.event = event
        return event


def _save_changes(dossier: Dossier) -> None:
    """UPDATE only the columns the use case changed since the dossier was locked or created (the row is
    locked, so nothing else changed them)."""
    values = _column_values(dossier)
    saved = dossier.__dict__.get("_saved_values")
    if saved is None:
        raise RuntimeError("a dossier is changed only after lock_dossier() or create_dossier() read it")
    dossier.save(update_fields=[name for name, value in values.items() if value != saved[name]])
    dossier._saved_values = values


@contextmanager
def transition(
    dossier: Dossier | str,
    action: str,
    actor,
    *,
    expected_version: int | None = None,
    expected_step: int | None = None,
    related: Sequence[str] = (),
    at: dt.datetime | None = None,
    check: bool = True,
) -> Iterator[Change]:
    """The skeleton of a use case: in one transaction the dossier is locked (`lock_dossier`), the step it
    aims at and the action checked against the state machine (unless `check` is false: the use case checks
    for itself), then the body applies its rule to the `Change` it is given, and on leaving the change is
    written (`Change.finish`)."""
    with transaction.atomic():
        locked = lock_dossier(dossier, expected_version=expected_version, related=related)
        _check_step(locked, expected_step)
        when = _now(at)
        locked.as_of = when  # conditions that depend on time are judged at the instant the use case acts
        if check:
            check_action(locked, action, actor)
        change = Change(locked, action, actor, when, locked.status, locked.current_step)
        yield change
        change.finish()


def created(dossier: Dossier, action: str, actor, *, at: dt.datetime) -> Change:
    """The first change of a dossier just inserted (in the caller's transaction): `finish` records it."""
    dossier._saved_values = _column_values(dossier)
    return Change(dossier, action, actor, at, "", None)


def record_event(*, dossier, actor, action: str, note: str = "", data: dict | None = None, at=None) -> DossierEvent:
    """Append a history row that changes no state (a payment, a note), with the same signal as a
    transition so that other apps see it. For use by other apps' services (payments)."""
    if action in ACTION_METHODS:
        raise ValueError("state changes go through their own service")
    with transition(dossier, action, actor, at=at, check=False) as change:
        change.note, change.data = note, data or {}
    return change.event
