"""Incidents: suggestions from place, time and type; link, unlink and merge by a person with the
history kept; area scope."""

from __future__ import annotations

from datetime import timedelta

import pytest

from sauti.accounts.access import AccessDenied
from sauti.alerts.incidents import (
    IncidentError,
    incident_link,
    incident_merge,
    incident_suggestions,
    incident_unlink,
)
from sauti.alerts.models import Alert, Incident, IncidentEvent
from sauti.alerts.services import alert_create
from tests.response.conftest import T0

pytestmark = pytest.mark.django_db


def make(units, unit: str, threat: str, hours: float) -> Alert:
    return alert_create(
        f"{threat} {unit}", units[unit], threat_type=threat, received_at=T0 + timedelta(hours=hours)
    )


def test_suggestions_rank_place_time_type(units, cla_bria):
    alert = make(units, "CF521", "ARMED_MOVEMENT", 0)
    same = make(units, "CF521", "ARMED_MOVEMENT", 2)
    other_type = make(units, "CF521", "LAND_DISPUTE", 1)
    make(units, "CF521", "ARMED_MOVEMENT", 72)  # too late
    make(units, "CF511", "ARMED_MOVEMENT", 1)  # elsewhere (and another CLA's area)
    suggested = incident_suggestions(alert, cla_bria)
    assert [a for a, _s in suggested] == [same, other_type]
    assert suggested[0][1] > suggested[1][1]


def test_link_unlink_merge_with_history(units, cla_bria):
    a, b, c, d = (make(units, "CF521", "ARMED_MOVEMENT", h) for h in (0, 1, 2, 3))
    first = incident_link([a, b], cla_bria, "same attack")
    assert set(first.alerts.all()) == {a, b} and first.first_alert_at == a.received_at
    second = incident_link([c, d], cla_bria)
    with pytest.raises(IncidentError, match="different incidents"):
        incident_link([a, c], cla_bria)
    merged = incident_merge(first, second, cla_bria, "one event")
    assert set(merged.alerts.all()) == {a, b, c, d}
    second.refresh_from_db()
    assert second.status == "MERGED" and second.merged_into == first
    with pytest.raises(IncidentError, match="reason"):
        incident_unlink(b, cla_bria, " ")
    b.refresh_from_db()
    incident_unlink(b, cla_bria, "different village")
    assert Alert.objects.get(pk=b.pk).incident is None
    kinds = list(IncidentEvent.objects.filter(incident=first).values_list("kind", flat=True))
    assert kinds == ["CREATE", "LINK", "LINK", "MERGE", "UNLINK"]


def test_scope_and_role(units, cla_bria, cla_ndele, joc):
    a, b = make(units, "CF521", "KILLING", 0), make(units, "CF521", "KILLING", 1)
    with pytest.raises(AccessDenied):
        incident_link([a, b], cla_ndele)
    with pytest.raises(AccessDenied):
        incident_link([a, b], joc)  # the JOC reads, the CLA line groups
    assert not Incident.objects.exists()


def test_page_suggests_and_groups(units, cla_bria):
    from tests.conftest import client_for

    a, b = make(units, "CF521", "KILLING", 0), make(units, "CF521", "KILLING", 1)
    client = client_for(cla_bria)
    client.cookies["django_language"] = "en"
    page = client.get(f"/response/alerts/{a.pk}/").content.decode()
    assert f'data-link="{b.pk}"' in page
    assert client.post(f"/response/alerts/{a.pk}/incident/", {"other": b.pk}).status_code == 302
    assert Alert.objects.get(pk=b.pk).incident_id == Alert.objects.get(pk=a.pk).incident_id
    refused = client.post(f"/response/alerts/{a.pk}/incident/", {"action": "unlink", "reason": ""})
    assert refused.status_code == 409 and "reason is required" in refused.content.decode()
