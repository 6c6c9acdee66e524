"""Channels, raw messages and reporters (domain.md §3.2).

Everything that identifies a person (names, phone numbers, message bodies, which can contain
names) is stored sealed (``core.crypto.seal``); equality lookups use keyed hashes. Other apps see
only the reporter's pseudonym.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

LANGUAGES = [
    ("fr", _("French")),
    ("en", _("English")),
    ("sg", _("Sango")),
    ("ln", _("Lingala")),
    ("sw", _("Swahili")),
]


class Network(models.Model):
    """A community alert network (CAN / réseau d'alerte communautaire) around one mission base."""

    class Status(models.TextChoices):
        ACTIVE = "ACTIVE", _("Active")
        DORMANT = "DORMANT", _("Dormant")
        HANDED_OVER = "HANDED_OVER", _("Handed over")
        CLOSED = "CLOSED", _("Closed")

    name = models.CharField(_("name"), max_length=200)
    base_name = models.CharField(_("base"), max_length=200, blank=True)
    area = models.ForeignKey("places.AdminUnit", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.ACTIVE)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.name


class Channel(models.Model):
    """A configured route by which alerts reach the mission (an SMS gateway number, a hotline…)."""

    class Type(models.TextChoices):
        TWILIO = "TWILIO", _("SMS through Twilio")
        GENERIC = "GENERIC", _("SMS through a generic HTTP gateway (RapidPro/TextIt, Android)")
        MISSED_CALL = "MISSED_CALL", _("Missed-call (beep) notifications")
        WEB_FORM = "WEB_FORM", _("Call log in the web form")
        API = "API", _("REST API")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    type = models.CharField(_("type"), max_length=12, choices=Type.choices)
    name = models.CharField(_("name"), max_length=200)
    # Gateway credentials (auth token, shared secret, outbound URL…) as one sealed JSON document.
    credentials_sealed = models.TextField(blank=True)
    area = models.ForeignKey("places.AdminUnit", on_delete=models.PROTECT, related_name="+")
    network = models.ForeignKey(
        Network, null=True, blank=True, on_delete=models.SET_NULL, related_name="channels"
    )
    base_name = models.CharField(_("base"), max_length=200, blank=True)
    default_language = models.CharField(max_length=5, choices=LANGUAGES, default="fr")
    # The mission's own number on this gateway (E.164); not personal data.
    address = models.CharField(max_length=40, blank=True)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.name} ({self.type})"


class Reporter(models.Model):
    """A person who alerts: an enrolled focal point or a member of the public (sealed identity)."""

    class Kind(models.TextChoices):
        FOCAL_POINT = "FOCAL_POINT", _("Focal point")
        PUBLIC = "PUBLIC", _("Public")
        STAFF = "STAFF", _("Staff")
        PARTNER = "PARTNER", _("Partner")

    class Status(models.TextChoices):
        PROPOSED = "PROPOSED", _("Proposed")
        ASSESSED = "ASSESSED", _("Assessed")
        CONSENTED = "CONSENTED", _("Consented")
        TRAINED = "TRAINED", _("Trained")
        ACTIVE = "ACTIVE", _("Active")
        SUSPENDED = "SUSPENDED", _("Suspended")
        EXITED = "EXITED", _("Exited")

    pseudonym = models.CharField(max_length=40, unique=True)
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.PUBLIC)
    name_sealed = models.TextField(blank=True)
    network = models.ForeignKey(
        Network, null=True, blank=True, on_delete=models.PROTECT, related_name="reporters"
    )
    # Area used for scope: the network's area, or the channel's area for a public reporter.
    area = models.ForeignKey("places.AdminUnit", on_delete=models.PROTECT, related_name="+")
    languages = models.JSONField(default=list, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    do_not_contact = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    def __str__(self) -> str:
        return self.pseudonym

    @property
    def language(self) -> str:
        return self.languages[0] if self.languages else "fr"


class ReporterPhone(models.Model):
    """One phone number of a reporter, sealed, found again by its keyed hash."""

    reporter = models.ForeignKey(Reporter, on_delete=models.CASCADE, related_name="phones")
    phone_hash = models.CharField(max_length=64, unique=True)
    phone_sealed = models.TextField()
    primary = models.BooleanField(default=True)

    def __str__(self) -> str:
        return f"phone of {self.reporter_id}"


class InboundMessage(models.Model):
    """One authenticated inbound request, stored verbatim (sealed) before any parsing. Append-only."""

    class State(models.TextChoices):
        STORED = "STORED", _("Stored")
        PARSED = "PARSED", _("Parsed")
        LINKED = "LINKED", _("Linked to an alert")
        IGNORED_SPAM = "IGNORED_SPAM", _("Ignored (spam)")
        ERROR = "ERROR", _("Error (will retry)")
        FAILED = "FAILED", _("Failed (needs a person)")

    class Kind(models.TextChoices):
        SMS = "SMS", _("SMS")
        MISSED_CALL = "MISSED_CALL", _("Missed call")
        VOICE_CALL_LOG = "VOICE_CALL_LOG", _("Call log")
        API = "API", _("API")

    # Indexes here are few on purpose: every SMS writes this row, and each index is one more
    # B-tree page to write (the unique key's index starts with the channel; reporter and alert
    # are set by the processor, so their indexes hold linked rows only).
    channel = models.ForeignKey(
        Channel, on_delete=models.PROTECT, related_name="inbound", db_index=False
    )
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.SMS)
    # The gateway's message id or the client's Idempotency-Key: a retry finds the first delivery.
    external_id = models.CharField(max_length=200)
    received_at = models.DateTimeField(default=timezone.now)
    stored_at = models.DateTimeField(default=timezone.now)
    sender_hash = models.CharField(max_length=64, blank=True)
    sender_sealed = models.TextField(blank=True)
    # JSON of {"body": verbatim request body, "headers": relevant headers, "content_type": …}, sealed.
    raw_sealed = models.TextField()
    # The message text extracted by the gateway adapter, sealed (it can contain names).
    text_sealed = models.TextField(blank=True)
    language_detected = models.CharField(max_length=5, blank=True)
    processing_state = models.CharField(max_length=14, choices=State.choices, default=State.STORED)
    # Flags such as RATE_LIMITED, EMPTY, DUPLICATE_TEXT, BAD_ENCODING.
    flags = models.JSONField(default=list, blank=True)
    reporter = models.ForeignKey(
        Reporter,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    alert = models.ForeignKey(
        "alerts.Alert",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="inbound_messages",
        db_index=False,
    )
    error = models.CharField(max_length=300, blank=True)
    # The raw table is intake's queue: a processor holds a message until ``locked_until`` (a lease:
    # a crashed processor's messages come back), and a failed one waits there for its next try.
    attempts = models.PositiveSmallIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "external_id"], name="inbound_channel_external_unique"
            )
        ]
        indexes = [
            # No index on the sender: its hash puts every SMS's entry at a random place, one more
            # page written per commit (70 µs of a 215 µs INSERT on SQLite, docs/performance.md).
            # The flood guard counts a sender's earlier messages through their reporter, set by
            # the worker when it links them (``intake._flag_floods``).
            models.Index(
                fields=["reporter", "stored_at"],
                condition=models.Q(reporter__isnull=False),
                name="inbound_reporter_stored",
            ),
            models.Index(
                fields=["alert"], condition=models.Q(alert__isnull=False), name="inbound_alert"
            ),
            # Only messages still to process: the claim reads a few rows of an index that stays
            # small however long the raw log grows.
            models.Index(
                fields=["id"],
                condition=models.Q(processing_state__in=["STORED", "ERROR"]),
                name="inbound_to_process",
            ),
        ]

    def __str__(self) -> str:
        return f"inbound #{self.pk} ({self.channel_id})"


class OutboundMessage(models.Model):
    """A message sent back to a reporter (acknowledgement, callback notice, feedback)."""

    class Status(models.TextChoices):
        # QUEUED → SENT (the gateway accepted it) or FAILED (it could not be handed over); then the
        # gateway's delivery report may move SENT on to DELIVERED or UNDELIVERED, never back
        # (``delivery.DELIVERY_TRANSITIONS``).
        QUEUED = "QUEUED", _("Queued")
        SENT = "SENT", _("Sent")
        DELIVERED = "DELIVERED", _("Delivered")
        UNDELIVERED = "UNDELIVERED", _("Not delivered")
        FAILED = "FAILED", _("Failed")
        SUPPRESSED = "SUPPRESSED", _("Suppressed (reporter may not be contacted)")

    class Purpose(models.TextChoices):
        ACK = "ACK", _("Acknowledgement")
        CALLBACK_NOTICE = "CALLBACK_NOTICE", _("Callback notice")
        FEEDBACK = "FEEDBACK", _("Feedback")
        SELF_PROTECTION_ADVICE = "SELF_PROTECTION_ADVICE", _("Self-protection advice")
        BROADCAST = "BROADCAST", _("Broadcast")

    to_reporter = models.ForeignKey(Reporter, on_delete=models.PROTECT, related_name="outbound")
    # Not indexed: nothing looks messages up by channel (delivery reports go by gateway id), and
    # an index is written twice per acknowledgement (insert, then the sent or failed update).
    # Deleting a channel (PROTECT) scans once; channels are deactivated, not deleted.
    channel = models.ForeignKey(
        Channel, on_delete=models.PROTECT, related_name="outbound", db_index=False
    )
    purpose = models.CharField(max_length=24, choices=Purpose.choices)
    language = models.CharField(max_length=5, default="fr")
    body = models.CharField(max_length=480)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.QUEUED)
    related_alert = models.ForeignKey(
        "alerts.Alert", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    gateway_id = models.CharField(max_length=200, blank=True)
    error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    # From the gateway's delivery report: when the handset got it, and the gateway's own word for
    # the last status that changed ours ("delivered", "undelivered"…; never the recipient's number).
    delivered_at = models.DateTimeField(null=True, blank=True)
    gateway_status = models.CharField(max_length=32, blank=True)
    # The table is its own send queue (``outbound.outbound_drain``): a sender holds a QUEUED
    # message until ``next_attempt_at`` (a lease), and a failed attempt waits there for the next.
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["id"],
                condition=models.Q(status="QUEUED"),
                name="outbound_to_send",
            ),
            # A delivery report names the message by the gateway's id: found without a scan.
            models.Index(
                fields=["gateway_id"],
                condition=~models.Q(gateway_id=""),
                name="outbound_gateway_id",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.purpose} to reporter {self.to_reporter_id} ({self.status})"


class CallbackTask(models.Model):
    """A missed call the CLA on duty must return (the mission pays for the call)."""

    class Outcome(models.TextChoices):
        PENDING = "PENDING", _("Pending")
        REACHED = "REACHED", _("Reached")
        NO_ANSWER = "NO_ANSWER", _("No answer")
        NUMBER_OFF = "NUMBER_OFF", _("Number off")
        WRONG_NUMBER = "WRONG_NUMBER", _("Wrong number")

    reporter = models.ForeignKey(Reporter, on_delete=models.PROTECT, related_name="callbacks")
    alert = models.ForeignKey("alerts.Alert", on_delete=models.PROTECT, related_name="callbacks")
    area = models.ForeignKey("places.AdminUnit", on_delete=models.PROTECT, related_name="+")
    due_at = models.DateTimeField()
    attempts = models.PositiveIntegerField(default=0)
    outcome = models.CharField(max_length=12, choices=Outcome.choices, default=Outcome.PENDING)
    created_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"callback for alert {self.alert_id} ({self.outcome})"


class RevealGrantQuerySet(models.QuerySet["RevealGrant"]):
    def open(self, now: datetime | None = None) -> models.QuerySet[RevealGrant]:
        """Grants still in play: awaiting a decision, or approved and not yet expired. Callable
        without arguments, so a template can list ``reporter.reveal_grants.open``."""
        when = now or timezone.now()
        return (
            self.filter(
                models.Q(status=RevealGrant.Status.REQUESTED)
                | models.Q(status=RevealGrant.Status.APPROVED, expires_at__gt=when)
            )
            .select_related("requested_by", "decided_by")
            .order_by("-created_at", "-id")
        )


class RevealGrant(models.Model):
    """A break-glass request to open one reporter's identity outside the CLA/CA line (DP-6):
    asked with a reason, decided by the data-protection focal point, usable by the requester
    alone for 24 hours after approval (``channels.break_glass``)."""

    class Status(models.TextChoices):
        # REQUESTED → APPROVED → EXPIRED, or REQUESTED → REFUSED (``break_glass.TRANSITIONS``).
        # An approved grant may be used many times until it expires; each use is audited.
        REQUESTED = "REQUESTED", _("Awaiting the data protection focal point")
        APPROVED = "APPROVED", pgettext_lazy("identity request", "Approved")
        REFUSED = "REFUSED", pgettext_lazy("identity request", "Refused")
        EXPIRED = "EXPIRED", pgettext_lazy("identity request", "Expired")

    reporter = models.ForeignKey(Reporter, on_delete=models.PROTECT, related_name="reveal_grants")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # Why the identity is needed; checked by the service (required, at most 1000 characters).
    reason = models.TextField(_("reason"), max_length=1000)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.REQUESTED)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True, max_length=500)
    # Approval time + 24 h; after it the grant opens nothing, whatever its status column says.
    expires_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    # How often the requester opened the identity with it (each time is an audit event too).
    reveal_count = models.PositiveIntegerField(default=0)
    last_revealed_at = models.DateTimeField(null=True, blank=True)

    objects = RevealGrantQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            # The DPO's queue and the expiry sweep read by status (and expiry).
            models.Index(fields=["status", "expires_at"], name="revealgrant_status_expires"),
        ]

    def __str__(self) -> str:
        return f"reveal grant #{self.pk} for reporter {self.reporter_id} ({self.status})"


class LegalHold(models.Model):
    """A legal hold on a reporter (DP-9: "unless a legal hold applies"): while it is in force
    (not lifted), the retention rules erase neither the reporter's identity nor their raw
    messages, and a withdrawal of consent is recorded but its erasure waits for the lift
    (``channels.legal_hold``). Placed and lifted by the data protection focal point, each with a
    reason, both audited."""

    reporter = models.ForeignKey(Reporter, on_delete=models.PROTECT, related_name="legal_holds")
    # Why (the case, the instruction received): required, at most 500 characters, never a name.
    reason = models.CharField(max_length=500)
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    placed_at = models.DateTimeField(default=timezone.now)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    lifted_at = models.DateTimeField(null=True, blank=True)
    lift_reason = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-placed_at", "-id"]
        indexes = [
            # Retention reads the holds in force (lifted_at IS NULL) on every run.
            models.Index(fields=["reporter", "lifted_at"], name="legalhold_reporter_lifted"),
        ]

    def __str__(self) -> str:
        state = "lifted" if self.lifted_at else "in force"
        return f"legal hold #{self.pk} on reporter {self.reporter_id} ({state})"
