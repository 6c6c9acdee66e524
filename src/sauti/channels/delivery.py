"""Delivery reports: what became of an SMS a gateway accepted (``OutboundMessage``).

A gateway reports on a message by its own id (``gateway_id``, recorded when it accepted the
message). The report is matched to a message sent through the channel whose status URL it
called, and can only move the message forward: SENT → DELIVERED or UNDELIVERED, once. A repeated
or late report ("sent" after "delivered") changes nothing; nothing but our status, the gateway's
status word, a gateway error code and the delivery time is kept (never the recipient's number).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from django.db.models import QuerySet
from django.utils import timezone

from sauti.accounts import access
from sauti.alerts.models import Alert
from sauti.channels.gateways import StatusValue
from sauti.channels.models import Channel, OutboundMessage, Reporter
from sauti.channels.outbound import SMS_TYPES, sms_route

log = logging.getLogger(__name__)

Status = OutboundMessage.Status

# The only moves a delivery report may make; every other report leaves the message as it is.
DELIVERY_TRANSITIONS: dict[str, frozenset[str]] = {
    Status.SENT: frozenset({Status.DELIVERED, Status.UNDELIVERED}),
}

# How many messages may share one gateway id (two channels whose gateways count from 1).
_CANDIDATES = 20


@dataclass(frozen=True)
class ReportResult:
    """The answer to a delivery report: the message, its status now, whether the report moved it."""

    message_id: int
    status: str
    changed: bool


def outbound_for_report(channel: Channel, gateway_id: str) -> OutboundMessage | None:
    """The message this channel's gateway means by ``gateway_id``, or None.

    A message queued on an SMS channel was sent through it; one queued on a web-form or API
    channel was sent through the SMS channel that serves its area (``outbound.sms_route``),
    which is the one that reports on it."""
    if not gateway_id:
        return None
    candidates = list(
        OutboundMessage.objects.filter(gateway_id=gateway_id)
        .exclude(gateway_id="")  # the partial index's condition, so the index is used
        .select_related("channel__area")
        .order_by("-id")[:_CANDIDATES]
    )
    for message in candidates:
        if message.channel_id == channel.pk:
            return message
    for message in candidates:
        if message.channel.type not in SMS_TYPES:
            route = sms_route(message.channel)
            if route is not None and route.pk == channel.pk:
                return message
    return None


def outbound_report(
    channel: Channel, value: StatusValue, *, now: datetime | None = None
) -> ReportResult | None:
    """Apply a delivery report; None when no message of this channel has that gateway id.

    One conditional UPDATE (``WHERE status = <the status read>``): of two reports racing on one
    message, one moves it and the other changes nothing."""
    message = outbound_for_report(channel, value.gateway_id)
    if message is None:
        log.info("delivery report for an unknown message on channel %s", channel.pk)
        return None
    target = value.status
    if not target or target not in DELIVERY_TRANSITIONS.get(message.status, frozenset()):
        return ReportResult(message.pk, message.status, False)
    fields: dict[str, object] = {"status": target, "gateway_status": value.gateway_status}
    if target == Status.DELIVERED:
        fields["delivered_at"] = now or timezone.now()
    else:
        code = f" (error {value.error_code})" if value.error_code else ""
        fields["error"] = f"gateway reported {value.gateway_status}{code}"[:300]
    moved = OutboundMessage.objects.filter(pk=message.pk, status=message.status).update(**fields)
    if not moved:
        status = OutboundMessage.objects.values_list("status", flat=True).get(pk=message.pk)
        return ReportResult(message.pk, status, False)
    log.info("outbound message %s is %s (delivery report)", message.pk, target)
    return ReportResult(message.pk, target, True)


@dataclass(frozen=True)
class OutboundLine:
    """One SMS sent to a reporter, as staff see it; ``alert`` only when they may see that alert."""

    message: OutboundMessage
    alert: Alert | None


def outbound_history(
    user: access.AnyUser | None, reporter: Reporter, limit: int = 20
) -> list[OutboundLine]:
    """The latest SMS to a reporter the caller may already see (``selectors.reporter_get``), so
    that an acknowledgement or feedback that never arrived is noticed. Alert references are shown
    only for alerts in the user's scope (DP-3). Two queries."""
    messages = list(
        OutboundMessage.objects.filter(to_reporter=reporter)
        .select_related("related_alert")
        .order_by("-created_at", "-id")[:limit]
    )
    alert_ids = {m.related_alert_id for m in messages if m.related_alert_id}
    visible: set[int] = set()
    if alert_ids:
        alerts: QuerySet[Alert] = Alert.objects.filter(pk__in=alert_ids)
        visible = set(
            access.visible(user, "alerts.view", alerts, "admin_unit").values_list("pk", flat=True)
        )
    return [
        OutboundLine(m, m.related_alert if m.related_alert_id in visible else None)
        for m in messages
    ]


def alert_outbound(alert: Alert, limit: int = 20) -> list[OutboundMessage]:
    """The latest SMS sent to reporters about an alert the caller may already see
    (``alerts.selectors.alert_get``): its acknowledgement and feedback, with what became of each,
    so that closing the loop is seen to have reached the reporter, or not. Recipients by
    pseudonym only. One query."""
    return list(
        OutboundMessage.objects.filter(related_alert=alert)
        .select_related("to_reporter")
        .order_by("-created_at", "-id")[:limit]
    )
