"""Channels of each gateway type in Haute-Kotto (Bria), and helpers that sign requests the way
each gateway does (Twilio with the official library's RequestValidator)."""

from __future__ import annotations

import hashlib
import hmac
import json
import urllib.parse
from typing import Any

import pytest
from django.test import Client
from twilio.request_validator import RequestValidator

from sauti.channels.intake import intake_drain
from sauti.channels.models import Channel, Network
from sauti.channels.services import channel_create, network_create
from sauti.places.models import AdminUnit

TWILIO_TOKEN = "12345678901234567890123456789012"
SECRET = "generic-gateway-shared-secret"
FP_PHONE = "+23675000001"


@pytest.fixture
def network(units: dict[str, AdminUnit]) -> Network:
    return network_create("RAC Bria", "CF52", base_name="COB Bria")


@pytest.fixture
def twilio_channel(network: Network) -> Channel:
    return channel_create(
        "TWILIO",
        "Twilio Bria",
        "CF52",
        network=network,
        credentials={
            "auth_token": TWILIO_TOKEN,
            "account_sid": "AC" + "0" * 32,
            "from_number": "+15005550006",
        },
    )


@pytest.fixture
def generic_channel(network: Network) -> Channel:
    return channel_create(
        "GENERIC",
        "Android Bria",
        "CF52",
        network=network,
        credentials={"secret": SECRET, "send_url": "https://gateway.example/send"},
    )


@pytest.fixture
def missed_channel(network: Network) -> Channel:
    return channel_create(
        "MISSED_CALL", "Hotline Bria", "CF52", network=network, credentials={"secret": SECRET}
    )


def hook_url(channel: Channel) -> str:
    return f"/hooks/{channel.uuid}/"


def twilio_params(
    sid: str = "SM" + "a" * 32, body: str = "Hommes armés à Ndah ce matin", sender: str = FP_PHONE
) -> dict[str, str]:
    """The fields Twilio posts for an inbound SMS (from Twilio's webhook documentation)."""
    return {
        "ToCountry": "CF",
        "ToState": "",
        "SmsMessageSid": sid,
        "NumMedia": "0",
        "ToCity": "",
        "FromZip": "",
        "SmsSid": sid,
        "FromState": "",
        "SmsStatus": "received",
        "FromCity": "",
        "Body": body,
        "FromCountry": "CF",
        "To": "+23670000000",
        "ToZip": "",
        "NumSegments": "1",
        "MessageSid": sid,
        "AccountSid": "AC" + "0" * 32,
        "From": sender,
        "ApiVersion": "2010-04-01",
    }


def post_twilio(
    client: Client,
    channel: Channel,
    params: dict[str, str],
    *,
    token: str = TWILIO_TOKEN,
    process: bool = True,
    **extra: Any,
) -> Any:
    """Post as Twilio does; then, unless ``process`` is False, run intake as `sauti worker` would."""
    url = "http://testserver" + hook_url(channel)
    signature = RequestValidator(token).compute_signature(url, params)
    body = urllib.parse.urlencode(params)
    response = client.post(
        hook_url(channel),
        data=body,
        content_type="application/x-www-form-urlencoded",
        HTTP_X_TWILIO_SIGNATURE=signature,
        **extra,
    )
    if process:
        intake_drain()
    return response


def sign(body: bytes, secret: str = SECRET) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def post_generic(
    client: Client,
    channel: Channel,
    fields: dict[str, Any],
    *,
    as_json: bool = True,
    secret: str = SECRET,
    process: bool = True,
) -> Any:
    """Post as a generic gateway does; then, unless ``process`` is False, run intake as the worker."""
    if as_json:
        body = json.dumps(fields).encode()
        ctype = "application/json"
    else:
        body = urllib.parse.urlencode(fields).encode()
        ctype = "application/x-www-form-urlencoded"
    response = client.post(
        hook_url(channel), data=body, content_type=ctype, HTTP_X_SAUTI_SIGNATURE=sign(body, secret)
    )
    if process:
        intake_drain()
    return response


def sqlite_reads(sql: str, params: Any) -> list[str]:
    """The table and index reads of SQLite's plan for ``sql`` (``SCAN …`` / ``SEARCH …`` steps)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        plan = [str(row[-1]) for row in cursor.fetchall()]
    reads = [step for step in plan if step.startswith(("SCAN", "SEARCH"))]
    assert reads, plan
    return reads
