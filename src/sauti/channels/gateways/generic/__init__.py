"""Generic HTTP SMS gateway, as used by RapidPro/TextIt "external" channels and Android SMS-gateway
apps: form or JSON with sender, text and message id; authenticated by an HMAC of the body
(``X-Sauti-Signature: sha256=…``) or a shared secret.

Accepted field names: sender ``from``/``sender``/``phone``/``msisdn``; text ``text``/``message``/
``body``/``content``; id ``id``/``message_id``/``mid``/``uuid``. Without an id the body's hash is
the key, so an identical retry is still recognised.

Delivery reports, two shapes: RapidPro/TextIt external channels call ``…/status/sent/``,
``…/status/delivered/`` or ``…/status/failed/`` with ``id=<message id>`` (form body, or the query
string of a GET); Android SMS-gateway apps post ``{"id": …, "status": …}`` to ``…/status/``. The id
is the one the gateway answered when it accepted the message (``{"id": …}``). Same authentication
as inbound, except that a GET, whose id travels unsigned in the query string, must carry the
secret itself.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse

from sauti.channels.gateways import (
    DELIVERED,
    UNDELIVERED,
    GatewayError,
    InboundValue,
    StatusValue,
    first,
    form_or_json,
    http_post,
    report_id,
    secret_given_ok,
    shared_secret_ok,
    status_word,
)

# Status words of RapidPro's external channel (sent, delivered, failed), of Android gateway apps
# and of SMPP delivery receipts (DELIVRD, UNDELIV, REJECTD, EXPIRED). Steps before delivery map to
# "" (nothing changes); a word not listed is refused (400), so a misconfigured gateway is noticed.
_OUTCOMES = {
    "delivered": DELIVERED,
    "delivrd": DELIVERED,
    "read": DELIVERED,
    "failed": UNDELIVERED,
    "undelivered": UNDELIVERED,
    "undeliv": UNDELIVERED,
    "rejected": UNDELIVERED,
    "rejectd": UNDELIVERED,
    "expired": UNDELIVERED,
    "error": UNDELIVERED,
    "sent": "",
    "queued": "",
    "pending": "",
    "accepted": "",
    "sending": "",
    "submitted": "",
    "enroute": "",
}


class GenericGateway:
    kind = "SMS"
    # RapidPro's external channel may call its status URLs with GET (the id in the query string).
    report_methods: tuple[str, ...] = ("GET", "POST")

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

    def verify_status(self, request: HttpRequest, body: bytes, credentials: dict[str, Any]) -> None:
        # A GET signs nothing (the HMAC of an empty body would fit any id): the secret or nothing.
        ok = (
            secret_given_ok(request, credentials)
            if request.method == "GET"
            else shared_secret_ok(request, body, credentials)
        )
        if not ok:
            raise GatewayError(403, "signature or secret does not match")

    def parse_status(self, request: HttpRequest, body: bytes, reported: str) -> StatusValue:
        if request.method == "GET":
            fields = {k: request.GET.get(k, "") for k in request.GET if k != "secret"}
        else:
            fields, _flags = form_or_json(request, body)
        raw_status = reported or first(fields, "status", "state", "event")
        word = status_word(raw_status)
        # "sms:delivered" (an app's event name) is read as "delivered"; the whole word is kept.
        outcome = word.rsplit(":", 1)[-1]
        if outcome not in _OUTCOMES:
            raise GatewayError(400, "unknown status (sent, delivered, failed, undelivered…)")
        gateway_id = report_id(first(fields, "id", "message_id", "messageId", "mid", "uuid"))
        code = first(fields, "error_code", "errorCode", "err").strip()
        return StatusValue(
            gateway_id=gateway_id,
            status=_OUTCOMES[outcome],
            gateway_status=word,
            error_code=code if code.isascii() and code.isalnum() and len(code) <= 8 else "",
        )

    def send(self, credentials: dict[str, Any], to: str, text: str, *, status_url: str = "") -> str:
        # The gateway is told where to report once, when the channel is set up (``sauti channels
        # add`` prints the status URL): this body stays the one documented for send_url.
        url = str(credentials.get("send_url", ""))
        if not url:
            raise GatewayError(400, "this channel has no send_url")
        answer = http_post(
            url,
            {"to": to, "text": text, "secret": str(credentials.get("secret", ""))},
            as_json=True,
        )
        return str(answer.get("id", ""))
