"""Gateway adapters: each turns an HTTP request into an ``InboundValue`` (an inbound SMS) or a
``StatusValue`` (a delivery report on an SMS we sent) and checks its signature or secret, and sends
an outbound SMS — nothing more. One folder per gateway type; adding one is the checklist in
CONTRIBUTING.md.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import ipaddress
import json
import re
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from django.http import HttpRequest, HttpResponse

from sauti.channels import conf

# Request headers worth keeping beside the raw body (never cookies or authorisation headers).
KEPT_HEADERS = (
    "CONTENT_TYPE",
    "HTTP_USER_AGENT",
    "HTTP_X_TWILIO_SIGNATURE",
    "HTTP_X_SAUTI_SIGNATURE",
    "HTTP_X_REQUEST_ID",
    "HTTP_IDEMPOTENCY_KEY",
)


class GatewayError(Exception):
    """A request the gateway adapter refuses; ``status`` is the HTTP answer (400, 403, 415…)."""

    def __init__(self, status: int, detail: str) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail


@dataclass
class InboundValue:
    """What an adapter extracts from one request. ``sender`` is personal data: it is sealed at once."""

    external_id: str
    sender: str
    text: str
    kind: str = "SMS"
    received_at: datetime | None = None
    flags: list[str] = field(default_factory=list)


# Our statuses a delivery report can give a sent message (``OutboundMessage.Status``); "" for a
# report that changes nothing (an intermediate step such as "queued" or "sent").
DELIVERED, UNDELIVERED = "DELIVERED", "UNDELIVERED"
# A gateway's status word as we keep it: short, lower case, no spaces or control characters.
_STATUS_WORD = re.compile(r"[a-z0-9_.:-]{1,32}")
_MAX_ID = 200


@dataclass
class StatusValue:
    """What an adapter extracts from one delivery report. It names the message by the gateway's
    id; any recipient number in the request is left out (it is never stored)."""

    gateway_id: str
    status: str  # DELIVERED, UNDELIVERED or "" (nothing to change)
    gateway_status: str  # the gateway's own word, checked against _STATUS_WORD
    error_code: str = ""


class Gateway(Protocol):
    # HTTP methods the gateway uses for delivery reports (others are answered 405).
    report_methods: tuple[str, ...]

    def verify(self, request: HttpRequest, body: bytes, credentials: dict[str, Any]) -> None: ...

    def parse(self, request: HttpRequest, body: bytes) -> InboundValue: ...

    def respond(self, result: dict[str, Any]) -> HttpResponse: ...

    def send(
        self, credentials: dict[str, Any], to: str, text: str, *, status_url: str = ""
    ) -> str: ...

    def verify_status(
        self, request: HttpRequest, body: bytes, credentials: dict[str, Any]
    ) -> None: ...

    def parse_status(self, request: HttpRequest, body: bytes, reported: str) -> StatusValue: ...


def kept_headers(request: HttpRequest) -> dict[str, str]:
    return {k: str(request.META[k])[:500] for k in KEPT_HEADERS if k in request.META}


def decode_body(body: bytes) -> tuple[str, list[str]]:
    """Body as text; undecodable bytes are replaced and the record flagged, never refused."""
    try:
        return body.decode("utf-8"), []
    except UnicodeDecodeError:
        try:
            return body.decode("cp1252"), ["BAD_ENCODING"]
        except UnicodeDecodeError:
            return body.decode("utf-8", errors="replace"), ["BAD_ENCODING"]


def form_or_json(request: HttpRequest, body: bytes) -> tuple[dict[str, str], list[str]]:
    """Fields of a form-encoded or JSON body (first value of each form key)."""
    text, flags = decode_body(body)
    content_type = request.META.get("CONTENT_TYPE", "").split(";")[0].strip().lower()
    if content_type == "application/json" or (not content_type and text.lstrip().startswith("{")):
        try:
            data = json.loads(text)
        except ValueError as exc:
            raise GatewayError(400, "the body is not valid JSON") from exc
        if not isinstance(data, dict):
            raise GatewayError(400, "the JSON body must be an object")
        return {str(k): "" if v is None else str(v) for k, v in data.items()}, flags
    if content_type in ("application/x-www-form-urlencoded", "multipart/form-data", ""):
        if content_type == "multipart/form-data":
            return {k: request.POST.get(k, "") for k in request.POST}, flags
        pairs = urllib.parse.parse_qsl(text, keep_blank_values=True)
        fields: dict[str, str] = {}
        for k, v in pairs:
            fields.setdefault(k, v)
        return fields, flags
    raise GatewayError(415, f"content type {content_type!r} is not accepted (form or JSON)")


def first(fields: dict[str, str], *names: str) -> str:
    for name in names:
        if fields.get(name):
            return fields[name]
    return ""


def shared_secret_ok(request: HttpRequest, body: bytes, credentials: dict[str, Any]) -> bool:
    """Generic gateways: ``X-Sauti-Signature: sha256=<hex HMAC of the body>`` with the channel secret,
    or the secret itself in ``X-Sauti-Secret`` / ``?secret=`` (for apps that cannot sign)."""
    secret = str(credentials.get("secret", ""))
    if not secret:
        return False
    signature = request.META.get("HTTP_X_SAUTI_SIGNATURE", "")
    if signature:
        digest = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
        return hmac.compare_digest(signature.removeprefix("sha256="), digest)
    return secret_given_ok(request, credentials)


def secret_given_ok(request: HttpRequest, credentials: dict[str, Any]) -> bool:
    """The channel secret itself in ``X-Sauti-Secret`` or ``?secret=``."""
    secret = str(credentials.get("secret", ""))
    given = request.META.get("HTTP_X_SAUTI_SECRET", "") or request.GET.get("secret", "")
    return bool(secret and given) and hmac.compare_digest(given.encode(), secret.encode())


def status_word(raw: str) -> str:
    """A gateway's status as we keep it (``"delivered"``, ``"sms:failed"``…); 400 for anything
    else — an empty, over-long or odd value is no status any gateway documents."""
    word = raw.strip().lower()
    if not word:
        raise GatewayError(400, "the status is missing")
    if not _STATUS_WORD.fullmatch(word):
        raise GatewayError(400, "the status is not a short status word")
    return word


def report_id(raw: str) -> str:
    """The gateway's message id of a delivery report; 400 when it is missing or cannot be one
    of ours (too long, control characters: PostgreSQL text cannot even hold NUL)."""
    value = raw.strip()
    if not value:
        raise GatewayError(400, "the message id is missing")
    if len(value) > _MAX_ID or any(c < " " for c in value):
        raise GatewayError(400, "the message id is not valid")
    return value


def status_hook_url(channel_uuid: Any, credentials: dict[str, Any]) -> str:
    """Where the gateway reports on messages of this channel: beside the inbound URL, under the
    same public base (``--webhook-url`` behind a rewriting proxy, else SAUTI_PUBLIC_URL)."""
    inbound = str(credentials.get("webhook_url") or f"{conf.PUBLIC_URL}/hooks/{channel_uuid}/")
    return inbound.rstrip("/") + "/status/"


def reachable_from_outside(url: str) -> bool:
    """False for a URL no gateway on the internet can call (localhost, a private address): a
    development install does not hand Twilio a callback it would refuse or fail to reach."""
    host = (urllib.parse.urlsplit(url).hostname or "").lower()
    if not host or host == "localhost" or host.endswith(".localhost"):
        return False
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return True
    return not (address.is_private or address.is_loopback or address.is_link_local)


def http_post(
    url: str,
    data: dict[str, str],
    *,
    basic_auth: tuple[str, str] | None = None,
    as_json: bool = False,
) -> dict[str, Any]:
    """POST to a gateway's API; the one network call of outbound sending (tests replace it)."""
    if not url.startswith(("https://", "http://")):
        raise GatewayError(400, "outbound URL must be http(s)")
    body = json.dumps(data).encode() if as_json else urllib.parse.urlencode(data).encode()
    req = urllib.request.Request(url, data=body, method="POST")  # noqa: S310 - scheme checked above
    req.add_header(
        "Content-Type", "application/json" if as_json else "application/x-www-form-urlencoded"
    )
    if basic_auth:
        token = base64.b64encode(f"{basic_auth[0]}:{basic_auth[1]}".encode()).decode()
        req.add_header("Authorization", f"Basic {token}")
    with urllib.request.urlopen(req, timeout=20) as response:  # noqa: S310 - scheme checked above
        raw = response.read(65536)
    try:
        parsed = json.loads(raw or b"{}")
    except ValueError:
        parsed = {}
    return parsed if isinstance(parsed, dict) else {}


def get_gateway(channel_type: str) -> Gateway:
    from sauti.channels.gateways.generic import GenericGateway
    from sauti.channels.gateways.missed_call import MissedCallGateway
    from sauti.channels.gateways.twilio import TwilioGateway

    table: dict[str, Gateway] = {
        "TWILIO": TwilioGateway(),
        "GENERIC": GenericGateway(),
        "MISSED_CALL": MissedCallGateway(),
    }
    try:
        return table[channel_type]
    except KeyError as exc:
        raise GatewayError(404, "this channel does not receive webhooks") from exc
