"""Twilio Programmable Messaging: inbound SMS webhooks (form-encoded, signed), outbound SMS, and
the status callbacks Twilio posts about them.

Signature: ``X-Twilio-Signature`` = base64(HMAC-SHA1(auth token, full URL + each POST parameter
name and value, sorted by name)) — Twilio's documented scheme, implemented here so the production
install needs no Twilio library (tests sign with the official ``twilio`` RequestValidator).

Status callbacks: each message is sent with ``StatusCallback`` = the channel's status URL, and
Twilio posts ``MessageSid``, ``MessageStatus`` (queued, sending, sent, delivered, undelivered,
failed, read…) and ``ErrorCode`` there, signed the same way. ``To`` and ``From`` are posted too and
never kept.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import urllib.parse
from typing import Any

from django.http import HttpRequest, HttpResponse

from sauti.channels.gateways import (
    DELIVERED,
    UNDELIVERED,
    GatewayError,
    InboundValue,
    StatusValue,
    decode_body,
    http_post,
    reachable_from_outside,
    report_id,
    status_hook_url,
    status_word,
)

# Twilio's message statuses that settle delivery. The others (queued, sending, sent, accepted,
# scheduled, partially_delivered, and any Twilio adds later) change nothing here.
_OUTCOMES = {
    "delivered": DELIVERED,
    "read": DELIVERED,  # a read receipt (WhatsApp, RCS) implies delivery
    "undelivered": UNDELIVERED,
    "failed": UNDELIVERED,  # accepted by us, then not sent by Twilio: the reporter got nothing
    "canceled": UNDELIVERED,
}


def expected_signature(url: str, params: dict[str, list[str]], token: str) -> str:
    payload = url + "".join(name + value for name in sorted(params) for value in params[name])
    digest = hmac.new(token.encode(), payload.encode("utf-8"), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


class TwilioGateway:
    report_methods: tuple[str, ...] = ("POST",)

    def _params(self, body: bytes) -> dict[str, list[str]]:
        text, _flags = decode_body(body)
        params: dict[str, list[str]] = {}
        for k, v in urllib.parse.parse_qsl(text, keep_blank_values=True):
            params.setdefault(k, []).append(v)
        return params

    def verify(self, request: HttpRequest, body: bytes, credentials: dict[str, Any]) -> None:
        url = str(credentials.get("webhook_url") or request.build_absolute_uri())
        self._check_signature(request, body, credentials, url)

    def verify_status(self, request: HttpRequest, body: bytes, credentials: dict[str, Any]) -> None:
        """As ``verify``, against the status URL: Twilio signs the URL it was given at sending."""
        if credentials.get("webhook_url"):
            url = status_hook_url("", credentials)
        else:
            url = request.build_absolute_uri()
        self._check_signature(request, body, credentials, url)

    def _check_signature(
        self, request: HttpRequest, body: bytes, credentials: dict[str, Any], url: str
    ) -> None:
        token = str(credentials.get("auth_token", ""))
        given = request.META.get("HTTP_X_TWILIO_SIGNATURE", "")
        if not token or not given:
            raise GatewayError(403, "missing Twilio signature")
        expected = expected_signature(url, self._params(body), token)
        if not hmac.compare_digest(expected, given):
            raise GatewayError(403, "Twilio signature does not match")

    def _form_only(self, request: HttpRequest) -> None:
        content_type = request.META.get("CONTENT_TYPE", "").split(";")[0].strip().lower()
        if content_type not in ("application/x-www-form-urlencoded", ""):
            raise GatewayError(415, "Twilio webhooks are form-encoded")

    def parse(self, request: HttpRequest, body: bytes) -> InboundValue:
        self._form_only(request)
        _text, flags = decode_body(body)
        params = {k: v[0] for k, v in self._params(body).items()}
        sid = params.get("MessageSid") or params.get("SmsSid") or ""
        if not sid:
            raise GatewayError(400, "MessageSid is missing")
        if not params.get("From"):
            raise GatewayError(400, "From is missing")
        return InboundValue(
            external_id=sid, sender=params["From"], text=params.get("Body", ""), flags=flags
        )

    def respond(self, result: dict[str, Any]) -> HttpResponse:
        # Empty TwiML: the acknowledgement goes out through the outbox, not in this reply.
        return HttpResponse(
            '<?xml version="1.0" encoding="UTF-8"?><Response></Response>', content_type="text/xml"
        )

    def parse_status(self, request: HttpRequest, body: bytes, reported: str) -> StatusValue:
        if reported:
            raise GatewayError(404, "Twilio posts its status callbacks to .../status/")
        self._form_only(request)
        params = {k: v[0] for k, v in self._params(body).items()}
        sid = report_id(params.get("MessageSid") or params.get("SmsSid") or "")
        word = status_word(params.get("MessageStatus") or params.get("SmsStatus") or "")
        code = params.get("ErrorCode", "").strip()
        return StatusValue(
            gateway_id=sid,
            status=_OUTCOMES.get(word, ""),
            gateway_status=word,
            error_code=code if code.isdigit() and len(code) <= 8 else "",
        )

    def send(self, credentials: dict[str, Any], to: str, text: str, *, status_url: str = "") -> str:
        sid, token = str(credentials.get("account_sid", "")), str(credentials.get("auth_token", ""))
        sender = str(credentials.get("from_number", ""))
        if not (sid and token and sender):
            raise GatewayError(400, "Twilio channel lacks account_sid, auth_token or from_number")
        url = f"https://api.twilio.com/2010-04-01/Accounts/{sid}/Messages.json"
        data = {"To": to, "From": sender, "Body": text}
        if status_url and reachable_from_outside(status_url):
            data["StatusCallback"] = status_url
        answer = http_post(url, data, basic_auth=(sid, token))
        return str(answer.get("sid", ""))
