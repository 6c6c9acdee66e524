"""Outbound SMS: the table is the send queue, drained in batches by the worker's pump. Every
acknowledgement is sent once, a gateway that is down is retried with back-off, a refusal by
configuration fails at once, and giving up is recorded."""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any
from unittest import mock

import pytest
from django.utils import timezone

from sauti.channels.models import Channel, OutboundMessage
from sauti.channels.outbound import BATCH, outbound_claim, outbound_claim_one, outbound_drain
from sauti.core.jobs import job_enqueue, run_pending
from sauti.core.models import Job

from .conftest import SECRET, post_generic

pytestmark = pytest.mark.django_db

GATEWAY = "sauti.channels.gateways.generic.http_post"


def _alerts(client: Any, channel: Channel, n: int) -> None:
    for i in range(n):
        post_generic(
            client,
            channel,
            {"from": f"+2367500{i:04d}", "text": f"Hommes armés à Ndah ({i})", "id": f"m{i}"},
        )


def test_acknowledgements_are_sent_in_batches_without_job_rows(
    client, generic_channel, monkeypatch
):
    calls: list[tuple[str, str]] = []
    threads: set[int] = set()
    lock = threading.Lock()

    def up(url: str, data: dict[str, str], **kw: Any) -> dict[str, str]:
        with lock:
            calls.append((data["to"], data["text"]))
            threads.add(threading.get_ident())
            return {"id": f"g{len(calls)}"}

    monkeypatch.setattr(GATEWAY, up)
    n = BATCH + 5
    _alerts(client, generic_channel, n)
    assert not Job.objects.filter(name="channels.send_outbound").exists()
    assert OutboundMessage.objects.filter(status="QUEUED").count() == n
    assert outbound_drain() == BATCH  # one batch
    assert outbound_drain() == 5
    assert outbound_drain() == 0
    sent = OutboundMessage.objects.filter(status="SENT")
    assert sent.count() == n and len(calls) == n
    assert sorted(to for to, _ in calls) == sorted(f"+2367500{i:04d}" for i in range(n))
    assert len(threads) > 1, "a batch's gateway calls run side by side"
    assert len({m.gateway_id for m in sent}) == n and all(m.sent_at for m in sent)


def test_gateway_down_retries_with_backoff_then_gives_up(client, generic_channel, monkeypatch):
    def down(url: str, data: dict[str, str], **kw: Any) -> dict[str, str]:
        raise OSError(f"gateway unreachable while sending to {data['to']}")

    monkeypatch.setattr(GATEWAY, down)
    monkeypatch.setattr("django.conf.settings.SAUTI_JOB_MAX_ATTEMPTS", 3)
    _alerts(client, generic_channel, 1)
    ack = OutboundMessage.objects.get()
    for attempt in (1, 2):
        run_pending()
        ack.refresh_from_db()
        assert ack.status == "QUEUED" and ack.attempts == attempt
        assert ack.next_attempt_at > timezone.now()
        assert "+236" not in ack.error  # the exception's text holds the number: never kept
        run_pending()
        ack.refresh_from_db()
        assert ack.attempts == attempt, "retried before its back-off ended"
        OutboundMessage.objects.update(next_attempt_at=timezone.now() - timedelta(seconds=1))
    run_pending()
    ack.refresh_from_db()
    assert ack.status == "FAILED" and ack.attempts == 3
    assert ack.error.startswith("gave up after 3 attempts")


def test_a_refusal_by_configuration_fails_at_once(client, network):
    from sauti.channels.services import channel_create

    # No send_url: the generic gateway refuses to send (a 400 on our own settings).
    channel = channel_create(
        "GENERIC", "No send", "CF52", network=network, credentials={"secret": SECRET}
    )
    _alerts(client, channel, 1)
    run_pending()
    ack = OutboundMessage.objects.get()
    assert ack.status == "FAILED" and ack.attempts == 1 and "send_url" in ack.error


def test_a_claimed_message_is_not_sent_twice(client, generic_channel, monkeypatch):
    calls: list[str] = []
    monkeypatch.setattr(GATEWAY, lambda url, data, **kw: calls.append(data["to"]) or {"id": "g"})
    _alerts(client, generic_channel, 1)
    ack = OutboundMessage.objects.get()
    # A job queued by an earlier version for the same message, and the pump: one send.
    job_enqueue("channels.send_outbound", {"outbound_id": ack.pk})
    assert outbound_claim() == [ack.pk]
    assert outbound_claim() == [] and not outbound_claim_one(ack.pk)
    run_pending()
    assert calls == [] and OutboundMessage.objects.get().status == "QUEUED"
    later = timezone.now() + timedelta(seconds=200)  # the first claim's sender died
    with mock.patch("django.utils.timezone.now", return_value=later):
        run_pending()
    assert len(calls) == 1 and OutboundMessage.objects.get().status == "SENT"


def test_the_worker_pump_never_waits_for_the_gateway(client, generic_channel, monkeypatch):
    """``outbound_pump`` starts the sends and returns; a later turn (or settling) records them.
    At most MAX_IN_FLIGHT are under way, so none can outlive its lease."""
    from sauti.channels import outbound

    release = threading.Event()
    calls: list[str] = []

    def held(url: str, data: dict[str, str], **kw: Any) -> dict[str, str]:
        calls.append(data["to"])
        release.wait(10)
        return {"id": f"g-{data['to']}"}

    monkeypatch.setattr(GATEWAY, held)
    n = outbound.MAX_IN_FLIGHT + 3
    _alerts(client, generic_channel, n)
    try:
        # started, not waited for (a limit above the room: the room bounds the claim)
        assert outbound.outbound_pump(n) == outbound.MAX_IN_FLIGHT
        assert OutboundMessage.objects.filter(status="QUEUED").count() == n
        assert outbound.outbound_pump(n) == 0  # no room: nothing more is claimed
    finally:
        release.set()
    assert outbound.outbound_settle() == outbound.MAX_IN_FLIGHT
    assert OutboundMessage.objects.filter(status="SENT").count() == outbound.MAX_IN_FLIGHT
    assert outbound.outbound_pump() == 3
    assert outbound.outbound_settle() == 3
    assert OutboundMessage.objects.filter(status="SENT").count() == n == len(calls)
