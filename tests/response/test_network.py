"""Network health: last contact, silent flag after N days (controlled clock), test pings to
ACTIVE contactable focal points only, device registry; scoped by area."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from sauti.channels.models import InboundMessage, OutboundMessage, Reporter
from sauti.channels.services import reporter_enrol
from sauti.response.models import Device
from sauti.response.network import network_health, network_test_ping
from tests.channels.conftest import post_generic
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def test_last_contact_and_silent_flag(client, cla_bria, cla_ndele, network, generic_channel):
    fp = reporter_enrol(name="Awa", phones=["+23675000111"], network=network, actor=cla_bria)
    post_generic(client, generic_channel, {"from": "+23675000111", "text": "calme", "id": "n1"})
    last = InboundMessage.objects.get().received_at
    rows = network_health(cla_bria, now=last + timedelta(days=13))
    assert len(rows) == 1 and rows[0].last_contact == last and not rows[0].silent
    assert rows[0].focal_points[0]["reporter"] == fp
    assert network_health(cla_bria, now=last + timedelta(days=15))[0].silent
    assert network_health(cla_ndele) == []  # another area


def test_test_ping_only_to_active_contactable(cla_bria, network, generic_channel):
    reporter_enrol(name="A", phones=["+23675000111"], network=network, actor=cla_bria)
    b = reporter_enrol(name="B", phones=["+23675000112"], network=network, actor=cla_bria)
    c = reporter_enrol(name="C", phones=["+23675000113"], network=network, actor=cla_bria)
    Reporter.objects.filter(pk=b.pk).update(do_not_contact=True)
    Reporter.objects.filter(pk=c.pk).update(status="SUSPENDED")
    assert network_test_ping(network, cla_bria) == 1
    out = OutboundMessage.objects.get()
    assert out.purpose == "BROADCAST" and out.body == "Test du réseau. Merci."


def test_page_ping_and_device(cla_bria, cla_ndele, network, generic_channel):
    reporter_enrol(name="A", phones=["+23675000111"], network=network, actor=cla_bria)
    client = client_for(cla_bria)
    client.cookies["django_language"] = "en"
    page = client.get("/response/networks/").content.decode()
    assert 'data-silent="1"' in page and "Network health" in page
    assert "nobody on duty" in page
    assert (
        client.post("/response/networks/", {"network": network.pk, "action": "ping"}).status_code
        == 302
    )
    assert OutboundMessage.objects.count() == 1
    ok = client.post(
        "/response/networks/",
        {"network": network.pk, "action": "device", "kind": "RADIO", "label": "HF-7"},
    )
    assert ok.status_code == 302 and Device.objects.get().label == "HF-7"
    bad = client.post(
        "/response/networks/", {"network": network.pk, "action": "device", "kind": "TANK"}
    )
    assert bad.status_code == 400 and Device.objects.count() == 1
    other = client_for(cla_ndele).post(
        "/response/networks/", {"network": network.pk, "action": "ping"}
    )
    assert other.status_code == 404
    assert timezone.now()
