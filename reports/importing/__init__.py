"""The bulk import of historical dossiers (`manage.py import_dossiers`): CSV (UTF-8, header row) or JSON
Lines, one dossier a row, validated row by row (`rows`). A bad row is reported with its line number and
reason and the rest goes in. Valid rows are written in batches, each in one transaction with its history
entries, facts, summaries and the file's progress, set-based (`writing`: a staging table filled by COPY on
PostgreSQL, then one statement per table); a rerun resumes after the last batch written, and importing a
code again updates that dossier, so a rerun changes nothing.

The columns are listed in `COLUMNS` and documented in docs/reports.md.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import ImportRun
from .rows import COLUMNS, REQUIRED, Row, RowError, Validator, read_rows
from .writing import IMPORTED_NOTE, Writer, write_history

__all__ = [
    "COLUMNS",
    "IMPORTED_NOTE",
    "REQUIRED",
    "Outcomes",
    "Row",
    "RowError",
    "Validator",
    "count_lines",
    "fingerprint",
    "import_file",
    "read_rows",
    "write_history",
]

_PROGRESS_EVERY = 1000  # lines between two progress calls


@dataclass
class Outcomes:
    lines: int = 0
    imported: int = 0
    created: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)
    skipped_lines: int = 0


def fingerprint(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def import_file(
    path: Path,
    *,
    batch_size: int = 10_000,
    restart: bool = False,
    on_error: Callable[[int, str], None] | None = None,
    on_progress: Callable[[int], None] | None = None,
) -> Outcomes:
    """Import a file; resumes after the last batch a previous run wrote unless `restart`. `on_progress` is
    called with the line reached every few hundred lines and after each batch."""
    outcomes = Outcomes()
    run, _created = ImportRun.objects.get_or_create(fingerprint=fingerprint(path), defaults={"path": str(path)})
    if restart:
        run.lines_done = run.imported = run.errors = 0
        run.finished_at = None
    skip = run.lines_done
    validator, writer = Validator(), Writer(path.name)

    batch: list[Row] = []
    errors_in_batch: list[int] = []
    last_line = 0

    def report(line, message):
        outcomes.errors.append((line, message))
        errors_in_batch.append(line)
        if on_error:
            on_error(line, message)

    def flush():
        nonlocal batch
        with transaction.atomic():
            created, refused = writer.write(batch)
            for line, code in refused:
                report(line, _("mã %s là của một hồ sơ đang được xử lý trong hệ thống, không nhập đè") % code)
            run.lines_done = last_line
            run.imported += len(batch) - len(refused)
            run.errors += len(errors_in_batch)
            run.save()
        outcomes.imported += len(batch) - len(refused)
        outcomes.created += created
        errors_in_batch.clear()
        batch = []
        if on_progress:
            on_progress(last_line)

    seen: set[str] = set()
    for line, data in read_rows(path):
        outcomes.lines += 1
        if on_progress and not outcomes.lines % _PROGRESS_EVERY:
            on_progress(line)
        if line <= skip:
            outcomes.skipped_lines += 1
            continue
        last_line = line
        if isinstance(data, str):
            report(line, data)
            continue
        try:
            row = validator.row(line, data)
        except RowError as error:
            report(line, str(error))
            continue
        if row.code in seen:
            flush()  # the later row of a code repeated in the file wins, as a rerun would make it
            seen.clear()
        seen.add(row.code)
        batch.append(row)
        if len(batch) >= batch_size:
            flush()
            seen.clear()
    flush()
    run.finished_at = timezone.now()
    run.save(update_fields=["finished_at"])
    return outcomes


def count_lines(path: Path) -> int:
    with path.open("rb") as handle:
        return sum(block.count(b"\n") for block in iter(lambda: handle.read(1 << 20), b""))
