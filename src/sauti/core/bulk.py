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

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import AutoField, BigAutoField, Model

# PostgreSQL allows 65,535 parameters per statement; SQLite ≥ 3.32 allows 32,766.
_MAX_PARAMS = 30_000


def insert_many(objs: Sequence[Model]) -> None:
    """Insert ``objs`` (all of one model, not yet saved) and set their primary keys."""
    if not objs:
        return
    # The wrapper itself, not the ``connection`` proxy: a proxy attribute read costs a
    # thread-local lookup, and the fields read the connection a dozen times per value.
    connection = connections[DEFAULT_DB_ALIAS]
    model = type(objs[0])
    meta = model._meta
    fields = [f for f in meta.concrete_fields if not isinstance(f, AutoField | BigAutoField)]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(str(f.column)) for f in fields)
    row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    pk = quote(str(meta.pk.column)) if meta.pk is not None else "id"
    per_statement = max(1, _MAX_PARAMS // max(1, len(fields)))
    for start in range(0, len(objs), per_statement):
        chunk = objs[start : start + per_statement]
        params: list[Any] = []
        for obj in chunk:
            # Foreign keys assigned as objects saved after the assignment get their ids here.
            obj._prepare_related_fields_for_save(operation_name="insert_many")  # type: ignore[attr-defined]
            params.extend(f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields)
        sql = (
            f"INSERT INTO {quote(meta.db_table)} ({columns}) "  # noqa: S608 - names are ours
            f"VALUES {', '.join([row] * len(chunk))} RETURNING {pk}"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            # Ids are handed out in the order of the VALUES (SQLite's rowids, PostgreSQL's
            # sequence); RETURNING's own order is not promised, so sort rather than trust it.
            ids = sorted(r[0] for r in cursor.fetchall())
        if len(ids) != len(chunk):  # pragma: no cover - the database broke its contract
            raise RuntimeError(f"insert_many: {len(chunk)} rows sent, {len(ids)} ids returned")
        for obj, new_id in zip(chunk, ids, strict=True):
            obj.pk = new_id
            obj._state.adding = False
            obj._state.db = connection.alias
