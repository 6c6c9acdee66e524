"""The worker sends a batch's acknowledgements as soon as the batch commits: leased to itself
before they are inserted, started on the sending pool without a claim or a read-back, recorded
by the outbound pump. A worker that dies in between leaves them to any pump when the lease ends;
the pool's room bounds how many go this way, the pump claims the rest."""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any
from unittest import mock

import pytest
from django.utils import timezone

from sauti.channels import outbound, tasks
from sauti.channels.models import Channel, OutboundMessage
from sauti.channels.outbound import outbound_claim, outbound_settle
from sauti.core.jobs import run_pending

from .conftest import post_generic

pytestmark = pytest.mark.django_db

GATEWAY = "sauti.channels.gateways.generic.http_post"


def _store(client: Any, channel: Channel, n: int) -> list[str]:
    """``n`` SMS stored by the webhook, not yet processed; their senders."""
    senders = [f"+2367510{i:04d}" for i in range(n)]
    for i, sender in enumerate(senders):
        post_generic(
            client,
            channel,
            {"from": sender, "text": f"Hommes armés à Ndah ({i})", "id": f"d{i}"},
            process=False,
        )
    return senders


@pytest.fixture
def gateway(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    calls: list[str] = []
    lock = threading.Lock()

    def up(url: str, data: dict[str, str], **kw: Any) -> dict[str, str]:
        with lock:
            calls.append(data["to"])
            return {"id": f"g-{len(calls)}"}

    monkeypatch.setattr(GATEWAY, up)
    return calls


def test_the_intake_pump_starts_its_acknowledgements_without_a_claim(
    client, generic_channel, gateway
):
    senders = _store(client, generic_channel, 7)
    before = timezone.now()
    assert tasks.drain_intake(50) == 7
    acks = list(OutboundMessage.objects.filter(purpose="ACK"))
    assert len(acks) == 7
    # Committed QUEUED and leased to this worker: no other pump can take them meanwhile.
    assert all(a.status == "QUEUED" and a.next_attempt_at > before for a in acks)
    assert outbound_claim() == []
    assert outbound_settle() == 7  # they were under way: recorded, none sent twice
    assert sorted(gateway) == sorted(senders)
    assert OutboundMessage.objects.filter(purpose="ACK", status="SENT").count() == 7
    assert run_pending() == 0 and len(gateway) == 7


def test_a_worker_that_dies_after_the_commit_leaves_them_to_the_pump(
    client, generic_channel, gateway
):
    _store(client, generic_channel, 3)
    with mock.patch.object(outbound, "outbound_start", return_value=0):  # died before starting
        assert tasks.drain_intake(50) == 3
    assert OutboundMessage.objects.filter(status="QUEUED").count() == 3
    run_pending()
    assert gateway == [], "sent while another worker's lease held them"
    later = timezone.now() + timedelta(seconds=outbound.LEASE_SECONDS + 1)
    with mock.patch("django.utils.timezone.now", return_value=later):
        run_pending()
    assert len(gateway) == 3
    assert OutboundMessage.objects.filter(status="SENT").count() == 3


def test_the_pools_room_bounds_them_and_the_pump_claims_the_rest(
    client, generic_channel, gateway, monkeypatch
):
    monkeypatch.setattr(outbound, "MAX_IN_FLIGHT", 4)
    _store(client, generic_channel, 10)
    assert tasks.drain_intake(50) == 10
    leased = set(
        OutboundMessage.objects.filter(status="QUEUED", next_attempt_at__isnull=False).values_list(
            "id", flat=True
        )
    )
    assert len(leased) == 4
    claimed = outbound_claim(50)  # the six not leased, free for any pump
    assert len(claimed) == 6 and not set(claimed) & leased
    outbound.outbound_send_many(claimed)
    assert outbound_settle() == 4
    assert len(gateway) == 10 == OutboundMessage.objects.filter(status="SENT").count()


def test_only_queued_acknowledgements_are_started(client, generic_channel, gateway):
    """A reporter who asked not to be contacted gets a SUPPRESSED row, never sent."""
    from sauti.channels.models import Reporter

    senders = _store(client, generic_channel, 2)
    assert tasks.drain_intake(50) == 2
    assert outbound_settle() == 2
    Reporter.objects.update(do_not_contact=True)
    post_generic(
        client, generic_channel, {"from": senders[0], "text": "Encore", "id": "d-x"}, process=False
    )
    assert tasks.drain_intake(50) == 1
    assert outbound_settle() == 0
    assert OutboundMessage.objects.filter(status="SUPPRESSED").count() == 1
    assert len(gateway) == 2


def test_a_failure_starting_the_sends_is_not_the_batchs(client, generic_channel, gateway, caplog):
    """The batch is committed before its acknowledgements start: if starting them fails, the
    messages stay linked (not retried one by one, not marked failed) and the pump sends the
    acknowledgements when the worker's lease on them ends."""
    from sauti.channels.models import InboundMessage

    _store(client, generic_channel, 3)
    with mock.patch.object(outbound, "outbound_start", side_effect=RuntimeError("+23675100000")):
        assert tasks.drain_intake(50) == 3
    states = set(InboundMessage.objects.values_list("processing_state", "attempts", "error"))
    assert states == {("LINKED", 0, "")}
    assert "acknowledgements failed" in caplog.text
    assert "one by one" not in caplog.text, "a committed batch was processed again"
    assert "+23675100000" not in caplog.text, "the exception's text may hold a number"
    assert OutboundMessage.objects.filter(purpose="ACK", status="QUEUED").count() == 3
    later = timezone.now() + timedelta(seconds=outbound.LEASE_SECONDS + 1)
    with mock.patch("django.utils.timezone.now", return_value=later):
        run_pending()
    assert len(gateway) == 3
    assert OutboundMessage.objects.filter(purpose="ACK", status="SENT").count() == 3
