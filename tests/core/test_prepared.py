"""``core.bulk``'s statements on PostgreSQL are prepared once per connection and then run from
the prepared plan (Django turns psycopg's preparation off, which also silences ``prepare=True``):
the webhook's INSERT was parsed and planned again for every SMS until this was checked."""

from __future__ import annotations

import pytest
from django.db import connection

from sauti.core.bulk import execute_many, fetch_one_prepared

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif("connection.vendor != 'postgresql'"),
]


def _prepared(fragment: str) -> list[tuple[str, int]]:
    """The session's prepared statements whose text holds ``fragment``, with how many times
    each was run from its generic plan (PostgreSQL ≥ 14)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT statement, generic_plans FROM pg_prepared_statements WHERE statement LIKE %s",
            [f"%{fragment}%"],
        )
        return [(str(s), int(n)) for s, n in cursor.fetchall()]


def test_fetch_one_prepared_is_prepared_and_reused():
    sql = "SELECT %s::int + 40 AS sauti_prepared_probe"
    assert _prepared("sauti_prepared_probe") == []
    results = [fetch_one_prepared(sql, [n])[0] for n in range(8)]
    assert results == [40 + n for n in range(8)]
    [(_statement, generic)] = _prepared("sauti_prepared_probe")
    # Five custom plans first (PostgreSQL's rule), then the cached generic one.
    assert generic >= 2
    # The connection's own setting is back: Django's cursors still never prepare.
    assert connection.connection.prepare_threshold is None


def test_execute_many_prepares_its_statement_once():
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMPORARY TABLE sauti_probe (n integer)")
    execute_many("INSERT INTO sauti_probe (n) VALUES (%s)", [[n] for n in range(10)])
    assert len(_prepared("sauti_probe")) == 1
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*), sum(n) FROM sauti_probe")
        assert cursor.fetchone() == (10, 45)
    assert connection.connection.prepare_threshold is None
