"""Callback tasks after missed calls (domain.md §3.2, §4.1): the calls the CLA on duty must
return, and what happened on each attempt.

A missed call ("beep") or an empty SMS opens an alert in ``CALLBACK_PENDING`` with a
``CallbackTask`` (``intake``). The CLA calls back and records each attempt here:

- ``REACHED``: the task closes and the alert moves ``CALLBACK_PENDING → RECORDED``, the step a
  logged call takes (the CLA took the details on the phone; threat type and place may be given).
- ``NO_ANSWER`` / ``NUMBER_OFF``: one more attempt; the task is due again after
  ``SAUTI_CALLBACK_RETRY_MINUTES``. After ``SAUTI_CALLBACK_MAX_ATTEMPTS`` failed attempts the
  task closes with that outcome and the alert goes ``UNREACHABLE``.
- ``WRONG_NUMBER``: the task closes and the alert goes ``UNREACHABLE`` at once (calling again
  would only reach the same stranger).
- The retry window (§4.1, "``UNREACHABLE`` keeps its retry schedule"): an alert that went
  ``UNREACHABLE`` because nobody answered comes back to ``CALLBACK_PENDING`` with a new task
  ``SAUTI_CALLBACK_RETRY_AFTER_HOURS`` later (a job queued in the same transaction), at most
  ``SAUTI_CALLBACK_RETRY_ROUNDS`` times; unless it moved on meanwhile (a new beep reopened it,
  someone recorded it). A new beep within ``REOPEN_WINDOW`` reopens it at once, as before.

While attempts remain the task keeps outcome ``PENDING``: intake (a second beep joins the open
task), the API and the list all read "open" that way. Each attempt's outcome and note are kept in
its audit event (``callback.attempt``), so the table needs no new column. ``UNREACHABLE`` is the
system's verdict (the workflow lets only the system make that step); the CLA whose attempt
exhausted the task is named in the transition's reason and is the actor of the audit event.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from sauti.accounts import access, audit
from sauti.accounts.models import AuditEvent, User
from sauti.alerts.models import Alert
from sauti.alerts.services import alert_set_fields
from sauti.alerts.taxonomy import THREAT_TYPES
from sauti.alerts.workflow import ALLOWED_TRANSITIONS, AlertState, alert_transition
from sauti.channels import conf, selectors
from sauti.channels.models import CallbackTask, Reporter

Outcome = CallbackTask.Outcome
S = AlertState
# What a CLA may record: every outcome but the open state itself.
OUTCOMES = (Outcome.REACHED, Outcome.NO_ANSWER, Outcome.NUMBER_OFF, Outcome.WRONG_NUMBER)
# Failed attempts that are worth trying again: the phone may ring later.
RETRY_OUTCOMES = (Outcome.NO_ANSWER, Outcome.NUMBER_OFF)
# A note goes to the audit log: short, operational ("line busy, call after 18h"), never a name.
NOTE_MAX = 500
AUDIT_ACTION = "callback.attempt"


class CallbackError(ValueError):
    """An attempt that cannot be recorded (unknown outcome, note too long): 400, nothing changed."""


class CallbackClosed(CallbackError):
    """The task was already closed (by another CLA, or an earlier attempt): 409, nothing changed."""


@dataclass(frozen=True)
class AttemptResult:
    """What one recorded attempt did: the task as saved, whether it closed, the alert's state."""

    task: CallbackTask
    closed: bool
    alert_state: str


def may_act(user: access.AnyUser | None) -> bool:
    """Whether the user may record callback outcomes: the roles the workflow lets make
    ``CALLBACK_PENDING → RECORDED`` (the CLA, domain.md §2: "logs calls, calls back") and that
    may open the reporter's number through the audited reveal (identity.view, §12 DP-3). Read
    from the workflow table and the permission matrix, so the page, the navigation and the
    service agree without a permission of their own."""
    actors = ALLOWED_TRANSITIONS[(S.CALLBACK_PENDING, S.RECORDED)].actors
    return access.has_perm(user, "identity.view") and getattr(user, "role", None) in actors


def callbacks_open(user: access.AnyUser | None) -> QuerySet[CallbackTask]:
    """Open tasks in the user's areas, most overdue first (the due time ascending puts every
    late call before the ones still in time)."""
    return (
        selectors.callbacks_visible_to(user)
        .filter(outcome=Outcome.PENDING)
        .order_by("due_at", "id")
    )


def callback_get(user: access.AnyUser | None, task_id: int) -> CallbackTask:
    """One task the user may see (alerts.view in area scope), open or closed; 403 without the
    permission, 404 when absent or out of scope (the same answer, so probing ids reveals nothing)."""
    access.require(user, "alerts.view")
    task = selectors.callbacks_visible_to(user).filter(id=task_id).first()
    if task is None:
        raise Http404("not found")
    return task


def callback_attempts(task: CallbackTask) -> list[AuditEvent]:
    """The attempts recorded on a task, oldest first: their outcomes and notes live in the audit
    log (one event per attempt), which is what the CLA on the next shift needs to read."""
    return list(
        AuditEvent.objects.filter(
            action=AUDIT_ACTION,
            object_type=CallbackTask._meta.label_lower,
            object_id=str(task.pk),
        ).order_by("at", "id")
    )


def _clean(
    outcome: str, note: str, fields: dict[str, str] | None
) -> tuple[str, str, dict[str, str]]:
    if outcome not in OUTCOMES:
        raise CallbackError(_("Choose what happened on the call."))
    note = note.strip()
    if len(note) > NOTE_MAX:
        raise CallbackError(_("Keep the note under %(n)s characters.") % {"n": NOTE_MAX})
    changes = {k: v.strip() for k, v in (fields or {}).items() if v and v.strip()}
    if set(changes) - {"threat_type", "place"}:
        raise CallbackError(_("Only the threat type and the place can be set on a callback."))
    if changes.get("threat_type", "OTHER") not in THREAT_TYPES:
        raise CallbackError(_("Unknown threat type."))
    if len(changes.get("place", "")) > 200:
        raise CallbackError(_("Keep the place under 200 characters."))
    return outcome, note, changes if outcome == Outcome.REACHED else {}


def callback_record(
    task_id: int,
    user: User,
    outcome: str,
    note: str = "",
    *,
    fields: dict[str, str] | None = None,
    now: datetime | None = None,
    request: HttpRequest | None = None,
) -> AttemptResult:
    """Record one callback attempt by ``user`` on task ``task_id`` and do what follows from it
    (see the module docstring). ``fields`` (``threat_type``, ``place``) are what the CLA learnt
    on a ``REACHED`` call, set on the alert as a person's values (locked against re-parsing).

    Raises ``AccessDenied`` (403: not a role that calls back), ``Http404`` (absent or outside the
    user's areas), ``CallbackError`` (400: bad input), ``CallbackClosed`` (409: already closed),
    ``TransitionError`` (409). Nothing is written unless everything is. The task row is locked
    and read again first, so two CLAs recording at the same moment make two attempts in turn —
    the second one sees the first one's count, or finds the task closed — never a lost count.
    """
    if not may_act(user):
        raise access.AccessDenied(_("your role does not call reporters back"))
    outcome, note, changes = _clean(outcome, note, fields)
    callback_get(user, task_id)  # scope (404) before anything is locked
    when = now or timezone.now()
    with transaction.atomic():
        task = CallbackTask.objects.select_for_update().get(pk=task_id)
        if task.outcome != Outcome.PENDING or task.closed_at is not None:
            raise CallbackClosed(
                _("This callback was already closed (%(outcome)s).")
                % {"outcome": task.get_outcome_display()}
            )
        alert = Alert.objects.select_for_update().select_related("admin_unit").get(pk=task.alert_id)
        attempt = task.attempts + 1
        exhausted = outcome in RETRY_OUTCOMES and attempt >= conf.CALLBACK_MAX_ATTEMPTS
        closes = outcome in (Outcome.REACHED, Outcome.WRONG_NUMBER) or exhausted
        update: dict[str, Any] = {"attempts": attempt}
        if closes:
            update.update(outcome=outcome, closed_at=when)
        else:
            update["due_at"] = when + timedelta(minutes=conf.CALLBACK_RETRY_MINUTES)
        # Conditional on what was read: with the row lock this never misses, and it keeps the
        # count right on a database that would not honour the lock.
        written = CallbackTask.objects.filter(
            pk=task.pk, outcome=Outcome.PENDING, attempts=task.attempts
        ).update(**update)
        if written != 1:
            raise CallbackClosed(_("Another attempt was recorded meanwhile; reload the page."))
        for name, value in update.items():
            setattr(task, name, value)
        frm, fields_set = alert.state, []
        if alert.state == S.CALLBACK_PENDING:
            if outcome == Outcome.REACHED:
                if changes:
                    alert_set_fields(alert, changes, actor=user, request=request)
                    fields_set = sorted(changes)
                alert = alert_transition(
                    alert, S.RECORDED, user, "callback reached the reporter", now=when
                )
            elif closes:
                reason = (
                    f"wrong number (recorded by {user.username})"
                    if outcome == Outcome.WRONG_NUMBER
                    else f"{attempt} callback attempts failed, last {outcome} "
                    f"(recorded by {user.username})"
                )
                alert = alert_transition(alert, S.UNREACHABLE, None, reason, now=when)
                if exhausted:
                    _schedule_retry(alert, when)
        # Else someone moved the alert on already (recorded it from the alert page): the task
        # still closes or counts, the alert is left where it is.
        audit.record(
            AUDIT_ACTION,
            actor=user,
            obj=task,
            request=request,
            summary=f"callback on alert {alert.reference}: {outcome} (attempt {attempt})",
            details={
                "outcome": outcome,
                "attempt": attempt,
                "note": note,
                "closed": closes,
                "due_at": None if closes else task.due_at.isoformat(),
                "alert": alert.reference,
                "alert_from": frm,
                "alert_to": alert.state,
                "fields": fields_set,
            },
        )
    task.alert = alert
    return AttemptResult(task=task, closed=closes, alert_state=alert.state)


# How long after an alert went UNREACHABLE a new beep from its reporter reopens it (domain.md §4.1:
# "UNREACHABLE → CALLBACK_PENDING: reporter calls or beeps again").
REOPEN_WINDOW = timedelta(hours=48)


def callback_reopen(reporter: Reporter, *, now: datetime | None = None) -> Alert | None:
    """A reporter whose alert went ``UNREACHABLE`` calls or beeps again: that alert goes back to
    ``CALLBACK_PENDING`` (system step, §4.1) with a new task due in ``SAUTI_CALLBACK_MINUTES``,
    instead of a new alert that would split one story in two. The earlier task stays closed with
    its outcome and attempts; the new one starts a fresh round. Returns the alert, or None when
    the reporter has no ``UNREACHABLE`` alert (the caller then opens a new one as usual).

    Only an alert that went unreachable within ``REOPEN_WINDOW`` comes back: a beep days later is
    more likely a new matter, and a new alert keeps its own received time.

    Meant for intake's missed-call path (inside its transaction), after it found no open task
    for the reporter.
    """
    when = now or timezone.now()
    with transaction.atomic():
        alert = (
            Alert.objects.select_for_update()
            .filter(
                reporter=reporter,
                state=S.UNREACHABLE,
                state_changed_at__gte=when - REOPEN_WINDOW,
            )
            .order_by("-state_changed_at", "-id")
            .first()
        )
        if alert is None:
            return None
        alert = _back_to_callbacks(alert, reporter, "the reporter called again", when)
    return alert


def _back_to_callbacks(alert: Alert, reporter: Reporter, reason: str, when: datetime) -> Alert:
    """``UNREACHABLE → CALLBACK_PENDING`` (the system's step) with a new task for the CLA, due in
    ``SAUTI_CALLBACK_MINUTES``; the earlier task stays closed with its outcome. In the caller's
    transaction, the alert locked."""
    alert = alert_transition(alert, S.CALLBACK_PENDING, None, reason, now=when)
    CallbackTask.objects.create(
        reporter=reporter,
        alert=alert,
        area=alert.admin_unit,
        due_at=when + timedelta(minutes=conf.CALLBACK_MINUTES),
        created_at=when,
    )
    return alert


RETRY_JOB = "channels.callback_retry"


def _rounds_failed(alert: Alert) -> int:
    """Rounds of callbacks on this alert that ended with nobody answering."""
    return CallbackTask.objects.filter(alert=alert, outcome__in=RETRY_OUTCOMES).count()


def _schedule_retry(alert: Alert, unreachable_at: datetime) -> None:
    """Queue the retry window's next round, if any is left (inside the caller's transaction).
    The job carries when the alert went unreachable: a job finding it unreachable since another
    time (reopened and unreachable again, with a job of its own) does nothing."""
    from sauti.core.jobs import job_enqueue

    rounds = _rounds_failed(alert)  # this round's task is closed already: it counts
    if rounds > conf.CALLBACK_RETRY_ROUNDS:
        return
    job_enqueue(
        RETRY_JOB,
        {"alert": alert.pk, "since": unreachable_at.isoformat(), "round": rounds},
        run_after=unreachable_at + timedelta(hours=conf.CALLBACK_RETRY_AFTER_HOURS),
        dedupe_key=f"callback-retry:{alert.pk}:{rounds}",
    )


def callback_retry(alert_id: int, since: str, *, now: datetime | None = None) -> Alert | None:
    """The retry window's job: the alert, unreachable since ``since``, goes back to
    ``CALLBACK_PENDING`` with a new task due in ``SAUTI_CALLBACK_MINUTES`` (system step, §4.1).
    None, and nothing written, when it is gone, moved on, or went unreachable again at another
    time (that time's job decides), or when its reporter asked not to be contacted."""
    when = now or timezone.now()
    went = datetime.fromisoformat(since)
    with transaction.atomic():
        alert = (
            Alert.objects.select_for_update(of=("self",))
            .select_related("reporter")
            .filter(pk=alert_id, state=S.UNREACHABLE)
            .first()
        )
        if alert is None or alert.state_changed_at != went or alert.reporter is None:
            return None
        reporter = alert.reporter
        if reporter.do_not_contact or reporter.status != Reporter.Status.ACTIVE:
            return None
        rounds = _rounds_failed(alert)
        reason = f"retry window: callback round {rounds + 1} after {rounds} unanswered"
        alert = _back_to_callbacks(alert, reporter, reason, when)
    return alert
