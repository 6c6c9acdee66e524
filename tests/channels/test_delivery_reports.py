"""Delivery reports on outbound SMS: Twilio status callbacks (signed with the official library's
RequestValidator) and generic gateways (RapidPro external-channel URLs, Android apps' JSON).

A report moves a SENT message to DELIVERED or UNDELIVERED once; repeats, late and intermediate
reports change nothing; unknown ids, bad signatures and bad bodies change nothing either, and
nothing from the request but the outcome is kept (never the recipient's number)."""

from __future__ import annotations

import io
import json
import logging
import urllib.parse
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.utils import timezone
from twilio.request_validator import RequestValidator

from sauti.alerts.services import alert_create
from sauti.channels import conf
from sauti.channels.models import Channel, Network, OutboundMessage, Reporter
from sauti.channels.outbound import outbound_drain
from sauti.channels.services import channel_create, channel_for, reporter_enrol
from tests.channels.conftest import (
    FP_PHONE,
    SECRET,
    TWILIO_TOKEN,
    post_generic,
    post_twilio,
    sign,
    twilio_params,
)
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

PUBLIC = "https://sauti.mission.example"
SID = "SM" + "b" * 32


# --- helpers --------------------------------------------------------------------------------------


def status_path(channel: Channel, reported: str = "") -> str:
    return f"/hooks/{channel.uuid}/status/" + (f"{reported}/" if reported else "")


def twilio_status(sid: str, status: str, error_code: str = "") -> dict[str, str]:
    """The fields Twilio posts to a StatusCallback URL (Twilio's "track outbound message status"
    guide: the message's properties plus MessageStatus, and ErrorCode when it failed)."""
    params = {
        "AccountSid": "AC" + "0" * 32,
        "ApiVersion": "2010-04-01",
        "From": "+15005550006",
        "MessageSid": sid,
        "MessageStatus": status,
        "SmsSid": sid,
        "SmsStatus": status,
        "To": FP_PHONE,
    }
    if error_code:
        params["ErrorCode"] = error_code
    return params


def post_twilio_status(
    client: Client,
    channel: Channel,
    params: dict[str, str],
    *,
    token: str = TWILIO_TOKEN,
    signed_url: str = "",
) -> Any:
    url = signed_url or "http://testserver" + status_path(channel)
    signature = RequestValidator(token).compute_signature(url, params)
    return client.post(
        status_path(channel),
        data=urllib.parse.urlencode(params),
        content_type="application/x-www-form-urlencoded",
        HTTP_X_TWILIO_SIGNATURE=signature,
    )


def post_generic_status(
    client: Client,
    channel: Channel,
    fields: dict[str, Any],
    *,
    reported: str = "",
    as_json: bool = True,
    secret: str = SECRET,
) -> Any:
    if as_json:
        body, ctype = json.dumps(fields).encode(), "application/json"
    else:
        body, ctype = urllib.parse.urlencode(fields).encode(), "application/x-www-form-urlencoded"
    return client.post(
        status_path(channel, reported),
        data=body,
        content_type=ctype,
        HTTP_X_SAUTI_SIGNATURE=sign(body, secret),
    )


def snapshot() -> list[dict[str, Any]]:
    return list(OutboundMessage.objects.order_by("id").values())


@pytest.fixture
def reporter(network: Network) -> Reporter:
    return reporter_enrol(name="Awa Test", phones=[FP_PHONE], network=network, languages=["fr"])


def sent(
    channel: Channel, reporter: Reporter, gateway_id: str, status: str = "SENT"
) -> OutboundMessage:
    return OutboundMessage.objects.create(
        to_reporter=reporter,
        channel=channel,
        purpose="ACK",
        body="Message CF52-000001 reçu. Merci.",
        status=status,
        gateway_id=gateway_id,
        sent_at=timezone.now(),
    )


# --- Twilio ---------------------------------------------------------------------------------------


def test_twilio_ack_carries_status_callback_and_delivery_is_recorded(
    client, twilio_channel, monkeypatch, caplog
):
    monkeypatch.setattr(conf, "PUBLIC_URL", PUBLIC)
    calls: list[dict[str, str]] = []
    monkeypatch.setattr(
        "sauti.channels.gateways.twilio.http_post",
        lambda url, data, **kw: calls.append(data) or {"sid": SID},
    )
    post_twilio(client, twilio_channel, twilio_params(body="Hommes armés à Ndah ce matin"))
    assert outbound_drain() == 1
    assert calls[0]["StatusCallback"] == f"{PUBLIC}/hooks/{twilio_channel.uuid}/status/"
    ack = OutboundMessage.objects.get()
    assert ack.status == "SENT" and ack.gateway_id == SID

    caplog.set_level(logging.DEBUG)
    response = post_twilio_status(client, twilio_channel, twilio_status(SID, "delivered"))
    assert response.status_code == 200
    assert response.json() == {"id": ack.pk, "status": "DELIVERED", "changed": True}
    ack.refresh_from_db()
    assert ack.status == "DELIVERED" and ack.gateway_status == "delivered"
    assert ack.delivered_at is not None and ack.delivered_at >= ack.sent_at
    assert FP_PHONE not in caplog.text and FP_PHONE[1:] not in caplog.text


def test_twilio_send_without_a_public_url_asks_for_no_callback(client, twilio_channel, monkeypatch):
    """SAUTI_PUBLIC_URL left at its default (127.0.0.1): Twilio could not call it back."""
    calls: list[dict[str, str]] = []
    monkeypatch.setattr(
        "sauti.channels.gateways.twilio.http_post",
        lambda url, data, **kw: calls.append(data) or {"sid": SID},
    )
    post_twilio(client, twilio_channel, twilio_params())
    outbound_drain()
    assert calls and "StatusCallback" not in calls[0]


def test_twilio_status_only_moves_forward(client, twilio_channel, reporter):
    message = sent(twilio_channel, reporter, SID)
    for status in ("queued", "sending", "sent"):  # steps before delivery change nothing
        response = post_twilio_status(client, twilio_channel, twilio_status(SID, status))
        assert response.status_code == 200 and response.json()["changed"] is False
        assert response.json()["status"] == "SENT"
    before = snapshot()
    assert before[0]["status"] == "SENT" and before[0]["gateway_status"] == ""

    assert post_twilio_status(client, twilio_channel, twilio_status(SID, "delivered")).json()[
        "changed"
    ]
    delivered = snapshot()
    assert delivered[0]["status"] == "DELIVERED"
    # A repeat, a late "sent", a contradicting "undelivered", a read receipt: 200, nothing moves.
    for status, code in (("delivered", ""), ("sent", ""), ("undelivered", "30003"), ("read", "")):
        response = post_twilio_status(client, twilio_channel, twilio_status(SID, status, code))
        assert response.status_code == 200
        assert response.json() == {"id": message.pk, "status": "DELIVERED", "changed": False}
        assert snapshot() == delivered


def test_twilio_undelivered_keeps_the_error_code_not_the_number(client, twilio_channel, reporter):
    message = sent(twilio_channel, reporter, SID)
    response = post_twilio_status(
        client, twilio_channel, twilio_status(SID, "undelivered", error_code="30003")
    )
    assert response.status_code == 200 and response.json()["status"] == "UNDELIVERED"
    message.refresh_from_db()
    assert message.status == "UNDELIVERED" and message.delivered_at is None
    assert message.gateway_status == "undelivered" and "30003" in message.error
    # Twilio posted the recipient's number ("To"): no column of the row holds it.
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT * FROM {quote(OutboundMessage._meta.db_table)} WHERE id = %s",  # noqa: S608
            [message.pk],
        )
        row = cursor.fetchone()
    assert not any(FP_PHONE[4:] in str(value) for value in row)


def test_twilio_failed_after_acceptance_is_undelivered(client, twilio_channel, reporter):
    sent(twilio_channel, reporter, SID)
    response = post_twilio_status(client, twilio_channel, twilio_status(SID, "failed", "30007"))
    assert response.json()["status"] == "UNDELIVERED"


def test_twilio_wrong_signature_is_403_and_changes_nothing(client, twilio_channel, reporter):
    sent(twilio_channel, reporter, SID)
    before = snapshot()
    response = post_twilio_status(
        client, twilio_channel, twilio_status(SID, "delivered"), token="0" * 32
    )
    assert response.status_code == 403 and response.json()["detail"]
    missing = client.post(
        status_path(twilio_channel),
        data=urllib.parse.urlencode(twilio_status(SID, "delivered")),
        content_type="application/x-www-form-urlencoded",
    )
    assert missing.status_code == 403
    # Signed for the inbound URL, replayed at the status URL.
    inbound_signed = post_twilio_status(
        client,
        twilio_channel,
        twilio_status(SID, "delivered"),
        signed_url=f"http://testserver/hooks/{twilio_channel.uuid}/",
    )
    assert inbound_signed.status_code == 403
    assert snapshot() == before


def test_twilio_tampered_status_is_403(client, twilio_channel, reporter):
    sent(twilio_channel, reporter, SID)
    before = snapshot()
    params = twilio_status(SID, "undelivered")
    signature = RequestValidator(TWILIO_TOKEN).compute_signature(
        "http://testserver" + status_path(twilio_channel), params
    )
    params["MessageStatus"] = "delivered"
    response = client.post(
        status_path(twilio_channel),
        data=urllib.parse.urlencode(params),
        content_type="application/x-www-form-urlencoded",
        HTTP_X_TWILIO_SIGNATURE=signature,
    )
    assert response.status_code == 403 and snapshot() == before


def test_twilio_behind_a_proxy_is_checked_against_the_url_it_was_given(
    client, network, reporter, monkeypatch
):
    channel = channel_create(
        "TWILIO",
        "Twilio via proxy",
        "CF52",
        network=network,
        credentials={
            "auth_token": TWILIO_TOKEN,
            "account_sid": "AC" + "0" * 32,
            "from_number": "+15005550006",
            "webhook_url": "https://proxy.example/sms/bria/",
        },
    )
    calls: list[dict[str, str]] = []
    monkeypatch.setattr(
        "sauti.channels.gateways.twilio.http_post",
        lambda url, data, **kw: calls.append(data) or {"sid": SID},
    )
    from sauti.channels.outbound import outbound_queue

    outbound_queue(reporter, channel, "FEEDBACK", "Merci.", "fr")
    outbound_drain()
    assert calls[0]["StatusCallback"] == "https://proxy.example/sms/bria/status/"
    params = twilio_status(SID, "delivered")
    assert post_twilio_status(client, channel, params).status_code == 403
    response = post_twilio_status(
        client, channel, params, signed_url="https://proxy.example/sms/bria/status/"
    )
    assert response.status_code == 200 and response.json()["status"] == "DELIVERED"


def test_twilio_unknown_id_is_404_and_changes_nothing(client, twilio_channel, reporter):
    sent(twilio_channel, reporter, SID)
    before = snapshot()
    response = post_twilio_status(
        client, twilio_channel, twilio_status("SM" + "c" * 32, "delivered")
    )
    assert response.status_code == 404
    assert "no message with this id" in response.json()["detail"]
    assert snapshot() == before


def test_twilio_unknown_status_word_is_ignored(client, twilio_channel, reporter):
    """Twilio adds statuses without notice: a well-formed one we do not know changes nothing."""
    sent(twilio_channel, reporter, SID)
    before = snapshot()
    response = post_twilio_status(client, twilio_channel, twilio_status(SID, "partially_delivered"))
    assert response.status_code == 200 and response.json()["changed"] is False
    assert snapshot() == before


@pytest.mark.parametrize(
    "params, status",
    [
        ({"MessageStatus": "delivered"}, 400),  # no MessageSid
        ({"MessageSid": SID}, 400),  # no MessageStatus
        ({"MessageSid": SID, "MessageStatus": "d" * 5000}, 400),
        ({"MessageSid": SID, "MessageStatus": "delivered'; DROP TABLE x;--"}, 400),
        ({"MessageSid": "S" * 300, "MessageStatus": "delivered"}, 400),
        ({"MessageSid": "SM\x00" + "b" * 31, "MessageStatus": "delivered"}, 400),
        ({"MessageSid": "' OR '1'='1", "MessageStatus": "delivered"}, 404),
    ],
)
def test_twilio_hostile_values_change_nothing(client, twilio_channel, reporter, params, status):
    sent(twilio_channel, reporter, SID)
    before = snapshot()
    response = post_twilio_status(client, twilio_channel, params)
    assert response.status_code == status and response.json()["detail"]
    assert snapshot() == before


def test_twilio_status_must_be_posted_form_encoded(client, twilio_channel, reporter):
    sent(twilio_channel, reporter, SID)
    before = snapshot()
    assert client.get(status_path(twilio_channel)).status_code == 405
    body = json.dumps({"MessageSid": SID, "MessageStatus": "delivered"})
    # Signed as Twilio would sign these bytes (read as a form: one key, no value), so the
    # signature passes and the content type is what is refused.
    signature = RequestValidator(TWILIO_TOKEN).compute_signature(
        "http://testserver" + status_path(twilio_channel), {body: ""}
    )
    response = client.post(
        status_path(twilio_channel),
        data=body,
        content_type="application/json",
        HTTP_X_TWILIO_SIGNATURE=signature,
    )
    assert response.status_code == 415
    assert post_twilio_status(client, twilio_channel, {}).status_code == 400
    assert snapshot() == before


# --- generic gateways -----------------------------------------------------------------------------


def test_generic_ack_then_android_json_report(client, generic_channel, monkeypatch):
    monkeypatch.setattr("sauti.channels.gateways.generic.http_post", lambda *a, **k: {"id": "4711"})
    post_generic(client, generic_channel, {"from": FP_PHONE, "text": "Tirs à Ndah", "id": "m-1"})
    outbound_drain()
    ack = OutboundMessage.objects.get()
    assert ack.status == "SENT" and ack.gateway_id == "4711"
    response = post_generic_status(client, generic_channel, {"id": 4711, "status": "delivered"})
    assert response.status_code == 200
    assert response.json() == {"id": ack.pk, "status": "DELIVERED", "changed": True}
    ack.refresh_from_db()
    assert ack.status == "DELIVERED" and ack.delivered_at is not None


def test_generic_rapidpro_urls(client, generic_channel, reporter):
    """RapidPro's external channel: …/sent, …/delivered, …/failed with id, form POST or GET."""
    delivered = sent(generic_channel, reporter, "101")
    failed = sent(generic_channel, reporter, "102")
    response = post_generic_status(
        client, generic_channel, {"id": "101"}, reported="sent", as_json=False
    )
    assert response.status_code == 200 and response.json()["changed"] is False
    response = post_generic_status(
        client, generic_channel, {"id": "101"}, reported="delivered", as_json=False
    )
    assert response.json()["status"] == "DELIVERED"
    response = client.get(status_path(generic_channel, "failed"), {"id": "102", "secret": SECRET})
    assert response.status_code == 200 and response.json()["status"] == "UNDELIVERED"
    delivered.refresh_from_db()
    failed.refresh_from_db()
    assert (delivered.status, failed.status) == ("DELIVERED", "UNDELIVERED")
    assert failed.gateway_status == "failed" and failed.delivered_at is None


def test_generic_secret_header_and_app_event_names(client, generic_channel, reporter):
    message = sent(generic_channel, reporter, "abc-1")
    body = json.dumps({"messageId": "abc-1", "event": "sms:failed", "errorCode": "E42"}).encode()
    response = client.post(
        status_path(generic_channel),
        data=body,
        content_type="application/json",
        HTTP_X_SAUTI_SECRET=SECRET,
    )
    assert response.status_code == 200 and response.json()["status"] == "UNDELIVERED"
    message.refresh_from_db()
    assert message.gateway_status == "sms:failed" and "E42" in message.error


def test_generic_repeat_and_late_reports_change_nothing(client, generic_channel, reporter):
    sent(generic_channel, reporter, "7")
    assert post_generic_status(client, generic_channel, {"id": "7", "status": "failed"}).json()[
        "changed"
    ]
    after = snapshot()
    for status in ("failed", "sent", "delivered", "queued"):
        response = post_generic_status(client, generic_channel, {"id": "7", "status": status})
        assert response.status_code == 200
        assert response.json()["changed"] is False and response.json()["status"] == "UNDELIVERED"
    assert snapshot() == after


def test_reports_on_unsent_messages_change_nothing(client, generic_channel, reporter):
    """FAILED (never handed over) and SUPPRESSED messages are not moved by a report."""
    sent(generic_channel, reporter, "f-1", status="FAILED")
    sent(generic_channel, reporter, "s-1", status="SUPPRESSED")
    before = snapshot()
    for gid in ("f-1", "s-1"):
        response = post_generic_status(client, generic_channel, {"id": gid, "status": "delivered"})
        assert response.status_code == 200 and response.json()["changed"] is False
    assert snapshot() == before


def test_generic_wrong_secret_or_signature_is_403(client, generic_channel, reporter):
    sent(generic_channel, reporter, "7")
    before = snapshot()
    fields = {"id": "7", "status": "delivered"}
    assert post_generic_status(client, generic_channel, fields, secret="wrong").status_code == 403
    unsigned = client.post(
        status_path(generic_channel), data=json.dumps(fields), content_type="application/json"
    )
    assert unsigned.status_code == 403
    assert (
        client.get(status_path(generic_channel, "delivered"), {"id": "7", "secret": "no"})
    ).status_code == 403
    # A GET signs nothing: the HMAC of its empty body would fit any id, so it is refused.
    signed_get = client.get(
        status_path(generic_channel, "delivered"), {"id": "7"}, HTTP_X_SAUTI_SIGNATURE=sign(b"")
    )
    assert signed_get.status_code == 403
    assert snapshot() == before


def test_report_for_another_channel_is_404(client, generic_channel, network, reporter):
    """Two Android phones both count from 1: an id is looked up among its own channel's messages."""
    other = channel_create(
        "GENERIC", "Android Ndah", "CF52", network=network, credentials={"secret": SECRET}
    )
    sent(generic_channel, reporter, "1")
    before = snapshot()
    response = post_generic_status(client, other, {"id": "1", "status": "delivered"})
    assert response.status_code == 404 and snapshot() == before


def test_report_on_a_message_routed_from_a_web_alert(client, generic_channel, reporter, units):
    """Feedback on a call-log alert is queued on the web-form channel and sent through the SMS
    channel of its area, whose gateway reports on it."""
    web = channel_for(Channel.Type.WEB_FORM, units["CF521"])
    message = sent(web, reporter, "w-1")
    response = post_generic_status(client, generic_channel, {"id": "w-1", "status": "delivered"})
    assert response.status_code == 200
    message.refresh_from_db()
    assert message.status == "DELIVERED"


@pytest.mark.parametrize(
    "body, content_type, status",
    [
        (b"{not json", "application/json", 400),
        (b"[1, 2]", "application/json", 400),
        (b'{"status": "delivered"}', "application/json", 400),  # no id
        (b'{"id": "7"}', "application/json", 400),  # no status
        (b'{"id": "7", "status": "exploded"}', "application/json", 400),  # unknown status
        (json.dumps({"id": "7", "status": "x" * 10_000}).encode(), "application/json", 400),
        (b'{"id": "7", "status": "delivered\\u0000"}', "application/json", 400),
        (json.dumps({"id": "7" * 201, "status": "delivered"}).encode(), "application/json", 400),
        (b'{"id": "7\\u0000", "status": "delivered"}', "application/json", 400),
        (b'{"id": "1 OR 1=1; --", "status": "delivered"}', "application/json", 404),
        (b'{"id": "7", "status": "delivered"}', "text/plain", 415),
    ],
)
def test_generic_malformed_and_hostile_bodies_change_nothing(
    client, generic_channel, reporter, body, content_type, status
):
    sent(generic_channel, reporter, "7")
    before = snapshot()
    response = client.post(
        status_path(generic_channel),
        data=body,
        content_type=content_type,
        HTTP_X_SAUTI_SIGNATURE=sign(body),
    )
    assert response.status_code == status and response.json()["detail"]
    assert snapshot() == before


def test_unknown_path_status_is_400(client, generic_channel, reporter):
    sent(generic_channel, reporter, "7")
    before = snapshot()
    response = post_generic_status(client, generic_channel, {"id": "7"}, reported="exploded")
    assert response.status_code == 400 and snapshot() == before


def test_oversize_report_is_413(client, generic_channel, reporter):
    sent(generic_channel, reporter, "7")
    before = snapshot()
    body = json.dumps(
        {"id": "7", "status": "delivered", "pad": "a" * (conf.HOOK_MAX_BODY + 10)}
    ).encode()
    response = client.post(
        status_path(generic_channel),
        data=body,
        content_type="application/json",
        HTTP_X_SAUTI_SIGNATURE=sign(body),
    )
    assert response.status_code == 413 and snapshot() == before


def test_unknown_or_inactive_channel_is_404(client, network, reporter):
    inactive = channel_create(
        "GENERIC", "Old phone", "CF52", network=network, credentials={"secret": SECRET}
    )
    sent(inactive, reporter, "7")
    inactive.active = False
    inactive.save()
    before = snapshot()
    assert post_generic_status(
        client, inactive, {"id": "7", "status": "delivered"}
    ).status_code == (404)
    response = client.post(
        "/hooks/00000000-0000-0000-0000-000000000000/status/",
        data=b"{}",
        content_type="application/json",
    )
    assert response.status_code == 404
    assert snapshot() == before


# --- what staff see, and what the command prints ---------------------------------------------------


def test_reporter_page_shows_delivery_in_english_and_french(
    client, generic_channel, reporter, cla_bria, units
):
    in_scope = alert_create("Test", units["CF521"])
    out_of_scope = alert_create("Test", units["CF431"])  # Ouaka: not cla.bria's area
    delivered = sent(generic_channel, reporter, "1")
    delivered.related_alert = in_scope
    delivered.save()
    undelivered = sent(generic_channel, reporter, "2")
    undelivered.related_alert = out_of_scope
    undelivered.save()
    post_generic_status(client, generic_channel, {"id": "1", "status": "delivered"})
    post_generic_status(client, generic_channel, {"id": "2", "status": "undelivered"})

    staff = client_for(cla_bria)
    staff.cookies["django_language"] = "en"
    english = staff.get(f"/channels/reporters/{reporter.pk}/").content.decode()
    assert "Delivered" in english and "Not delivered" in english
    assert "gateway reported undelivered" in english
    assert in_scope.reference in english
    assert out_of_scope.reference not in english  # DP-3: no reference outside the user's areas
    staff.cookies["django_language"] = "fr"
    french = staff.get(f"/channels/reporters/{reporter.pk}/").content.decode()
    assert "Remis" in french and "Non remis" in french
    assert "SMS envoyés à ce rapporteur" in french


def test_channels_add_prints_the_status_url(units, monkeypatch):
    monkeypatch.setattr(conf, "PUBLIC_URL", PUBLIC)
    out = io.StringIO()
    call_command(
        "channels", "add", "generic", "--name", "Android Bria", "--area", "CF52", stdout=out
    )
    channel = Channel.objects.get()
    assert f"status URL (delivery reports): {PUBLIC}/hooks/{channel.uuid}/status/" in out.getvalue()
    out = io.StringIO()
    call_command(
        "channels",
        "add",
        "generic",
        "--name",
        "Android Ndélé",
        "--area",
        "CF51",
        "--webhook-url",
        "https://proxy.example/sms/ndele/",
        stdout=out,
    )
    assert "https://proxy.example/sms/ndele/status/" in out.getvalue()


def test_the_status_table_allows_only_forward_moves():
    from sauti.channels.delivery import DELIVERY_TRANSITIONS

    assert DELIVERY_TRANSITIONS == {"SENT": {"DELIVERED", "UNDELIVERED"}}
