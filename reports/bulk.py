"""Writing many rows at once, without the per-object cost of the ORM: COPY into a temporary table and one
INSERT … SELECT … ON CONFLICT on PostgreSQL; one prepared INSERT … ON CONFLICT run for every row elsewhere.
Values are the fields' Python values; each column's conversion is chosen once per call."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models


def _converter(field: models.Field):
    kind = field.get_internal_type()
    postgres = connection.vendor == "postgresql"
    if kind == "JSONField":
        if postgres:
            from psycopg.types.json import Jsonb

            return Jsonb
        return lambda value: None if value is None else json.dumps(value, cls=DjangoJSONEncoder)
    if postgres:
        return None
    if kind == "DateTimeField":
        # As the SQLite backend stores an aware instant: naive UTC, as text.
        return lambda value: None if value is None else str(value.astimezone(dt.UTC).replace(tzinfo=None))
    if kind == "DateField":
        return lambda value: None if value is None else value.isoformat()
    return None


def upsert(
    model: type[models.Model],
    attnames: Sequence[str],
    rows: Iterable[Sequence],
    *,
    conflict: Sequence[str],
    update: Sequence[str] = (),
    update_where: str = "",
    returning: str = "",
    accumulate: bool = False,
) -> list[tuple] | None:
    """Insert `rows` (values in `attnames` order) into `model`'s table; a row that conflicts on `conflict`
    updates the columns `update` (or is left as it is when `update` is empty), only where the existing row
    meets the SQL condition `update_where` when one is given; with `accumulate`, the new values are added to
    the existing ones instead of replacing them. On PostgreSQL, `returning` (SQL) gives back
    the rows inserted or updated; elsewhere nothing is returned."""
    meta = model._meta
    fields = [_by_attname(model, name) for name in attnames]
    quote = connection.ops.quote_name
    table = quote(meta.db_table)
    names = ", ".join(quote(f.column) for f in fields)
    conflict_columns = ", ".join(quote(_by_attname(model, c).column) for c in conflict)
    kept = f"{table}." if accumulate else ""
    updated = ", ".join(
        f"{c} = {kept}{c} + excluded.{c}" if accumulate else f"{c} = excluded.{c}"
        for c in (quote(_by_attname(model, name).column) for name in update)
    )
    action = f"DO UPDATE SET {updated}" if update else "DO NOTHING"
    if update and update_where:
        action += f" WHERE {update_where}"
    converters = [_converter(f) for f in fields]
    if any(converters):
        rows = (tuple(v if c is None else c(v) for c, v in zip(converters, row, strict=True)) for row in rows)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            stage = f"bulk_stage_{meta.db_table}"
            cursor.execute(f"CREATE TEMP TABLE IF NOT EXISTS {stage} AS SELECT {names} FROM {table} WITH NO DATA")
            cursor.execute(f"TRUNCATE {stage}")
            with cursor.copy(f"COPY {stage} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            cursor.execute(
                # In key order: two writers of the same rows lock them in the same order.
                f"INSERT INTO {table} ({names}) SELECT {names} FROM {stage} ORDER BY {conflict_columns} "
                f"ON CONFLICT ({conflict_columns}) {action}" + (f" RETURNING {returning}" if returning else "")
            )
            return cursor.fetchall() if returning else None
        else:
            marks = ", ".join(["%s"] * len(fields))
            cursor.executemany(
                f"INSERT INTO {table} ({names}) VALUES ({marks}) ON CONFLICT ({conflict_columns}) {action}", list(rows)
            )
            return None


def _by_attname(model, attname: str) -> models.Field:
    for field in model._meta.concrete_fields:
        if field.attname == attname:
            return field
    raise LookupError(attname)
