"""Claiming rows of a table that is its own queue (raw inbound messages, outbound SMS).

A worker takes a batch with a lease: the rows stay in their ready state, and a lease column says
until when they are held. A worker that dies lets go when its lease ends; a row that failed waits
in the same column for its next try. One statement on both databases.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.db import connection, transaction
from django.db.models import Model


def claim_batch(
    model: type[Model],
    *,
    state_column: str,
    ready: Sequence[str],
    lease_column: str,
    now: datetime,
    until: datetime,
    limit: int,
) -> list[int]:
    """Ids (oldest first) of up to ``limit`` rows in a ``ready`` state whose lease is free, now
    held until ``until``.

    PostgreSQL: picked once in a materialised CTE with ``FOR UPDATE SKIP LOCKED``. As
    ``WHERE id IN (SELECT … LIMIT n)`` it may run the sub-select again for every row it updates,
    and each run finds the next n unclaimed rows, so one claim would take the whole queue.
    SQLite has one writer at a time and runs an uncorrelated sub-select once.

    PostgreSQL again: a row leaving the ready state leaves a dead entry in the partial index
    until VACUUM runs (autovacuum may be late, or off as on the CI machine). An index scan in id
    order marks such entries dead once and steps over them after that; a bitmap scan, which the
    planner picks when it expects a short queue, reads every dead row's heap page again on every
    claim: 1.1 ms for an empty queue after 14,000 SMS, and growing (0.08 ms as an index scan;
    docs/performance.md). So bitmap scans are turned off for the claim's own transaction.

    SQLite: an UPDATE takes the one write lock even when it changes nothing, and the worker
    claims from both queues on every turn (ten times a second when idle): a read first (readers
    never wait, in WAL mode) leaves the lock to the webhooks when nothing is ready.
    """
    ops = connection.ops
    table = ops.quote_name(model._meta.db_table)
    state, lease = ops.quote_name(state_column), ops.quote_name(lease_column)
    at, held = ops.adapt_datetimefield_value(now), ops.adapt_datetimefield_value(until)
    if connection.vendor == "postgresql":
        marks = ", ".join(["%s"] * len(ready))
        free = f"{state} IN ({marks}) AND ({lease} IS NULL OR {lease} <= %s)"
        sql = (
            f"WITH picked AS MATERIALIZED (SELECT id FROM {table} WHERE {free} "  # noqa: S608
            f"ORDER BY id LIMIT %s FOR UPDATE SKIP LOCKED) "
            f"UPDATE {table} AS m SET {lease} = %s FROM picked WHERE m.id = picked.id "
            f"RETURNING m.id"
        )
        params = [*ready, at, limit, held]
    else:
        # The ready states written into the statement, not bound: SQLite uses a partial index
        # only when it can prove the query's condition implies the index's, which it cannot do
        # with parameters. Bound, every claim scanned the whole table (2.9 ms at 12,500 messages,
        # growing with every SMS ever stored; 0.03 ms on the index).
        free = f"{ready_condition(state, ready)} AND ({lease} IS NULL OR {lease} <= %s)"
        if not _any_ready(table, free, [at]):
            return []
        sql = (
            f"UPDATE {table} SET {lease} = %s WHERE id IN "  # noqa: S608 - names are ours
            f"(SELECT id FROM {table} WHERE {free} ORDER BY id LIMIT %s) "
            f"AND {free} RETURNING id"
        )
        params = [held, at, limit, at]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            rows = _without_bitmap_scan(cursor, sql, params)
        else:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        return sorted(row[0] for row in rows)


def ready_condition(column: str, ready: Sequence[str]) -> str:
    """``column = 'A'`` or ``column IN ('A', 'B')``, as the partial indexes are written (our own
    state names, checked: nothing from outside is ever written into SQL). For a query that
    should read a queue's partial index on SQLite."""
    for name in ready:
        if not name.isidentifier() or not name.isupper():
            raise ValueError(f"not a state name: {name!r}")
    if len(ready) == 1:
        return f"{column} = '{ready[0]}'"
    return f"{column} IN ({', '.join(repr(str(name)) for name in ready)})"


def _any_ready(table: str, free: str, params: list[Any]) -> bool:
    """Whether a row is ready to claim (a read: no lock taken)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT 1 FROM {table} WHERE {free} LIMIT 1", params)  # noqa: S608
        return cursor.fetchone() is not None


def _without_bitmap_scan(cursor: Any, sql: str, params: list[Any]) -> list[Any]:
    """Run ``sql`` with bitmap scans off until its transaction ends. Outside a transaction, one
    round trip: a query string of two statements is one implicit transaction, which bounds the
    SET LOCAL (client-side binding, Django's default). Inside one, the setting is put back."""
    if connection.in_atomic_block or connection.settings_dict["OPTIONS"].get("server_side_binding"):
        with transaction.atomic():
            cursor.execute("SET LOCAL enable_bitmapscan = off")
            cursor.execute(sql, params)
            rows: list[Any] = cursor.fetchall()
            cursor.execute("SET LOCAL enable_bitmapscan TO DEFAULT")
        return rows
    cursor.execute(f"SET LOCAL enable_bitmapscan = off; {sql}", params)
    cursor.nextset()
    return list(cursor.fetchall())
