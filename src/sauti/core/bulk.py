"""Inserting many rows of one model fast: the intake's write path.

Django's ``bulk_create`` spends most of its time in the SQL compiler (per field and row) and, on
SQLite, splits an insert into statements of at most 999 parameters (a dozen alerts each). Intake
writes its rows while holding SQLite's single write lock, so every millisecond there delays the
webhooks waiting to store raw messages. ``insert_many`` prepares values with the fields' own
``get_db_prep_save`` (same conversions as the ORM) and sends one multi-row ``INSERT … RETURNING``
per few thousand parameters. It skips what intake does not use: signals (``bulk_create`` sends
none either), ``ignore_conflicts`` and multi-table inheritance.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.models import AutoField, BigAutoField, Model

# PostgreSQL allows 65,535 parameters per statement; SQLite ≥ 3.32 allows 32,766.
_MAX_PARAMS = 30_000


def execute_many(sql: str, rows: Sequence[Sequence[Any]], *, returning: bool = False) -> list[Any]:
    """Run one statement for many rows; with ``returning``, the first column returned by each.

    On PostgreSQL, Django's cursors bind parameters on the client, so ``executemany`` would be
    one round trip per row; a server-binding psycopg cursor sends them all in one pipeline, with
    the statement parsed once.
    """
    if not rows:
        return []
    if connection.vendor == "postgresql":
        import psycopg

        connection.ensure_connection()
        with psycopg.Cursor(connection.connection) as cursor:
            cursor.executemany(sql, rows, returning=returning)
            if not returning:
                return []
            out = []
            while True:
                row = cursor.fetchone()
                out.append(row[0] if row else None)
                if not cursor.nextset():
                    break
            return out
    with connection.cursor() as cursor:
        if not returning:
            cursor.executemany(sql, rows)
            return []
        out = []
        for row in rows:  # SQLite: no round trips to save, a statement per row is cheap
            cursor.execute(sql, row)
            found = cursor.fetchone()
            out.append(found[0] if found else None)
        return out


def insert_many(objs: Sequence[Model]) -> None:
    """Insert ``objs`` (all of one model, not yet saved) and set their primary keys."""
    if not objs:
        return
    # The wrapper itself, not the ``connection`` proxy: a proxy attribute read costs a
    # thread-local lookup, and the fields read the connection a dozen times per value.
    db = connections[DEFAULT_DB_ALIAS]
    model = type(objs[0])
    meta = model._meta
    fields = [f for f in meta.concrete_fields if not isinstance(f, AutoField | BigAutoField)]
    quote = db.ops.quote_name
    columns = ", ".join(quote(str(f.column)) for f in fields)
    row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    pk = quote(str(meta.pk.column)) if meta.pk is not None else "id"
    values: list[list[Any]] = []
    for obj in objs:
        # Foreign keys assigned as objects saved after the assignment get their ids here.
        obj._prepare_related_fields_for_save(operation_name="insert_many")  # type: ignore[attr-defined]
        values.append([f.get_db_prep_save(f.pre_save(obj, True), db) for f in fields])
    head = f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES "  # noqa: S608 - names are ours
    if db.vendor == "postgresql":
        # Multi-row VALUES with thousands of placeholders is slow to parse on the client (psycopg
        # caches short statements only); one prepared row sent in a pipeline is not.
        ids = execute_many(f"{head}{row} RETURNING {pk}", values, returning=True)
    else:
        ids = []
        per_statement = max(1, _MAX_PARAMS // max(1, len(fields)))
        for start in range(0, len(values), per_statement):
            chunk = values[start : start + per_statement]
            with db.cursor() as cursor:
                cursor.execute(
                    f"{head}{', '.join([row] * len(chunk))} RETURNING {pk}",
                    [v for one in chunk for v in one],
                )
                # Ids are handed out in the order of the VALUES (SQLite's rowids); RETURNING's
                # own order is not promised, so sort rather than trust it.
                ids.extend(sorted(r[0] for r in cursor.fetchall()))
    if len(ids) != len(objs):  # pragma: no cover - the database broke its contract
        raise RuntimeError(f"insert_many: {len(objs)} rows sent, {len(ids)} ids returned")
    for obj, new_id in zip(objs, ids, strict=True):
        obj.pk = new_id
        obj._state.adding = False
        obj._state.db = db.alias
