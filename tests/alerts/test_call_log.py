"""The CLA's call-log form: raw first, parsed, CLA-set fields locked, double submit is one alert."""

from __future__ import annotations

import pytest

from sauti.alerts.models import Alert
from sauti.channels.models import InboundMessage
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def test_call_log_creates_one_alert_with_locked_fields(cla_bria, units):
    client = client_for(cla_bria)
    page = client.get("/alerts/new/")
    assert page.status_code == 200
    token = page.context["form"].initial["form_token"]
    data = {
        "text": "L'appelant dit que des hommes armés ont enlevé 2 femmes hier soir",
        "area": units["CF521"].pk,
        "caller_phone": "+23675000051",
        "place_text": "Ndah",
        "threat_type": "",
        "form_token": token,
    }
    first = client.post("/alerts/new/", data)
    second = client.post("/alerts/new/", data)
    assert first.status_code == second.status_code == 302
    alert = Alert.objects.get()
    assert first["Location"] == second["Location"] == f"/alerts/{alert.pk}/"
    assert alert.threat_type == "ABDUCTION" and alert.counts["abducted"] == 2
    assert alert.place_text == "Ndah" and alert.locked_fields == ["place"]
    assert alert.state == "RECORDED" and alert.reporter is not None
    assert InboundMessage.objects.get().kind == "VOICE_CALL_LOG"
    assert "75000051" not in client.get(f"/alerts/{alert.pk}/").content.decode()


def test_call_log_out_of_scope_area_is_refused(cla_bria, units):
    client = client_for(cla_bria)
    token = client.get("/alerts/new/").context["form"].initial["form_token"]
    response = client.post(
        "/alerts/new/", {"text": "x", "area": units["CF511"].pk, "form_token": token}
    )
    assert response.status_code == 400 and Alert.objects.count() == 0


def test_analyst_cannot_log_calls(analyst):
    assert client_for(analyst).get("/alerts/new/").status_code == 403
