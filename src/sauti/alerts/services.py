"""Writes of alerts: receive (parse + place + create), create by hand, set fields, re-parse.

Creation is split so intake can work in batches: ``alert_prepare`` parses and resolves the place
(CPU and reads only, outside any transaction), ``alerts_insert`` numbers and writes any number of
prepared alerts with one statement per table. ``alert_receive`` is the two for one message.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from sauti.accounts import audit
from sauti.accounts.models import AuditEvent, User
from sauti.alerts.models import COUNT_KEYS, PARSED_FIELDS, Alert, ReferenceCounter
from sauti.alerts.parsing import PARSER_VERSION, Parsed, parse
from sauti.alerts.place_step import PlaceBatch, PlaceOutcome, resolve_place
from sauti.alerts.taxonomy import THREAT_LABELS, THREAT_TYPES
from sauti.alerts.workflow import initial_rows, prepare_new
from sauti.core.bulk import build, encode_rows, insert_many
from sauti.core.crypto import seal
from sauti.places.models import AdminUnit

# A resolved place outside the receiving channel's area is trusted only above this score, so a
# doubtful match never moves an alert out of sight of the CLA whose hotline received it.
OUTSIDE_AREA_MIN_SCORE = 0.9


class AlertError(ValueError):
    """A request to change an alert that cannot be honoured (unknown field or value)."""


def _admin1_pcode(unit: AdminUnit) -> str:
    parts = [p for p in unit.path.split("/") if p]
    return parts[1] if len(parts) > 1 else parts[0]


def reference_prefix(unit: AdminUnit, when: datetime) -> str:
    return f"{settings.SAUTI_MISSION_CODE}-{_admin1_pcode(unit)}-{when:%Y}-"


def reference_block(prefix: str, count: int) -> int:
    """Reserve ``count`` consecutive numbers under ``prefix``; returns the last. Unique under
    concurrency: the counter row is incremented in the caller's transaction (row lock on
    PostgreSQL; SQLite serialises writers), so two alerts never share a number."""
    table = connection.ops.quote_name(ReferenceCounter._meta.db_table)
    sql = f"UPDATE {table} SET value = value + %s WHERE prefix = %s RETURNING value"  # noqa: S608
    for _attempt in range(3):
        with connection.cursor() as cursor:
            # One statement increments and reads back (RETURNING: SQLite ≥ 3.35, PostgreSQL).
            cursor.execute(sql, [count, prefix])
            row = cursor.fetchone()
        if row is not None:
            return int(row[0])
        try:
            with transaction.atomic():
                ReferenceCounter.objects.create(prefix=prefix, value=count)
            return count
        except IntegrityError:
            continue  # another transaction created it meanwhile: increment that row
    raise RuntimeError("could not number the alert")  # pragma: no cover - lost three races


def reference_next(unit: AdminUnit, when: datetime) -> str:
    """The next reference such as MINUSCA-CF52-2026-000123."""
    prefix = reference_prefix(unit, when)
    return f"{prefix}{reference_block(prefix, 1):06d}"


def short_reference(reference: str) -> str:
    """The part of a reference sent back by SMS: no mission name (DP-7), e.g. CF52-000123."""
    parts = reference.split("-")
    return f"{parts[-3]}-{parts[-1]}" if len(parts) >= 3 else reference


def summary_for(threat_type: str, place_text: str) -> str:
    """Neutral automatic summary; the text as told stays sealed in the narrative."""
    label = str(THREAT_LABELS.get(threat_type, threat_type))
    return f"{label} — {place_text}"[:500] if place_text else label[:500]


@transaction.atomic
def alert_create(
    summary: str,
    admin_unit: AdminUnit,
    *,
    threat_type: str = "OTHER",
    received_at: datetime | None = None,
    actor: User | None = None,
) -> Alert:
    """An alert recorded by hand (demo, imports) without a raw message."""
    when = received_at or timezone.now()
    alert = Alert(
        summary=summary,
        admin_unit=admin_unit,
        threat_type=threat_type,
        received_at=when,
        created_by=actor,
        state="RECORDED" if actor else "RECEIVED",
        recorded_at=when if actor else None,
        state_changed_at=when,
    )
    alerts_insert([alert], actor=actor, action="object.create")
    return alert


def _apply(alert: Alert, parsed: Parsed, place: PlaceOutcome, area: AdminUnit) -> None:
    """Copy parsed values onto unlocked fields; a value a human set (locked) is never touched."""
    locked = set(alert.locked_fields or [])
    confidence = dict(alert.confidence or {})
    if "threat_type" not in locked:
        alert.threat_type = parsed.threat_type
        confidence["threat_type"] = parsed.confidence.get("threat_type", 0.0)
    if "place" not in locked:
        alert.place_text = parsed.place_text[:200]
        alert.place_candidates = place.candidates
        unit = area
        if place.admin_unit is not None and (
            place.admin_unit.path.startswith(area.path) or place.score >= OUTSIDE_AREA_MIN_SCORE
        ):
            unit = place.admin_unit
        alert.admin_unit = unit
        confidence["place"] = (
            round(place.score, 3) if place.admin_unit else parsed.confidence.get("place", 0.0)
        )
    if "occurred_at" not in locked:
        if parsed.time is not None:
            alert.occurred_at = parsed.time.occurred_at
            alert.occurred_precision = parsed.time.precision
        else:
            alert.occurred_at = alert.received_at
            alert.occurred_precision = "UNKNOWN"
        confidence["occurred_at"] = parsed.confidence.get("occurred_at", 0.0)
    if "actors" not in locked:
        alert.actors = parsed.actors
        confidence["actors"] = parsed.confidence.get("actors", 0.0)
    if "counts" not in locked:
        alert.counts = {k: parsed.counts.get(k) for k in COUNT_KEYS}
        confidence["counts"] = parsed.confidence.get("counts", 0.0)
    alert.confidence = confidence
    alert.parser_version = PARSER_VERSION
    if "threat_type" not in locked or "place" not in locked:
        # The summary names a place only when it is certain enough not to be a misread name.
        if place.admin_unit is not None and place.candidates:
            shown = str(place.candidates[0].get("name") or alert.place_text)
        else:
            shown = alert.place_text if confidence.get("place", 0) >= 0.6 else ""
        alert.summary = summary_for(alert.threat_type, shown)


def _local(when: datetime) -> datetime:
    return when.astimezone(ZoneInfo(settings.SAUTI_MISSION_TIME_ZONE))


def alert_prepare(
    *,
    text: str,
    area: AdminUnit,
    received_at: datetime,
    channel: Any = None,
    reporter: Any = None,
    language_hint: str = "",
    state: str = "RECEIVED",
    actor: User | None = None,
    flags: list[str] | None = None,
    places: PlaceBatch | None = None,
) -> Alert:
    """The alert for one stored message, parsed and placed but not saved (no writes: call it
    outside the transaction, so a batch holds SQLite's write lock only while it inserts).

    ``area`` is where the alert sits when the place does not resolve (the channel's area).
    """
    parsed = parse(text, now=_local(received_at), language_hint=language_hint)
    place = resolve_place(parsed.place_text, country=area.country_iso2, area=area, batch=places)
    alert = build(
        Alert,
        received_at=received_at,
        channel=channel,
        reporter=reporter,
        created_by=actor,
        language=parsed.language or language_hint,
        narrative_sealed=seal(text) if text else "",
        state=state,
        flags=list(flags or []),
        admin_unit=area,
    )
    _apply(alert, parsed, place, area)
    if parsed.time is not None and parsed.time.future:
        alert.flags = [*alert.flags, "FUTURE_EVENT"]
    alert.state_changed_at = received_at
    return alert


def alerts_number(alerts: list[Alert]) -> None:
    """Give prepared alerts their references, in the list's order within each mission/area/year
    prefix. In the caller's transaction; called alone (autocommit) it is a short write of its
    own, and numbers of alerts that are then not written are skipped, never reused."""
    by_prefix: dict[str, list[Alert]] = defaultdict(list)
    for alert in alerts:
        by_prefix[reference_prefix(alert.admin_unit, alert.received_at)].append(alert)
    for prefix, group in sorted(by_prefix.items()):
        first = reference_block(prefix, len(group)) - len(group) + 1
        for offset, alert in enumerate(group):
            alert.reference = f"{prefix}{first + offset:06d}"


@dataclass
class StagedAlerts:
    """Numbered alerts with everything their insert needs, built before the write transaction."""

    alerts: list[Alert]
    rows: list[list[Any]]  # the alerts' column values (``core.bulk.encode_rows``)
    transitions: list[Any]
    events: list[AuditEvent]
    writes: list[Callable[[], None]]  # the creation hooks' writes (queued jobs)
    # The transitions' and events' column values but the alert's id (``encode_rows(later=…)``).
    transition_rows: list[list[Any]]
    event_rows: list[list[Any]]

    def only(self, keep: Callable[[Alert], bool]) -> StagedAlerts:
        """The same, for the alerts ``keep`` accepts (their numbers stay; the others' are skipped)."""
        kept = [i for i, alert in enumerate(self.alerts) if keep(alert)]
        alive = {id(self.alerts[i]) for i in kept}
        moves = [i for i, t in enumerate(self.transitions) if id(t.alert) in alive]
        return StagedAlerts(
            [self.alerts[i] for i in kept],
            [self.rows[i] for i in kept],
            [self.transitions[i] for i in moves],
            [self.events[i] for i in kept],
            self.writes,
            [self.transition_rows[i] for i in moves],
            [self.event_rows[i] for i in kept],
        )


# What a staged transition or event learns when its alert is inserted (``StagedAlerts``).
TRANSITION_LATER = ("alert",)
EVENT_LATER = ("object_id",)


def alerts_stage(
    alerts: list[Alert], *, actor: User | None = None, action: str = "alert.receive"
) -> StagedAlerts:
    """Creation hooks (deadlines), column values, first transitions and audit events of numbered
    alerts, and their column values but the alerts' ids: reads and CPU only, so intake runs it
    before it takes SQLite's write lock (encoding the transitions, events and acknowledgements
    there took ~2 of the ~12 ms a batch of 50 held it, docs/performance.md)."""
    now = timezone.now()
    for alert in alerts:
        alert.created_at = now
    writes = prepare_new(alerts)
    events = [
        audit.event(
            action,
            actor=actor,
            object_type=Alert._meta.label_lower,
            summary=f"alert {alert.reference} {'received' if action == 'alert.receive' else 'created'}",
            details=(
                {
                    "threat_type": alert.threat_type,
                    "parser": PARSER_VERSION,
                    "channel": getattr(alert.channel, "type", ""),
                }
                if action == "alert.receive"
                else {}
            ),
        )
        for alert in alerts
    ]
    transitions = initial_rows(alerts, actor)
    return StagedAlerts(
        alerts,
        encode_rows(alerts),
        transitions,
        events,
        writes,
        encode_rows(transitions, later=TRANSITION_LATER),
        encode_rows(events, later=EVENT_LATER),
    )


def alerts_write(staged: StagedAlerts) -> list[Alert]:
    """Insert staged alerts, their transitions and audit events: one statement per table. Call
    inside the transaction that links them to their raw messages, so all commit together."""
    if not staged.alerts:
        return staged.alerts
    insert_many(staged.alerts, rows=staged.rows)
    for event, alert in zip(staged.events, staged.alerts, strict=True):
        event.object_id = str(alert.pk)
    insert_many(staged.transitions, rows=staged.transition_rows, later=TRANSITION_LATER)
    audit.record_many(staged.events, rows=staged.event_rows, later=EVENT_LATER)
    for write in staged.writes:
        write()
    return staged.alerts


def alerts_insert(
    alerts: list[Alert], *, actor: User | None = None, action: str = "alert.receive"
) -> list[Alert]:
    """Number, insert and audit prepared alerts: one statement per table whatever their number.

    Call inside the transaction that links them to their raw messages, so both commit together.
    Numbers follow the list's order within each mission/area/year prefix.
    """
    if not alerts:
        return alerts
    alerts_number(alerts)
    return alerts_write(alerts_stage(alerts, actor=actor, action=action))


def alert_receive(*, actor: User | None = None, **fields: Any) -> Alert:
    """Create the alert for one stored message: parse, resolve the place, number it (the
    arguments of ``alert_prepare``). Call inside the transaction that links the raw message."""
    alert = alert_prepare(actor=actor, **fields)
    return alerts_insert([alert], actor=actor)[0]


@transaction.atomic
def alert_set_fields(
    alert: Alert, changes: dict[str, Any], *, actor: User, request: Any = None
) -> Alert:
    """A human sets parsed fields; each one set is locked against re-parsing, with confidence 1."""
    unknown = set(changes) - set(PARSED_FIELDS) - {"place_text", "summary"}
    if unknown:
        raise AlertError(f"these fields cannot be set: {', '.join(sorted(unknown))}")
    locked = list(alert.locked_fields or [])
    confidence = dict(alert.confidence or {})
    for name, value in changes.items():
        if name == "threat_type":
            if value not in THREAT_TYPES:
                raise AlertError(f"unknown threat type {value!r}")
            alert.threat_type = value
        elif name in ("place", "place_text"):
            alert.place_text = str(value)[:200]
            name = "place"
        elif name == "counts":
            if not isinstance(value, dict) or set(value) - set(COUNT_KEYS):
                raise AlertError(
                    "counts must be an object with killed, injured, abducted, displaced"
                )
            for key, number in value.items():
                if number is not None and (not isinstance(number, int) or number < 0):
                    raise AlertError(f"count {key} must be a whole number ≥ 0 or null")
            alert.counts = {**(alert.counts or {}), **value}
        elif name == "actors":
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise AlertError("actors must be a list of names")
            alert.actors = value
        elif name == "occurred_at":
            alert.occurred_at = value
            alert.occurred_precision = "EXACT"
        elif name == "summary":
            alert.summary = str(value)[:500]
            continue
        confidence[name] = 1.0
        if name not in locked:
            locked.append(name)
    alert.locked_fields = locked
    alert.confidence = confidence
    alert.save()
    audit.record(
        "object.update",
        actor=actor,
        obj=alert,
        request=request,
        summary=f"alert {alert.reference} fields set",
        details={"fields": sorted(changes)},
    )
    return alert


@transaction.atomic
def alert_reparse(alert: Alert, text: str, *, actor: User | None = None) -> Alert:
    """Run the current parser again on the stored text; locked fields keep their human values."""
    parsed = parse(text, now=_local(alert.received_at), language_hint=alert.language)
    area = alert.channel.area if alert.channel_id and alert.channel else alert.admin_unit
    place = resolve_place(parsed.place_text, country=area.country_iso2, area=area)
    _apply(alert, parsed, place, area)
    alert.save()
    audit.record(
        "alert.reparse",
        actor=actor,
        obj=alert,
        summary=f"alert {alert.reference} re-parsed",
        details={"parser": PARSER_VERSION},
    )
    return alert
