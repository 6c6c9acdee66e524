"""Gateway webhooks (public, authenticated by signature or secret) and the reporter pages.

Webhook order of work: size check → channel → signature → parse → store raw (committed) → answer.
Delivery reports (``webhook_status``) follow the same order and end in one conditional UPDATE.
Processing (parse, place, alert, acknowledgement) is done by ``sauti worker`` in batches
(``intake``), or before the answer when SAUTI_INTAKE_INLINE is set; either way its failure never
turns a stored message into an error answer.
"""

from __future__ import annotations

import base64
import logging
import threading
import time
import uuid
from contextlib import nullcontext
from typing import Any, cast

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from sauti.accounts import access
from sauti.accounts.models import User
from sauti.channels import conf, delivery, selectors, services
from sauti.channels.gateways import GatewayError, get_gateway, kept_headers
from sauti.channels.models import Channel, Reporter

log = logging.getLogger(__name__)


def _error(status: int, detail: str) -> JsonResponse:
    return JsonResponse({"detail": detail}, status=status)


_CHANNEL_TTL = 5.0
# SQLite has one writer at a time; when two server threads collide, SQLite's busy handler sleeps in
# steps of up to 100 ms. Inline processing (many writes per message) queues this process's
# intake on a lock instead, which hands the database over at once (other processes still use the
# busy timeout).
_sqlite_lock = threading.Lock()


def _sqlite_writer() -> Any:
    return _sqlite_lock if connection.vendor == "sqlite" else nullcontext()


_channels: dict[uuid.UUID, tuple[float, Channel | None, dict[str, Any]]] = {}


def _channel(channel_uuid: uuid.UUID) -> tuple[Channel | None, dict[str, Any]]:
    """The active channel and its unsealed credentials, cached per process for a few seconds
    (one query and one decryption fewer per message; deactivating a channel or changing its
    secret takes effect within _CHANNEL_TTL)."""
    now = time.monotonic()
    hit = _channels.get(channel_uuid)
    if hit is not None and now - hit[0] < _CHANNEL_TTL:
        return hit[1], hit[2]
    channel = (
        Channel.objects.select_related("area", "network")
        .filter(uuid=channel_uuid, active=True)
        .first()
    )
    credentials = services.channel_credentials(channel) if channel is not None else {}
    if len(_channels) > 1000:
        _channels.clear()
    _channels[channel_uuid] = (now, channel, credentials)
    return channel, credentials


def _read_body(request: HttpRequest) -> bytes | None:
    """The body, or None when it is larger than the webhook limit (checked before reading)."""
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > conf.HOOK_MAX_BODY:
        return None
    body = request.read(conf.HOOK_MAX_BODY + 1)
    if len(body) > conf.HOOK_MAX_BODY:
        return None
    # Let request.POST/GET work for adapters that need them.
    request._body = body
    return body


def _hook(
    request: HttpRequest, channel_uuid: uuid.UUID
) -> tuple[bytes, Channel, dict[str, Any]] | HttpResponse:
    """What every gateway call starts with: the body within the size limit (else 413) and the
    active webhook channel with its credentials (else 404)."""
    body = _read_body(request)
    if body is None:
        return _error(413, "the request body is too large")
    channel, credentials = _channel(channel_uuid)
    if channel is None or channel.type not in services.WEBHOOK_TYPES:
        return _error(404, "unknown channel")
    return body, channel, credentials


@csrf_exempt
@require_http_methods(["POST"])
def webhook(request: HttpRequest, channel_uuid: uuid.UUID) -> HttpResponse:
    hook = _hook(request, channel_uuid)
    if isinstance(hook, HttpResponse):
        return hook
    body, channel, credentials = hook
    try:
        gateway = get_gateway(channel.type)
        gateway.verify(request, body, credentials)
        value = gateway.parse(request, body)
    except GatewayError as exc:
        return _error(exc.status, exc.detail)
    text_body, _flags = (
        (body.decode("utf-8"), "utf-8")
        if _is_utf8(body)
        else (base64.b64encode(body).decode(), "base64")
    )
    raw = {
        "body": text_body,
        "encoding": _flags,
        "headers": kept_headers(request),
        "path": request.path,
    }
    if conf.INLINE:
        with _sqlite_writer():
            stored = services.inbound_store(channel, value, raw=raw, claim=True)
            message = stored.message
            if stored.created:
                message = services.inbound_process_safely(message.pk) or message
    else:
        # One INSERT; on SQLite the server's threads commit theirs together
        # (``core.group_commit``): sealing and encoding run side by side with others' writes.
        stored = services.inbound_store(channel, value, raw=raw)
        message = stored.message
    result = services.inbound_result(message)
    result["duplicate"] = not stored.created
    return gateway.respond(result)


@csrf_exempt
@require_http_methods(["GET", "POST"])
def webhook_status(
    request: HttpRequest, channel_uuid: uuid.UUID, reported: str = ""
) -> HttpResponse:
    """A gateway's delivery report on an SMS sent through this channel (``delivery``): 200 with
    the message's status whether or not the report moved it, 404 when no message of the channel
    has that id; nothing is stored from the request but the outcome."""
    hook = _hook(request, channel_uuid)
    if isinstance(hook, HttpResponse):
        return hook
    body, channel, credentials = hook
    try:
        gateway = get_gateway(channel.type)
        if request.method not in gateway.report_methods:
            return _error(405, "this gateway posts its delivery reports")
        gateway.verify_status(request, body, credentials)
        value = gateway.parse_status(request, body, reported)
    except GatewayError as exc:
        return _error(exc.status, exc.detail)
    result = delivery.outbound_report(channel, value)
    if result is None:
        return _error(404, "no message with this id was sent through this channel")
    return JsonResponse(
        {"id": result.message_id, "status": result.status, "changed": result.changed}
    )


def _is_utf8(body: bytes) -> bool:
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


@login_required
def reporter_list(request: HttpRequest) -> HttpResponse:
    access.require(request.user, "reporters.view")
    reporters = selectors.reporters_visible_to(request.user)
    page = Paginator(reporters, 50).get_page(request.GET.get("page"))
    return render(request, "channels/reporter_list.html", {"page": page})


def reporter_page(
    request: HttpRequest, reporter: Reporter, *, status: int = 200, **extra: Any
) -> HttpResponse:
    """The reporter's page with everything it shows (also for the status and consent forms'
    answers, which post elsewhere and come back here)."""
    from sauti.channels import legal_hold, reporter_status

    context = {
        "reporter": reporter,
        "can_reveal": access.has_perm(request.user, "identity.view"),
        "outbound": delivery.outbound_history(request.user, reporter),
        "holds": list(
            reporter.legal_holds.filter(lifted_at__isnull=True).select_related("placed_by")
        ),
        "status_choices": reporter_status.allowed_statuses(request.user, reporter),
        "may_withdraw": reporter_status.may_withdraw(request.user, reporter),
        "may_hold": legal_hold.may_hold(request.user),
        **extra,
    }
    return render(request, "channels/reporter_detail.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def reporter_detail(request: HttpRequest, reporter_id: int) -> HttpResponse:
    reporter = selectors.reporter_get(request.user, reporter_id)
    identity = None
    if request.method == "POST":
        reason = request.POST.get("reason", "").strip()
        if not reason:
            return reporter_page(
                request, reporter, status=400, error=_("Give a reason to reveal the identity.")
            )
        target = selectors.reporter_get_for_identity(request.user, reporter_id)
        actor = cast(User, request.user)  # login_required: never anonymous here
        identity = services.reporter_identity(target, actor=actor, request=request, reason=reason)
    return reporter_page(request, reporter, identity=identity)
