"""Claims of a table that is its own queue (core.claims) on PostgreSQL turn bitmap scans off for
the claim alone (a bitmap scan re-reads every dead queue entry on every claim): the setting
never leaks into the connection's session or into a caller's transaction."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection, transaction

from sauti.channels.models import Channel, InboundMessage, OutboundMessage
from sauti.channels.outbound import outbound_claim

from .conftest import post_generic, sqlite_reads
from .test_ack_direct_send import _store

pytestmark = pytest.mark.django_db


def _setting() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW enable_bitmapscan")
        return str(cursor.fetchone()[0])


def _queued(client: Any, channel: Channel, n: int) -> list[int]:
    from sauti.channels.intake import intake_drain

    _store(client, channel, n)
    intake_drain()
    return sorted(OutboundMessage.objects.filter(status="QUEUED").values_list("id", flat=True))


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_the_setting_is_the_claims_alone(client, generic_channel):
    ids = _queued(client, generic_channel, 5)
    assert _setting() == "on"
    assert outbound_claim(2) == ids[:2]
    assert _setting() == "on", "leaked into the session"
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")  # the caller's own, kept
        assert outbound_claim(2) == ids[2:4]
        assert _setting() == "on", "leaked into the caller's transaction"
        with connection.cursor() as cursor:
            cursor.execute("SHOW enable_seqscan")
            assert cursor.fetchone()[0] == "off"
    assert outbound_claim(10) == ids[4:]


def test_a_claim_takes_the_oldest_free_rows_once(client, generic_channel):
    ids = _queued(client, generic_channel, 6)
    first = outbound_claim(4)
    assert first == ids[:4]
    assert outbound_claim(4) == ids[4:]
    assert outbound_claim(4) == []


def test_a_claim_takes_the_databases_batch(client, generic_channel):
    """PostgreSQL shares a batch's fixed cost among 150 messages; SQLite takes 50, so the
    worker holds the one write lock for a short while (docs/performance.md)."""
    from sauti.channels import intake

    expected = 150 if connection.vendor == "postgresql" else 50
    assert intake.batch_size() == expected
    _store(client, generic_channel, 60)
    assert len(intake.intake_claim()) == min(60, expected)


def test_a_full_intake_batch_tells_the_worker_more_is_waiting(client, generic_channel, monkeypatch):
    """The worker lingers after a partial batch (``sauti worker --linger``) and goes on at once
    after a full one: the intake pump's turn says which, from its own batch size."""
    from sauti.channels import intake
    from sauti.core import jobs

    monkeypatch.setattr(intake, "batch_size", lambda: 4)
    _store(client, generic_channel, 6)
    turn = jobs.pumps_turn()
    assert (turn.handled, turn.backlog) == (4, True)
    turn = jobs.pumps_turn()
    assert turn.backlog is False and turn.handled >= 2  # the last two (and sends recorded)
    assert InboundMessage.objects.filter(processing_state="LINKED").count() == 6
    jobs.pumps_settle()  # the acknowledgements' sends, started on the pool, are recorded


@pytest.mark.skipif("connection.vendor != 'sqlite'")
def test_sqlite_claims_read_the_queue_index_not_the_table(client, generic_channel):
    """SQLite uses a partial index only when the query's own text implies the index's
    condition; with the ready states bound as parameters every claim scanned every message
    ever stored. Both queues' claims, with rows ready or none, go through their index."""
    from sauti.channels.intake import intake_claim

    _queued(client, generic_channel, 3)  # processed messages, queued acknowledgements
    for i in range(2):  # and two to process
        post_generic(
            client,
            generic_channel,
            {"from": "+23675200001", "text": "Tirs", "id": f"n{i}"},
            process=False,
        )
    for claim, index in (
        (intake_claim, "inbound_to_process"),
        (outbound_claim, "outbound_to_send"),
    ):
        for ready in (True, False):
            statements: list[tuple[str, Any]] = []

            def keep(
                execute: Any,
                sql: str,
                params: Any,
                many: bool,
                context: Any,
                into: Any = statements,
            ) -> Any:
                into.append((sql, params))
                return execute(sql, params, many, context)

            with connection.execute_wrapper(keep):
                taken = claim()
            assert bool(taken) is ready
            assert statements
            for sql, params in statements:
                reads = sqlite_reads(sql, params)
                for step in reads:
                    assert index in step or "PRIMARY KEY" in step or "rowid" in step, reads
