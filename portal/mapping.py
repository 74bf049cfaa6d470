"""Our states → national status codes, read from the seeded, versioned StatusMapping table.

The newest active version is held in memory per process for a short while, so that the outbox
receiver adds no query to a transition. Without an active version nothing is guessed: `load_mapping`
raises NoActiveMapping, and the outbox rows written meanwhile wait for a version (services.assign_codes).
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from django.utils.translation import gettext

from dossiers.models import Status

CACHE_SECONDS = 30.0


class NoActiveMapping(LookupError):
    """No mapping version is active: no change can be given a national status code."""

    def __init__(self):
        super().__init__(
            gettext(
                "Không có phiên bản bảng ánh xạ trạng thái nào đang áp dụng: chưa xác định được mã trạng thái "
                "quốc gia, thông điệp được giữ lại chờ gửi cho đến khi một phiên bản được áp dụng."
            )
        )


class UnmappedStatus(LookupError):
    """A state with no row in the active mapping: a change to it is refused when recorded, and a row written
    without a code (services.assign_codes) waits until a version translates it."""

    def __init__(self, status: str, version: int):
        self.status, self.version = status, version
        label = Status(status).label if status in Status.values else status
        super().__init__(
            gettext(
                "Phiên bản %(version)s của bảng ánh xạ không có mã trạng thái quốc gia cho trạng thái “%(status)s”."
            )
            % {"version": version, "status": label}
        )


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
            raise UnmappedStatus(status, self.version)
        return code

    def is_silent(self, action: str) -> bool:
        return action in self.silent_actions


_lock = threading.Lock()
_cached: tuple[float, Mapping] | None = None


def load_mapping() -> Mapping:
    """The newest active version, read from the database. Raises NoActiveMapping when none is active."""
    from .models import MappingVersion

    version = MappingVersion.objects.active().first()
    if version is None:
        raise NoActiveMapping()
    codes = {(r.status, r.pause_reason or ""): r.national_code for r in version.rows.all()}
    return Mapping(version=version.number, codes=codes, silent_actions=frozenset(version.silent_actions or ()))


def active_mapping() -> Mapping:
    """load_mapping(), kept for CACHE_SECONDS. The absence of a version is not kept: it is read again."""
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


def missing_states(keys) -> list[str]:
    """States of dossiers.models.Status that mapping rows with these (status, pause reason) keys cannot
    translate (a state needs a row without a pause reason)."""
    return [s for s in Status.values if (s, "") not in keys]
