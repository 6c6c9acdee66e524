"""Deadlines and escalation with a controlled clock (no sleeps): the SLA table, failure flags,
the escalation ladder, and the jobs the transitions queue."""

from __future__ import annotations

from datetime import timedelta
from unittest import mock

import pytest

from sauti.alerts.models import Alert
from sauti.alerts.services import alert_create
from sauti.alerts.workflow import AlertState, alert_transition
from sauti.core.jobs import run_pending
from sauti.core.models import Job
from sauti.response.models import Notification, SLAPolicy, Transmission
from sauti.response.services import alert_triage, escalate_due
from sauti.response.sla import next_deadline
from tests.response.conftest import T0

pytestmark = pytest.mark.django_db
S = AlertState


def transmitted(units, cla_bria, priority: str = "P1") -> Alert:
    alert = alert_create("x", units["CF521"], threat_type="ARMED_MOVEMENT", received_at=T0)
    alert_transition(alert, S.RECORDED, cla_bria, now=T0 + timedelta(minutes=2))
    alert_triage(alert, cla_bria, priority=priority, now=T0 + timedelta(minutes=3))
    alert_transition(alert, S.TRANSMITTED, cla_bria, now=T0 + timedelta(minutes=5))
    alert.refresh_from_db()
    return alert


def test_deadlines_follow_the_sla_table(units, cla_bria, routing):
    alert = alert_create("x", units["CF521"], threat_type="ARMED_ATTACK_IMMINENT", received_at=T0)
    # untriaged: the threat type's default priority (P1) → recorded within 10 minutes
    assert (alert.due_step, alert.due_at) == ("RECORD", T0 + timedelta(minutes=10))
    alert = transmitted(units, cla_bria, "P2")
    assert alert.due_step == "ACK" and alert.due_at == T0 + timedelta(minutes=5, hours=1)
    SLAPolicy.objects.create(step="ACK", priority="P2", minutes=20)
    assert next_deadline(alert)[1] == T0 + timedelta(minutes=25)


def test_no_ack_escalates_up_the_ladder(units, cla_bria, routing, commander, field_joc):
    alert = transmitted(units, cla_bria, "P1")
    assert list(Transmission.objects.values_list("to_user__username", "level")) == [("cdt.bria", 0)]
    assert escalate_due(T0 + timedelta(minutes=14)) == {"flagged": 0, "escalated": 0, "seen": 0}
    result = escalate_due(T0 + timedelta(minutes=16))  # ack due at 5 + 10 min
    assert result == {"flagged": 1, "escalated": 1, "seen": 1}
    alert.refresh_from_db()
    assert "NO_ACK" in alert.flags and alert.escalation_level == 1
    assert alert.state == S.TRANSMITTED and alert.due_at == T0 + timedelta(minutes=26)
    step = alert.transitions.last()
    assert (step.from_state, step.to_state, step.by) == ("TRANSMITTED", "TRANSMITTED", None)
    assert "FIELD_JOC" in step.reason
    assert Transmission.objects.filter(level=1, to_user=field_joc).count() == 1
    # a second scan at the same time changes nothing (idempotent)
    assert escalate_due(T0 + timedelta(minutes=16)) == {"flagged": 0, "escalated": 0, "seen": 0}
    # field JOC acknowledges: the deadline moves to the decision
    alert_transition(alert, S.ACKNOWLEDGED, field_joc, now=T0 + timedelta(minutes=20))
    alert.refresh_from_db()
    assert alert.due_step == "DECIDE" and alert.due_at == T0 + timedelta(minutes=30)


def test_late_response_and_no_feedback_flags(units, cla_bria, routing, commander):
    alert = transmitted(units, cla_bria, "P1")
    alert_transition(alert, S.ACKNOWLEDGED, commander, now=T0 + timedelta(minutes=8))
    escalate_due(T0 + timedelta(minutes=31))
    alert.refresh_from_db()
    assert "LATE_RESPONSE" in alert.flags and alert.escalation_level == 1
    alert_transition(
        alert,
        S.RESPONSE_DECIDED,
        commander,
        "patrol",
        now=T0 + timedelta(minutes=40),
        fields={"response_option": "PATROL_DAY"},
    )
    alert_transition(alert, S.RESPONDING, commander, now=T0 + timedelta(minutes=45))
    alert_transition(alert, S.RESPONDED, commander, now=T0 + timedelta(minutes=90))
    escalate_due(T0 + timedelta(hours=26))
    alert.refresh_from_db()
    assert "NO_FEEDBACK" in alert.flags and alert.due_at is None


def test_escalation_job_runs_at_the_deadline(units, cla_bria, routing, commander, field_joc):
    transmitted(units, cla_bria, "P1")
    scans = Job.objects.filter(name="response.escalate", status="QUEUED")
    # one scan queued for each minute in which a deadline fell due; the ack deadline is +15 min
    assert T0 + timedelta(minutes=15) in {j.run_after for j in scans}
    with mock.patch("django.utils.timezone.now", return_value=T0 + timedelta(minutes=16)):
        run_pending()
    alert = Alert.objects.get()
    assert "NO_ACK" in alert.flags and alert.escalation_level == 1
    assert Notification.objects.filter(user=field_joc).exists()
