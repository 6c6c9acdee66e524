"""The alert state machine of domain.md §4.1: states, the one transition table, and the service
that moves an alert along it.

Every change of ``Alert.state`` goes through :func:`alert_transition`, which checks the table (who
may act, guard), records an ``AlertTransition`` (from, to, by, at, reason), stamps the milestone
times the metrics read, writes the audit event and calls the transition hooks *inside the same
transaction* — the response app registers a hook that queues its notifications there (outbox).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sauti.accounts import access, audit
from sauti.accounts.roles import Role
from sauti.core.bulk import build


class AlertState(models.TextChoices):
    RECEIVED = "RECEIVED", _("Received")
    CALLBACK_PENDING = "CALLBACK_PENDING", _("Callback pending")
    UNREACHABLE = "UNREACHABLE", _("Unreachable")
    RECORDED = "RECORDED", _("Recorded")
    TRIAGED = "TRIAGED", _("Triaged")
    VERIFYING = "VERIFYING", _("Verifying")
    TRANSMITTED = "TRANSMITTED", _("Transmitted")
    ACKNOWLEDGED = "ACKNOWLEDGED", _("Acknowledged")
    RESPONSE_DECIDED = "RESPONSE_DECIDED", _("Response decided")
    RESPONDING = "RESPONDING", _("Responding")
    RESPONDED = "RESPONDED", _("Responded")
    FEEDBACK_GIVEN = "FEEDBACK_GIVEN", _("Feedback given")
    CLOSED = "CLOSED", _("Closed")
    MERGED = "MERGED", _("Merged")
    REJECTED = "REJECTED", _("Rejected")
    REFERRED = "REFERRED", _("Referred")


S = AlertState
TERMINAL = frozenset({S.MERGED, S.REJECTED})
# States in which an alert is still "open" on the board (work remains for someone).
OPEN_STATES = frozenset(
    {
        S.RECEIVED,
        S.CALLBACK_PENDING,
        S.UNREACHABLE,
        S.RECORDED,
        S.TRIAGED,
        S.VERIFYING,
        S.TRANSMITTED,
        S.ACKNOWLEDGED,
        S.RESPONSE_DECIDED,
        S.RESPONDING,
        S.RESPONDED,
    }
)
REOPEN_WINDOW = timedelta(hours=72)

# The system (parser, intake, escalation job): no user acts.
SYSTEM = "SYSTEM"


class TransitionError(Exception):
    """A transition the workflow does not allow; ``str(exc)`` is the message for people (409)."""


Guard = Callable[[Any, datetime], str | None]  # (alert, now) -> refusal message or None


def _has_priority(alert: Any, now: datetime) -> str | None:
    return None if alert.priority else str(_("set the priority (P1–P4) first"))


def _not_p1(alert: Any, now: datetime) -> str | None:
    if alert.priority == "P1":
        return str(_("a P1 alert is transmitted at once; verification runs in parallel"))
    return None


def _no_threat(alert: Any, now: datetime) -> str | None:
    if alert.threat_type != "OTHER":
        return str(_("an alert that mentions a threat cannot be rejected"))
    return None


def _unfounded(alert: Any, now: datetime) -> str | None:
    if alert.verification_status != "UNFOUNDED":
        return str(_("close while verifying only when the verification found it unfounded"))
    return None


def _no_action(alert: Any, now: datetime) -> str | None:
    if alert.response_option != "NO_ACTION":
        return str(_("feedback before a response only when the decision was no action"))
    return None


def _within_reopen_window(alert: Any, now: datetime) -> str | None:
    closed = alert.closed_at
    if closed is None or now - closed > REOPEN_WINDOW:
        return str(_("an alert can be reopened only within 72 hours of closing"))
    return None


@dataclass(frozen=True)
class Rule:
    """Who may make one transition, what must hold, and whether a reason is required."""

    actors: frozenset[str]
    guard: Guard | None = None
    reason_required: bool = False


def _r(*actors: str, guard: Guard | None = None, reason: bool = False) -> Rule:
    return Rule(frozenset(actors), guard, reason)


CLA, CA, JOC, RESP = Role.CLA, Role.CA_OFFICER, Role.JOC_OFFICER, Role.RESPONDER_UNIT

# THE table (domain.md §4.1). (from, to) -> Rule. The JOC officer may also transmit: the field JOC
# forwards alerts it receives to the responders (issue 5's end-to-end scenario).
ALLOWED_TRANSITIONS: dict[tuple[str, str], Rule] = {
    (S.RECEIVED, S.CALLBACK_PENDING): _r(SYSTEM),
    (S.CALLBACK_PENDING, S.RECORDED): _r(CLA),
    (S.CALLBACK_PENDING, S.UNREACHABLE): _r(SYSTEM),
    (S.UNREACHABLE, S.CALLBACK_PENDING): _r(SYSTEM),
    (S.RECEIVED, S.RECORDED): _r(SYSTEM, CLA),
    (S.RECEIVED, S.MERGED): _r(CLA, reason=True),
    (S.RECORDED, S.MERGED): _r(CLA, reason=True),
    (S.RECEIVED, S.REJECTED): _r(CLA, guard=_no_threat, reason=True),
    (S.RECORDED, S.TRIAGED): _r(CLA, CA, guard=_has_priority),
    (S.TRIAGED, S.TRANSMITTED): _r(CLA, JOC),
    (S.TRIAGED, S.VERIFYING): _r(CLA, guard=_not_p1),
    (S.VERIFYING, S.TRANSMITTED): _r(CLA, CA, JOC),
    (S.VERIFYING, S.CLOSED): _r(CA, guard=_unfounded),
    (S.TRIAGED, S.REFERRED): _r(CLA, reason=True),
    (S.REFERRED, S.CLOSED): _r(CLA, CA),  # "may still close" (states table)
    (S.TRANSMITTED, S.ACKNOWLEDGED): _r(RESP, JOC),
    (S.TRANSMITTED, S.TRANSMITTED): _r(SYSTEM, reason=True),  # escalation to the next level
    (S.ACKNOWLEDGED, S.RESPONSE_DECIDED): _r(RESP, JOC, reason=True),
    (S.RESPONSE_DECIDED, S.RESPONDING): _r(RESP),
    (S.RESPONSE_DECIDED, S.FEEDBACK_GIVEN): _r(CLA, guard=_no_action),
    (S.RESPONDING, S.RESPONDED): _r(RESP, CLA),
    (S.RESPONDED, S.FEEDBACK_GIVEN): _r(CLA),
    (S.FEEDBACK_GIVEN, S.CLOSED): _r(CLA, CA),
    (S.CLOSED, S.RECORDED): _r(CLA, guard=_within_reopen_window, reason=True),
}

# The milestone each target state stamps once (first time reached): the metrics read these.
MILESTONES = {
    S.RECORDED: "recorded_at",
    S.TRANSMITTED: "transmitted_at",
    S.ACKNOWLEDGED: "acknowledged_at",
    S.RESPONSE_DECIDED: "decided_at",
    S.RESPONDED: "responded_at",
    S.FEEDBACK_GIVEN: "feedback_at",
    S.CLOSED: "closed_at",
}

Hook = Callable[[Any, Any], None]  # (alert, transition) inside the transaction
_HOOKS: list[Hook] = []


def on_transition(func: Hook) -> Hook:
    """Register a function called inside the transaction of every transition (outbox writers)."""
    if func not in _HOOKS:
        _HOOKS.append(func)
    return func


def allowed_targets(alert: Any, user: Any) -> list[str]:
    """States this user may move the alert to now (for the buttons on a page)."""
    role = getattr(user, "role", None)
    return [
        to
        for (frm, to), rule in ALLOWED_TRANSITIONS.items()
        if frm == alert.state and to != frm and role in rule.actors
    ]


def _check(alert: Any, to: str, user: Any, reason: str, now: datetime) -> Rule:
    if to not in S.values:
        raise TransitionError(_("unknown state %(to)s") % {"to": to})
    rule = ALLOWED_TRANSITIONS.get((alert.state, to))
    if rule is None:
        raise TransitionError(
            _("an alert cannot go from %(frm)s to %(to)s") % {"frm": alert.state, "to": to}
        )
    if user is None:
        if SYSTEM not in rule.actors:
            raise TransitionError(
                _("%(frm)s → %(to)s is done by a person") % {"frm": alert.state, "to": to}
            )
    elif rule.actors == {SYSTEM}:
        raise TransitionError(
            _("%(frm)s → %(to)s is done by the system") % {"frm": alert.state, "to": to}
        )
    else:
        if getattr(user, "role", None) not in rule.actors:
            raise access.AccessDenied(
                _("your role may not move an alert from %(frm)s to %(to)s")
                % {"frm": alert.state, "to": to}
            )
        if not access.in_scope(user, alert.admin_unit.path):
            raise access.AccessDenied(_("this alert is outside your areas"))
    if rule.reason_required and not reason.strip():
        raise TransitionError(
            _("a reason is required for %(frm)s → %(to)s") % {"frm": alert.state, "to": to}
        )
    if rule.guard is not None:
        refusal = rule.guard(alert, now)
        if refusal:
            raise TransitionError(refusal)
    return rule


def alert_transition(
    alert: Any,
    to: str,
    user: Any,
    reason: str = "",
    now: datetime | None = None,
    *,
    fields: dict[str, Any] | None = None,
) -> Any:
    """Move ``alert`` to state ``to`` as ``user`` (None = the system), or raise.

    Raises ``TransitionError`` (409: not allowed from here, guard failed, reason missing) or
    ``AccessDenied`` (403: role or area). ``fields`` are set on the alert in the same save (e.g.
    the response option chosen with RESPONSE_DECIDED) before the guard is checked. The row is
    locked and re-read, so two people pressing one button make one transition.
    """
    from sauti.alerts.models import Alert, AlertTransition

    when = now or timezone.now()
    with transaction.atomic():
        locked = Alert.objects.select_for_update().select_related("admin_unit").get(pk=alert.pk)
        for name, value in (fields or {}).items():
            setattr(locked, name, value)
        _check(locked, to, user, reason, when)
        frm = locked.state
        locked.state = to
        locked.state_changed_at = when
        stamp = MILESTONES.get(S(to))
        if stamp and getattr(locked, stamp) is None:
            setattr(locked, stamp, when)
        locked.save()
        step = AlertTransition.objects.create(
            alert=locked, from_state=frm, to_state=to, by=user, at=when, reason=reason[:500]
        )
        audit.record(
            "alert.transition",
            actor=user,
            obj=locked,
            summary=f"alert {locked.reference} {frm} → {to}",
            details={"from": frm, "to": to, "reason": reason[:500]},
        )
        for hook in _HOOKS:
            hook(locked, step)
    for name in ("state", "state_changed_at", *MILESTONES.values(), *(fields or {})):
        setattr(alert, name, getattr(locked, name))
    return locked


Write = Callable[[], None]
CreateHook = Callable[[list[Any]], "Write | None"]  # (new alerts) before they are inserted
_CREATE_HOOKS: list[CreateHook] = []


def on_create(func: CreateHook) -> CreateHook:
    """Register a function called once per batch with new alerts before they are inserted. It
    may set their fields (deadlines), reading what it needs, and return the writes that must
    commit with the alerts (queued jobs: outbox); those run in the inserting transaction.
    Intake calls the hooks before it takes the write lock, so reads cost no lock time."""
    if func not in _CREATE_HOOKS:
        _CREATE_HOOKS.append(func)
    return func


def prepare_new(alerts: list[Any]) -> list[Write]:
    """Run the creation hooks on alerts about to be inserted; the writes to run with them."""
    writes = []
    for hook in _CREATE_HOOKS:
        write = hook(alerts)
        if write is not None:
            writes.append(write)
    return writes


def initial_rows(alerts: list[Any], user: Any = None) -> list[Any]:
    """The first transitions of new alerts (∅ → initial state, and RECEIVED → CALLBACK_PENDING for
    missed calls), not saved: they may be built before the alerts are inserted."""
    return [row for a in alerts for row in _initial_rows(a, user)]


def _initial_rows(alert: Any, user: Any) -> list[Any]:
    from sauti.alerts.models import AlertTransition

    rows = [
        build(
            AlertTransition,
            alert=alert,
            from_state="",
            to_state=S.RECEIVED,
            by=user,
            at=alert.received_at,
        )
    ]
    if alert.state == S.CALLBACK_PENDING:
        rows.append(
            AlertTransition(
                alert=alert,
                from_state=S.RECEIVED,
                to_state=S.CALLBACK_PENDING,
                by=None,
                at=alert.received_at,
                reason="missed call or no usable content",
            )
        )
    elif alert.state == S.RECORDED:
        rows.append(
            AlertTransition(
                alert=alert,
                from_state=S.RECEIVED,
                to_state=S.RECORDED,
                by=user,
                at=alert.recorded_at or alert.received_at,
            )
        )
    return rows
