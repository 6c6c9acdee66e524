"""Claiming rows of a table that is its own queue (raw inbound messages, outbound SMS).

A worker takes a batch with a lease: the rows stay in their ready state, and a lease column says
until when they are held. A worker that dies lets go when its lease ends; a row that failed waits
in the same column for its next try. One statement on both databases.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.db import connection
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
    """
    ops = connection.ops
    table = ops.quote_name(model._meta.db_table)
    state, lease = ops.quote_name(state_column), ops.quote_name(lease_column)
    marks = ", ".join(["%s"] * len(ready))
    free = f"{state} IN ({marks}) AND ({lease} IS NULL OR {lease} <= %s)"
    at, held = ops.adapt_datetimefield_value(now), ops.adapt_datetimefield_value(until)
    if connection.vendor == "postgresql":
        sql = (
            f"WITH picked AS MATERIALIZED (SELECT id FROM {table} WHERE {free} "  # noqa: S608
            f"ORDER BY id LIMIT %s FOR UPDATE SKIP LOCKED) "
            f"UPDATE {table} AS m SET {lease} = %s FROM picked WHERE m.id = picked.id "
            f"RETURNING m.id"
        )
        params = [*ready, at, limit, held]
    else:
        sql = (
            f"UPDATE {table} SET {lease} = %s WHERE id IN "  # noqa: S608 - names are ours
            f"(SELECT id FROM {table} WHERE {free} ORDER BY id LIMIT %s) "
            f"AND {free} RETURNING id"
        )
        params = [held, *ready, at, limit, *ready, at]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return sorted(row[0] for row in cursor.fetchall())
