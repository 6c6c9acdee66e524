"""The alert state machine (domain.md §4.1): the one table, who may act, guards, the recorded
timeline, and the API's 200/409/403/404."""

from __future__ import annotations

from datetime import timedelta

import pytest

from sauti.accounts.access import AccessDenied
from sauti.accounts.services import token_create
from sauti.alerts.models import Alert, AlertTransition
from sauti.alerts.services import alert_create
from sauti.alerts.workflow import (
    ALLOWED_TRANSITIONS,
    SYSTEM,
    AlertState,
    TransitionError,
    alert_transition,
)
from sauti.response.services import alert_triage
from tests.response.conftest import T0

pytestmark = pytest.mark.django_db
S = AlertState


def auth(user) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {token_create(user)}", "HTTP_ACCEPT_LANGUAGE": "en"}


def new_alert(units, threat: str = "ARMED_MOVEMENT", area: str = "CF521") -> Alert:
    return alert_create("Hommes armés vers Ndah", units[area], threat_type=threat, received_at=T0)


def test_table_covers_every_state_and_only_known_ones():
    states = set(S.values)
    used = {s for pair in ALLOWED_TRANSITIONS for s in pair}
    assert used <= states
    # every state except the terminal ones can be left; every state except RECEIVED entered
    assert {to for _f, to in ALLOWED_TRANSITIONS} == states - {S.RECEIVED}
    assert {f for f, _t in ALLOWED_TRANSITIONS} == states - {S.MERGED, S.REJECTED}
    # escalation and callbacks are the system's alone
    assert ALLOWED_TRANSITIONS[(S.TRANSMITTED, S.TRANSMITTED)].actors == {SYSTEM}


def test_intake_records_first_transitions(units):
    alert = new_alert(units)
    steps = list(alert.transitions.values_list("from_state", "to_state"))
    assert steps == [("", "RECEIVED")]


def test_missed_call_first_transitions(client, units):
    from sauti.channels.services import channel_create, network_create
    from tests.channels.conftest import FP_PHONE, post_generic

    net = network_create("RAC", "CF52")
    channel = channel_create(
        "MISSED_CALL",
        "Hotline",
        "CF52",
        network=net,
        credentials={"secret": "generic-gateway-shared-secret"},
    )
    post_generic(client, channel, {"from": FP_PHONE, "call_id": "c-1"}, as_json=False)
    alert = Alert.objects.get()
    assert alert.state == S.CALLBACK_PENDING
    assert list(alert.transitions.values_list("from_state", "to_state", "by")) == [
        ("", "RECEIVED", None),
        ("RECEIVED", "CALLBACK_PENDING", None),
    ]


def test_happy_path_records_who_when_why(units, cla_bria, joc, routing, commander):
    alert = new_alert(units)
    alert_transition(alert, S.RECORDED, cla_bria, now=T0 + timedelta(minutes=4))
    alert_triage(
        alert, cla_bria, priority="P2", source_reliability=4, now=T0 + timedelta(minutes=6)
    )
    alert_transition(alert, S.TRANSMITTED, joc, now=T0 + timedelta(minutes=9))
    alert_transition(alert, S.ACKNOWLEDGED, commander, now=T0 + timedelta(minutes=15))
    alert_transition(
        alert,
        S.RESPONSE_DECIDED,
        commander,
        "patrol",
        now=T0 + timedelta(minutes=20),
        fields={"response_option": "PATROL_DAY"},
    )
    alert.refresh_from_db()
    assert alert.state == S.RESPONSE_DECIDED
    assert alert.priority == "P2" and alert.source_reliability == 4
    assert alert.recorded_at == T0 + timedelta(minutes=4)
    assert alert.acknowledged_at == T0 + timedelta(minutes=15)
    last = AlertTransition.objects.filter(alert=alert).last()
    assert (last.from_state, last.to_state, last.by, last.reason) == (
        "ACKNOWLEDGED",
        "RESPONSE_DECIDED",
        commander,
        "patrol",
    )


def test_forbidden_transition_is_a_domain_error(units, cla_bria):
    alert = new_alert(units)
    with pytest.raises(TransitionError, match="cannot go from RECEIVED to CLOSED"):
        alert_transition(alert, S.CLOSED, cla_bria)
    alert.refresh_from_db()
    assert alert.state == S.RECEIVED and alert.transitions.count() == 1


def test_role_and_area_are_checked(units, cla_bria, cla_ndele, joc):
    alert = new_alert(units)
    with pytest.raises(AccessDenied):
        alert_transition(alert, S.RECORDED, joc)  # the JOC does not record
    with pytest.raises(AccessDenied):
        alert_transition(alert, S.RECORDED, cla_ndele)  # another CLA's area
    with pytest.raises(TransitionError):
        alert_transition(alert, S.CALLBACK_PENDING, cla_bria)  # system only -> wrong from state


def test_guards(units, cla_bria):
    threat = new_alert(units)
    with pytest.raises(TransitionError, match="mentions a threat"):
        alert_transition(threat, S.REJECTED, cla_bria, "spam")
    spam = new_alert(units, threat="OTHER")
    with pytest.raises(TransitionError, match="reason is required"):
        alert_transition(spam, S.REJECTED, cla_bria, "  ")
    alert_transition(spam, S.REJECTED, cla_bria, "test message")
    alert_transition(threat, S.RECORDED, cla_bria)
    with pytest.raises(TransitionError, match="priority"):
        alert_transition(threat, S.TRIAGED, cla_bria)
    alert_triage(threat, cla_bria, priority="P1")
    with pytest.raises(TransitionError, match="P1"):
        alert_transition(threat, S.VERIFYING, cla_bria)


def test_reopen_only_within_72_hours(units, cla_bria, ca_bria):
    alert = new_alert(units)
    alert_transition(alert, S.RECORDED, cla_bria, now=T0)
    alert_triage(alert, cla_bria, priority="P3", verification_needed=True, now=T0)
    alert_transition(alert, S.VERIFYING, cla_bria, now=T0)
    Alert.objects.filter(pk=alert.pk).update(verification_status="UNFOUNDED")
    alert_transition(alert, S.CLOSED, ca_bria, now=T0 + timedelta(hours=1))
    with pytest.raises(TransitionError, match="72 hours"):
        alert_transition(alert, S.RECORDED, cla_bria, "new info", now=T0 + timedelta(hours=80))
    alert_transition(alert, S.RECORDED, cla_bria, "new info", now=T0 + timedelta(hours=70))


def test_api_detail_has_state_and_timeline(client, units, cla_bria):
    alert = new_alert(units)
    alert_transition(alert, S.RECORDED, cla_bria, "call logged", now=T0 + timedelta(minutes=3))
    data = client.get(f"/api/v1/alerts/{alert.pk}", **auth(cla_bria)).json()
    assert data["state"] == "RECORDED"
    assert data["timeline"][-1]["from"] == "RECEIVED"
    assert data["timeline"][-1]["to"] == "RECORDED"
    assert data["timeline"][-1]["by"] == "cla.bria"
    assert data["timeline"][-1]["reason"] == "call logged"
    assert data["timeline"][0] == {
        "from": "",
        "to": "RECEIVED",
        "by": None,
        "at": "2026-11-20T08:00:00Z",
        "reason": "",
    }
    assert "TRIAGED" in data["allowed"]


def test_api_transition_200_409_403_404(client, units, cla_bria, cla_ndele, analyst):
    alert = new_alert(units)
    url = f"/api/v1/alerts/{alert.pk}/transition"
    ok = client.post(url, {"to": "RECORDED"}, content_type="application/json", **auth(cla_bria))
    assert ok.status_code == 200 and ok.json()["state"] == "RECORDED"
    bad = client.post(
        url, {"to": "CLOSED", "reason": "x"}, content_type="application/json", **auth(cla_bria)
    )
    assert bad.status_code == 409
    assert "cannot go from RECORDED to CLOSED" in bad.json()["detail"]
    unknown = client.post(url, {"to": "NOPE"}, content_type="application/json", **auth(cla_bria))
    assert unknown.status_code == 409 and "unknown state" in unknown.json()["detail"]
    role = client.post(url, {"to": "TRIAGED"}, content_type="application/json", **auth(analyst))
    assert role.status_code == 403
    scope = client.post(url, {"to": "TRIAGED"}, content_type="application/json", **auth(cla_ndele))
    assert scope.status_code == 404
    alert.refresh_from_db()
    assert alert.state == "RECORDED" and alert.transitions.count() == 2


def test_refusal_in_french(units, cla_bria):
    from django.utils import translation

    alert = new_alert(units)
    with translation.override("fr"), pytest.raises(TransitionError, match="ne peut pas passer"):
        alert_transition(alert, S.CLOSED, cla_bria)
    assert str(S.TRIAGED.label) == "Triaged"
    with translation.override("fr"):
        assert str(S.TRIAGED.label) == "Triée"


def test_migration_gives_old_alerts_a_first_transition(units):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("sauti.alerts.migrations.0007_initial_transitions")
    alert = new_alert(units)
    Alert.objects.filter(pk=alert.pk).update(state="TRANSMITTED")
    AlertTransition.objects.all().delete()  # as before the state machine existed
    migration.forwards(apps, None)
    migration.forwards(apps, None)  # idempotent
    assert list(alert.transitions.values_list("from_state", "to_state")) == [
        ("", "RECEIVED"),
        ("RECEIVED", "TRANSMITTED"),
    ]


def test_api_triage_fields(client, units, cla_bria):
    alert = new_alert(units)
    url = f"/api/v1/alerts/{alert.pk}/transition"
    post = lambda body: client.post(url, body, content_type="application/json", **auth(cla_bria))  # noqa: E731
    assert post({"to": "RECORDED"}).status_code == 200
    assert post({"to": "TRIAGED", "priority": "P9"}).status_code == 400
    assert post({"to": "TRIAGED", "priority": "P2", "source_reliability": 7}).status_code == 400
    assert post({"to": "RECORDED", "priority": "P2"}).status_code == 400
    no_priority = post({"to": "TRIAGED"})
    assert no_priority.status_code == 409 and "priority" in no_priority.json()["detail"]
    ok = post(
        {"to": "TRIAGED", "priority": "P2", "source_reliability": 4, "verification_needed": True}
    )
    assert ok.status_code == 200 and ok.json()["priority"] == "P2"
    alert.refresh_from_db()
    assert alert.source_reliability == 4 and alert.verification_needed
