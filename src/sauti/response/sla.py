"""Deadlines: the SLA table (domain.md §4.1 defaults, overridden per mission by ``SLAPolicy``
rows) and the next deadline of an alert in its current state."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sauti.alerts.taxonomy import DEFAULT_PRIORITY
from sauti.alerts.workflow import AlertState as S
from sauti.response.models import SLAPolicy, Step

H, D = 60, 24 * 60
# minutes per (step, priority); None = no deadline (§4.1: P4 is referred, not transmitted).
DEFAULT_SLA: dict[str, dict[str, int | None]] = {
    Step.CALLBACK: {"P1": 5, "P2": 5, "P3": 5, "P4": 5},
    Step.RECORD: {"P1": 10, "P2": 30, "P3": 4 * H, "P4": 24 * H},
    Step.TRANSMIT: {"P1": 15, "P2": 1 * H, "P3": 24 * H, "P4": 72 * H},
    Step.ACK: {"P1": 10, "P2": 1 * H, "P3": 24 * H, "P4": None},
    Step.DECIDE: {"P1": 30, "P2": 6 * H, "P3": 72 * H, "P4": None},
    # Not in §4.1's table: from the decision to the end of the response, the decision's target
    # again (design default; a mission sets its own).
    Step.RESPOND: {"P1": 30, "P2": 6 * H, "P3": 72 * H, "P4": None},
    Step.FEEDBACK: {"P1": 24 * H, "P2": 48 * H, "P3": 7 * D, "P4": 7 * D},
}


def sla_table() -> dict[str, dict[str, int | None]]:
    """The mission's table: defaults with its ``SLAPolicy`` rows applied."""
    table = {step: dict(row) for step, row in DEFAULT_SLA.items()}
    for policy in SLAPolicy.objects.all():
        table.setdefault(policy.step, {})[policy.priority] = policy.minutes
    return table


def effective_priority(alert: Any) -> str:
    """The triaged priority, else the default of its threat type (untriaged alerts have one too)."""
    return str(alert.priority or DEFAULT_PRIORITY.get(alert.threat_type, "P4"))


def next_deadline(
    alert: Any, table: dict[str, dict[str, int | None]] | None = None
) -> tuple[str, datetime | None]:
    """(step, due time) for the alert's current state; ("", None) when nothing is due.

    Record/transmit/decide are measured from ``received_at`` (§4.1), acknowledgement from the
    last transmission (or escalation), feedback from the response end or the no-action decision.
    """
    table = table or sla_table()
    priority = effective_priority(alert)
    state = alert.state

    def due(step: str, start: datetime | None) -> tuple[str, datetime | None]:
        minutes = table.get(step, {}).get(priority)
        if minutes is None or start is None:
            return "", None
        return step, start + timedelta(minutes=minutes)

    if state in (S.CALLBACK_PENDING, S.UNREACHABLE):
        return due(Step.CALLBACK, alert.received_at)
    if state == S.RECEIVED:
        return due(Step.RECORD, alert.received_at)
    if state in (S.RECORDED, S.TRIAGED, S.VERIFYING):
        return due(Step.TRANSMIT, alert.received_at)
    if state == S.TRANSMITTED:
        return due(Step.ACK, alert.state_changed_at or alert.transmitted_at)
    if state == S.ACKNOWLEDGED:
        return due(Step.DECIDE, alert.received_at)
    if state == S.RESPONSE_DECIDED and alert.response_option == "NO_ACTION":
        return due(Step.FEEDBACK, alert.decided_at)
    if state in (S.RESPONSE_DECIDED, S.RESPONDING):
        return due(Step.RESPOND, alert.decided_at)
    if state == S.RESPONDED:
        return due(Step.FEEDBACK, alert.responded_at)
    return "", None
