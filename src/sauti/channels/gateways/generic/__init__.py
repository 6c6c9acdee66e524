"""Generic HTTP SMS gateway, as used by RapidPro/TextIt "external" channels and Android SMS-gateway
apps: form or JSON with sender, text and message id; authenticated by an HMAC of the body
(``X-Sauti-Signature: sha256=…``) or a shared secret.

Accepted field names: sender ``from``/``sender``/``phone``/``msisdn``; text ``text``/``message``/
``body``/``content``; id ``id``/``message_id``/``mid``/``uuid``. Without an id the body's hash is
the key, so an identical retry is still recognised.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse

from sauti.channels.gateways import (
    GatewayError,
    InboundValue,
    first,
    form_or_json,
    http_post,
    shared_secret_ok,
)


class GenericGateway:
    kind = "SMS"

    def verify(self, request: HttpRequest, body: bytes, credentials: dict[str, Any]) -> None:
        if not shared_secret_ok(request, body, credentials):
            raise GatewayError(403, "signature or secret does not match")

    def parse(self, request: HttpRequest, body: bytes) -> InboundValue:
        fields, flags = form_or_json(request, body)
        sender = first(fields, "from", "sender", "phone", "msisdn", "urn")
        if not sender:
            raise GatewayError(400, "the sender ('from') is missing")
        text = first(fields, "text", "message", "body", "content")
        msg_id = first(fields, "id", "message_id", "mid", "uuid", "call_id")
        external_id = msg_id[:200] if msg_id else "sha256:" + hashlib.sha256(body).hexdigest()
        return InboundValue(
            external_id=external_id, sender=sender, text=text, kind=self.kind, flags=flags
        )

    def respond(self, result: dict[str, Any]) -> HttpResponse:
        return JsonResponse(result)

    def send(self, credentials: dict[str, Any], to: str, text: str) -> str:
        url = str(credentials.get("send_url", ""))
        if not url:
            raise GatewayError(400, "this channel has no send_url")
        answer = http_post(
            url,
            {"to": to, "text": text, "secret": str(credentials.get("secret", ""))},
            as_json=True,
        )
        return str(answer.get("id", ""))
