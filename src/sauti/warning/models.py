"""Early warning (domain.md §3.5): imported events, incremental signal counts, detector flags,
risk levels, hotspot tiers, overrides and subscriptions."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class RiskLevel(models.TextChoices):
    LOW = "LOW", _("Low")
    MEDIUM = "MEDIUM", _("Medium")
    HIGH = "HIGH", _("High")
    CRITICAL = "CRITICAL", _("Critical")


RISK_ORDER = {RiskLevel.LOW: 0, RiskLevel.MEDIUM: 1, RiskLevel.HIGH: 2, RiskLevel.CRITICAL: 3}


class Tier(models.TextChoices):
    MUST = "MUST", _("Must")
    SHOULD = "SHOULD", _("Should")
    COULD = "COULD", _("Could")


class SourceKind(models.TextChoices):
    ALERTS = "ALERTS", _("Alerts")
    EVENTS = "EVENTS", _("Events")


class PeriodKind(models.TextChoices):
    DAY = "DAY", _("Day")
    WEEK = "WEEK", _("Week")


class Event(models.Model):
    """An event from an external dataset (UCDP GED, an ACLED-style CSV), placed by point-in-polygon."""

    source = models.CharField(max_length=40)
    external_id = models.CharField(max_length=80)
    occurred_on = models.DateField()
    lat = models.FloatField(null=True, blank=True)
    lon = models.FloatField(null=True, blank=True)
    where_prec = models.PositiveSmallIntegerField(null=True, blank=True)
    # One admin unit per level, resolved from the coordinates against the gazetteer's polygons.
    admin1 = models.ForeignKey(
        "places.AdminUnit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    admin2 = models.ForeignKey(
        "places.AdminUnit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    admin3 = models.ForeignKey(
        "places.AdminUnit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The deepest of the three: what area scope is checked against.
    admin_unit = models.ForeignKey(
        "places.AdminUnit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    threat_type = models.CharField(max_length=40)
    type_of_violence = models.PositiveSmallIntegerField(null=True, blank=True)
    fatalities = models.PositiveIntegerField(default=0)
    description = models.CharField(max_length=300, blank=True)
    imported_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["source", "external_id"], name="event_source_id_uniq")
        ]
        indexes = [
            models.Index(fields=["occurred_on"], name="event_occurred_on"),
            # Covering index for re-counting signals from the events (a gazetteer change, a
            # benchmark): the database streams it in cell order, no sort and no table access.
            models.Index(
                fields=["admin_unit", "threat_type", "occurred_on", "fatalities"], name="event_cell"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source}:{self.external_id}"


class SignalCount(models.Model):
    """How many alerts or events (and deaths) one admin unit had for one threat type in one day or
    ISO week; kept up to date by increments as data arrives, never recomputed wholesale."""

    admin_unit = models.ForeignKey("places.AdminUnit", on_delete=models.CASCADE, related_name="+")
    threat_type = models.CharField(max_length=40)
    period = models.CharField(max_length=4, choices=PeriodKind.choices)
    period_start = models.DateField()  # the day, or the Monday of the ISO week
    source_kind = models.CharField(max_length=6, choices=SourceKind.choices)
    count = models.PositiveIntegerField(default=0)
    fatalities = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["admin_unit", "threat_type", "period", "period_start", "source_kind"],
                name="signal_cell_uniq",
            )
        ]
        indexes = [models.Index(fields=["period", "period_start"], name="signal_period")]

    def __str__(self) -> str:
        return f"{self.admin_unit_id} {self.threat_type} {self.period} {self.period_start}"


class SignalCursor(models.Model):
    """How far a source (e.g. alerts) has been counted: the highest row id already added."""

    name = models.CharField(max_length=40, unique=True)
    last_id = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.name}@{self.last_id}"


class Flag(models.Model):
    """A detector's finding for one area, threat type and week, explained in words and numbers."""

    admin_unit = models.ForeignKey("places.AdminUnit", on_delete=models.CASCADE, related_name="+")
    threat_type = models.CharField(max_length=40)
    week_start = models.DateField()
    detector = models.CharField(max_length=20)
    observed = models.FloatField()
    expected = models.FloatField()
    score = models.FloatField()
    explanation = models.TextField()
    alert_ids = models.JSONField(default=list, blank=True)
    event_ids = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-week_start", "-score"]
        constraints = [
            models.UniqueConstraint(
                fields=["admin_unit", "threat_type", "week_start", "detector"],
                name="flag_cell_uniq",
            )
        ]

    def __str__(self) -> str:
        return f"{self.detector} {self.threat_type} {self.week_start}"


class AreaRisk(models.Model):
    """The current risk level of an area: computed from signals and tiers, or overridden."""

    admin_unit = models.OneToOneField(
        "places.AdminUnit", on_delete=models.CASCADE, related_name="+"
    )
    computed_level = models.CharField(max_length=10, choices=RiskLevel.choices)
    level = models.CharField(max_length=10, choices=RiskLevel.choices)
    score = models.FloatField(default=0)
    reasons = models.JSONField(default=list, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.admin_unit_id}: {self.level}"


class HotspotTier(models.Model):
    """An officer's Must/Should/Could hotspot tier for an area (MONUSCO's matrix)."""

    admin_unit = models.OneToOneField(
        "places.AdminUnit", on_delete=models.CASCADE, related_name="+"
    )
    tier = models.CharField(max_length=6, choices=Tier.choices)
    note = models.CharField(max_length=300, blank=True)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    set_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.admin_unit_id}: {self.tier}"


class RiskOverride(models.Model):
    """An officer's decision to set an area's risk level by hand, with the reason (audited)."""

    admin_unit = models.ForeignKey("places.AdminUnit", on_delete=models.CASCADE, related_name="+")
    level = models.CharField(max_length=10, choices=RiskLevel.choices)
    reason = models.TextField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    valid_until = models.DateField(null=True, blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.admin_unit_id}: {self.level}"


class Subscription(models.Model):
    """An officer asks to be told when an area (or anything inside it) reaches a risk level."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    admin_unit = models.ForeignKey("places.AdminUnit", on_delete=models.CASCADE, related_name="+")
    min_level = models.CharField(max_length=10, choices=RiskLevel.choices, default=RiskLevel.HIGH)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "admin_unit"], name="subscription_uniq")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.admin_unit_id}"


class Notification(models.Model):
    """A message to a subscribed officer that an area crossed a risk level (sent by the worker)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    admin_unit = models.ForeignKey("places.AdminUnit", on_delete=models.CASCADE, related_name="+")
    old_level = models.CharField(max_length=10, choices=RiskLevel.choices)
    new_level = models.CharField(max_length=10, choices=RiskLevel.choices)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.admin_unit_id}: {self.old_level} → {self.new_level}"
