"""What the channels app does: configure channels, store raw messages first, turn them into alerts,
enrol reporters and reveal their identity (audited), queue and send outbound SMS, rotate keys.

Intake happens in two steps. ``inbound_store`` commits the sealed raw message (one INSERT; on
SQLite grouped with the other server threads' by ``core.group_commit``); only then does the webhook
answer 2xx. The stored row is its own queue entry: ``sauti worker`` claims it and makes the alert
(``intake``); if that fails or the process dies, the message is claimed again, idempotently.
"""

from __future__ import annotations

import json
import logging
import secrets
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

import phonenumbers
from django.db import (
    DEFAULT_DB_ALIAS,
    IntegrityError,
    connection,
    connections,
    transaction,
)
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sauti.accounts import audit
from sauti.accounts.models import User
from sauti.channels import conf, intake, retention
from sauti.channels.credentials import channel_credentials
from sauti.channels.gateways import InboundValue, status_hook_url
from sauti.channels.intake import inbound_route
from sauti.channels.models import (
    Channel,
    InboundMessage,
    Network,
    Reporter,
    ReporterPhone,
)
from sauti.channels.outbound import outbound_queue
from sauti.channels.pseudonyms import new_pseudonym
from sauti.core import group_commit
from sauti.core.bulk import build, encode_rows, fetch_one_prepared, insert_fields
from sauti.core.crypto import lookup_hash, seal, unseal
from sauti.places.models import AdminUnit

log = logging.getLogger(__name__)
WEBHOOK_TYPES = (Channel.Type.TWILIO, Channel.Type.GENERIC, Channel.Type.MISSED_CALL)


class ChannelError(ValueError):
    """Bad input to a channels service (unknown area, bad phone number, …): a 4xx for callers."""


# --- phones and pseudonyms ----------------------------------------------------------------------


def normalise_phone(raw: str, region: str = "CF") -> str:
    """E.164 for a phone number (``+23672000001``); other sender ids (short codes, names) lower-cased."""
    raw = (raw or "").strip()
    if raw.startswith(("tel:", "whatsapp:")):
        raw = raw.split(":", 1)[1]
    return _normalise(raw, region.upper())


@lru_cache(maxsize=4096)
def _normalise(raw: str, region: str) -> str:
    """Cached: a network's focal points write again and again, and parsing a number is a tenth
    of a webhook's time. (The process holding this cache also holds the keys that open every
    sealed number, so it exposes nothing new.)"""
    try:
        number = phonenumbers.parse(raw, region.upper() or None)
        if phonenumbers.is_possible_number(number):
            return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    except phonenumbers.NumberParseException:
        pass
    return "".join(raw.split()).lower()[:64]


def phone_hash(normalised: str) -> str:
    return lookup_hash(normalised, "phone")


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


def status_urls(channel: Channel, base_url: str | None = None) -> list[str]:
    """Where the channel's gateway reports delivery of the SMS sent through it: the URL Twilio is
    given with each message, to configure in a generic gateway (RapidPro external channels add
    ``sent/``, ``delivered/`` or ``failed/`` to it). None for web-form and API channels."""
    if channel.type not in WEBHOOK_TYPES:
        return []
    credentials = channel_credentials(channel)
    if credentials.get("webhook_url"):
        return [status_hook_url(channel.uuid, credentials)]
    base = (base_url or conf.PUBLIC_URL).rstrip("/")
    return [f"{base}/hooks/{channel.uuid}/status/"]


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
                pseudonym=new_pseudonym(Reporter.Kind.PUBLIC, channel.area),
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
        reporter = Reporter(pseudonym=new_pseudonym(Reporter.Kind.FOCAL_POINT, network.area))
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


# What a reveal shows of a reporter whose identity was erased (DP-9).
IDENTITY_ERASED = _("identity erased under the retention rule")


def reporter_identity(
    reporter: Reporter,
    *,
    actor: User,
    request: Any = None,
    reason: str = "",
    details: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Unseal a reporter's name and numbers. The caller has checked identity.view and area scope
    (``selectors.reporter_get_for_identity``); every reveal is audited, with the reason, never the data.

    An EXITED reporter with neither name nor number had the identity erased (DP-9: retention or
    withdrawn consent, ``retention``): the answer says so in ``notice``, with ``erased`` true, and
    the attempt is audited all the same. ``details`` go into the audit event (a break-glass
    grant's id)."""
    phones = [unseal(p.phone_sealed) for p in reporter.phones.order_by("-primary", "id")]
    erased = not phones and not reporter.name_sealed and reporter.status == Reporter.Status.EXITED
    identity: dict[str, Any] = {
        "pseudonym": reporter.pseudonym,
        "name": unseal(reporter.name_sealed) if reporter.name_sealed else "",
        "phones": phones,
        "erased": erased,
    }
    identity["notice"] = str(IDENTITY_ERASED) if erased else ""
    audit.record(
        "identity.reveal",
        actor=actor,
        obj=reporter,
        request=request,
        summary=f"identity of {reporter.pseudonym} revealed"
        + (" (erased under the retention rule)" if erased else ""),
        details={
            "reason": reason[:200],
            **({"erased": True} if erased else {}),
            **(details or {}),
        },
    )
    return identity


@transaction.atomic
def reporter_withdraw_consent(
    reporter: Reporter, actor: User | None, reason: str, *, request: Any = None
) -> dict[str, int]:
    """The reporter withdrew consent (DP-8, DP-9): EXITED, never contacted again, and the
    identity erased at once (``retention.reporter_identity_erase``: name, numbers — a later SMS
    from the number makes a new public reporter — and the sender's number in their raw
    messages). The pseudonym and alerts stay. Under a legal hold (``legal_hold``) the erasure
    waits for the hold's lift, which does it then. The audit event carries the new status, so
    the retention rule can date the exit, whether a hold kept the identity, and counts; never
    the name or number. Returns the counts (none erased under a hold)."""
    from sauti.channels.legal_hold import is_held

    if not reason.strip():
        raise ChannelError("a reason is required to record a withdrawal of consent")
    previous = reporter.status
    Reporter.objects.filter(pk=reporter.pk).update(
        status=Reporter.Status.EXITED, do_not_contact=True
    )
    reporter.status, reporter.do_not_contact = Reporter.Status.EXITED, True
    held = is_held(reporter)
    erased: dict[str, int] = {}
    if not held:
        erased = retention.reporter_identity_erase([reporter.pk])
        reporter.name_sealed = ""
    audit.record(
        "reporter.withdraw_consent",
        actor=actor,
        obj=reporter,
        request=request,
        summary=f"{reporter.pseudonym} withdrew consent; "
        + ("identity kept under a legal hold until it is lifted" if held else "identity erased"),
        details={
            "status": Reporter.Status.EXITED,
            "previous_status": previous,
            "reason": reason.strip()[:200],
            **({"held": True} if held else erased),
        },
    )
    return erased


# --- intake -------------------------------------------------------------------------------------


@dataclass
class StoreResult:
    message: InboundMessage
    created: bool


def inbound_store(
    channel: Channel, value: InboundValue, *, raw: dict[str, Any], claim: bool = False
) -> StoreResult:
    """Commit the raw message (sealed); a known key returns the first one. One INSERT.

    ``raw`` is {"body": …, "headers": …, "content_type": …}: stored verbatim, sealed. Nothing
    else happens here, so the 2xx can be given as soon as this returns: the stored message is
    queued by its state, and ``sauti worker`` makes the alert (``intake``). ``claim`` holds it
    for the caller, who processes it at once (web form, API).
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
    # PostgreSQL text cannot hold NUL and an id is no place for control characters.
    key = "".join(c for c in value.external_id if c >= " ")[:200] or "sha256:empty"
    message = build(
        InboundMessage,
        channel=channel,
        kind=value.kind,
        external_id=key,
        received_at=value.received_at or now,
        stored_at=now,
        sender_hash=phone_hash(sender) if sender else "",
        sender_sealed=seal(sender) if sender else "",
        raw_sealed=seal(json.dumps(raw, ensure_ascii=False)),
        text_sealed=seal(text) if text else "",
        flags=flags,
        locked_until=intake.lease_end(now) if claim else None,
    )
    message.pk = _insert_raw(message)
    if message.pk is None:
        existing = InboundMessage.objects.filter(channel=channel, external_id=key).first()
        if existing is None:  # pragma: no cover - the conflicting row cannot vanish (PROTECT)
            raise IntegrityError("inbound message key conflict without a stored message")
        return StoreResult(existing, False)
    message._state.adding = False
    return StoreResult(message, True)


@cache
def _insert_sql(vendor: str) -> str:
    """The INSERT of a raw message for this database (columns in ``encode_rows``'s order)."""
    fields = insert_fields(InboundMessage)
    quote = connection.ops.quote_name
    mark = "?" if vendor == "sqlite" else "%s"  # the SQLite statement bypasses Django's cursor
    sql = (
        f"INSERT INTO {quote(InboundMessage._meta.db_table)} "  # noqa: S608 - names are ours
        f"({', '.join(quote(str(f.column)) for f in fields)}) "
        f"VALUES ({', '.join([mark] * len(fields))}) "
        f"ON CONFLICT ({quote('channel_id')}, {quote('external_id')}) DO NOTHING RETURNING id"
    )
    return sql


@cache
def _group_insert() -> group_commit.Insert:
    """The raw message's INSERT as the server's threads share it on SQLite: the sealed raw
    request is the witness (its nonce is new on every delivery, retries included)."""
    return group_commit.Insert(
        table=InboundMessage._meta.db_table,
        columns=tuple(str(f.column) for f in insert_fields(InboundMessage)),
        key=("channel_id", "external_id"),
        witness="raw_sealed",
    )


def _insert_raw(message: InboundMessage) -> int | None:
    """One ``INSERT … ON CONFLICT DO NOTHING`` (SQLite ≥ 3.35, PostgreSQL): the id, or None when
    the (channel, key) pair is already stored. On SQLite outside a transaction (the webhooks)
    the row joins the server's other threads' in one statement (``core.group_commit``); else
    ``RETURNING id``. Written by hand because it is the hot path of every SMS: the ORM's
    compiler costs more than the statement, and a conflict needs no savepoint, inside a
    caller's transaction or not."""
    db = connections[DEFAULT_DB_ALIAS]  # the wrapper, not the proxy: one thread-local lookup
    values = encode_rows([message], db.alias)[0]
    if db.vendor == "sqlite" and not db.in_atomic_block:
        db.ensure_connection()
        return group_commit.GROUP.insert(db.connection, _group_insert(), values)
    sql = _insert_sql(db.vendor)
    if db.vendor == "postgresql":
        row = fetch_one_prepared(sql, values)
    else:
        with db.cursor() as cursor:
            cursor.execute(sql, values)
            row = cursor.fetchone()
    return int(row[0]) if row else None


def inbound_process(inbound_id: int) -> InboundMessage:
    """Turn one stored message into an alert now (or attach it to one); see ``intake``.
    Idempotent. A failure leaves the message in ERROR for the worker to retry."""
    intake.process_ids([inbound_id])
    return InboundMessage.objects.select_related("alert").get(pk=inbound_id)


def inbound_process_safely(inbound_id: int) -> InboundMessage | None:
    """``inbound_process``, or None when processing failed (retried later by the worker)."""
    if intake.process_ids([inbound_id]):
        return None
    return InboundMessage.objects.select_related("alert").get(pk=inbound_id)


def inbound_result(message: InboundMessage) -> dict[str, Any]:
    """The answer to a delivery, the same for its retries (computed from what is stored)."""
    alert_ref = message.alert.reference if message.alert_id and message.alert else ""
    return {
        "id": message.pk,
        "state": message.processing_state,
        "alert": alert_ref,
        "flags": message.flags,
    }


__all__ = ["channel_credentials", "inbound_route", "outbound_queue"]  # re-exported for callers
