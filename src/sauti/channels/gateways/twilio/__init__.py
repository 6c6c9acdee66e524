"""Twilio Programmable Messaging: inbound SMS webhooks (form-encoded, signed) and outbound SMS.

Signature: ``X-Twilio-Signature`` = base64(HMAC-SHA1(auth token, full URL + each POST parameter
name and value, sorted by name)) — Twilio's documented scheme, implemented here so the production
install needs no Twilio library (tests sign with the official ``twilio`` RequestValidator).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import urllib.parse
from typing import Any

from django.http import HttpRequest, HttpResponse

from sauti.channels.gateways import GatewayError, InboundValue, decode_body, http_post


def expected_signature(url: str, params: dict[str, list[str]], token: str) -> str:
    payload = url + "".join(name + value for name in sorted(params) for value in params[name])
    digest = hmac.new(token.encode(), payload.encode("utf-8"), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


class TwilioGateway:
    def _params(self, body: bytes) -> dict[str, list[str]]:
        text, _flags = decode_body(body)
        params: dict[str, list[str]] = {}
        for k, v in urllib.parse.parse_qsl(text, keep_blank_values=True):
            params.setdefault(k, []).append(v)
        return params

    def verify(self, request: HttpRequest, body: bytes, credentials: dict[str, Any]) -> None:
        token = str(credentials.get("auth_token", ""))
        given = request.META.get("HTTP_X_TWILIO_SIGNATURE", "")
        if not token or not given:
            raise GatewayError(403, "missing Twilio signature")
        url = str(credentials.get("webhook_url") or request.build_absolute_uri())
        expected = expected_signature(url, self._params(body), token)
        if not hmac.compare_digest(expected, given):
            raise GatewayError(403, "Twilio signature does not match")

    def parse(self, request: HttpRequest, body: bytes) -> InboundValue:
        content_type = request.META.get("CONTENT_TYPE", "").split(";")[0].strip().lower()
        if content_type not in ("application/x-www-form-urlencoded", ""):
            raise GatewayError(415, "Twilio webhooks are form-encoded")
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

    def send(self, credentials: dict[str, Any], to: str, text: str) -> str:
        sid, token = str(credentials.get("account_sid", "")), str(credentials.get("auth_token", ""))
        sender = str(credentials.get("from_number", ""))
        if not (sid and token and sender):
            raise GatewayError(400, "Twilio channel lacks account_sid, auth_token or from_number")
        url = f"https://api.twilio.com/2010-04-01/Accounts/{sid}/Messages.json"
        answer = http_post(url, {"To": to, "From": sender, "Body": text}, basic_auth=(sid, token))
        return str(answer.get("sid", ""))
