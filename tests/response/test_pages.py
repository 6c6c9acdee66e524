"""Board, detail, feedback and metrics pages: scoped, bounded queries, refusals shown as messages."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sauti.alerts.services import alert_create
from sauti.alerts.workflow import AlertState, alert_transition
from sauti.response.services import alert_triage
from tests.conftest import client_for

pytestmark = pytest.mark.django_db
S = AlertState


def english(client):
    client.cookies["django_language"] = "en"
    return client


def test_board_lists_open_alerts_by_priority_in_scope(units, cla_bria, cla_ndele, joc):
    low = alert_create("a", units["CF521"], threat_type="LAND_DISPUTE", actor=cla_bria)
    high = alert_create("b", units["CF521"], threat_type="ARMED_ATTACK_IMMINENT", actor=cla_bria)
    alert_triage(low, cla_bria, priority="P3")
    alert_triage(high, cla_bria, priority="P1")
    alert_create("c", units["CF511"], threat_type="KILLING", actor=cla_ndele)
    page = english(client_for(cla_bria)).get("/response/").content.decode()
    assert page.index(high.reference) < page.index(low.reference)
    assert "CF51-" not in page  # the other CLA's area
    assert 'hx-trigger="every 4s"' in page
    joc_rows = english(client_for(joc)).get("/response/rows/?state=TRIAGED").content.decode()
    assert high.reference in joc_rows and "CF51-" not in joc_rows
    filtered = client_for(joc).get("/response/rows/?threat_type=KILLING").content.decode()
    assert "CF51-" in filtered and high.reference not in filtered


def test_board_rows_bounded_queries(units, cla_bria, joc):
    for i in range(30):
        alert_create(f"a{i}", units["CF521"], threat_type="ARMED_MOVEMENT", actor=cla_bria)
    client = client_for(joc)
    client.get("/response/rows/")
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/response/rows/").status_code == 200
    assert len(ctx) <= 8, [q["sql"] for q in ctx]


def test_analyst_has_no_board_but_metrics(units, analyst):
    client = client_for(analyst)
    assert client.get("/response/").status_code == 403
    assert client.get("/response/metrics/").status_code == 200


def test_detail_buttons_and_refusal_message(units, cla_bria, joc):
    alert = alert_create("a", units["CF521"], threat_type="ARMED_MOVEMENT", actor=cla_bria)
    client = english(client_for(cla_bria))
    page = client.get(f"/response/alerts/{alert.pk}/").content.decode()
    assert 'value="TRIAGED"' in page and "Timeline" in page
    # triage without a priority is refused with a clear message; nothing changes
    refused = client.post(
        f"/response/alerts/{alert.pk}/transition/", {"to": "TRIAGED", "priority": ""}
    )
    assert refused.status_code == 409
    assert "priority must be one of" in refused.content.decode()
    forbidden = client.post(f"/response/alerts/{alert.pk}/transition/", {"to": "CLOSED"})
    assert (
        forbidden.status_code == 409
        and "cannot go from RECORDED to CLOSED" in forbidden.content.decode()
    )
    ok = client.post(
        f"/response/alerts/{alert.pk}/transition/",
        {"to": "TRIAGED", "priority": "P2", "source_reliability": "3"},
    )
    assert ok.status_code == 302
    alert.refresh_from_db()
    assert alert.state == S.TRIAGED and alert.source_reliability == 3
    # the JOC may not triage (403), in French the page still answers
    assert (
        client_for(joc)
        .post(f"/response/alerts/{alert.pk}/transition/", {"to": "VERIFYING"})
        .status_code
        == 403
    )


def test_french_board(units, cla_bria):
    client = client_for(cla_bria)
    client.cookies["django_language"] = "fr"
    page = client.get("/response/").content.decode()
    assert "Tableau de réponse" in page


def test_metrics_from_transitions(units, cla_bria, routing, commander):
    from django.utils import timezone

    t0 = timezone.now() - timedelta(days=2)
    alert = alert_create("a", units["CF521"], threat_type="ARMED_MOVEMENT", received_at=t0)
    alert_transition(alert, S.RECORDED, cla_bria, now=t0 + timedelta(minutes=10))
    alert_triage(alert, cla_bria, priority="P2", now=t0 + timedelta(minutes=12))
    alert_transition(alert, S.TRANSMITTED, cla_bria, now=t0 + timedelta(minutes=20))
    alert_transition(alert, S.ACKNOWLEDGED, commander, now=t0 + timedelta(minutes=26))
    alert_transition(
        alert,
        S.RESPONSE_DECIDED,
        commander,
        "go",
        now=t0 + timedelta(minutes=40),
        fields={"response_option": "PATROL_DAY"},
    )
    alert_transition(alert, S.RESPONDING, commander, now=t0 + timedelta(minutes=45))
    alert_transition(alert, S.RESPONDED, commander, now=t0 + timedelta(minutes=100))
    from sauti.response.metrics import response_metrics

    rows = response_metrics(cla_bria)
    assert len(rows) == 1 and rows[0]["key"] == "CF52"
    steps = rows[0]["steps"]
    assert steps["record"] == (10.0, 10.0)
    assert steps["transmit"] == (20.0, 20.0)
    assert steps["acknowledge"] == (6.0, 6.0)
    assert steps["decide"] == (40.0, 40.0)
    assert steps["respond"] == (100.0, 100.0)
    assert steps["feedback"] == (None, None)
    assert rows[0]["share_responded"] == 100
    page = english(client_for(cla_bria)).get("/response/metrics/?by=month").content.decode()
    assert "Time to acknowledge" in page and "6.0 / 6.0" in page


def test_feedback_list_for_cla(units, cla_bria, commander, routing):
    alert = alert_create("a", units["CF521"], threat_type="ARMED_MOVEMENT", actor=cla_bria)
    alert_triage(alert, cla_bria, priority="P2")
    alert_transition(alert, S.TRANSMITTED, cla_bria)
    alert_transition(alert, S.ACKNOWLEDGED, commander)
    alert_transition(
        alert, S.RESPONSE_DECIDED, commander, "none", fields={"response_option": "NO_ACTION"}
    )
    page = english(client_for(cla_bria)).get("/response/feedback/").content.decode()
    assert alert.reference in page


def test_metrics_rollup_matches_live_within_a_bucket(units, cla_bria, joc):
    from datetime import UTC, datetime
    from unittest import mock

    from django.core.management import call_command

    from sauti.alerts.models import Alert
    from sauti.core.models import Job
    from sauti.response.metrics import response_metrics
    from sauti.response.models import MetricMonth

    now = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
    received = [
        datetime(2026, 9, 10, tzinfo=UTC),  # a past month: rolled up
        datetime(2026, 11, 2, tzinfo=UTC),  # this month before midnight: rolled up
        datetime(2026, 11, 28, 6, 0, tzinfo=UTC),  # today: read live
    ]
    for i, when in enumerate(received):
        alert = alert_create(
            f"a{i}", units["CF521"], threat_type="ARMED_MOVEMENT", received_at=when
        )
        Alert.objects.filter(pk=alert.pk).update(
            recorded_at=when + timedelta(minutes=10 + 10 * i),
            transmitted_at=when + timedelta(minutes=30),
        )
    with mock.patch("django.utils.timezone.now", return_value=now):
        live = response_metrics(joc, group="month")
        call_command("response_rollup", "--months", "3")
        rolled = response_metrics(joc, group="month")
        cla_rows = response_metrics(cla_bria, group="month")
    assert MetricMonth.objects.filter(month="2026-09-01").count() == 1
    november = MetricMonth.objects.get(month="2026-11-01")
    assert november.alerts == 1 and november.through == datetime(2026, 11, 28, tzinfo=UTC)
    assert Job.objects.filter(name="response.metrics_rollup", status="QUEUED").count() == 1
    assert [r["key"] for r in rolled] == ["2026-09", "2026-11"] == [r["key"] for r in live]
    assert live[0]["steps"]["record"] == (10.0, 10.0)
    assert live[1]["steps"]["record"] == (25.0, 29.0)  # exact: 20 and 30 minutes
    sept = rolled[0]["steps"]["record"][0]
    assert abs(sept - 10.0) / 10.0 < 0.1  # read from the histogram: within a bucket
    assert rolled[1]["alerts"] == 2 and rolled[1]["steps"]["record"][0] is not None
    assert cla_rows == rolled
