"""Intake's second half: stored raw messages become alerts, many at a time.

A webhook answers its gateway as soon as the sealed raw message is committed
(``services.inbound_store``). The raw table is then the queue: ``intake_drain`` (a pump of
``sauti worker``) claims ready messages with a lease, prepares them outside any transaction
(unseal, read reporters, parse, resolve the place, number, build every row: CPU and reads, plus
two short writes for new reporters and reference numbers), then writes their alerts,
transitions, audit events, acknowledgements and links in one short transaction, with one
statement per table. Why batches: one alert written alone costs about twenty ORM statements; a
batch of fifty costs about the same number in all, and holds SQLite's single write lock for
about fifteen milliseconds.

Failure: a batch that raises is retried one message at a time, so one bad message holds up
nobody; that message goes to ERROR and is tried again with back-off (the job queue's), then is left
FAILED for a person. A processor that dies holds its messages only until the lease ends. A linked
message is never processed twice (states are re-read under the write lock).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.db.models import Count, F, Field
from django.utils import timezone

from sauti.alerts.models import Alert
from sauti.alerts.place_step import PlaceBatch, place_batch
from sauti.alerts.services import (
    StagedAlerts,
    alert_prepare,
    alerts_insert,
    alerts_number,
    alerts_stage,
    alerts_write,
    short_reference,
)
from sauti.channels import callbacks, conf, messages, outbound
from sauti.channels.models import (
    CallbackTask,
    Channel,
    InboundMessage,
    OutboundMessage,
    Reporter,
    ReporterPhone,
)
from sauti.channels.outbound import (
    SMS_TYPES,
    OutboundRow,
    outbound_messages,
    outbound_queue_many,
)
from sauti.channels.pseudonyms import new_pseudonym
from sauti.core.bulk import encode_rows, execute_many, insert_many
from sauti.core.claims import claim_batch, ready_condition
from sauti.core.crypto import seal, unseal
from sauti.core.jobs import backoff, error_summary

log = logging.getLogger(__name__)

# A batch holds SQLite's write lock ~0.2 ms per message while it writes (docs/performance.md): 50
# keep webhooks waiting about ten milliseconds at most (25 and 100 measured no better; 100 again
# on 12-03, fourth session: 18% less worker CPU an alert, 48% against 51% of the baseline).
# PostgreSQL has no such lock, and a batch's fixed cost (a dozen reads, the numbering, the
# escalation scan) is shared by more messages at 150: the worker's CPU per alert 1.20–1.26 →
# 0.99–1.05 ms (3,000 alerts, alternating), the bench's ratio 48% → 58%.
BATCH_SQLITE = 50
BATCH_POSTGRES = 150


def batch_size() -> int:
    """How many messages a claim takes on this database."""
    return BATCH_POSTGRES if connection.vendor == "postgresql" else BATCH_SQLITE


LEASE_SECONDS = conf.LEASE_SECONDS
State = InboundMessage.State
_READY = (State.STORED, State.ERROR)
_DONE = (State.LINKED, State.IGNORED_SPAM)
_ALERT_FLAGS = ("RATE_LIMITED", "BAD_ENCODING", "TRUNCATED", "EMPTY")
# What an acknowledgement learns when its alert is inserted, in the same transaction.
_ACK_LATER = ("related_alert",)

# Other apps route some inbound texts to themselves (e.g. response: "OK 7KQ2MX" acknowledges a
# transmission). A route returns the alert the text belongs to, or None to let intake go on.
InboundRoute = Callable[[str, str, Channel], "Alert | None"]
Looks = Callable[[str], bool]
_ROUTES: list[InboundRoute] = []
_LOOKS: list[Looks | None] = []


def inbound_route(func: InboundRoute, *, looks_like: Looks | None = None) -> InboundRoute:
    """Register a route tried on every inbound SMS before it becomes an alert. ``looks_like``:
    a cheap test of the text, false when the route cannot apply (without it every message is
    treated as a candidate, and goes through intake one at a time)."""
    if func not in _ROUTES:
        _ROUTES.append(func)
        _LOOKS.append(looks_like)
    return func


def _may_route(item: _Item) -> bool:
    if not item.text or item.channel.type not in SMS_TYPES:
        return False
    return any(looks is None or looks(item.text) for looks in _LOOKS)


# --- claiming ----------------------------------------------------------------------------------


def lease_end(now: datetime | None = None) -> datetime:
    """When a claim taken now runs out."""
    return (now or timezone.now()) + timedelta(seconds=LEASE_SECONDS)


def intake_claim(limit: int | None = None) -> list[int]:
    """Take up to ``limit`` messages (``batch_size()`` by default) ready for processing (oldest
    first) with a lease; their ids.

    One statement: an UPDATE … RETURNING over the partial index of messages still to process.
    PostgreSQL skips rows another processor is claiming; SQLite has one writer at a time.
    """
    now = timezone.now()
    return claim_batch(
        InboundMessage,
        state_column="processing_state",
        ready=_READY,
        lease_column="locked_until",
        now=now,
        until=lease_end(now),
        limit=limit or batch_size(),
    )


def intake_drain(limit: int | None = None, *, send_acks: bool = False) -> int:
    """Claim and process one batch; how many messages it held (0 when nothing was ready).
    ``send_acks``: start sending the acknowledgements as soon as the batch commits
    (``outbound.outbound_start``), for a caller whose outbound pump records them (the worker)."""
    ids = intake_claim(limit)
    if ids:
        process_ids(ids, send_acks=send_acks)
    return len(ids)


def process_ids(ids: list[int], *, send_acks: bool = False) -> list[int]:
    """Process these stored messages (claimed by the caller); the ids that failed, left for a
    retry with back-off."""
    try:
        _process(_load(ids), send_acks=send_acks)
        return []
    except Exception:
        if len(ids) == 1:
            _failed(ids[0])
            return list(ids)
        log.warning("intake batch of %s failed; processing its messages one by one", len(ids))
    failed = []
    for one in ids:
        try:
            _process(_load([one]), send_acks=send_acks)
        except Exception:
            _failed(one)
            failed.append(one)
    return failed


def _failed(inbound_id: int) -> None:
    # The exception's message may hold what was being processed: keep its type and frames only.
    log.error("processing inbound message %s failed:\n%s", inbound_id, error_summary())
    attempts = (
        InboundMessage.objects.filter(pk=inbound_id, processing_state__in=_READY)
        .values_list("attempts", flat=True)
        .first()
    )
    if attempts is None:
        return
    attempts += 1
    gave_up = attempts >= settings.SAUTI_JOB_MAX_ATTEMPTS
    InboundMessage.objects.filter(pk=inbound_id).update(
        attempts=attempts,
        processing_state=State.FAILED if gave_up else State.ERROR,
        locked_until=None if gave_up else timezone.now() + backoff(attempts),
        error="processing failed; a person must look"
        if gave_up
        else "processing failed; will retry",
    )


# --- processing --------------------------------------------------------------------------------


@dataclass
class _Item:
    message: InboundMessage
    text: str
    sender: str
    reporter: Reporter | None = None
    alert: Alert | None = None

    @property
    def channel(self) -> Channel:
        return self.message.channel

    @property
    def needs_callback(self) -> bool:
        flags = self.message.flags or []
        return self.message.kind == InboundMessage.Kind.MISSED_CALL or "EMPTY" in flags

    @property
    def special(self) -> bool:
        """Not the common case (an SMS that becomes a new, acknowledged alert): done alone."""
        return self.needs_callback or "RATE_LIMITED" in (self.message.flags or [])


def _load(ids: list[int]) -> list[InboundMessage]:
    """The messages with their reporter; channels (with area and network) read once per batch
    rather than joined into every row. Reporters too: a message only has one before processing
    when a person logged it (a CLA's call log), and a join would read the whole reporter table
    for every batch of SMS."""
    messages = list(InboundMessage.objects.filter(pk__in=ids).order_by("id"))
    channels = Channel.objects.select_related("area", "network").in_bulk(
        {m.channel_id for m in messages}
    )
    known = {m.reporter_id for m in messages if m.reporter_id is not None}
    reporters = Reporter.objects.in_bulk(known) if known else {}
    for m in messages:
        m.channel = channels[m.channel_id]
        if m.reporter_id is not None:
            m.reporter = reporters[m.reporter_id]
    return messages


def _process(batch: list[InboundMessage], *, send_acks: bool = False) -> None:
    """Most messages are ordinary SMS that become new, acknowledged alerts ("common"): all their
    reads and CPU (reporters, places, numbers, hooks, row values, audit events, acknowledgements)
    happen before the write transaction, which then only inserts and links. The rest (missed
    calls, floods, texts a route may claim) are done one at a time inside it."""
    items = [
        _Item(
            m,
            unseal(m.text_sealed) if m.text_sealed else "",
            unseal(m.sender_sealed) if m.sender_sealed else "",
        )
        for m in batch
        if m.processing_state not in _DONE
    ]
    if not items:
        return
    _find_reporters(items)
    _flag_floods(items)
    common = [i for i in items if not i.special and not _may_route(i)]
    if any(i.reporter is None and i.message.sender_hash for i in common):
        # Unknown numbers become reporters in a short write of their own; if the batch then
        # fails, its retry finds them known.
        with transaction.atomic():
            _create_reporters(common)
    places = place_batch()
    for item in items:
        item.alert = _prepare(item, places)
    staged, acks = _stage(common)
    started = _lease_to_self(acks) if send_acks else []
    ack_rows = encode_rows(acks, later=_ACK_LATER)  # leased first: the lease is in the row
    with transaction.atomic():
        # Lock every row of the batch (PostgreSQL; SQLite's write lock is already held) and read
        # its state again: a processor whose lease ran out while it worked may have linked some.
        states = dict(
            InboundMessage.objects.select_for_update()
            .filter(pk__in=[i.message.pk for i in items])
            .values_list("pk", "processing_state")
        )
        done = {pk for pk, state in states.items() if state in _DONE}
        _write_common([i for i in common if i.message.pk not in done], staged, acks, ack_rows)
        in_common = {id(i) for i in common}
        for item in items:
            if id(item) in in_common or item.message.pk in done or _routed(item):
                continue
            _create_reporters([item])
            assert item.alert is not None
            item.alert.reporter = item.reporter
            if item.special:
                _process_special(item)
            else:
                _flush([item])
    _start_sends([m for m in started if m.pk is not None])  # not written: no pk


def _start_sends(acks: list[OutboundMessage]) -> None:
    """Start the committed batch's acknowledgements. A failure here (a channel's credentials
    that no longer open, a sending pool that will not start) is not the batch's: its alerts are
    committed, and retrying its messages would report them as failed. The acknowledgements stay
    QUEUED, leased to this worker; the outbound pump takes them when the lease ends."""
    try:
        outbound.outbound_start(acks)
    except Exception:
        log.error(
            "starting %s acknowledgements failed; the outbound pump sends them after their "
            "lease:\n%s",
            len(acks),
            error_summary(),
        )


def _lease_to_self(acks: list[OutboundMessage]) -> list[OutboundMessage]:
    """The acknowledgements this worker sends itself once they are committed, leased to it
    before they are inserted (as many as the sending pool has room for; the pump claims the
    rest). Nothing else can take them before the lease ends."""
    queued = [m for m in acks if m.status == OutboundMessage.Status.QUEUED]
    chosen = queued[: outbound.outbound_room()]
    until = outbound.outbound_lease_end()
    for message in chosen:
        message.next_attempt_at = until
    return chosen


def _stage(common: list[_Item]) -> tuple[StagedAlerts, list[OutboundMessage]]:
    """Number the common alerts (a short write of its own: numbers of alerts that are then not
    written are skipped) and build every row their transaction will insert."""
    alerts = []
    for item in common:
        assert item.alert is not None
        item.alert.reporter = item.reporter
        alerts.append(item.alert)
    if alerts:
        with transaction.atomic():
            alerts_number(alerts)
    return alerts_stage(alerts), outbound_messages(_acks(common))


def _write_common(
    kept: list[_Item],
    staged: StagedAlerts,
    acks: list[OutboundMessage],
    ack_rows: list[list[Any]],
) -> None:
    """Insert the staged rows of the common messages still to link (all of them but in a lease
    race) and link the messages to their alerts. ``ack_rows``: the acknowledgements' values
    but their alert's id, encoded before the transaction."""
    if len(kept) < len(staged.alerts):
        alive = {id(i.alert) for i in kept}
        staged = staged.only(lambda alert: id(alert) in alive)
        pairs = [
            (m, r) for m, r in zip(acks, ack_rows, strict=True) if id(m.related_alert) in alive
        ]
        acks, ack_rows = [m for m, _ in pairs], [r for _, r in pairs]
    if not kept:
        return
    alerts_write(staged)
    _link(kept)
    insert_many(acks, rows=ack_rows, later=_ACK_LATER)


def _find_reporters(items: list[_Item]) -> None:
    """The reporter behind each sender, in one query (known numbers only)."""
    hashes = {i.message.sender_hash for i in items if i.message.sender_hash}
    known = {
        row.phone_hash: row.reporter
        for row in ReporterPhone.objects.select_related("reporter").filter(phone_hash__in=hashes)
    }
    for item in items:
        item.reporter = item.message.reporter or known.get(item.message.sender_hash)


def _flag_floods(items: list[_Item]) -> None:
    """More than FLOOD_LIMIT messages from one sender within FLOOD_WINDOW: flag RATE_LIMITED
    (stored and attached to the sender's latest alert, never dropped). What came before the
    batch is counted in two grouped reads (``_earlier_counts``); the batch's own messages are
    added in order. A sender is the reporter behind the number once known (a focal point's
    numbers count together), else the number."""
    senders = [i for i in items if i.message.sender_hash]
    if not senders:
        return
    linked, queued = _earlier_counts(senders)
    seen: dict[object, int] = defaultdict(int)
    for item in senders:
        number = item.message.sender_hash
        reporter = item.reporter.pk if item.reporter is not None else None
        who: object = number if reporter is None else reporter
        before = queued.get(number, 0) + (0 if reporter is None else linked.get(reporter, 0))
        flags = item.message.flags or []
        if before + seen[who] >= conf.FLOOD_LIMIT and "RATE_LIMITED" not in flags:
            item.message.flags = [*flags, "RATE_LIMITED"]
        seen[who] += 1


def _earlier_counts(senders: list[_Item]) -> tuple[dict[int, int], dict[str, int]]:
    """The senders' messages within the window before the batch: linked ones per reporter,
    still-queued ones per number.

    There is no index on the number (every webhook would write one more page at a random place,
    ``InboundMessage.Meta``): linked messages are counted on the (reporter, stored) index
    alone, never reading the table; messages still in the queue (stored, or failed and waiting
    for a retry: no reporter yet) on the queue's own small partial index. The two never overlap
    and, between them, hold every earlier message of the window but the few left FAILED for a
    person."""
    reporters = {i.reporter.pk for i in senders if i.reporter is not None}
    since = min(i.message.stored_at for i in senders) - timedelta(seconds=conf.FLOOD_WINDOW)
    first_id = min(i.message.pk for i in senders)
    linked: dict[int, int] = {}
    if reporters:
        linked = dict(
            # ``id + 0``: the same rows as ``id < first_id``, but not a condition an index can
            # serve. As a plain ``id <`` PostgreSQL ANDs a bitmap of the primary key's whole
            # range below the batch (every message ever stored) with the reporter index: most
            # of the database's time per alert (docs/performance.md).
            InboundMessage.objects.alias(seq=F("id") + 0)
            .filter(reporter_id__in=reporters, stored_at__gte=since, seq__lt=first_id)
            .values("reporter_id")
            .annotate(n=Count("id"))
            .values_list("reporter_id", "n")
        )
    hashes = {i.message.sender_hash for i in senders}
    return linked, _queued_counts(hashes, since, first_id)


def _queued_counts(hashes: set[str], since: datetime, first_id: int) -> dict[str, int]:
    """Per number, its unlinked messages still in the queue before ``first_id`` (as a rule none:
    one worker links in id order; an earlier message that failed and waits for its retry, or a
    batch another worker holds). The ready states are written into the statement so that
    SQLite reads the queue's partial index (``core.claims``), not the whole table."""
    table = connection.ops.quote_name(InboundMessage._meta.db_table)
    marks = ", ".join(["%s"] * len(hashes))
    sql = (
        f"SELECT sender_hash, COUNT(*) FROM {table} "  # noqa: S608 - names and states are ours
        f"WHERE {ready_condition('processing_state', _READY)} AND id < %s "
        f"AND reporter_id IS NULL AND stored_at >= %s AND sender_hash IN ({marks}) "
        "GROUP BY sender_hash"
    )
    at = connection.ops.adapt_datetimefield_value(since)
    with connection.cursor() as cursor:
        cursor.execute(sql, [first_id, at, *sorted(hashes)])
        return {str(key): int(n) for key, n in cursor.fetchall()}


def _prepare(item: _Item, places: PlaceBatch) -> Alert:
    reporter, channel = item.reporter, item.channel
    focal = reporter is not None and reporter.kind == Reporter.Kind.FOCAL_POINT
    return alert_prepare(
        text=item.text,
        area=channel.area,
        received_at=item.message.received_at,
        channel=channel,
        reporter=reporter,
        language_hint=reporter.language if focal and reporter else channel.default_language,
        state="CALLBACK_PENDING" if item.needs_callback else "RECEIVED",
        flags=[f for f in (item.message.flags or []) if f in _ALERT_FLAGS],
        places=places,
    )


def _routed(item: _Item) -> bool:
    """A reply meant for another service (a responder's acknowledgement code) is linked to its
    alert, never made an alert, and its sender never becomes a reporter."""
    if not item.text or item.channel.type not in SMS_TYPES:
        return False
    for route in _ROUTES:
        alert = route(item.text, item.sender, item.channel)
        if alert is not None:
            message = item.message
            message.alert = alert
            message.flags = [*(message.flags or []), "ROUTED_REPLY"]
            message.processing_state = State.LINKED
            message.error = ""
            message.locked_until = None
            message.save(
                update_fields=["alert", "flags", "processing_state", "error", "locked_until"]
            )
            return True
    return False


def _create_reporters(items: list[_Item]) -> None:
    """An unknown number becomes a PUBLIC reporter: one per number, whatever the batch holds.
    Read again under the write lock, so a number enrolled meanwhile is not created twice."""
    missing = {
        i.message.sender_hash: i for i in items if i.reporter is None and i.message.sender_hash
    }
    if not missing:
        return
    known = {
        row.phone_hash: row.reporter
        for row in ReporterPhone.objects.select_related("reporter").filter(
            phone_hash__in=list(missing)
        )
    }
    created: dict[str, Reporter] = {}
    for key, item in missing.items():
        if key in known:
            continue
        channel = item.channel
        created[key] = Reporter(
            pseudonym=new_pseudonym(Reporter.Kind.PUBLIC, channel.area),
            kind=Reporter.Kind.PUBLIC,
            area=channel.area,
            network=channel.network,
            languages=[channel.default_language],
            status=Reporter.Status.ACTIVE,
        )
    insert_many(list(created.values()))
    insert_many(
        [
            ReporterPhone(reporter=r, phone_hash=key, phone_sealed=seal(missing[key].sender))
            for key, r in created.items()
        ]
    )
    known.update(created)
    for item in items:
        if item.reporter is None and item.message.sender_hash:
            item.reporter = known[item.message.sender_hash]


_LINK_FIELDS = ("alert", "reporter", "language_detected", "processing_state", "flags")


def _link(items: list[_Item]) -> None:
    """Mark messages LINKED to their alerts: one prepared UPDATE run for every row (Django's
    ``bulk_update`` builds a CASE per field and row, ~3 ms per message in a batch of 200)."""
    for item in items:
        message, alert = item.message, item.alert
        message.alert = alert
        message.reporter = item.reporter
        message.language_detected = (alert.language if alert else "")[:5]
        message.processing_state = State.LINKED
        message.error = ""
        message.locked_until = None
    meta = InboundMessage._meta
    db = connections[DEFAULT_DB_ALIAS]  # the wrapper, not the proxy: one thread-local lookup
    fields = [cast(Field, meta.get_field(name)) for name in _LINK_FIELDS]
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(str(f.column))} = %s" for f in fields)
    sql = (
        f"UPDATE {quote(meta.db_table)} SET {assignments}, error = '', locked_until = NULL "  # noqa: S608
        "WHERE id = %s"
    )
    rows = [
        [
            *(f.get_db_prep_save(getattr(i.message, f.attname), db) for f in fields),
            i.message.pk,
        ]
        for i in items
    ]
    execute_many(sql, rows)


def _acks(items: list[_Item]) -> list[OutboundRow]:
    """The acknowledgement of each new alert, in its reporter's language (SMS channels only)."""
    acks: list[OutboundRow] = []
    for item in items:
        reporter, alert = item.reporter, item.alert
        if reporter is None or alert is None or item.channel.type not in SMS_TYPES:
            continue
        language = (
            reporter.language
            if reporter.kind == Reporter.Kind.FOCAL_POINT
            else (alert.language or reporter.language)
        )
        lang, body = messages.render(messages.ACK, language, ref=short_reference(alert.reference))
        acks.append((reporter, item.channel, OutboundMessage.Purpose.ACK, body, lang, alert))
    return acks


def _flush(pending: list[_Item]) -> None:
    """New alerts numbered and written inside the caller's transaction, each acknowledged."""
    alerts = [item.alert for item in pending if item.alert is not None]
    alerts_insert(alerts)
    _link(pending)
    outbound_queue_many(_acks(pending))


def _flood_target(reporter: Reporter) -> Alert | None:
    since = timezone.now() - timedelta(seconds=conf.FLOOD_WINDOW)
    return (
        Alert.objects.filter(reporter=reporter, received_at__gte=since)
        .order_by("-received_at", "-id")
        .first()
    )


def _process_special(item: _Item) -> None:
    """A flood message joins the sender's latest alert; a missed call joins the sender's pending
    callback, or reopens an alert of theirs that went unreachable lately, else opens an alert with a callback task for the CLA on duty. None is acknowledged."""
    reporter = item.reporter
    alert: Alert | None = None
    if "RATE_LIMITED" in (item.message.flags or []) and reporter is not None:
        alert = _flood_target(reporter)
    if alert is None and item.message.kind == InboundMessage.Kind.MISSED_CALL and reporter:
        pending = (
            CallbackTask.objects.filter(reporter=reporter, outcome=CallbackTask.Outcome.PENDING)
            .select_related("alert")
            .first()
        )
        # Else an alert of the reporter that went UNREACHABLE lately comes back to the CLA.
        alert = pending.alert if pending else callbacks.callback_reopen(reporter)
    if alert is None:
        assert item.alert is not None
        alert = item.alert
        alert.reporter = reporter
        alerts_insert([alert])
        if item.needs_callback and reporter is not None:
            CallbackTask.objects.create(
                reporter=reporter,
                alert=alert,
                area=alert.admin_unit or item.channel.area,
                due_at=timezone.now() + timedelta(minutes=conf.CALLBACK_MINUTES),
            )
    item.alert = alert
    _link([item])
