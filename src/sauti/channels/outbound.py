"""Outbound SMS to reporters: queued in the transaction that needs them (outbox), sent in batches
by the worker's ``channels.outbound`` pump through the gateway of the channel (or an SMS channel
of the same area for web and API alerts)."""

from __future__ import annotations

import logging
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import wait as futures_wait
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import Q
from django.utils import timezone

from sauti.alerts.models import Alert
from sauti.channels.credentials import channel_credentials
from sauti.channels.gateways import GatewayError, get_gateway, status_hook_url
from sauti.channels.models import Channel, OutboundMessage, Reporter, ReporterPhone
from sauti.core.bulk import build, execute_many, insert_many
from sauti.core.claims import claim_batch
from sauti.core.crypto import unseal
from sauti.core.jobs import backoff, error_summary

log = logging.getLogger(__name__)

SMS_TYPES = (Channel.Type.TWILIO, Channel.Type.GENERIC, Channel.Type.MISSED_CALL)


def outbound_queue(
    reporter: Reporter,
    channel: Channel,
    purpose: str,
    body: str,
    language: str,
    alert: Alert | None = None,
) -> OutboundMessage:
    """Queue an SMS to a reporter (outbox: call inside the transaction that makes it necessary).
    Reporters who are not ACTIVE or asked not to be contacted get nothing (§4.3, DP-7)."""
    return outbound_queue_many([(reporter, channel, purpose, body, language, alert)])[0]


OutboundRow = tuple[Reporter, Channel, str, str, str, "Alert | None"]


def outbound_messages(rows: list[OutboundRow]) -> list[OutboundMessage]:
    """The messages ``outbound_queue_many`` would insert, not saved (a related alert may be saved
    after this). Reporters who are not ACTIVE or asked not to be contacted get SUPPRESSED ones."""
    messages = []
    for reporter, channel, purpose, body, language, alert in rows:
        blocked = reporter.do_not_contact or reporter.status != Reporter.Status.ACTIVE
        messages.append(
            build(
                OutboundMessage,
                to_reporter=reporter,
                channel=channel,
                purpose=purpose,
                language=language,
                body=body[:480],
                related_alert=alert,
                status=OutboundMessage.Status.SUPPRESSED
                if blocked
                else OutboundMessage.Status.QUEUED,
            )
        )
    return messages


def outbound_queue_many(rows: list[OutboundRow]) -> list[OutboundMessage]:
    """``outbound_queue`` for many messages: one statement. The table is the send queue: a
    QUEUED row is sent by the worker's ``channels.outbound`` pump, with no job row of its own."""
    messages = outbound_messages(rows)
    insert_many(messages)
    return messages


def sms_route(channel: Channel) -> Channel | None:
    if channel.type in SMS_TYPES and channel.active:
        return channel
    # A web-form or API alert is answered through an SMS channel of the same area or above.
    paths = [p for p in channel.area.path.split("/") if p]
    for depth in range(len(paths), 0, -1):
        candidate = (
            Channel.objects.filter(
                type__in=[Channel.Type.TWILIO, Channel.Type.GENERIC],
                active=True,
                area__pcode=paths[depth - 1],
            )
            .order_by("id")
            .first()
        )
        if candidate is not None:
            return candidate
    return None


# Sends are network calls (a gateway's API, 0.1–1 s each): a batch runs them side by side on the
# pool below, in the worker's own thread for this pump (``tasks.drain_outbound``), so intake never
# waits for a gateway. 50 per batch spreads the batch's reads over more messages.
BATCH = 50
LEASE_SECONDS = 120  # longer than a batch of sends can take (urlopen's timeout is 20 s)
_SEND_THREADS = 16

Status = OutboundMessage.Status


def outbound_claim(limit: int = BATCH) -> list[int]:
    """Take up to ``limit`` QUEUED messages whose lease or back-off has ended; their ids."""
    now = timezone.now()
    return claim_batch(
        OutboundMessage,
        state_column="status",
        ready=[Status.QUEUED],
        lease_column="next_attempt_at",
        now=now,
        until=now + timedelta(seconds=LEASE_SECONDS),
        limit=limit,
    )


def outbound_drain(limit: int = BATCH) -> int:
    """Claim and send one batch; how many messages it held (0 when none was due)."""
    ids = outbound_claim(limit)
    if ids:
        outbound_send_many(ids)
    return len(ids)


@dataclass
class _Send:
    message: OutboundMessage
    route: Channel
    credentials: dict[str, Any]
    to: str
    outcome: str = ""  # SENT, FAILED or RETRY
    gateway_id: str = ""
    error: str = ""


def outbound_claim_one(outbound_id: int) -> bool:
    """Take this one message (a job queued by an earlier version names it) unless it is not
    QUEUED or a sender holds it; whether it was taken."""
    now = timezone.now()
    return bool(
        OutboundMessage.objects.filter(
            Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now),
            pk=outbound_id,
            status=Status.QUEUED,
        ).update(next_attempt_at=now + timedelta(seconds=LEASE_SECONDS))
    )


def outbound_send(outbound_id: int) -> str:
    """Send one queued SMS now, unless a sender holds it; its status afterwards."""
    if outbound_claim_one(outbound_id):
        outbound_send_many([outbound_id])
    return OutboundMessage.objects.values_list("status", flat=True).get(pk=outbound_id)


def outbound_send_many(ids: list[int]) -> None:
    """Send these claimed messages through their channels' gateways, and wait for the answers.

    A refusal by configuration (no number, no route, a gateway's 4xx on our settings) fails a
    message for good; a network error or a gateway's 5xx keeps it QUEUED with back-off, until
    SAUTI_JOB_MAX_ATTEMPTS tries have failed. Delivery is at least once: a sender that dies
    after the gateway accepted a message sends it again when its lease ends.
    """
    sends, failed = _prepare(ids)
    if len(sends) > 1:
        list(_pool().map(_send_one, sends))
    else:
        for send in sends:
            _send_one(send)
    _record([*failed, *sends])


# Sends under way on the pool, started by ``outbound_pump`` and recorded by a later turn.
_IN_FLIGHT: list[tuple[Future[None], _Send]] = []
# Four rounds of the pool at most: even if every call ran into urlopen's 20 s timeout, the last
# one ends (80 s) before its lease (LEASE_SECONDS), so no other sender can take it meanwhile.
# Room for a whole intake batch of acknowledgements (``outbound_start``) besides the pump's own.
MAX_IN_FLIGHT = 4 * _SEND_THREADS


def outbound_pump(limit: int = BATCH) -> int:
    """The worker's turn: record the sends that finished, start new ones; items handled.

    Gateway calls run on the pool while the worker goes on with intake: the worker never waits
    for a gateway. Every database read and write stays on the worker's own thread, between its
    intake batches, so the two never compete for SQLite's write lock."""
    handled = _collect(wait=False)
    room = MAX_IN_FLIGHT - len(_IN_FLIGHT)
    ids = outbound_claim(min(limit, room)) if room > 0 else []
    if ids:
        sends, failed = _prepare(ids)
        _record(failed)
        for send in sends:
            _IN_FLIGHT.append((_pool().submit(_send_one, send), send))
    return handled + len(ids)


def outbound_lease_end(now: datetime | None = None) -> datetime:
    """Until when a message leased now is held for its sender (see ``outbound_start``)."""
    return (now or timezone.now()) + timedelta(seconds=LEASE_SECONDS)


def outbound_room() -> int:
    """How many more sends the pool takes now (after recording those that have finished)."""
    _collect(wait=False)
    return max(0, MAX_IN_FLIGHT - len(_IN_FLIGHT))


def outbound_start(messages: list[OutboundMessage]) -> int:
    """Start sending messages the caller has just inserted QUEUED and leased to itself
    (``next_attempt_at`` = ``outbound_lease_end()``), no more than ``outbound_room()``, without
    claiming them or reading them back: intake's acknowledgements, started by the worker as soon
    as their batch commits. The pump records them on a later turn like any other; a worker that
    dies first leaves them to any pump when the lease ends (at least once, as for every send).
    Saves the claim and two reads per batch (docs/performance.md). How many were started."""
    if not messages:
        return 0
    sends, failed = _sends(messages)
    _record(failed)
    for send in sends:
        _IN_FLIGHT.append((_pool().submit(_send_one, send), send))
    return len(messages)


def outbound_settle() -> int:
    """Wait for the sends under way and record them (a worker stopping; tests)."""
    return _collect(wait=True)


def _collect(*, wait: bool) -> int:
    """Record the sends that have finished (all of them, waiting, when ``wait``)."""
    if not _IN_FLIGHT:
        return 0
    if wait:
        futures_wait([future for future, _ in _IN_FLIGHT])
    done = [(f, send) for f, send in _IN_FLIGHT if f.done()]
    if not done:
        return 0
    _IN_FLIGHT[:] = [(f, send) for f, send in _IN_FLIGHT if not f.done()]
    _record([send for _, send in done])
    return len(done)


def _prepare(ids: list[int]) -> tuple[list[_Send], list[_Send]]:
    """The claimed messages still QUEUED, split by ``_sends``."""
    messages = list(
        OutboundMessage.objects.filter(pk__in=ids, status=Status.QUEUED)
        .only("to_reporter_id", "channel_id", "body", "status", "attempts", "gateway_id", "sent_at")
        .order_by("id")
    )
    # Channels (with their area) read once per batch rather than joined into every row.
    channels = Channel.objects.select_related("area").in_bulk({m.channel_id for m in messages})
    for message in messages:
        message.channel = channels[message.channel_id]
    return _sends(messages)


def _sends(messages: list[OutboundMessage]) -> tuple[list[_Send], list[_Send]]:
    """Messages (with their channel) split into sends (route, credentials and the unsealed number
    ready) and failures by configuration (no number, no SMS route)."""
    phones: dict[int, ReporterPhone] = {}
    for row in (
        ReporterPhone.objects.filter(reporter_id__in={m.to_reporter_id for m in messages})
        .only("reporter_id", "phone_sealed", "primary")
        .order_by("-primary", "id")
    ):
        phones.setdefault(row.reporter_id, row)
    routes: dict[int, Channel | None] = {}
    credentials: dict[int, dict[str, Any]] = {}
    sends: list[_Send] = []
    failed: list[_Send] = []
    for message in messages:
        if message.channel_id not in routes:
            routes[message.channel_id] = sms_route(message.channel)
        route, phone = routes[message.channel_id], phones.get(message.to_reporter_id)
        if route is None or phone is None:
            failed.append(
                _Send(
                    message,
                    message.channel,
                    {},
                    "",
                    "FAILED",
                    error="no phone number or no SMS route",
                )
            )
            continue
        if route.pk not in credentials:
            credentials[route.pk] = channel_credentials(route)
        sends.append(_Send(message, route, credentials[route.pk], unseal(phone.phone_sealed)))
    return sends, failed


_POOL: ThreadPoolExecutor | None = None


def _pool() -> ThreadPoolExecutor:
    """The sending threads, started once per process (starting eight per batch cost more than
    the batch's own work when a gateway answers fast)."""
    global _POOL
    if _POOL is None:
        _POOL = ThreadPoolExecutor(max_workers=_SEND_THREADS, thread_name_prefix="sms-send")
    return _POOL


def _send_one(send: _Send) -> None:
    """One gateway call (no database access: it may run in a thread of its own). The gateway
    is told where to report delivery (``delivery``) if it takes the address with each message."""
    try:
        send.gateway_id = get_gateway(send.route.type).send(
            send.credentials,
            send.to,
            send.message.body,
            status_url=status_hook_url(send.route.uuid, send.credentials),
        )[:200]
        send.outcome = "SENT"
    except GatewayError as exc:
        send.outcome, send.error = "FAILED", exc.detail[:300]
    except Exception:
        # The exception's text may carry the number or the message: keep its type only.
        send.outcome, send.error = "RETRY", error_summary().splitlines()[0][:300]


def _record(sends: list[_Send]) -> None:
    """The outcomes, one prepared UPDATE run for every message (only while still QUEUED)."""
    if not sends:
        return
    now = timezone.now()
    rows = []
    for send in sends:
        message = send.message
        attempts = message.attempts + 1
        status, next_at, error = Status.QUEUED, None, send.error
        if send.outcome == "SENT":
            status, error = Status.SENT, ""
        elif send.outcome == "FAILED" or attempts >= settings.SAUTI_JOB_MAX_ATTEMPTS:
            status = Status.FAILED
            if send.outcome == "RETRY":
                error = f"gave up after {attempts} attempts: {send.error}"[:300]
        else:
            next_at = now + backoff(attempts)
            log.warning("outbound message %s not sent (attempt %s), retrying", message.pk, attempts)
        message.status, message.attempts, message.next_attempt_at = status, attempts, next_at
        message.error, message.gateway_id = error, send.gateway_id or message.gateway_id
        message.sent_at = now if status == Status.SENT else message.sent_at
        rows.append(
            [
                str(status),
                attempts,
                _at(next_at),
                error,
                message.gateway_id,
                _at(message.sent_at),
                message.pk,
            ]
        )
    quote = connection.ops.quote_name
    execute_many(
        f"UPDATE {quote(OutboundMessage._meta.db_table)} SET status = %s, attempts = %s, "  # noqa: S608
        "next_attempt_at = %s, error = %s, gateway_id = %s, sent_at = %s "
        "WHERE id = %s AND status = 'QUEUED'",
        rows,
    )


def _at(value: datetime | None) -> Any:
    return None if value is None else connection.ops.adapt_datetimefield_value(value)
