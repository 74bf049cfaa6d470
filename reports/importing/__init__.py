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
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from queue import Full, Queue

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


@dataclass
class _Chunk:
    """What reading and validating gave for one batch: its valid rows, the lines refused and why, the last
    line it covers."""

    rows: list[Row] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)
    last_line: int = 0
    lines: int = 0
    skipped: int = 0


def _chunks(path: Path, *, skip: int, batch_size: int, validator: Validator) -> Iterator[_Chunk]:
    """The file read and validated, in batches of at most `batch_size` valid rows whose codes are distinct
    (a code repeated in the file ends the batch: the later row wins, as a rerun would make it)."""
    chunk, seen = _Chunk(), set()
    for line, data in read_rows(path):
        chunk.lines += 1
        if line <= skip:
            chunk.skipped += 1
            continue
        if isinstance(data, str):
            chunk.errors.append((line, data))
            chunk.last_line = line
            continue
        try:
            row = validator.row(line, data)
        except RowError as error:
            chunk.errors.append((line, str(error)))
            chunk.last_line = line
            continue
        if row.code in seen:
            yield chunk
            chunk, seen = _Chunk(), set()
        seen.add(row.code)
        chunk.rows.append(row)
        chunk.last_line = line
        if len(chunk.rows) >= batch_size:
            yield chunk
            chunk, seen = _Chunk(), set()
    yield chunk


def _ahead(items: Iterator, depth: int = 2) -> Iterator:
    """`items` produced in a thread of their own, at most `depth` ahead of the consumer: the file is read and
    validated while the database writes the batch before (the driver lets the thread run while it waits).
    An exception of the producer is raised in the consumer."""
    done = object()
    queue: Queue = Queue(maxsize=depth)
    stop = threading.Event()

    def offer(item) -> bool:
        while not stop.is_set():
            try:
                queue.put(item, timeout=0.2)
                return True
            except Full:
                continue
        return False

    def produce():
        try:
            for item in items:
                if not offer(item):
                    return
            offer(done)
        except BaseException as error:  # handed to the consumer
            offer(error)

    thread = threading.Thread(target=produce, name="import-reader", daemon=True)
    thread.start()
    try:
        while True:
            item = queue.get()
            if item is done:
                return
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        thread.join()


def import_file(
    path: Path,
    *,
    batch_size: int = 10_000,
    restart: bool = False,
    on_error: Callable[[int, str], None] | None = None,
    on_progress: Callable[[int], None] | None = None,
) -> Outcomes:
    """Import a file; resumes after the last batch a previous run wrote unless `restart`. `on_error` is
    called with the line and the reason of each row refused, `on_progress` with the line reached after each
    batch written."""
    outcomes = Outcomes()
    run, _created = ImportRun.objects.get_or_create(fingerprint=fingerprint(path), defaults={"path": str(path)})
    if restart:
        run.lines_done = run.imported = run.errors = 0
        run.finished_at = None
    validator, writer = Validator(), Writer(path.name)
    chunks = _chunks(path, skip=run.lines_done, batch_size=batch_size, validator=validator)
    for chunk in _ahead(chunks):
        outcomes.lines += chunk.lines
        outcomes.skipped_lines += chunk.skipped
        with transaction.atomic():
            created, refused = writer.write(chunk.rows)
            errors = chunk.errors + [
                (line, _("mã %s là của một hồ sơ đang được xử lý trong hệ thống, không nhập đè") % code)
                for line, code in refused
            ]
            if chunk.last_line:
                run.lines_done = chunk.last_line
            run.imported += len(chunk.rows) - len(refused)
            run.errors += len(errors)
            run.save()
        outcomes.imported += len(chunk.rows) - len(refused)
        outcomes.created += created
        for line, message in sorted(errors):
            outcomes.errors.append((line, message))
            if on_error:
                on_error(line, message)
        if on_progress and chunk.last_line:
            on_progress(chunk.last_line)
    run.finished_at = timezone.now()
    run.save(update_fields=["finished_at"])
    return outcomes


def count_lines(path: Path) -> int:
    with path.open("rb") as handle:
        return sum(block.count(b"\n") for block in iter(lambda: handle.read(1 << 20), b""))
