"""The flood guard (``intake._flag_floods``) counts a sender's earlier messages without an index
on the number: linked ones per reporter, queued ones per number through the queue's index. Every
message of a flood is stored and flagged, whichever batch or state its predecessors are in."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from sauti.channels import conf, intake
from sauti.channels.models import Channel, InboundMessage, ReporterPhone
from sauti.channels.services import normalise_phone, phone_hash, reporter_enrol

from .conftest import post_generic, sqlite_reads

pytestmark = pytest.mark.django_db

FLOODER = "+23675300001"


def _post(client: Any, channel: Channel, n: int, sender: str = FLOODER, start: int = 0) -> None:
    for i in range(start, start + n):
        post_generic(
            client,
            channel,
            {"from": sender, "text": f"Hommes armés à Ndah ({i})", "id": f"fl{sender}-{i}"},
            process=False,
        )


def _flagged(sender: str = FLOODER) -> list[bool]:
    """Per message of ``sender``, in order: flagged RATE_LIMITED?"""
    key = phone_hash(normalise_phone(sender))
    return [
        "RATE_LIMITED" in m.flags
        for m in InboundMessage.objects.filter(sender_hash=key).order_by("id")
    ]


@pytest.fixture
def limit_3(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(conf, "FLOOD_LIMIT", 3)


def test_a_flood_is_counted_across_batches(client, generic_channel, limit_3):
    """Earlier batches' messages are linked to the reporter: found through the reporter."""
    for _ in range(3):
        _post(client, generic_channel, 2, start=InboundMessage.objects.count())
        intake.intake_drain()
    assert _flagged() == [False, False, False, True, True, True]
    assert InboundMessage.objects.filter(processing_state="LINKED").count() == 6


def test_a_flood_within_one_batch(client, generic_channel, limit_3):
    _post(client, generic_channel, 5)
    _post(client, generic_channel, 2, sender="+23675300002")
    intake.intake_drain()
    assert _flagged() == [False, False, False, True, True]
    assert _flagged("+23675300002") == [False, False]


def test_queued_messages_before_the_batch_count(client, generic_channel, limit_3):
    """Earlier messages not linked yet (a batch another worker holds, a message waiting for its
    retry) have no reporter: they are counted from the queue."""
    _post(client, generic_channel, 4)
    ids = list(InboundMessage.objects.order_by("id").values_list("id", flat=True))
    InboundMessage.objects.filter(pk=ids[0]).update(processing_state="ERROR", attempts=1)
    intake.process_ids([ids[3]])  # the last one alone, its three predecessors still queued
    assert _flagged() == [False, False, False, True]


def test_a_known_reporters_earlier_messages_count(client, generic_channel, network, limit_3):
    """An enrolled focal point's number: linked messages through the reporter, queued ones
    through the queue, never both."""
    reporter_enrol(name="Awa", phones=[FLOODER], network=network)
    _post(client, generic_channel, 2)
    intake.intake_drain()  # two linked
    _post(client, generic_channel, 1, start=2)  # one queued
    _post(client, generic_channel, 1, start=3)
    last = InboundMessage.objects.order_by("-id").first()
    assert last is not None
    intake.process_ids([last.pk])
    assert _flagged()[3] is True
    assert _flagged()[:3] == [False, False, False]


def test_messages_outside_the_window_do_not_count(client, generic_channel, limit_3):
    _post(client, generic_channel, 3)
    intake.intake_drain()
    old = timezone.now() - timedelta(seconds=conf.FLOOD_WINDOW + 60)
    InboundMessage.objects.update(stored_at=old)
    _post(client, generic_channel, 1, start=3)
    intake.intake_drain()
    assert _flagged() == [False, False, False, False]


def test_a_focal_points_numbers_count_together(client, generic_channel, network, limit_3):
    """Once linked, messages count per reporter: a focal point's two SIMs are one sender."""
    reporter_enrol(name="Awa", phones=[FLOODER, "+23675300009"], network=network)
    assert ReporterPhone.objects.count() == 2
    _post(client, generic_channel, 2, sender="+23675300009")
    intake.intake_drain()
    _post(client, generic_channel, 2)
    intake.intake_drain()
    assert _flagged("+23675300009") == [False, False]
    assert _flagged() == [False, True]


def test_other_senders_do_not_count(client, generic_channel, limit_3):
    _post(client, generic_channel, 3, sender="+23675300007")
    intake.intake_drain()
    _post(client, generic_channel, 3)
    intake.intake_drain()
    assert _flagged() == [False, False, False]


@pytest.mark.skipif("connection.vendor != 'sqlite'")
def test_sqlite_counts_read_indexes_not_the_table(client, generic_channel, limit_3):
    """Without an index on the sender, a count that scanned the table would read every message
    ever stored, for every batch."""
    _post(client, generic_channel, 3)
    intake.intake_drain()
    _post(client, generic_channel, 2, start=3)
    statements: list[tuple[str, Any]] = []

    def keep(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        if "COUNT(" in sql.upper() and "stored_at" in sql:
            statements.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(keep):
        intake.intake_drain()
    assert len(statements) == 2  # linked through the reporter, queued through the queue
    for sql, params in statements:
        reads = sqlite_reads(sql, params)
        for step in reads:
            assert "inbound_reporter_stored" in step or "inbound_to_process" in step, reads
            if "inbound_reporter_stored" in step:  # the index alone: no table row read
                assert "COVERING INDEX" in step, reads
    assert _flagged() == [False, False, False, True, True]
