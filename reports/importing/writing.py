"""Writing a batch of imported rows, set-based: the rows go into a staging table (COPY on PostgreSQL, one
prepared INSERT elsewhere), and a few statements carry them from there into the dossiers, their history
entries, their facts, the summaries and their ratings, whatever the number of rows. A code that belongs to
a dossier handled in this system (not imported) is refused and never written over."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.utils import timezone

from dossiers.models import Action, Dossier, DossierEvent, Rating

from ..facts import add_sums
from ..models import DossierFact
from .rows import STAGE, Row

TABLE = "reports_import_stage"
IMPORTED_NOTE = "Nhập từ dữ liệu lịch sử"  # the history entry of an imported dossier (Vietnamese, as all history)

# The dossier's columns an import writes from the staging table (the others take their defaults), and those
# a second import of the same code updates.
_FROM_STAGE = {
    "code": "code",
    "procedure_id": "procedure_id",
    "receiving_agency_id": "agency_id",
    "competent_agency_id": "agency_id",
    "status": "status",
    "channel": "channel",
    "return_channel": "return_channel",
    "created_at": "created_at",
    "submitted_at": "submitted_at",
    "received_at": "received_at",
    "resolved_at": "resolved_at",
    "returned_at": "returned_at",
    "ended_at": "ended_at",
    "due_at": "due_at",
    "appointment_at": "due_at",
    "verdict": "verdict",
    "result": "result",
    "supplement_requests": "supplement_requests",
    "fee_amount": "fee_amount",
}
_FIXED = {"event_seq": 1, "version": 1, "applicant_name": ""}
_UPDATED = [name for name in _FROM_STAGE if name not in ("code", "created_at")]
_FACT_COLUMNS = [f.attname for f in DossierFact._meta.concrete_fields]


def _kind(kind: str) -> str:
    if connection.vendor == "postgresql":
        return {"timestamp": "timestamptz"}.get(kind, kind)
    return {"timestamp": "text", "date": "text", "boolean": "integer", "double precision": "real"}.get(kind, kind)


def _sqlite_value(value):
    """As the SQLite backend stores it: an aware instant as naive UTC text, a date as ISO text."""
    if isinstance(value, dt.datetime):
        return str(value.astimezone(dt.UTC).replace(tzinfo=None))
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _defaults(model, skip) -> list[tuple[str, object]]:
    """(column, database value) of `model`'s columns not in `skip`, at their defaults."""
    found = []
    for f in model._meta.concrete_fields:
        if f.primary_key or f.attname in skip:
            continue
        found.append((f.column, f.get_db_prep_save(f.get_default(), connection)))
    return found


class Writer:
    """Writes batches of rows of one file (inside the caller's transaction, one batch at a time)."""

    def __init__(self, file_name: str):
        self.file_name = file_name
        quote = connection.ops.quote_name
        self.quote = quote
        with connection.cursor() as cursor:
            columns = ", ".join(f"{name} {_kind(kind)}" for name, kind in STAGE)
            temporary = "pg_temp" if connection.vendor == "postgresql" else "temp"
            cursor.execute(f"DROP TABLE IF EXISTS {temporary}.{TABLE}")  # this session's staging table only
            cursor.execute(
                # submission_seconds: an imported dossier has no measured submission time.
                f"CREATE TEMPORARY TABLE {TABLE} ({columns}, submission_seconds integer, dossier_id integer, "
                f"created boolean NOT NULL DEFAULT false, refused boolean NOT NULL DEFAULT false)"
            )
        fields = {f.attname: f for f in Dossier._meta.concrete_fields}
        defaults = _defaults(Dossier, {*_FROM_STAGE, *_FIXED})
        names = [quote(fields[n].column) for n in _FROM_STAGE] + [quote(fields[n].column) for n in _FIXED]
        names += [quote(c) for c, _v in defaults]
        values = list(_FROM_STAGE.values()) + ["%s"] * (len(_FIXED) + len(defaults))
        self.dossier_params = list(_FIXED.values()) + [v for _c, v in defaults]
        updated = ", ".join(f"{quote(fields[n].column)} = excluded.{quote(fields[n].column)}" for n in _UPDATED)
        dossiers, facts = quote(Dossier._meta.db_table), quote(DossierFact._meta.db_table)
        self.dossier_sql = (
            f"INSERT INTO {dossiers} ({', '.join(names)}) SELECT {', '.join(values)} FROM {TABLE} "
            f"WHERE NOT refused ORDER BY code ON CONFLICT (code) DO UPDATE SET {updated} "
            # Only a dossier an import wrote (its fact says so) is updated, never one handled in the system.
            f"WHERE EXISTS (SELECT 1 FROM {facts} f WHERE f.dossier_id = {dossiers}.id AND f.imported)"
        )

    def _load(self, rows: list[Row]) -> None:
        names = ", ".join(name for name, _kind in STAGE)
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {TABLE}")
            if connection.vendor == "postgresql":
                with cursor.copy(f"COPY {TABLE} ({names}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row.values)
            else:
                marks = ", ".join(["%s"] * len(STAGE))
                cursor.executemany(
                    f"INSERT INTO {TABLE} ({names}) VALUES ({marks})",
                    [tuple(_sqlite_value(v) for v in row.values) for row in rows],
                )

    def write(self, rows: list[Row]) -> tuple[int, list[tuple[int, str]]]:
        """Write one batch (codes unique within it); returns how many dossiers were new, and (line, code) of
        the rows refused because their code belongs to a dossier handled in this system."""
        if not rows:
            return 0, []
        self._load(rows)
        quote = self.quote
        dossiers, facts = quote(Dossier._meta.db_table), quote(DossierFact._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(f"UPDATE {TABLE} SET dossier_id = d.id FROM {dossiers} d WHERE d.code = {TABLE}.code")
            cursor.execute(
                f"UPDATE {TABLE} SET refused = true WHERE dossier_id IS NOT NULL AND NOT EXISTS "
                f"(SELECT 1 FROM {facts} f WHERE f.dossier_id = {TABLE}.dossier_id AND f.imported)"
            )
            cursor.execute(f"SELECT count(*) FROM {TABLE} WHERE dossier_id IS NOT NULL AND NOT refused")
            (again,) = cursor.fetchone()
            if again:  # dossiers imported before: what their facts added to the summaries comes off first
                add_sums(
                    f"(SELECT f.* FROM {facts} f JOIN {TABLE} s ON s.dossier_id = f.dossier_id WHERE NOT s.refused)",
                    sign=-1,
                )
            cursor.execute(self.dossier_sql, self.dossier_params)
            cursor.execute(
                f"UPDATE {TABLE} SET dossier_id = d.id, created = true FROM {dossiers} d "
                f"WHERE {TABLE}.dossier_id IS NULL AND d.code = {TABLE}.code"
            )
            write_history(cursor, file_name=self.file_name, at=timezone.now())
            self._write_facts(cursor)
            add_sums(f"(SELECT * FROM {TABLE} WHERE NOT refused)")
            self._write_ratings(cursor)
            cursor.execute(f"SELECT count(*) FROM {TABLE} WHERE created")
            (created,) = cursor.fetchone()
            cursor.execute(f"SELECT line, code FROM {TABLE} WHERE refused ORDER BY line")
            refused = cursor.fetchall()
        return created, refused

    def _write_facts(self, cursor) -> None:
        quote = self.quote
        names = ", ".join(quote(c) for c in _FACT_COLUMNS)
        values = ", ".join({"imported": "true"}.get(c, c) for c in _FACT_COLUMNS)
        updated = ", ".join(f"{quote(c)} = excluded.{quote(c)}" for c in _FACT_COLUMNS if c != "dossier_id")
        cursor.execute(
            f"INSERT INTO {quote(DossierFact._meta.db_table)} ({names}) SELECT {values} FROM {TABLE} "
            f"WHERE NOT refused ORDER BY dossier_id ON CONFLICT (dossier_id) DO UPDATE SET {updated}"
        )

    def _write_ratings(self, cursor) -> None:
        ratings = self.quote(Rating._meta.db_table)
        # The file is the only record of an imported dossier's rating: a row without one takes it away.
        cursor.execute(
            f"DELETE FROM {ratings} WHERE dossier_id IN "
            f"(SELECT dossier_id FROM {TABLE} WHERE NOT created AND NOT refused AND rating = '')"
        )
        cursor.execute(
            f"INSERT INTO {ratings} (dossier_id, value, comment, rated_at) "
            f"SELECT dossier_id, rating, '', rated_at FROM {TABLE} WHERE rating <> '' AND NOT refused "
            f"ORDER BY dossier_id ON CONFLICT (dossier_id) DO UPDATE SET value = excluded.value, "
            f"rated_at = excluded.rated_at"
        )


def write_history(cursor, *, file_name: str, at: dt.datetime) -> None:
    """The history entries of the dossiers a batch created: one DossierEvent each (seq 1, a note saying it
    was imported, with the file and line it came from), written in one statement from the staging table.
    Every history row an import writes is written here."""
    quote = connection.ops.quote_name
    fields = {f.attname: f for f in DossierEvent._meta.concrete_fields}
    if connection.vendor == "postgresql":
        data = "jsonb_build_object('imported', jsonb_build_object('file', %s::text, 'line', line))"
        when = at
    else:
        data = "json_object('imported', json_object('file', %s, 'line', line))"
        when = _sqlite_value(at)
    given = {
        "dossier_id": ("dossier_id", []),
        "seq": ("1", []),
        "action": ("%s", [Action.NOTE.value]),
        "from_status": ("''", []),
        "to_status": ("status", []),
        "at": ("%s", [when]),
        "note": ("%s", [IMPORTED_NOTE]),
        "data": (data, [file_name]),
    }
    names, values, params = [], [], []
    for attname, (sql, sql_params) in given.items():
        names.append(quote(fields[attname].column))
        values.append(sql)
        params += sql_params
    for column, value in _defaults(DossierEvent, set(given)):
        names.append(quote(column))
        values.append("%s")
        params.append(value)
    cursor.execute(
        f"INSERT INTO {quote(DossierEvent._meta.db_table)} ({', '.join(names)}) SELECT {', '.join(values)} "
        f"FROM {TABLE} WHERE created ORDER BY dossier_id ON CONFLICT (dossier_id, seq) DO NOTHING",
        params,
    )
