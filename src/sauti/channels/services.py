"""What the channels app does: configure channels, store raw messages first, turn them into alerts,
enrol reporters and reveal their identity (audited), queue and send outbound SMS, rotate keys.

Intake happens in two transactions. ``inbound_store`` commits the sealed raw message together with
a processing job (outbox); only then does the webhook answer 2xx. ``inbound_process`` parses and
creates the alert; if it fails or the process dies, the job runs it again, and it is idempotent.
"""

from __future__ import annotations

import json
import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import phonenumbers
from django.db import IntegrityError, transaction
from django.utils import timezone

from sauti.accounts import audit
from sauti.accounts.models import User
from sauti.alerts.models import Alert
from sauti.alerts.services import alert_receive, short_reference
from sauti.channels import conf, messages
from sauti.channels.credentials import channel_credentials
from sauti.channels.gateways import InboundValue
from sauti.channels.models import (
    CallbackTask,
    Channel,
    InboundMessage,
    Network,
    OutboundMessage,
    Reporter,
    ReporterPhone,
)
from sauti.channels.outbound import SMS_TYPES, enqueue_new, outbound_queue
from sauti.core.crypto import lookup_hash, seal, unseal
from sauti.core.models import Job
from sauti.places.models import AdminUnit

log = logging.getLogger(__name__)
_PSEUDO_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
WEBHOOK_TYPES = (Channel.Type.TWILIO, Channel.Type.GENERIC, Channel.Type.MISSED_CALL)


class ChannelError(ValueError):
    """Bad input to a channels service (unknown area, bad phone number, …): a 4xx for callers."""


# --- phones and pseudonyms ----------------------------------------------------------------------


def normalise_phone(raw: str, region: str = "CF") -> str:
    """E.164 for a phone number (``+23672000001``); other sender ids (short codes, names) lower-cased."""
    raw = (raw or "").strip()
    if raw.startswith(("tel:", "whatsapp:")):
        raw = raw.split(":", 1)[1]
    try:
        number = phonenumbers.parse(raw, region.upper() or None)
        if phonenumbers.is_possible_number(number):
            return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    except phonenumbers.NumberParseException:
        pass
    return "".join(raw.split()).lower()[:64]


def phone_hash(normalised: str) -> str:
    return lookup_hash(normalised, "phone")


def _admin1(unit: AdminUnit) -> str:
    parts = [p for p in unit.path.split("/") if p]
    return parts[1] if len(parts) > 1 else parts[0]


def _new_pseudonym(kind: str, area: AdminUnit) -> str:
    prefix = (
        "FP"
        if kind == Reporter.Kind.FOCAL_POINT
        else "PUB"
        if kind == Reporter.Kind.PUBLIC
        else kind[:3]
    )
    suffix = "".join(secrets.choice(_PSEUDO_ALPHABET) for _ in range(5))
    return f"{prefix}-{_admin1(area)}-{suffix}"


# --- configuration ------------------------------------------------------------------------------


@transaction.atomic
def network_create(
    name: str, area_pcode: str, *, base_name: str = "", actor: User | None = None
) -> Network:
    area = AdminUnit.objects.filter(pcode=area_pcode).first()
    if area is None:
        raise ChannelError(f"unknown area P-code {area_pcode!r}")
    network = Network.objects.create(name=name, area=area, base_name=base_name)
    audit.record("object.create", actor=actor, obj=network, summary=f"network {name} created")
    return network


@transaction.atomic
def channel_create(
    type: str,
    name: str,
    area_pcode: str,
    *,
    credentials: dict[str, Any] | None = None,
    default_language: str = "fr",
    network: Network | None = None,
    base_name: str = "",
    address: str = "",
    actor: User | None = None,
) -> Channel:
    """Configure a channel; credentials are sealed (never logged, never shown again)."""
    if type not in Channel.Type.values:
        raise ChannelError(
            f"unknown channel type {type!r} (one of {', '.join(Channel.Type.values)})"
        )
    area = AdminUnit.objects.filter(pcode=area_pcode).first()
    if area is None:
        raise ChannelError(f"unknown area P-code {area_pcode!r}")
    creds = dict(credentials or {})
    if type in (Channel.Type.GENERIC, Channel.Type.MISSED_CALL) and not creds.get("secret"):
        creds["secret"] = secrets.token_urlsafe(32)
    if type == Channel.Type.TWILIO and not creds.get("auth_token"):
        raise ChannelError("a Twilio channel needs the account's auth_token")
    channel = Channel.objects.create(
        type=type,
        name=name,
        area=area,
        network=network,
        base_name=base_name,
        default_language=default_language,
        address=address,
        credentials_sealed=seal(json.dumps(creds)) if creds else "",
    )
    audit.record(
        "channel.create",
        actor=actor,
        obj=channel,
        summary=f"channel {name} ({type}) created",
        details={"type": type, "area": area_pcode, "credential_keys": sorted(creds)},
    )
    return channel


def inbound_urls(channel: Channel, base_url: str | None = None) -> list[str]:
    base = (base_url or conf.PUBLIC_URL).rstrip("/")
    if channel.type in WEBHOOK_TYPES:
        return [f"{base}/hooks/{channel.uuid}/"]
    if channel.type == Channel.Type.API:
        return [f"{base}/api/v1/alerts"]
    return [f"{base}/alerts/new/"]


def channel_for(type: str, area: AdminUnit) -> Channel:
    """The intake channel of a non-gateway type (web form, API) for an area, created on first use."""
    channel = Channel.objects.filter(type=type, area=area, active=True).order_by("id").first()
    if channel is not None:
        return channel
    name = f"{Channel.Type(type).label} — {area.pcode}"
    try:
        with transaction.atomic():
            return Channel.objects.create(type=type, name=name, area=area)
    except IntegrityError:  # pragma: no cover - uuid collision only
        return Channel.objects.filter(type=type, area=area).order_by("id").first()  # type: ignore[return-value]


# --- reporters ----------------------------------------------------------------------------------


def reporter_by_phone(normalised: str) -> Reporter | None:
    row = (
        ReporterPhone.objects.select_related("reporter")
        .filter(phone_hash=phone_hash(normalised))
        .first()
    )
    return row.reporter if row else None


def reporter_for_sender(normalised: str, channel: Channel, language: str = "") -> Reporter:
    """The reporter behind a number; an unknown number becomes a PUBLIC reporter (race-safe)."""
    found = reporter_by_phone(normalised)
    if found is not None:
        return found
    try:
        with transaction.atomic():
            reporter = Reporter.objects.create(
                pseudonym=_new_pseudonym(Reporter.Kind.PUBLIC, channel.area),
                kind=Reporter.Kind.PUBLIC,
                area=channel.area,
                network=channel.network,
                languages=[language or channel.default_language],
                status=Reporter.Status.ACTIVE,
            )
            ReporterPhone.objects.create(
                reporter=reporter, phone_hash=phone_hash(normalised), phone_sealed=seal(normalised)
            )
            return reporter
    except IntegrityError:
        found = reporter_by_phone(normalised)
        if found is None:
            raise
        return found


@transaction.atomic
def reporter_enrol(
    *,
    name: str,
    phones: list[str],
    network: Network,
    languages: list[str] | None = None,
    status: str = Reporter.Status.ACTIVE,
    actor: User | None = None,
) -> Reporter:
    """Enrol a focal point. A number already known as a public reporter keeps its pseudonym."""
    region = network.area.country_iso2
    normalised = [normalise_phone(p, region) for p in phones if p.strip()]
    if not normalised:
        raise ChannelError("at least one phone number is needed")
    for n in normalised:
        if not n.startswith("+"):
            raise ChannelError(
                "a phone number is not valid (use the international form, e.g. +236…)"
            )
    existing = [r for r in (reporter_by_phone(n) for n in normalised) if r is not None]
    reporter = existing[0] if existing else None
    if reporter is not None and reporter.kind == Reporter.Kind.FOCAL_POINT:
        raise ChannelError("this phone number already belongs to an enrolled focal point")
    if reporter is None:
        reporter = Reporter(pseudonym=_new_pseudonym(Reporter.Kind.FOCAL_POINT, network.area))
    reporter.kind = Reporter.Kind.FOCAL_POINT
    reporter.name_sealed = seal(name.strip()) if name.strip() else ""
    reporter.network = network
    reporter.area = network.area
    reporter.languages = languages or ["fr"]
    reporter.status = status
    reporter.created_by = reporter.created_by or actor
    reporter.save()
    for i, n in enumerate(normalised):
        ReporterPhone.objects.update_or_create(
            phone_hash=phone_hash(n),
            defaults={"reporter": reporter, "phone_sealed": seal(n), "primary": i == 0},
        )
    audit.record(
        "reporter.enrol",
        actor=actor,
        obj=reporter,
        summary=f"focal point {reporter.pseudonym} enrolled",
        details={"network": network.pk, "phones": len(normalised), "languages": reporter.languages},
    )
    return reporter


def reporter_identity(
    reporter: Reporter, *, actor: User, request: Any = None, reason: str = ""
) -> dict[str, Any]:
    """Unseal a reporter's name and numbers. The caller has checked identity.view and area scope
    (``selectors.reporter_get_for_identity``); every reveal is audited, with the reason, never the data."""
    identity = {
        "pseudonym": reporter.pseudonym,
        "name": unseal(reporter.name_sealed) if reporter.name_sealed else "",
        "phones": [unseal(p.phone_sealed) for p in reporter.phones.order_by("-primary", "id")],
    }
    audit.record(
        "identity.reveal",
        actor=actor,
        obj=reporter,
        request=request,
        summary=f"identity of {reporter.pseudonym} revealed",
        details={"reason": reason[:200]},
    )
    return identity


# --- intake -------------------------------------------------------------------------------------


@dataclass
class StoreResult:
    message: InboundMessage
    created: bool


def inbound_store(channel: Channel, value: InboundValue, *, raw: dict[str, Any]) -> StoreResult:
    """Commit the raw message (sealed) and its processing job; a known key returns the first one.

    ``raw`` is {"body": …, "headers": …, "content_type": …}: stored verbatim, sealed. No other
    work happens here, so the 2xx can be given as soon as this returns.
    """
    region = channel.area.country_iso2 or "CF"
    sender = normalise_phone(value.sender, region) if value.sender else ""
    flags = list(value.flags)
    text = value.text or ""
    if len(text) > conf.MAX_TEXT:
        text, flags = text[: conf.MAX_TEXT], [*flags, "TRUNCATED"]
    if value.kind == InboundMessage.Kind.SMS and not text.strip():
        flags.append("EMPTY")
    now = timezone.now()
    sender_hash = phone_hash(sender) if sender else ""
    # PostgreSQL text cannot hold NUL and an id is no place for control characters.
    key = "".join(c for c in value.external_id if c >= " ")[:200] or "sha256:empty"
    try:
        with transaction.atomic():
            if sender_hash:
                window = now - timedelta(seconds=conf.FLOOD_WINDOW)
                recent = InboundMessage.objects.filter(
                    sender_hash=sender_hash, stored_at__gte=window
                ).count()
                if recent >= conf.FLOOD_LIMIT:
                    flags.append("RATE_LIMITED")
            message = InboundMessage.objects.create(
                channel=channel,
                kind=value.kind,
                external_id=key,
                received_at=value.received_at or now,
                stored_at=now,
                sender_hash=sender_hash,
                sender_sealed=seal(sender) if sender else "",
                raw_sealed=seal(json.dumps(raw, ensure_ascii=False)),
                text_sealed=seal(text) if text else "",
                flags=flags,
            )
            enqueue_new(
                "channels.process_inbound", {"inbound_id": message.pk}, f"inbound:{message.pk}"
            )
    except IntegrityError:
        existing = InboundMessage.objects.filter(channel=channel, external_id=key).first()
        if existing is None:
            raise
        return StoreResult(existing, False)
    return StoreResult(message, True)


def _flood_target(reporter: Reporter) -> Alert | None:
    since = timezone.now() - timedelta(seconds=conf.FLOOD_WINDOW)
    return (
        Alert.objects.filter(reporter=reporter, received_at__gte=since)
        .order_by("-received_at", "-id")
        .first()
    )


def _callback(alert: Alert, reporter: Reporter, area: AdminUnit) -> CallbackTask:
    return CallbackTask.objects.create(
        reporter=reporter,
        alert=alert,
        area=alert.admin_unit or area,
        due_at=timezone.now() + timedelta(minutes=conf.CALLBACK_MINUTES),
    )


# Other apps route some inbound texts to themselves (e.g. response: "OK 7KQ2MX" acknowledges a
# transmission). A route returns the alert the text belongs to, or None to let intake go on.
InboundRoute = Callable[[str, str, Channel], "Alert | None"]
_ROUTES: list[InboundRoute] = []


def inbound_route(func: InboundRoute) -> InboundRoute:
    """Register a route tried on every inbound SMS before it becomes an alert."""
    if func not in _ROUTES:
        _ROUTES.append(func)
    return func


def _route_elsewhere(text: str, sender: str, channel: Channel) -> Alert | None:
    if not text or channel.type not in SMS_TYPES:
        return None
    for route in _ROUTES:
        alert = route(text, sender, channel)
        if alert is not None:
            return alert
    return None


_DONE_STATES = (InboundMessage.State.LINKED, InboundMessage.State.IGNORED_SPAM)


def inbound_process(inbound_id: int, *, stored: InboundMessage | None = None) -> InboundMessage:
    """Turn a stored message into an alert (or attach it to one). Idempotent: a message already
    linked is returned as it is, so a retried job or a second worker does nothing twice.

    ``stored`` is the row just written by this process (with its channel loaded): then only its
    state is read again, under the lock, instead of the whole row.
    """
    with transaction.atomic():
        if stored is not None and stored.pk == inbound_id:
            state = (
                InboundMessage.objects.select_for_update()
                .filter(pk=inbound_id)
                .values_list("processing_state", flat=True)
                .first()
            )
            if state in _DONE_STATES:
                return InboundMessage.objects.select_related("alert").get(pk=inbound_id)
            message = stored
        else:
            message = (
                InboundMessage.objects.select_for_update(of=("self",))
                .select_related("channel", "channel__area", "channel__network")
                .get(pk=inbound_id)
            )
            if message.processing_state in _DONE_STATES:
                return message
        channel = message.channel
        text = unseal(message.text_sealed) if message.text_sealed else ""
        sender = unseal(message.sender_sealed) if message.sender_sealed else ""
        routed = _route_elsewhere(text, sender, channel)
        if routed is not None:
            # A reply meant for another service (a responder's acknowledgement code): linked to
            # its alert, never a new alert, and the responder never becomes a reporter.
            message.alert = routed
            message.flags = [*(message.flags or []), "ROUTED_REPLY"]
            message.processing_state = InboundMessage.State.LINKED
            message.error = ""
            message.save(update_fields=["alert", "flags", "processing_state", "error"])
            return message
        reporter = message.reporter or (reporter_for_sender(sender, channel) if sender else None)
        message.reporter = reporter
        flags = list(message.flags or [])
        alert: Alert | None = None
        ack = False
        if "RATE_LIMITED" in flags and reporter is not None:
            alert = _flood_target(reporter)
        if (
            alert is None
            and message.kind == InboundMessage.Kind.MISSED_CALL
            and reporter is not None
        ):
            pending = (
                CallbackTask.objects.filter(reporter=reporter, outcome=CallbackTask.Outcome.PENDING)
                .select_related("alert")
                .first()
            )
            alert = pending.alert if pending else None
        if alert is None:
            needs_callback = message.kind == InboundMessage.Kind.MISSED_CALL or "EMPTY" in flags
            alert = alert_receive(
                text=text,
                area=channel.area,
                received_at=message.received_at,
                channel=channel,
                reporter=reporter,
                language_hint=(
                    reporter.language
                    if reporter and reporter.kind == Reporter.Kind.FOCAL_POINT
                    else channel.default_language
                ),
                state="CALLBACK_PENDING" if needs_callback else "RECEIVED",
                flags=[
                    f for f in flags if f in ("RATE_LIMITED", "BAD_ENCODING", "TRUNCATED", "EMPTY")
                ],
            )
            if needs_callback and reporter is not None:
                _callback(alert, reporter, channel.area)
            ack = not needs_callback and "RATE_LIMITED" not in flags
        message.alert = alert
        message.language_detected = alert.language[:5]
        message.processing_state = InboundMessage.State.LINKED
        message.error = ""
        message.save(
            update_fields=["alert", "reporter", "language_detected", "processing_state", "error"]
        )
        if ack and reporter is not None and channel.type in SMS_TYPES:
            language = (
                reporter.language
                if reporter.kind == Reporter.Kind.FOCAL_POINT
                else (alert.language or reporter.language)
            )
            lang, body = messages.render(
                messages.ACK, language, ref=short_reference(alert.reference)
            )
            outbound_queue(reporter, channel, OutboundMessage.Purpose.ACK, body, lang, alert)
        # The processing job queued with the raw message has nothing left to do.
        Job.objects.filter(dedupe_key=f"inbound:{message.pk}", status=Job.Status.QUEUED).update(
            status=Job.Status.DONE, finished_at=timezone.now(), progress=1.0
        )
        return message


def inbound_process_safely(
    inbound_id: int, stored: InboundMessage | None = None
) -> InboundMessage | None:
    """Process right after storing; a failure is logged (no personal data) and left to the job."""
    try:
        return inbound_process(inbound_id, stored=stored)
    except Exception:
        log.exception("processing inbound message %s failed; its job will retry", inbound_id)
        InboundMessage.objects.filter(
            pk=inbound_id, processing_state=InboundMessage.State.STORED
        ).update(
            processing_state=InboundMessage.State.ERROR, error="processing failed; queued for retry"
        )
        return None


def inbound_result(message: InboundMessage) -> dict[str, Any]:
    """The answer to a delivery, the same for its retries (computed from what is stored)."""
    alert_ref = message.alert.reference if message.alert_id and message.alert else ""
    return {
        "id": message.pk,
        "state": message.processing_state,
        "alert": alert_ref,
        "flags": message.flags,
    }


__all__ = ["channel_credentials", "outbound_queue"]  # re-exported for callers of services
