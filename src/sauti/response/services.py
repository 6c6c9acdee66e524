"""Writes of the response workflow: triage, transmission and routing, acknowledgement (web or SMS
code), escalation when a deadline passes, and feedback to the reporter.

State changes go through ``alerts.workflow.alert_transition``; this module's hook
(``on_alert_transition``) runs inside each transition's transaction and writes what must follow —
next deadline, transmissions, in-app notifications and their email jobs — so nothing is lost if
the process dies and nothing is sent twice (each job has a dedupe key).
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from sauti.accounts import access, audit
from sauti.accounts.models import User
from sauti.alerts.models import Alert, AlertTransition, Confidence, Priority, Verification
from sauti.alerts.services import short_reference
from sauti.alerts.taxonomy import THREAT_LABELS
from sauti.alerts.workflow import OPEN_STATES, AlertState, TransitionError, alert_transition
from sauti.core.jobs import job_enqueue, job_enqueue_deduped
from sauti.response import sla
from sauti.response.models import LADDER, Feedback, Notification, Party, RoutingRule, Transmission

S = AlertState
ACK_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: read out over a bad line
ACK_REPLY = re.compile(r"^\s*(?:OK|ACK|RECU|REÇU)\s*[:#-]?\s*([A-Z0-9]{6})\s*[.!]?\s*$", re.I)
SPECIALISTS = {Party.HR_SECTION, Party.CP_SECTION, Party.WPA}

# What each failed step is called on the alert (§4.1 failure branches) and whether it escalates.
FAILURE_FLAGS = {
    "CALLBACK": ("LATE_CALLBACK", False),
    "RECORD": ("LATE_RECORD", False),
    "TRANSMIT": ("LATE_TRANSMISSION", False),
    "ACK": ("NO_ACK", True),
    "DECIDE": ("LATE_RESPONSE", True),
    "RESPOND": ("NO_RESPONSE", True),
    "FEEDBACK": ("NO_FEEDBACK", False),
}


class ResponseError(ValueError):
    """Bad input to a response service (shown as a message / 400); nothing was changed."""


# ---------------------------------------------------------------- triage


def alert_triage(
    alert: Alert,
    user: User,
    *,
    priority: str,
    verification_needed: bool = False,
    source_reliability: int | None = None,
    attribution_confidence: str = "",
    verification_status: str | None = None,
    reason: str = "",
    now: datetime | None = None,
) -> Alert:
    """Set priority (P1–P4), verification need, source reliability (1–5) and confidence in actor
    attribution, and move RECORDED → TRIAGED (§7.6–7.7)."""
    if priority not in Priority.values:
        raise ResponseError(_("priority must be one of P1, P2, P3, P4"))
    if source_reliability is not None and not 1 <= int(source_reliability) <= 5:
        raise ResponseError(_("source reliability must be between 1 and 5"))
    if attribution_confidence and attribution_confidence not in Confidence.values:
        raise ResponseError(_("confidence in attribution must be HIGH, MEDIUM or LOW"))
    if verification_status and verification_status not in Verification.values:
        raise ResponseError(_("unknown verification status"))
    fields: dict[str, Any] = {
        "priority": priority,
        # P1 is transmitted at once; verification runs in parallel (§4.1).
        "verification_needed": bool(verification_needed),
        "source_reliability": source_reliability,
        "attribution_confidence": attribution_confidence,
    }
    if verification_status:
        fields["verification_status"] = verification_status
    return alert_transition(alert, S.TRIAGED, user, reason, now, fields=fields)


def alert_verify(alert: Alert, user: User, status: str, *, now: datetime | None = None) -> Alert:
    """Record the verification result (§7.7) without changing the workflow state."""
    if status not in Verification.values:
        raise ResponseError(_("unknown verification status"))
    access.require(user, "alerts.transition")
    if not access.in_scope(user, alert.admin_unit.path):
        raise access.AccessDenied(_("this alert is outside your areas"))
    Alert.objects.filter(pk=alert.pk).update(verification_status=status)
    alert.verification_status = status
    audit.record(
        "alert.verify",
        actor=user,
        obj=alert,
        summary=f"alert {alert.reference} verification {status}",
        details={"status": status},
    )
    return alert


# ---------------------------------------------------------------- routing and transmission


def _content(alert: Alert, level: str) -> str:
    """What a responder reads. Never the reporter (DP-5); de-identified = type, area, priority and
    time only — no reference, no words of the narrative or summary."""
    label = str(THREAT_LABELS.get(alert.threat_type, alert.threat_type))
    where = alert.admin_unit.name
    priority = sla.effective_priority(alert)
    if level == Transmission.Content.DEIDENTIFIED:
        return f"{priority} {label} — {where} ({alert.received_at:%Y-%m-%d %H:%M} UTC)"[:500]
    return f"{alert.reference} {priority} {label} — {where}: {alert.summary}"[:500]


def routing_targets(alert: Alert, level: int) -> list[RoutingRule]:
    """The rules that apply to this alert at this escalation level.

    Level 0 reaches the base commander, plus specialists and (if the mission allows it) the
    national forces liaison; level k reaches the k-th rung of the ladder (field JOC, head of
    office/POC, mission JOC)."""
    path = alert.admin_unit.path
    prefixes = [path[: i + 1] for i, ch in enumerate(path) if ch == "/"] + [path]
    priority = sla.effective_priority(alert)
    rules = RoutingRule.objects.filter(active=True, area__path__in=prefixes).filter(
        Q(threat_type="") | Q(threat_type=alert.threat_type)
    )
    if level == 0:
        parties = {Party.BASE_COMMANDER, *SPECIALISTS}
        if settings.SAUTI_NATIONAL_FORCES_TRANSMISSION:
            parties.add(Party.NATIONAL_FORCES)
    else:
        parties = {LADDER[min(level, len(LADDER) - 1)]}
    chosen = []
    for rule in rules.filter(party__in=parties).select_related("responder").order_by("id"):
        if rule.priorities and priority not in rule.priorities:
            continue
        if rule.party in SPECIALISTS and rule.threat_type == "":
            continue  # referrals only for the threat types a rule names (CRSV, recruitment…)
        chosen.append(rule)
    return chosen


def _ack_code() -> str:
    return "".join(secrets.choice(ACK_ALPHABET) for _ in range(6))


def _notify(user: User, alert: Alert, kind: str, text: str, now: datetime) -> Notification:
    """In-app notification plus its email, queued in the caller's transaction (outbox)."""
    note = Notification.objects.create(
        user=user, alert=alert, kind=kind, text=text[:300], created_at=now
    )
    job_enqueue("response.notify", {"notification_id": note.pk}, dedupe_key=f"notify:{note.pk}")
    return note


def _transmit_to(alert: Alert, level: int, by: User | None, now: datetime) -> list[Transmission]:
    made = []
    for rule in routing_targets(alert, level):
        content_level = (
            Transmission.Content.DEIDENTIFIED
            if rule.party == Party.NATIONAL_FORCES
            else Transmission.Content.FULL_INTERNAL
        )
        if Transmission.objects.filter(alert=alert, to_user=rule.responder, level=level).exists():
            continue
        for _attempt in range(5):
            try:
                with transaction.atomic():
                    tx = Transmission.objects.create(
                        alert=alert,
                        to_party=rule.party,
                        to_user=rule.responder,
                        level=level,
                        content_level=content_level,
                        content=_content(alert, content_level),
                        ack_code=_ack_code(),
                        at=now,
                        by=by,
                    )
                break
            except IntegrityError:  # pragma: no cover - ack code collision
                continue
        else:  # pragma: no cover
            raise RuntimeError("could not draw an acknowledgement code")
        if rule.phone_sealed:
            Transmission.objects.filter(pk=tx.pk).update(sms_to_sealed=rule.phone_sealed)
            job_enqueue(
                "response.sms_transmission",
                {"transmission_id": tx.pk},
                dedupe_key=f"tx-sms:{tx.pk}",
            )
        _notify(
            rule.responder,
            alert,
            "TRANSMISSION",
            _("%(content)s — reply OK %(code)s to acknowledge")
            % {"content": tx.content, "code": tx.ack_code},
            now,
        )
        made.append(tx)
    return made


def on_alert_transition(alert: Alert, step: AlertTransition) -> None:
    """Hook run inside every transition's transaction: deadlines, routing, notifications."""
    now = step.at
    to, frm = step.to_state, step.from_state
    if to == S.TRANSMITTED:
        level = alert.escalation_level if frm == S.TRANSMITTED else 0
        _transmit_to(alert, level, step.by, now)
    if to == S.ACKNOWLEDGED:
        Transmission.objects.filter(alert=alert, acknowledged_at__isnull=True).update(
            acknowledged_at=now, acknowledged_via="WEB" if step.by else "SYSTEM"
        )
    due_step, due_at = sla.next_deadline(alert)
    Alert.objects.filter(pk=alert.pk).update(due_step=due_step, due_at=due_at)
    alert.due_step, alert.due_at = due_step, due_at
    if due_at is not None:
        schedule_escalation(due_at, now)


def on_alerts_created(alerts: list[Alert]) -> Callable[[], None]:
    """Creation hook, once per intake batch before insert: each alert's first deadline; returns
    the write that commits with the alerts, one escalation scan per distinct minute in which one
    falls due (queued in the alerts' transaction, so no scan can run before they exist)."""
    table = sla.sla_table()
    slots: dict[datetime, datetime] = {}
    for alert in alerts:
        alert.due_step, due_at = sla.next_deadline(alert, table)
        alert.due_at = due_at
        if due_at is not None:
            slots.setdefault(due_at.replace(second=0, microsecond=0), due_at)

    def queue_scans() -> None:
        now = timezone.now()
        job_enqueue_deduped(
            "response.escalate", list({_scan(due_at, now) for due_at in slots.values()})
        )

    return queue_scans


def schedule_escalation(due_at: datetime, now: datetime) -> None:
    """Queue one escalation scan at the deadline (one job per minute, however many alerts)."""
    job_enqueue_deduped("response.escalate", [_scan(due_at, now)])


def _scan(due_at: datetime, now: datetime) -> tuple[datetime, str]:
    """(run after, dedupe key) of the escalation scan for a deadline: the minute after it, or
    at once (a key of its own) when that minute has passed."""
    slot = (due_at + timedelta(seconds=59)).replace(second=0, microsecond=0)
    if slot <= now:
        return now, f"escalate:now:{now:%Y%m%d%H%M%S%f}"
    return slot, f"escalate:{slot:%Y%m%d%H%M}"


def alert_transmit(
    alert: Alert, user: User, reason: str = "", now: datetime | None = None
) -> Alert:
    """TRIAGED/VERIFYING → TRANSMITTED: the routing rules pick the responders (hook)."""
    return alert_transition(alert, S.TRANSMITTED, user, reason, now)


def transmission_acknowledge(
    tx: Transmission, user: User, *, via: str = "WEB", now: datetime | None = None
) -> Alert:
    """A responder confirms receipt. Idempotent: a second acknowledgement changes nothing."""
    when = now or timezone.now()
    alert = tx.alert
    with transaction.atomic():
        updated = Transmission.objects.filter(pk=tx.pk, acknowledged_at__isnull=True).update(
            acknowledged_at=when, acknowledged_via=via
        )
        alert.refresh_from_db()
        if updated and alert.state == S.TRANSMITTED:
            alert = alert_transition(
                alert,
                S.ACKNOWLEDGED,
                user,
                f"acknowledged by {via} ({tx.get_to_party_display()})",
                when,
            )
    return alert


def looks_like_ack(text: str) -> bool:
    """Whether ``text`` has the shape of an acknowledgement reply (intake's cheap pre-test)."""
    return ACK_REPLY.match(text) is not None


def ack_from_sms(text: str, sender: str, channel: Any) -> Alert | None:
    """Inbound route: "OK 7KQ2MX" acknowledges the transmission with that code.

    Returns the alert when the text is an acknowledgement code that exists (so intake links the
    message to it instead of making an alert), else None. When the code was sent by SMS to a duty
    phone, only a reply from that phone acknowledges; otherwise the code is the secret (31^6 ≈
    887 million values, and intake rate-limits senders)."""
    match = ACK_REPLY.match(text)
    if not match:
        return None
    tx = (
        Transmission.objects.select_related("alert", "alert__admin_unit", "to_user")
        .filter(ack_code=match.group(1).upper())
        .first()
    )
    if tx is None or tx.to_user is None:
        return None
    if tx.sms_to_sealed:
        from sauti.core.crypto import unseal

        if sender != unseal(tx.sms_to_sealed):
            # The code went to a duty phone: only that phone may use it.
            audit.record(
                "alert.ack_refused",
                obj=tx.alert,
                summary=f"SMS acknowledgement of {tx.alert.reference} from another number",
            )
            return tx.alert
    try:
        transmission_acknowledge(tx, tx.to_user, via="SMS")
    except (TransitionError, access.AccessDenied):
        audit.record(
            "alert.ack_refused",
            obj=tx.alert,
            summary=f"SMS acknowledgement of {tx.alert.reference} refused",
        )
    return tx.alert


# ---------------------------------------------------------------- escalation


def escalate_due(now: datetime | None = None, limit: int = 500) -> dict[str, int]:
    """Flag and escalate every open alert whose deadline has passed (§4.1 failure branches).

    Each alert is handled in its own transaction with its row locked and re-read, so two workers
    scanning at once flag it once. A missed acknowledgement re-transmits to the next rung of the
    ladder (TRANSMITTED → TRANSMITTED, by the system) with a new deadline; a late decision or
    response notifies the next rung; other misses are flagged once."""
    when = now or timezone.now()
    counts = {"flagged": 0, "escalated": 0, "seen": 0}
    table = sla.sla_table()
    ids = list(
        Alert.objects.filter(due_at__lte=when, state__in=list(OPEN_STATES))
        .order_by("due_at")
        .values_list("id", flat=True)[:limit]
    )
    counts["seen"] = len(ids)
    for alert_id in ids:
        with transaction.atomic():
            alert = Alert.objects.select_for_update().select_related("admin_unit").get(pk=alert_id)
            if alert.due_at is None or alert.due_at > when:
                continue
            flag, escalates = FAILURE_FLAGS.get(alert.due_step, ("LATE", False))
            if flag not in alert.flags:
                alert.flags = [*alert.flags, flag]
                counts["flagged"] += 1
            next_level = alert.escalation_level + 1
            can_climb = escalates and next_level < len(LADDER)
            audit.record(
                "alert.deadline_missed",
                obj=alert,
                summary=f"alert {alert.reference}: {alert.due_step} deadline missed ({flag})",
                details={"step": alert.due_step, "flag": flag, "level": alert.escalation_level},
            )
            if can_climb and alert.due_step == "ACK" and alert.state == S.TRANSMITTED:
                alert.save(update_fields=["flags"])
                alert_transition(
                    alert,
                    S.TRANSMITTED,
                    None,
                    f"no acknowledgement before the deadline: escalated to {LADDER[next_level].value}",
                    when,
                    fields={"escalation_level": next_level},
                )
                counts["escalated"] += 1
                continue
            if can_climb:
                alert.escalation_level = next_level
                for rule in routing_targets(alert, next_level):
                    _notify(
                        rule.responder,
                        alert,
                        "ESCALATION",
                        f"{flag}: {_content(alert, Transmission.Content.FULL_INTERNAL)}",
                        when,
                    )
                counts["escalated"] += 1
                minutes = table.get(alert.due_step, {}).get(sla.effective_priority(alert))
                alert.due_at = when + timedelta(minutes=minutes) if minutes else None
            else:
                alert.due_at = None
            alert.save(update_fields=["flags", "escalation_level", "due_at"])
            if alert.due_at is not None:
                schedule_escalation(alert.due_at, when)
    return counts


# ---------------------------------------------------------------- feedback

FEEDBACK_TEMPLATES: dict[str, dict[str, str]] = {
    # Neutral wording (DP-7): never the alert's content, no mission name; only the short reference.
    Feedback.Kind.ACTION_TAKEN: {
        "fr": "Suite à votre message {ref} : une action a été menée. Merci.",
        "en": "Following your message {ref}: action was taken. Thank you.",
        "sw": "Kuhusu ujumbe wako {ref}: hatua imechukuliwa. Asante.",
        "ln": "Mpo na nsango na yo {ref}: tosalí likambo. Matɔ́ndɔ.",
        "sg": "Na ndö tënë ti mo {ref}: a sâra mbênî ye. Singîla.",
    },
    Feedback.Kind.NO_ACTION_EXPLAINED: {
        "fr": "Votre message {ref} a été suivi et transmis. Restez prudent. Merci.",
        "en": "Your message {ref} was followed up and passed on. Stay safe. Thank you.",
        "sw": "Ujumbe wako {ref} umefuatiliwa na kupelekwa. Kaa salama. Asante.",
        "ln": "Nsango na yo {ref} elandamí. Míbatela. Matɔ́ndɔ.",
        "sg": "A bâ tënë ti mo {ref}. Bata tere ti mo. Singîla.",
    },
    Feedback.Kind.SAFETY_ADVICE: {
        "fr": "Message {ref} : restez prudent et suivez les conseils de vos autorités locales.",
        "en": "Message {ref}: stay safe and follow the advice of your local authorities.",
        "sw": "Ujumbe {ref}: kaa salama na ufuate ushauri wa viongozi wa eneo lako.",
        "ln": "Nsango {ref}: míbatela mpe landa toli ya bakonzi ya esika.",
        "sg": "Tënë {ref}: bata tere ti mo.",
    },
}


def feedback_give(
    alert: Alert,
    user: User,
    kind: str,
    *,
    reason: str = "",
    now: datetime | None = None,
) -> Feedback:
    """Tell the reporter what was done (or why not), in their language, and move the alert to
    FEEDBACK_GIVEN. Only ACTIVE reporters who may be contacted get an SMS (§4.3, DP-7); for the
    others the feedback is recorded as given in person (suppressed) and the step still closes."""
    from sauti.channels.outbound import outbound_queue

    if kind not in FEEDBACK_TEMPLATES:
        raise ResponseError(_("unknown feedback kind"))
    when = now or timezone.now()
    with transaction.atomic():
        alert = alert_transition(alert, S.FEEDBACK_GIVEN, user, reason or kind, when)
        reporter, channel = alert.reporter, alert.channel
        language = (reporter.language if reporter else "") or alert.language or "fr"
        templates = FEEDBACK_TEMPLATES[kind]
        language = language if language in templates else "fr"
        record = Feedback(alert=alert, kind=kind, language=language, by=user, at=when)
        if reporter is not None and channel is not None:
            body = templates[language].format(ref=short_reference(alert.reference))
            message = outbound_queue(reporter, channel, "FEEDBACK", body, language, alert)
            record.outbound_id = message.pk
            record.suppressed = message.status == "SUPPRESSED"
        else:
            record.suppressed = True
        record.save()
    return record


def routing_rule_create(
    area: Any,
    party: str,
    responder: User,
    *,
    phone: str = "",
    threat_type: str = "",
    priorities: list[str] | None = None,
) -> RoutingRule:
    """A routing rule; the duty phone is normalised and sealed (never stored in clear)."""
    from sauti.channels.services import normalise_phone
    from sauti.core.crypto import seal

    if party not in Party.values:
        raise ResponseError(_("unknown responder group"))
    sealed = seal(normalise_phone(phone, area.country_iso2 or "CF")) if phone.strip() else ""
    return RoutingRule.objects.create(
        area=area,
        party=party,
        responder=responder,
        phone_sealed=sealed,
        threat_type=threat_type,
        priorities=list(priorities or []),
    )


def transmission_sms_send(transmission_id: int) -> str:
    """Send one transmission to the responder's duty phone with its code, through an SMS channel
    of the alert's area or above. Sent once: a transmission already sent is skipped; a gateway
    refusal is recorded (FAILED); a network error raises so the job retries with back-off."""
    from sauti.channels.credentials import channel_credentials
    from sauti.channels.gateways import GatewayError, get_gateway
    from sauti.channels.models import Channel
    from sauti.core.crypto import unseal

    tx = Transmission.objects.select_related("alert__admin_unit", "to_user").get(pk=transmission_id)
    if tx.sms_sent_at is not None or not tx.sms_to_sealed:
        return tx.sms_status
    path = tx.alert.admin_unit.path
    prefixes = [path[: i + 1] for i, ch in enumerate(path) if ch == "/"] + [path]
    route = (
        Channel.objects.filter(
            type__in=[Channel.Type.TWILIO, Channel.Type.GENERIC],
            active=True,
            area__path__in=prefixes,
        )
        .order_by("-area__level", "id")
        .first()
    )
    language = getattr(tx.to_user, "preferred_language", "") or "fr"
    from django.utils import translation

    with translation.override(language if language in ("en", "fr") else "fr"):
        text = _("%(content)s — reply OK %(code)s to acknowledge") % {
            "content": tx.content,
            "code": tx.ack_code,
        }
    if route is None:
        tx.sms_status, tx.sms_error = "FAILED", "no SMS channel for this area"
        tx.save(update_fields=["sms_status", "sms_error"])
        return tx.sms_status
    try:
        get_gateway(route.type).send(
            channel_credentials(route), unseal(tx.sms_to_sealed), text[:480]
        )
    except GatewayError as exc:
        tx.sms_status, tx.sms_error = "FAILED", exc.detail[:300]
        tx.save(update_fields=["sms_status", "sms_error"])
        return tx.sms_status
    tx.sms_status, tx.sms_sent_at, tx.sms_error = "SENT", timezone.now(), ""
    tx.save(update_fields=["sms_status", "sms_sent_at", "sms_error"])
    return tx.sms_status
