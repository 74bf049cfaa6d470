"""Our states → national status codes, read from the seeded, versioned StatusMapping table.

The newest active version is held in memory per process for a short while, so that the outbox
receiver adds no query to a transition.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from dossiers.models import Action, PauseReason, Status

CACHE_SECONDS = 30.0

# Version 1 as seeded by migration 0002 (DOMAIN §3). Used as is when the table holds no active version
# (a test database flushed between tests), so that a change is never left without its row.
SEED_VERSION = 1
SEED_SILENT_ACTIONS = (Action.NOTE.value,)
SEED_ROWS: tuple[tuple[str, str, int], ...] = (
    (Status.SUBMITTED, "", 1),
    (Status.RECEIVED, "", 2),
    (Status.PROCESSING, "", 4),
    (Status.SUPPLEMENT, "", 5),
    (Status.PAUSED, "", 4),
    (Status.PAUSED, PauseReason.FINANCIAL, 6),
    (Status.RESOLVED, "", 9),
    (Status.RETURNED, "", 10),
    (Status.REJECTED, "", 3),
    (Status.WITHDRAWN, "", 7),
    (Status.STOPPED, "", 8),
)


class UnmappedStatus(LookupError):
    """A state with no row in the active mapping: the change cannot be reported, so it is refused."""


@dataclass(frozen=True)
class Mapping:
    version: int
    codes: dict[tuple[str, str], int]
    silent_actions: frozenset[str]

    def national_code(self, status: str, pause_reason: str = "") -> int:
        code = self.codes.get((status, pause_reason or ""))
        if code is None:
            code = self.codes.get((status, ""))
        if code is None:
            raise UnmappedStatus(f"no national status for {status!r} in mapping v{self.version}")
        return code

    def is_silent(self, action: str) -> bool:
        return action in self.silent_actions


_lock = threading.Lock()
_cached: tuple[float, Mapping] | None = None


def load_mapping() -> Mapping:
    """The newest active version, read from the database."""
    from .models import MappingVersion

    version = MappingVersion.objects.filter(is_active=True).order_by("-number").first()
    if version is None:
        return seed_mapping()
    codes = {(r.status, r.pause_reason or ""): r.national_code for r in version.rows.all()}
    return Mapping(version=version.number, codes=codes, silent_actions=frozenset(version.silent_actions or ()))


def seed_mapping() -> Mapping:
    return Mapping(
        version=SEED_VERSION,
        codes={(str(status), str(reason)): code for status, reason, code in SEED_ROWS},
        silent_actions=frozenset(SEED_SILENT_ACTIONS),
    )


def active_mapping() -> Mapping:
    global _cached
    now = time.monotonic()
    cached = _cached
    if cached is not None and now - cached[0] < CACHE_SECONDS:
        return cached[1]
    with _lock:
        mapping = load_mapping()
        _cached = (now, mapping)
    return mapping


def invalidate_mapping() -> None:
    global _cached
    _cached = None


def missing_states(mapping: Mapping) -> list[str]:
    """States of dossiers.models.Status that the mapping cannot translate."""
    return [s for s in Status.values if (s, "") not in mapping.codes]
