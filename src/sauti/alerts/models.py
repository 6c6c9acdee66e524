"""Alerts: one report of a threat from a community source (domain.md §3.3)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sauti.alerts.workflow import AlertState

# Fields the parser fills; a human edit locks a field so that re-parsing never overwrites it.
PARSED_FIELDS = ("threat_type", "place", "occurred_at", "actors", "counts")
COUNT_KEYS = ("killed", "injured", "abducted", "displaced")


class Priority(models.TextChoices):
    P1 = "P1", _("P1 imminent threat to life")
    P2 = "P2", _("P2 credible threat")
    P3 = "P3", _("P3 early sign")
    P4 = "P4", _("P4 other")


class Verification(models.TextChoices):
    UNVERIFIED = "UNVERIFIED", _("Unverified")
    CORROBORATED = "CORROBORATED", _("Corroborated")
    CONFIRMED = "CONFIRMED", _("Confirmed")
    UNFOUNDED = "UNFOUNDED", _("Unfounded")
    UNVERIFIABLE = "UNVERIFIABLE", _("Unverifiable")


class Confidence(models.TextChoices):
    HIGH = "HIGH", _("High")
    MEDIUM = "MEDIUM", _("Medium")
    LOW = "LOW", _("Low")


class TimePrecision(models.TextChoices):
    EXACT = "EXACT", _("Exact")
    HOURS = "HOURS", _("Within hours")
    DAY = "DAY", _("Day")
    WEEK = "WEEK", _("Week")
    MONTH = "MONTH", _("Month")
    UNKNOWN = "UNKNOWN", _("Unknown (time of receipt)")


class Alert(models.Model):
    """One report of a threat or incident received from a community source through one channel."""

    # Unique by a constraint (Meta), not ``unique=True``: on PostgreSQL that adds a second,
    # pattern-matching index no query uses, written for every alert.
    reference = models.CharField(max_length=40)
    summary = models.CharField(_("summary"), max_length=500)
    # Every alert sits in an admin unit — the resolved place, or else the area of the channel or
    # base that received it — so that area scope always applies.
    admin_unit = models.ForeignKey(
        "places.AdminUnit", on_delete=models.PROTECT, related_name="alerts", db_index=False
    )  # indexed first in alert_unit_received
    threat_type = models.CharField(_("threat type"), max_length=40, default="OTHER")
    # The workflow of domain.md §4.1 (``alerts.workflow``); changed only by ``alert_transition``.
    state = models.CharField(
        _("state"), max_length=20, choices=AlertState.choices, default=AlertState.RECEIVED
    )
    state_changed_at = models.DateTimeField(null=True, blank=True)
    # Triage and verification (§7.6–7.7).
    priority = models.CharField(_("priority"), max_length=2, choices=Priority.choices, blank=True)
    verification_needed = models.BooleanField(default=False)
    verification_status = models.CharField(
        _("verification"),
        max_length=12,
        choices=Verification.choices,
        default=Verification.UNVERIFIED,
    )
    source_reliability = models.PositiveSmallIntegerField(
        _("source reliability (1–5)"), null=True, blank=True
    )
    attribution_confidence = models.CharField(
        _("confidence in actor attribution"), max_length=6, choices=Confidence.choices, blank=True
    )
    response_option = models.CharField(_("response option"), max_length=30, blank=True)
    # Milestones stamped by the transitions (first time each state is reached); metrics read them.
    recorded_at = models.DateTimeField(null=True, blank=True)
    transmitted_at = models.DateTimeField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    feedback_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # The real-world event this alert is about (several alerts, one incident; §3.3, §4.2).
    incident = models.ForeignKey(
        "alerts.Incident",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="alerts",
        db_index=False,
    )  # alert_incident: only alerts grouped into one
    # The next deadline (SLA) and the step it belongs to; the escalation job scans ``due_at``.
    due_at = models.DateTimeField(null=True, blank=True)
    due_step = models.CharField(max_length=20, blank=True)
    escalation_level = models.PositiveSmallIntegerField(default=0)
    received_at = models.DateTimeField(_("received at"), default=timezone.now)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )  # alert_created_by: only alerts a person logged
    # Source: a pseudonymous reporter (never a name or number) and the channel it came through.
    reporter = models.ForeignKey(
        "channels.Reporter", null=True, blank=True, on_delete=models.PROTECT, related_name="alerts"
    )
    # Not indexed: alerts are read by channel only through joins from the alert (its type,
    # network, base); deleting a channel (PROTECT, rare: they are deactivated) scans once.
    channel = models.ForeignKey(
        "channels.Channel",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="alerts",
        db_index=False,
    )
    language = models.CharField(max_length=5, blank=True)
    # The text as told, sealed: it can name people (DP-2).
    narrative_sealed = models.TextField(blank=True)
    place_text = models.CharField(_("place as told"), max_length=200, blank=True)
    # Ranked candidates from the places resolver ({"pcode", "name", "score", …}); [] until it exists.
    place_candidates = models.JSONField(default=list, blank=True)
    occurred_at = models.DateTimeField(_("occurred at"), null=True, blank=True)
    occurred_precision = models.CharField(
        max_length=8, choices=TimePrecision.choices, default=TimePrecision.UNKNOWN
    )
    actors = models.JSONField(default=list, blank=True)
    counts = models.JSONField(default=dict, blank=True)
    # Confidence 0..1 per parsed field (PARSED_FIELDS); 1.0 for a value a human set.
    confidence = models.JSONField(default=dict, blank=True)
    locked_fields = models.JSONField(default=list, blank=True)
    flags = models.JSONField(default=list, blank=True)
    parser_version = models.CharField(max_length=20, blank=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        indexes = [
            models.Index(fields=["admin_unit", "received_at"], name="alert_unit_received"),
            models.Index(fields=["due_at"], name="alert_due"),
            # Metrics read the current month of the whole mission live (response.metrics).
            models.Index(fields=["received_at"], name="alert_received"),
            models.Index(fields=["state", "priority", "received_at"], name="alert_board"),
            # Partial: an SMS alert has neither, and an index entry is written per row and index.
            models.Index(
                fields=["incident"], name="alert_incident", condition=Q(incident__isnull=False)
            ),
            models.Index(
                fields=["created_by"],
                name="alert_created_by",
                condition=Q(created_by__isnull=False),
            ),
        ]
        constraints = [models.UniqueConstraint(fields=["reference"], name="alert_reference")]

    def __str__(self) -> str:
        return self.reference


class ReferenceCounter(models.Model):
    """The last number handed out for one reference prefix (e.g. MINUSCA-CF52-2026-)."""

    prefix = models.CharField(max_length=40, unique=True)
    value = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.prefix}{self.value:06d}"


class Actor(models.Model):
    """An armed group, state force or militia, with the aliases reporters use for it (per mission)."""

    name = models.CharField(max_length=100, unique=True)
    aliases = models.JSONField(default=list, blank=True)
    actor_type = models.CharField(max_length=30, blank=True)
    country_iso2 = models.CharField(max_length=2, blank=True)
    active = models.BooleanField(default=True)

    def __str__(self) -> str:
        return self.name


class AlertTransition(models.Model):
    """One step of an alert through the workflow: from, to, by whom, when and why (§4)."""

    alert = models.ForeignKey(
        Alert, on_delete=models.CASCADE, related_name="transitions", db_index=False
    )  # indexed first in alert_transition_at
    from_state = models.CharField(max_length=20, blank=True)
    to_state = models.CharField(max_length=20)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )  # alert_transition_by: the system's own steps (intake) have no person
    at = models.DateTimeField(default=timezone.now)
    reason = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [
            models.Index(fields=["alert", "at"], name="alert_transition_at"),
            models.Index(fields=["by"], name="alert_transition_by", condition=Q(by__isnull=False)),
        ]

    def __str__(self) -> str:
        return f"{self.from_state or '∅'} → {self.to_state}"


class Incident(models.Model):
    """One real-world event that one or more alerts report (domain.md §3.3, §4.2)."""

    class Status(models.TextChoices):
        OPEN = "OPEN", _("Open")
        MONITORING = "MONITORING", _("Monitoring")
        RESOLVED = "RESOLVED", _("Resolved")
        ARCHIVED = "ARCHIVED", _("Archived")
        MERGED = "MERGED", _("Merged")

    title = models.CharField(_("title"), max_length=300)
    threat_type = models.CharField(max_length=40)
    admin_unit = models.ForeignKey("places.AdminUnit", on_delete=models.PROTECT, related_name="+")
    first_alert_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    def __str__(self) -> str:
        return self.title


class IncidentEvent(models.Model):
    """History of an incident: alerts linked and unlinked, incidents merged (who, when, why)."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=8)  # CREATE, LINK, UNLINK, MERGE
    alert = models.ForeignKey(
        Alert, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    other = models.ForeignKey(
        Incident, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)
    reason = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.incident_id} {self.kind}"
