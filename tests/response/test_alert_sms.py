"""The alert's page ("Timeline and actions") shows the SMS sent to the reporter about the alert —
its acknowledgement and feedback — with what became of each (sent, delivered, undelivered,
failed), so closing the loop is seen to reach the reporter. Pseudonyms only, never a number; an
alert outside the user's areas stays 404."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.utils import translation

from sauti.alerts.models import Alert
from sauti.channels.models import Channel, OutboundMessage
from sauti.core.jobs import run_pending
from tests.channels.conftest import FP_PHONE, post_generic
from tests.channels.test_delivery_reports import post_generic_status
from tests.conftest import client_for

pytestmark = pytest.mark.django_db
GATEWAY = "sauti.channels.gateways.generic.http_post"


def _sms_alert(channel: Channel, monkeypatch: pytest.MonkeyPatch, answer: Any) -> Alert:
    monkeypatch.setattr(GATEWAY, answer)
    post_generic(
        Client(), channel, {"from": FP_PHONE, "text": "Hommes armés à Ndah ce matin", "id": "s-1"}
    )
    run_pending()  # the worker sends the acknowledgement
    return Alert.objects.get()


def _rows(html: str) -> list[str]:
    section = html.split('id="alert-sms"', 1)[1].split("</table>", 1)[0]
    return re.findall(r'data-status="(\w+)"', section)


def test_the_acknowledgement_and_its_delivery_show_on_the_alert(
    generic_channel, cla_bria, monkeypatch
):
    alert = _sms_alert(generic_channel, monkeypatch, lambda url, data, **kw: {"id": "gw-77"})
    page = client_for(cla_bria).get(f"/response/alerts/{alert.pk}/")
    html = page.content.decode()
    assert page.status_code == 200
    assert _rows(html) == ["SENT"]
    assert alert.reporter.pseudonym in html
    assert FP_PHONE not in html and FP_PHONE[4:] not in html  # never the number
    # The gateway reports delivery: the page follows.
    report = post_generic_status(Client(), generic_channel, {"id": "gw-77", "status": "delivered"})
    assert report.status_code == 200
    html = client_for(cla_bria).get(f"/response/alerts/{alert.pk}/").content.decode()
    assert _rows(html) == ["DELIVERED"]


def test_a_failed_acknowledgement_stands_out_with_its_reason(
    generic_channel, cla_bria, monkeypatch
):
    from sauti.channels.gateways import GatewayError

    def refuse(url: str, data: dict[str, str], **kw: Any) -> dict[str, str]:
        raise GatewayError(400, "gateway refused: no credit left")

    alert = _sms_alert(generic_channel, monkeypatch, refuse)
    assert OutboundMessage.objects.get().status == "FAILED"
    with translation.override("en"):
        html = client_for(cla_bria).get(f"/response/alerts/{alert.pk}/").content.decode()
    assert _rows(html) == ["FAILED"]
    assert "no credit left" in html


def test_in_french(generic_channel, cla_bria, monkeypatch):
    alert = _sms_alert(generic_channel, monkeypatch, lambda url, data, **kw: {"id": "gw-1"})
    client = client_for(cla_bria)
    html = client.get(f"/response/alerts/{alert.pk}/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "SMS au rapporteur sur cette alerte" in html
    assert "Rapport de la passerelle" in html


def test_an_alert_without_sms_has_no_section(units, cla_bria):
    from sauti.alerts.services import alert_create

    alert = alert_create("x", units["CF521"], threat_type="ARMED_MOVEMENT")
    html = client_for(cla_bria).get(f"/response/alerts/{alert.pk}/").content.decode()
    assert 'id="alert-sms"' not in html


def test_outside_the_users_areas_is_404(generic_channel, cla_ndele, monkeypatch):
    alert = _sms_alert(generic_channel, monkeypatch, lambda url, data, **kw: {"id": "gw-2"})
    assert client_for(cla_ndele).get(f"/response/alerts/{alert.pk}/").status_code == 404
