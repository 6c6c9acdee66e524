"""Claims of a table that is its own queue (core.claims) on PostgreSQL turn bitmap scans off for
the claim alone (a bitmap scan re-reads every dead queue entry on every claim): the setting
never leaks into the connection's session or into a caller's transaction."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection, transaction

from sauti.channels.models import Channel, OutboundMessage
from sauti.channels.outbound import outbound_claim

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
