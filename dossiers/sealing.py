"""The seal of a dossier's history: each history row carries the SHA-256 of its content and of the seal of the
row before it (the dossier's previous row; "" before the first), and the dossier keeps the seal of its last row.
A row changed, removed or inserted afterwards no longer matches; `manage.py verify_history` walks the chains.

One canonical serialisation (`canonical`), the same for every writer: `DossierEvent.of_change` (every change
made in the system), bulk writers (`seal` for a batch of rows: `import_dossiers`, `bench/dataset.py`), and the
verifier. Standard library only, so that a writer outside Django (the benchmark's loader) seals as the system
does. Changing anything here breaks every chain already written.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Mapping, MutableMapping, Sequence

# The values a seal covers, in their order. The dossier is named by its code, which never changes (and is known
# before a bulk writer has the dossier's key); the row's own key is not covered.
SEALED = (
    "code",
    "seq",
    "action",
    "from_status",
    "to_status",
    "step_id",
    "step_name",
    "actor_id",
    "actor_name",
    "at",
    "note",
    "data",
)

_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_MICROSECOND = dt.timedelta(microseconds=1)


def _instant(at: dt.datetime) -> int:
    """Microseconds since the epoch: one number for one instant, whatever the time zone it is written in."""
    if at.tzinfo is None:
        raise ValueError("a history row's time must be aware")
    return (at - _EPOCH) // _MICROSECOND


_ENCODE = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False).encode
_AT = SEALED.index("at")


def canonical(values: Mapping) -> bytes:
    """The bytes a row's seal covers: the values of `SEALED` as one JSON array (keys of `data` sorted, no
    spaces, UTF-8), with the time as microseconds since the epoch and missing keys (step, actor) as null."""
    return canonical_row([values.get(name) for name in SEALED])


def canonical_row(row: Sequence) -> bytes:
    """`canonical` of the values in `SEALED` order."""
    row = list(row)
    row[_AT] = _instant(row[_AT])
    return _ENCODE(row).encode()


def digest(previous: str, values: Mapping) -> str:
    """The seal of a row with `values` (see `SEALED`) that follows a row sealed `previous` ("" for the first)."""
    return digest_row(previous, [values.get(name) for name in SEALED])


def digest_row(previous: str, row: Sequence) -> str:
    """`digest` of the values in `SEALED` order (what a reader of many rows has at hand)."""
    return hashlib.sha256(previous.encode("ascii") + b"\n" + canonical_row(row)).hexdigest()


def seal(rows: Iterable[MutableMapping], previous: Mapping[str, str] | None = None) -> dict[str, str]:
    """Seal a batch of history rows written in bulk: each row (a mapping with the values of `SEALED`, its
    dossier's `code` among them) gets its `digest`, chained to the row before it of the same dossier in the
    batch, or else to `previous[code]` (the dossier's `history_digest`; "" for a dossier without history yet). Rows
    of one dossier come in their `seq` order. Answers each dossier's last seal, for its `history_digest`."""
    previous = previous or {}
    last: dict[str, str] = {}
    for row in rows:
        code = row["code"]
        before = last[code] if code in last else previous.get(code, "")
        row["digest"] = last[code] = digest(before, row)
    return last
