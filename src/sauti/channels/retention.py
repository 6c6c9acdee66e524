"""Retention of raw inbound messages and reporter identities (domain.md §12, DP-9).

Two plain functions, shaped like ``civic.services.retention``: ``inbound_raw_purge`` and
``reporter_identity_purge`` take ``today``, ``keep_days``, ``actor`` and ``dry_run``, write one
``retention.purge`` audit event per run with counts only (never a number, a name or a text), and
return what they did. The daily job is ``channels.retention`` (``channels.tasks``); the command is
``sauti channels purge [--dry-run] [--today YYYY-MM-DD]``.

Rows are erased in chunks of ``CHUNK`` ids, each chunk its own short transaction when the caller
is not inside one (the command), so SQLite's single write lock is never held for long while
webhooks keep storing messages. A worker job runs inside one transaction (``core.jobs.job_run``),
so the job passes ``limit`` and queues its own continuation instead (``channels.tasks``).

What is kept: the message's metadata (channel, kind, gateway message id, times, state, flags,
language, links to the alert and the reporter's pseudonym) and the reporter's pseudonym, kind,
area, network, status and alerts — de-identified. A third rule, ``alert_narrative_purge``, empties
the sealed narrative (the text as told) of alerts a year after they reached a final state; their
coding (type, place, time, counts, actors, summary) stays. Nothing of a reporter under a legal
hold (``legal_hold``) is erased by any rule.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from sauti.accounts import audit
from sauti.accounts.models import AuditEvent, User
from sauti.alerts.models import Alert
from sauti.alerts.workflow import AlertState
from sauti.channels.models import InboundMessage, Reporter, ReporterPhone

# Proposals of domain.md §12, DP-9 (confirm with the mission records officer).
RAW_KEEP_DAYS = 90  # raw messages: 90 days after the linked alert reached a final state
IDENTITY_KEEP_DAYS = 365  # reporter identity: 12 months after the reporter became EXITED
NARRATIVE_KEEP_DAYS = 365  # alert narratives: a year after the alert reached a final state
CHUNK = 500  # rows per UPDATE (one short write transaction each)

# States an alert does not leave in practice: MERGED and REJECTED are terminal in the workflow
# table; CLOSED can be reopened only within 72 hours (``workflow.REOPEN_WINDOW``), far inside 90
# days; REFERRED may still go to CLOSED, which only restarts the clock. ``alert_transition``
# stamps ``state_changed_at`` when an alert enters one of them; an alert without that time (not
# moved by the workflow) is not purged.
FINAL_ALERT_STATES = (
    AlertState.CLOSED,
    AlertState.MERGED,
    AlertState.REJECTED,
    AlertState.REFERRED,
)
# Messages that never became an alert; the clock starts when they were stored.
UNLINKED_STATES = (InboundMessage.State.IGNORED_SPAM, InboundMessage.State.FAILED)

# The fields of a raw message that identify a person: the sender's number (sealed, and its keyed
# hash, which links every message of one number to the others and to the reporter), the request
# body (it holds the number again, and the text) and the text. Emptying them is the erasure.
# What DP-9 calls "keep a hash" is the content hash for de-duplication and integrity: that is the
# ``external_id`` the message already has (the gateway's message id, or the SHA-256 of the body
# when the gateway sent none), so a retried delivery is still recognised; no other hash is kept.
RAW_ERASED = {"sender_hash": "", "sender_sealed": "", "raw_sealed": "", "text_sealed": ""}
SENDER_ERASED = {"sender_hash": "", "sender_sealed": "", "raw_sealed": ""}
_ERASED = Q(**RAW_ERASED)

# Reporters have no status-change timestamp. The time a reporter became EXITED is the time of
# the latest audit event about the reporter, among these actions, whose details carry a
# "status": the consent withdrawal (``services.reporter_withdraw_consent``) and the status change
# (``reporter_status.reporter_set_status``, "reporter.status") write one, and "reporter.enrol"
# counts once its details carry the status given at enrolment. A reporter whose
# latest such event is not "EXITED", or who has none (the status was changed outside the
# application), is left alone and counted as ``undated``: an erasure cannot be undone, so it
# waits for a person to record the exit.
STATUS_ACTIONS = ("reporter.enrol", "reporter.status", "reporter.withdraw_consent")

Progress = Callable[[str, int, int], None]  # (what, rows done, rows in all)


@dataclass
class RawPurge:
    """What ``inbound_raw_purge`` erased (or would erase, on a dry run)."""

    cutoff: dt.date
    linked: int = 0  # messages of alerts final before the cutoff
    unlinked: int = 0  # spam and failed messages stored before the cutoff
    more: bool = False  # ``limit`` was reached: messages may still be due

    @property
    def total(self) -> int:
        return self.linked + self.unlinked


@dataclass
class IdentityPurge:
    """What ``reporter_identity_purge`` erased (or would erase, on a dry run)."""

    cutoff: dt.date
    reporters: int = 0
    phones: int = 0
    messages: int = 0  # raw messages whose sender number was erased with the identity
    undated: int = 0  # EXITED reporters with no recorded exit time: not erased
    more: bool = False  # ``limit`` left due reporters for the next call


def _cutoff(today: dt.date | None, keep_days: int) -> tuple[dt.date, dt.datetime]:
    """The first day still kept, and its start in the mission's time zone."""
    day = (today or timezone.localdate()) - dt.timedelta(days=keep_days)
    return day, timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _id_chunks(qs: QuerySet[Any], chunk: int, limit: int | None) -> Iterator[list[int]]:
    """Ids of ``qs`` in ascending chunks; each chunk is read after the previous was written."""
    last, taken = 0, 0
    while limit is None or taken < limit:
        size = chunk if limit is None else min(chunk, limit - taken)
        ids = list(qs.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:size])
        if not ids:
            return
        yield ids
        last, taken = ids[-1], taken + len(ids)


def _erase_rows(
    what: str,
    qs: QuerySet[Any],
    values: dict[str, Any],
    *,
    chunk: int,
    limit: int | None,
    progress: Progress | None = None,
    done_before: int = 0,
    total: int = 0,
) -> int:
    """Update ``qs`` to ``values`` a chunk at a time (each in its own transaction, or savepoint
    inside the caller's); ``qs`` is applied again in the UPDATE, so a row that stopped being due
    meanwhile is left alone. Returns the rows updated."""
    done = 0
    for ids in _id_chunks(qs, chunk, limit):
        with transaction.atomic():
            done += qs.filter(pk__in=ids).update(**values)
        if progress is not None:
            progress(what, done_before + done, total)
    return done


def raw_due(cutoff_at: dt.datetime) -> tuple[QuerySet[InboundMessage], QuerySet[InboundMessage]]:
    """Raw messages past retention and not erased yet: (of final alerts, never linked). Messages
    of a reporter under a legal hold are kept (``legal_hold``)."""
    from sauti.channels.legal_hold import held_reporter_ids

    pending = InboundMessage.objects.exclude(_ERASED).exclude(reporter_id__in=held_reporter_ids())
    linked = pending.filter(
        alert__isnull=False,
        alert__state__in=FINAL_ALERT_STATES,
        alert__state_changed_at__lt=cutoff_at,
    )
    unlinked = pending.filter(
        alert__isnull=True, processing_state__in=UNLINKED_STATES, stored_at__lt=cutoff_at
    )
    return linked, unlinked


def inbound_raw_purge(
    *,
    today: dt.date | None = None,
    keep_days: int = RAW_KEEP_DAYS,
    actor: User | None = None,
    dry_run: bool = False,
    chunk: int = CHUNK,
    limit: int | None = None,
    progress: Progress | None = None,
) -> RawPurge:
    """Erase the sender, body and text of raw messages kept past DP-9: those of alerts that
    reached a final state before ``today - keep_days``, and spam or failed messages (never an
    alert) stored before it. Idempotent: erased rows are not due again. ``limit`` caps the rows
    of one call (``more`` then says whether some are left); a dry run counts and changes nothing."""
    cutoff, cutoff_at = _cutoff(today, keep_days)
    linked_qs, unlinked_qs = raw_due(cutoff_at)
    result = RawPurge(cutoff)
    if dry_run:
        result.linked, result.unlinked = linked_qs.count(), unlinked_qs.count()
        return result
    total = linked_qs.count() + unlinked_qs.count() if progress is not None else 0
    result.linked = _erase_rows(
        "raw messages",
        linked_qs,
        RAW_ERASED,
        chunk=chunk,
        limit=limit,
        progress=progress,
        total=total,
    )
    left = None if limit is None else limit - result.linked
    if left is None or left > 0:
        result.unlinked = _erase_rows(
            "raw messages",
            unlinked_qs,
            RAW_ERASED,
            chunk=chunk,
            limit=left,
            progress=progress,
            done_before=result.linked,
            total=total,
        )
    result.more = limit is not None and result.total >= limit
    audit.record(
        "retention.purge",
        actor=actor,
        object_type="channels.inboundmessage",
        summary=(
            f"raw messages erased: {result.total} "
            f"(alerts final before {cutoff}, or never an alert and stored before it)"
        ),
        details={
            "rule": "DP-9 raw messages",
            "linked": result.linked,
            "unlinked": result.unlinked,
            "cutoff": cutoff.isoformat(),
            "keep_days": keep_days,
            "more": result.more,
        },
    )
    return result


def exit_times(reporter_ids: list[int]) -> dict[int, dt.datetime | None]:
    """When each reporter became EXITED, from the audit log (see ``STATUS_ACTIONS``); None when
    the latest recorded status change is not to EXITED or there is none."""
    found: dict[int, dt.datetime | None] = dict.fromkeys(reporter_ids)
    seen: set[int] = set()
    for start in range(0, len(reporter_ids), CHUNK):
        keys = [str(pk) for pk in reporter_ids[start : start + CHUNK]]
        events = (
            AuditEvent.objects.filter(
                action__in=STATUS_ACTIONS,
                object_type=Reporter._meta.label_lower,
                object_id__in=keys,
                details__has_key="status",
            )
            .order_by("-at", "-id")
            .values_list("object_id", "at", "details")
        )
        for object_id, at, details in events:
            pk = int(object_id)
            if pk in seen:
                continue  # only the latest status change counts
            seen.add(pk)
            found[pk] = at if details.get("status") == Reporter.Status.EXITED else None
    return found


def reporter_identity_erase(reporter_ids: list[int], *, chunk: int = CHUNK) -> dict[str, int]:
    """Erase the identity of these reporters at once: the sealed name, every ``ReporterPhone``
    row (the keyed hash included, so the number is no longer recognised: a later SMS from it
    makes a new public reporter with a new pseudonym), and the sender's number in their raw
    messages (``SENDER_ERASED``: the sealed number, its hash, and the request body, which holds
    the number again; the text stays until ``inbound_raw_purge``). The pseudonym, status and
    alerts stay. Messages first, each chunk committed on its own: a run that stops half-way
    leaves the reporter due, and the next run finishes it. No audit event: callers write one."""
    messages = 0
    if reporter_ids:
        senders = InboundMessage.objects.filter(reporter_id__in=reporter_ids).exclude(
            sender_hash="", sender_sealed="", raw_sealed=""
        )
        for ids in _id_chunks(senders, chunk, None):
            with transaction.atomic():
                messages += senders.filter(pk__in=ids).update(**SENDER_ERASED)
    with transaction.atomic():
        Reporter.objects.filter(pk__in=reporter_ids).exclude(name_sealed="").update(name_sealed="")
        phones, _by_model = ReporterPhone.objects.filter(reporter_id__in=reporter_ids).delete()
    return {"phones": phones, "messages": messages}


def identity_due() -> QuerySet[Reporter]:
    """EXITED reporters whose name or numbers are still stored, but for those under a legal
    hold (``legal_hold``)."""
    from sauti.channels.legal_hold import held_reporter_ids

    return (
        Reporter.objects.filter(status=Reporter.Status.EXITED)
        .filter(~Q(name_sealed="") | Q(phones__isnull=False))
        .exclude(pk__in=held_reporter_ids())
        .distinct()
    )


def reporter_identity_purge(
    *,
    today: dt.date | None = None,
    keep_days: int = IDENTITY_KEEP_DAYS,
    actor: User | None = None,
    dry_run: bool = False,
    chunk: int = CHUNK,
    limit: int | None = None,
    progress: Progress | None = None,
) -> IdentityPurge:
    """Erase the identity (``reporter_identity_erase``) of reporters who became EXITED before
    ``today - keep_days`` (``exit_times``). Idempotent; ``limit`` caps the reporters of one call;
    a dry run counts and changes nothing."""
    cutoff, cutoff_at = _cutoff(today, keep_days)
    candidates = list(identity_due().order_by("pk").values_list("pk", flat=True))
    times = exit_times(candidates)
    due = [pk for pk in candidates if (at := times[pk]) is not None and at < cutoff_at]
    result = IdentityPurge(cutoff, undated=sum(1 for pk in candidates if times[pk] is None))
    if limit is not None:
        result.more, due = len(due) > limit, due[:limit]
    if dry_run:
        result.reporters = len(due)
        result.phones = ReporterPhone.objects.filter(reporter_id__in=due).count()
        result.messages = (
            InboundMessage.objects.filter(reporter_id__in=due)
            .exclude(sender_hash="", sender_sealed="", raw_sealed="")
            .count()
        )
        return result
    for start in range(0, len(due), chunk):
        erased = reporter_identity_erase(due[start : start + chunk], chunk=chunk)
        result.phones += erased["phones"]
        result.messages += erased["messages"]
        result.reporters += len(due[start : start + chunk])
        if progress is not None:
            progress("reporters", result.reporters, len(due))
    audit.record(
        "retention.purge",
        actor=actor,
        object_type=Reporter._meta.label_lower,
        summary=(
            f"identities of {result.reporters} reporters erased (EXITED before {cutoff}); "
            f"{result.undated} EXITED with no recorded exit time left alone"
        ),
        details={
            "rule": "DP-9 reporter identity",
            "reporters": result.reporters,
            "phones": result.phones,
            "messages": result.messages,
            "undated": result.undated,
            "cutoff": cutoff.isoformat(),
            "keep_days": keep_days,
            "more": result.more,
        },
    )
    return result


@dataclass
class NarrativePurge:
    """What ``alert_narrative_purge`` emptied (or would, on a dry run)."""

    cutoff: dt.date
    alerts: int = 0
    more: bool = False


def narrative_due(cutoff_at: dt.datetime) -> QuerySet[Alert]:
    """Alerts final before the cutoff whose narrative is still stored, but for those of a
    reporter under a legal hold."""
    from sauti.channels.legal_hold import held_reporter_ids

    return (
        Alert.objects.filter(state__in=FINAL_ALERT_STATES, state_changed_at__lt=cutoff_at)
        .exclude(narrative_sealed="")
        .exclude(reporter_id__in=held_reporter_ids())
    )


def alert_narrative_purge(
    *,
    today: dt.date | None = None,
    keep_days: int = NARRATIVE_KEEP_DAYS,
    actor: User | None = None,
    dry_run: bool = False,
    chunk: int = CHUNK,
    limit: int | None = None,
    progress: Progress | None = None,
) -> NarrativePurge:
    """Empty the sealed narrative — the reporter's words, which may name people — of alerts that
    reached a final state before ``today - keep_days`` (DP-9: "narratives ... stripped of
    personal details at closure + 1 year"). What the alert is for trends stays: threat type,
    place, times, counts, actors, the neutral summary, the workflow history. Nothing reads a
    narrative once the alert is final, so no person has to review each one; a reviewer who wants
    a narrative kept places a legal hold on its reporter first. Idempotent; ``limit`` as for the
    other rules; a dry run counts and changes nothing."""
    cutoff, cutoff_at = _cutoff(today, keep_days)
    due = narrative_due(cutoff_at)
    result = NarrativePurge(cutoff)
    if dry_run:
        result.alerts = due.count()
        return result
    total = due.count() if progress is not None else 0
    result.alerts = _erase_rows(
        "alert narratives",
        due,
        {"narrative_sealed": ""},
        chunk=chunk,
        limit=limit,
        progress=progress,
        total=total,
    )
    result.more = limit is not None and result.alerts >= limit
    audit.record(
        "retention.purge",
        actor=actor,
        object_type=Alert._meta.label_lower,
        summary=f"narratives of {result.alerts} alerts emptied (final before {cutoff})",
        details={
            "rule": "DP-9 alert narratives",
            "alerts": result.alerts,
            "cutoff": cutoff.isoformat(),
            "keep_days": keep_days,
            "more": result.more,
        },
    )
    return result
