"""Use cases of the portal sync: write the outbox row of a change, claim and deliver batches, the
circuit breaker, dead letters and reconciliation (DOMAIN §3, §5).

Delivery is at least once and applied once: a batch is leased (its rows' next_attempt_at is pushed
past the lease) in a short transaction that claims rows with SELECT … FOR UPDATE SKIP LOCKED, sent,
then marked. A worker that dies leaves its rows due again when the lease ends; the portal drops what
it already holds by (MaHoSo, SoThuTu). Only the lowest undelivered row of a dossier, with the rows
after it, is eligible, so a dossier's messages go in order and one failing dossier blocks no other.

A change recorded while no mapping version is active gets its row without a national status code; the
row waits, pending, until a version is active and gives it one (assign_codes). Nothing is sent with a
guessed code, and no change is refused for it.

- `outbox`: the outbox row of a change; national codes given late; releasing claimed rows.
- `breaker`: backoff and the circuit breaker.
- `delivery`: claiming, sending and marking batches; dead letters.
- `reconciliation`: what the portal holds against what was sent.
"""

from .breaker import (
    Gate,
    backoff_seconds,
    breaker_gate,
    portal_link,
    record_portal_failure,
    record_portal_success,
)
from .delivery import (
    UNDELIVERED,
    BatchOutcome,
    DrainResult,
    apply_outcome,
    claim_batch,
    deliver_due,
    retry_dead_letters,
    send_batch,
)
from .outbox import (
    Coding,
    assign_codes,
    ensure_complete_mapping,
    record_change,
    release_claimed,
    release_rows_awaiting_codes,
)
from .reconciliation import reconcile

__all__ = [
    "UNDELIVERED",
    "BatchOutcome",
    "Coding",
    "DrainResult",
    "Gate",
    "apply_outcome",
    "assign_codes",
    "backoff_seconds",
    "breaker_gate",
    "claim_batch",
    "deliver_due",
    "ensure_complete_mapping",
    "portal_link",
    "reconcile",
    "record_change",
    "record_portal_failure",
    "record_portal_success",
    "release_claimed",
    "release_rows_awaiting_codes",
    "retry_dead_letters",
    "send_batch",
]
