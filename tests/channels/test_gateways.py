"""Every gateway type, replayed with real-format payloads, through the HTTP path."""

from __future__ import annotations

import json

import pytest

from sauti.alerts.models import Alert
from sauti.channels.models import CallbackTask, InboundMessage, OutboundMessage, Reporter
from sauti.core.jobs import run_pending
from tests.channels.conftest import FP_PHONE, post_generic, post_twilio, twilio_params

pytestmark = pytest.mark.django_db


def test_twilio_sms_creates_alert_and_queues_ack(client, twilio_channel, monkeypatch):
    response = post_twilio(
        client,
        twilio_channel,
        twilio_params(body="Attaque en cours à Ndah, 3 morts et 2 blessés. UPC"),
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/xml")
    message = InboundMessage.objects.get()
    assert message.processing_state == "LINKED"
    alert = message.alert
    assert alert.threat_type == "ARMED_ATTACK_ONGOING"
    assert alert.counts["killed"] == 3 and alert.counts["injured"] == 2
    assert alert.actors == ["UPC"]
    assert alert.place_text == "Ndah"
    assert alert.admin_unit.pcode == "CF52"
    assert alert.reporter.kind == Reporter.Kind.PUBLIC
    assert alert.reference.startswith("MINUSCA-CF52-")
    ack = OutboundMessage.objects.get()
    assert ack.purpose == "ACK" and ack.language == "fr"
    assert alert.reference.split("-")[-1] in ack.body
    assert "Ndah" not in ack.body and "MINUSCA" not in ack.body  # neutral wording (DP-7)

    sent = []
    monkeypatch.setattr(
        "sauti.channels.gateways.twilio.http_post",
        lambda url, data, **kw: sent.append((url, data)) or {"sid": "SMout"},
    )
    run_pending()
    ack.refresh_from_db()
    assert ack.status == "SENT" and ack.gateway_id == "SMout"
    assert sent[0][1]["To"] == FP_PHONE and "api.twilio.com" in sent[0][0]


def test_twilio_retry_returns_original_and_creates_nothing(client, twilio_channel):
    params = twilio_params()
    first = post_twilio(client, twilio_channel, params)
    second = post_twilio(client, twilio_channel, params)
    assert first.status_code == second.status_code == 200
    assert InboundMessage.objects.count() == 1 and Alert.objects.count() == 1
    assert OutboundMessage.objects.count() == 1


def test_twilio_wrong_signature_is_403_and_stores_nothing(client, twilio_channel):
    response = post_twilio(client, twilio_channel, twilio_params(), token="0" * 32)
    assert response.status_code == 403
    assert response.json()["detail"]
    assert InboundMessage.objects.count() == 0


def test_twilio_tampered_body_is_403(client, twilio_channel):
    import urllib.parse

    from twilio.request_validator import RequestValidator

    from tests.channels.conftest import TWILIO_TOKEN, hook_url

    params = twilio_params()
    signature = RequestValidator(TWILIO_TOKEN).compute_signature(
        "http://testserver" + hook_url(twilio_channel), params
    )
    params["Body"] = "changed"
    response = client.post(
        hook_url(twilio_channel),
        data=urllib.parse.urlencode(params),
        content_type="application/x-www-form-urlencoded",
        HTTP_X_TWILIO_SIGNATURE=signature,
    )
    assert response.status_code == 403


def test_generic_json_and_form(client, generic_channel):
    r1 = post_generic(
        client,
        generic_channel,
        {
            "from": "+23675000002",
            "text": "Enlèvement de 4 personnes hier soir vers Ouadda",
            "id": "m-1",
        },
    )
    r2 = post_generic(
        client,
        generic_channel,
        {
            "sender": "075000003",
            "message": "armed men seen near Bria this morning",
            "message_id": "m-2",
        },
        as_json=False,
    )
    assert r1.status_code == r2.status_code == 200
    # The gateway is answered once the raw message is committed; the worker makes the alert, and
    # a re-delivery of the same message is answered with it.
    assert r1.json()["state"] == "STORED" and r1.json()["alert"] == ""
    again = post_generic(
        client,
        generic_channel,
        {
            "from": "+23675000002",
            "text": "Enlèvement de 4 personnes hier soir vers Ouadda",
            "id": "m-1",
        },
    )
    assert again.json()["duplicate"] is True
    assert again.json()["alert"].startswith("MINUSCA-CF52-")
    alerts = {a.threat_type: a for a in Alert.objects.all()}
    assert alerts["ABDUCTION"].counts["abducted"] == 4
    assert alerts["ARMED_MOVEMENT"].language == "en"
    # the local number was normalised to E.164 with the channel's country
    assert Reporter.objects.count() == 2


def test_generic_plain_secret_header(client, generic_channel):
    from tests.channels.conftest import SECRET, hook_url

    body = json.dumps(
        {"from": "+23675000009", "text": "tension entre éleveurs et agriculteurs", "id": "x9"}
    )
    ok = client.post(
        hook_url(generic_channel),
        data=body,
        content_type="application/json",
        HTTP_X_SAUTI_SECRET=SECRET,
    )
    bad = client.post(
        hook_url(generic_channel),
        data=body,
        content_type="application/json",
        HTTP_X_SAUTI_SECRET="nope",
    )
    assert ok.status_code == 200 and bad.status_code == 403


def test_generic_without_id_dedupes_on_body(client, generic_channel):
    fields = {"from": "+23675000002", "text": "Hommes armés à Yalinga"}
    post_generic(client, generic_channel, fields)
    again = post_generic(client, generic_channel, fields)
    assert again.json()["duplicate"] is True
    assert Alert.objects.count() == 1


def test_missed_call_creates_callback_task_once(client, missed_channel):
    r1 = post_generic(client, missed_channel, {"from": FP_PHONE, "call_id": "c-1"}, as_json=False)
    r2 = post_generic(client, missed_channel, {"from": FP_PHONE, "call_id": "c-2"}, as_json=False)
    assert r1.status_code == r2.status_code == 200
    task = CallbackTask.objects.get()
    assert task.alert.state == "CALLBACK_PENDING"
    assert task.area.pcode == "CF52"
    assert (
        InboundMessage.objects.filter(alert=task.alert).count() == 2
    )  # second beep joins the open task
    assert OutboundMessage.objects.count() == 0


def test_focal_point_gets_ack_in_own_language(client, generic_channel, network):
    from sauti.channels.services import reporter_enrol

    fp = reporter_enrol(
        name="Test Focal", phones=["+23675000011"], network=network, languages=["en"]
    )
    post_generic(
        client,
        generic_channel,
        {"from": "+236 75 00 00 11", "text": "Hommes armés à Ndah", "id": "fp-1"},
    )
    alert = Alert.objects.get()
    assert alert.reporter == fp and fp.pseudonym.startswith("FP-CF52-")
    assert OutboundMessage.objects.get().body.startswith("Message received")


def test_suspended_reporter_alert_kept_but_no_sms(client, generic_channel, network):
    from sauti.channels.services import reporter_enrol

    reporter_enrol(
        name="X", phones=["+23675000012"], network=network, status=Reporter.Status.SUSPENDED
    )
    post_generic(
        client,
        generic_channel,
        {"from": "+23675000012", "text": "Hommes armés à Ndah", "id": "s-1"},
    )
    assert Alert.objects.count() == 1
    assert OutboundMessage.objects.get().status == "SUPPRESSED"


def test_deferred_by_default_answers_after_raw_store_and_worker_creates_alert(
    client, generic_channel, monkeypatch
):
    monkeypatch.setattr("sauti.channels.gateways.generic.http_post", lambda *a, **k: {"id": "g1"})
    response = post_generic(
        client,
        generic_channel,
        {"from": "+23675000061", "text": "attaque en cours à Ndah", "id": "d1"},
        process=False,
    )
    assert response.status_code == 200 and response.json()["state"] == "STORED"
    assert Alert.objects.count() == 0
    assert run_pending() >= 1
    assert InboundMessage.objects.get().alert.threat_type == "ARMED_ATTACK_ONGOING"
    assert OutboundMessage.objects.filter(purpose="ACK").count() == 1


def test_inline_mode_makes_the_alert_before_answering(client, generic_channel, monkeypatch):
    from sauti.channels import conf

    monkeypatch.setattr(conf, "INLINE", True)
    response = post_generic(
        client,
        generic_channel,
        {"from": "+23675000062", "text": "attaque en cours à Ndah", "id": "i1"},
        process=False,
    )
    assert response.json()["state"] == "LINKED"
    assert response.json()["alert"] == Alert.objects.get().reference
