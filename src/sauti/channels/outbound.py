"""Outbound SMS to reporters: queued in the transaction that needs them (outbox), sent by a job
through the gateway of the channel (or an SMS channel of the same area for web and API alerts)."""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone

from sauti.alerts.models import Alert
from sauti.channels.credentials import channel_credentials
from sauti.channels.gateways import GatewayError, get_gateway
from sauti.channels.models import Channel, OutboundMessage, Reporter
from sauti.core.bulk import insert_many
from sauti.core.crypto import unseal
from sauti.core.models import Job

SMS_TYPES = (Channel.Type.TWILIO, Channel.Type.GENERIC, Channel.Type.MISSED_CALL)


def outbound_queue(
    reporter: Reporter,
    channel: Channel,
    purpose: str,
    body: str,
    language: str,
    alert: Alert | None = None,
) -> OutboundMessage:
    """Queue an SMS to a reporter (outbox: call inside the transaction that makes it necessary).
    Reporters who are not ACTIVE or asked not to be contacted get nothing (§4.3, DP-7)."""
    return outbound_queue_many([(reporter, channel, purpose, body, language, alert)])[0]


OutboundRow = tuple[Reporter, Channel, str, str, str, "Alert | None"]


def outbound_queue_many(rows: list[OutboundRow]) -> list[OutboundMessage]:
    """``outbound_queue`` for many messages: two statements (messages, then their send jobs)."""
    messages = []
    for reporter, channel, purpose, body, language, alert in rows:
        blocked = reporter.do_not_contact or reporter.status != Reporter.Status.ACTIVE
        messages.append(
            OutboundMessage(
                to_reporter=reporter,
                channel=channel,
                purpose=purpose,
                language=language,
                body=body[:480],
                related_alert=alert,
                status=OutboundMessage.Status.SUPPRESSED
                if blocked
                else OutboundMessage.Status.QUEUED,
            )
        )
    insert_many(messages)
    now = timezone.now()
    insert_many(
        [
            Job(
                name="channels.send_outbound",
                payload={"outbound_id": m.pk},
                dedupe_key=f"outbound:{m.pk}",
                run_after=now,
                max_attempts=settings.SAUTI_JOB_MAX_ATTEMPTS,
            )
            for m in messages
            if m.status == OutboundMessage.Status.QUEUED
        ]
    )
    return messages


def _sms_route(channel: Channel) -> Channel | None:
    if channel.type in SMS_TYPES and channel.active:
        return channel
    # A web-form or API alert is answered through an SMS channel of the same area or above.
    paths = [p for p in channel.area.path.split("/") if p]
    for depth in range(len(paths), 0, -1):
        candidate = (
            Channel.objects.filter(
                type__in=[Channel.Type.TWILIO, Channel.Type.GENERIC],
                active=True,
                area__pcode=paths[depth - 1],
            )
            .order_by("id")
            .first()
        )
        if candidate is not None:
            return candidate
    return None


def outbound_send(outbound_id: int) -> str:
    """Send one queued SMS. A refusal by configuration fails it; a network error raises so the job
    retries with back-off (delivery is at least once)."""
    message = OutboundMessage.objects.select_related("channel", "channel__area", "to_reporter").get(
        pk=outbound_id
    )
    if message.status != OutboundMessage.Status.QUEUED:
        return message.status
    phone = message.to_reporter.phones.order_by("-primary", "id").first()
    route = _sms_route(message.channel)
    if phone is None or route is None:
        message.status, message.error = (
            OutboundMessage.Status.FAILED,
            "no phone number or no SMS route",
        )
        message.save(update_fields=["status", "error"])
        return message.status
    try:
        gateway_id = get_gateway(route.type).send(
            channel_credentials(route), unseal(phone.phone_sealed), message.body
        )
    except GatewayError as exc:
        message.status, message.error = OutboundMessage.Status.FAILED, exc.detail[:300]
        message.save(update_fields=["status", "error"])
        return message.status
    message.status, message.gateway_id, message.sent_at = (
        OutboundMessage.Status.SENT,
        gateway_id[:200],
        timezone.now(),
    )
    message.save(update_fields=["status", "gateway_id", "sent_at"])
    return message.status
