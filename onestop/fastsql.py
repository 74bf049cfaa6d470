"""Precompiled SQL for the few statements every dossier transition runs.

The ORM spends far longer building a statement than the database spends running it; a transition runs
eight of them. These helpers build each statement's text once per model and column set, and convert values
with the fields' own `get_db_prep_save` and database converters, so rows read and written here are exactly
what the ORM would read and write. They skip model `save()`/`delete()` and their signals: use them only for
rows whose models define no behaviour there beyond what the caller does itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

from django.db import connections, router
from django.db.models import Model


def _connection(model):
    return connections[router.db_for_write(model)]


def _insert_fields(model):
    return [f for f in model._meta.concrete_fields if not f.primary_key]


@cache
def _insert_sql(model, vendor: str, rows: int) -> str:
    conn = _connection(model)
    qn = conn.ops.quote_name
    fields = _insert_fields(model)
    one = "(" + ", ".join(["%s"] * len(fields)) + ")"
    return (
        f"INSERT INTO {qn(model._meta.db_table)} ({', '.join(qn(f.column) for f in fields)}) "
        f"VALUES {', '.join([one] * rows)} RETURNING {qn(model._meta.pk.column)}"
    )


def insert(objs: Sequence[Model]) -> None:
    """INSERT new rows of one model in one statement and set their primary keys."""
    if not objs:
        return
    model = type(objs[0])
    conn = _connection(model)
    fields = _insert_fields(model)
    params = []
    for obj in objs:
        for f in fields:
            params.append(f.get_db_prep_save(f.pre_save(obj, True), connection=conn))
    with conn.cursor() as cursor:
        cursor.execute(_insert_sql(model, conn.vendor, len(objs)), params)
        ids = [row[0] for row in cursor.fetchall()]
    for obj, pk in zip(objs, ids, strict=True):
        obj.pk = pk
        obj._state.adding = False
        obj._state.db = conn.alias


@cache
def _update_sql(model, vendor: str, names: tuple[str, ...]) -> tuple[str, tuple]:
    conn = _connection(model)
    qn = conn.ops.quote_name
    fields = tuple(model._meta.get_field(n) for n in names)
    sets = ", ".join(f"{qn(f.column)} = %s" for f in fields)
    return f"UPDATE {qn(model._meta.db_table)} SET {sets} WHERE {qn(model._meta.pk.column)} = %s", fields


def update(obj: Model, names: Sequence[str]) -> None:
    """UPDATE the named columns of one row."""
    if not names:
        return
    model = type(obj)
    conn = _connection(model)
    sql, fields = _update_sql(model, conn.vendor, tuple(names))
    params = [f.get_db_prep_save(f.pre_save(obj, False), connection=conn) for f in fields]
    params.append(obj.pk)
    with conn.cursor() as cursor:
        cursor.execute(sql, params)


@cache
def _reader(model, vendor: str):
    """(column list, converter per column) to build instances of `model` from raw rows."""
    conn = _connection(model)
    fields = model._meta.concrete_fields
    converters = []
    for f in fields:
        col = f.get_col(model._meta.db_table)
        found = conn.ops.get_db_converters(col) + f.get_db_converters(conn)
        converters.append((found, col))
    return fields, converters


def _build(model, conn, values):
    fields, converters = _reader(model, conn.vendor)
    converted = []
    for value, (found, col) in zip(values, converters, strict=True):
        for converter in found:
            value = converter(value, col, conn)
        converted.append(value)
    return model.from_db(conn.alias, [f.attname for f in fields], converted)


@cache
def _select_sql(model, vendor: str, related: tuple[str, ...], where: str, lock: bool) -> str:
    conn = _connection(model)
    qn = conn.ops.quote_name
    meta = model._meta
    columns = [f"t0.{qn(f.column)}" for f in meta.concrete_fields]
    joins = []
    for i, name in enumerate(related, 1):
        field = meta.get_field(name)
        target = field.related_model
        columns += [f"t{i}.{qn(f.column)}" for f in target._meta.concrete_fields]
        kind = "LEFT JOIN" if field.null else "INNER JOIN"
        joins.append(
            f"{kind} {qn(target._meta.db_table)} t{i} ON t{i}.{qn(target._meta.pk.column)} = t0.{qn(field.column)}"
        )
    sql = f"SELECT {', '.join(columns)} FROM {qn(meta.db_table)} t0 {' '.join(joins)} WHERE t0.{where}"
    if lock and conn.features.has_select_for_update:
        sql += " FOR UPDATE OF t0" if conn.features.has_select_for_update_of else " FOR UPDATE"
    return sql


def get(model, *, where: str, params: Sequence, related: Sequence[str] = (), lock: bool = False):
    """One instance of `model` (or None) with its forward relations `related` loaded, optionally with
    its row locked (FOR UPDATE OF the row itself). `where` is a condition on columns of `model`, with
    %s placeholders, e.g. "id = %s"."""
    conn = _connection(model)
    sql = _select_sql(model, conn.vendor, tuple(related), where, lock)
    with conn.cursor() as cursor:
        cursor.execute(sql, list(params))
        row = cursor.fetchone()
    if row is None:
        return None
    width = len(model._meta.concrete_fields)
    obj = _build(model, conn, row[:width])
    offset = width
    for name in related:
        target = model._meta.get_field(name).related_model
        size = len(target._meta.concrete_fields)
        values = row[offset : offset + size]
        offset += size
        setattr(obj, name, None if values[0] is None else _build(target, conn, values))
    return obj
