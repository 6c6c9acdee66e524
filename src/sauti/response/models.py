"""Response: what happens after an alert is recorded — transmission, acknowledgement, deadlines,
notifications and feedback to the reporter (domain.md §3.4, §4.1)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Step(models.TextChoices):
    CALLBACK = "CALLBACK", _("Callback after missed call")
    RECORD = "RECORD", _("Recorded")
    TRANSMIT = "TRANSMIT", _("Transmitted")
    ACK = "ACK", _("Acknowledged by responder")
    DECIDE = "DECIDE", _("Response decided")
    RESPOND = "RESPOND", _("Response completed")
    FEEDBACK = "FEEDBACK", _("Feedback to reporter")


class Party(models.TextChoices):
    BASE_COMMANDER = "BASE_COMMANDER", _("Base commander")
    FIELD_JOC = "FIELD_JOC", _("Field JOC")
    HEAD_OF_OFFICE = "HEAD_OF_OFFICE", _("Head of office / POC")
    MISSION_JOC = "MISSION_JOC", _("Mission JOC")
    NATIONAL_FORCES = "NATIONAL_FORCES", _("National forces liaison")
    HR_SECTION = "HR_SECTION", _("Human rights")
    CP_SECTION = "CP_SECTION", _("Child protection")
    WPA = "WPA", _("Women protection")


# Escalation ladder (§4.1): base → field JOC → head of office/POC → mission JOC.
LADDER = (Party.BASE_COMMANDER, Party.FIELD_JOC, Party.HEAD_OF_OFFICE, Party.MISSION_JOC)


class SLAPolicy(models.Model):
    """A mission's own target, in minutes, for one step and priority (overrides §4.1 defaults)."""

    step = models.CharField(max_length=10, choices=Step.choices)
    priority = models.CharField(max_length=2)
    minutes = models.PositiveIntegerField(null=True, blank=True, help_text="empty = no deadline")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["step", "priority"], name="sla_step_priority")
        ]

    def __str__(self) -> str:
        return f"{self.step} {self.priority}: {self.minutes}"


class RoutingRule(models.Model):
    """Which responder group receives alerts of an area (and below), threat type and priority."""

    area = models.ForeignKey("places.AdminUnit", on_delete=models.PROTECT, related_name="+")
    threat_type = models.CharField(max_length=40, blank=True, help_text="empty = any")
    priorities = models.JSONField(default=list, blank=True, help_text="empty = any")
    party = models.CharField(max_length=16, choices=Party.choices)
    # The responder (user) who receives it; content level follows the party (DP-5).
    responder = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="routing_rules"
    )
    active = models.BooleanField(default=True)
    # The duty phone that receives the transmission by SMS with its acknowledgement code (sealed).
    phone_sealed = models.TextField(blank=True)

    def __str__(self) -> str:
        return f"{self.area_id} {self.threat_type or '*'} → {self.party}"


class Transmission(models.Model):
    """An alert sent to one responder or decision point, awaiting acknowledgement (§3.4)."""

    class Content(models.TextChoices):
        FULL_INTERNAL = "FULL_INTERNAL", _("Full (internal)")
        DEIDENTIFIED = "DEIDENTIFIED", _("De-identified")

    alert = models.ForeignKey(
        "alerts.Alert", on_delete=models.CASCADE, related_name="transmissions"
    )
    to_party = models.CharField(max_length=16, choices=Party.choices)
    to_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    level = models.PositiveSmallIntegerField(default=0)
    content_level = models.CharField(max_length=14, choices=Content.choices)
    # The text the responder receives: written for them, never the reporter's identity (DP-5).
    content = models.CharField(max_length=500)
    # Short code the responder replies with by SMS ("OK 7KQ2MX") to acknowledge.
    ack_code = models.CharField(max_length=8, unique=True)
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_via = models.CharField(max_length=8, blank=True)
    # SMS to the responder's duty phone (sealed copy of the number at the time of transmission).
    sms_to_sealed = models.TextField(blank=True)
    sms_status = models.CharField(max_length=8, blank=True)
    sms_sent_at = models.DateTimeField(null=True, blank=True)
    sms_error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.alert_id} → {self.to_party}"


class Notification(models.Model):
    """An in-app notice to one user about one alert (the bell on the board)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    alert = models.ForeignKey(
        "alerts.Alert", on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=20)
    text = models.CharField(max_length=300)
    created_at = models.DateTimeField(default=timezone.now)
    emailed_at = models.DateTimeField(null=True, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.text}"


class Feedback(models.Model):
    """Closing the loop: what the reporter was told, in their language (§3.4, DP-7)."""

    class Kind(models.TextChoices):
        ACK_RECEIVED = "ACK_RECEIVED", _("Alert received")
        ACTION_TAKEN = "ACTION_TAKEN", _("Action taken")
        NO_ACTION_EXPLAINED = "NO_ACTION_EXPLAINED", _("No action, explained")
        SAFETY_ADVICE = "SAFETY_ADVICE", _("Safety advice")

    alert = models.ForeignKey("alerts.Alert", on_delete=models.CASCADE, related_name="feedback")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    language = models.CharField(max_length=5)
    outbound_id = models.BigIntegerField(null=True, blank=True)
    suppressed = models.BooleanField(default=False)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.alert_id} {self.kind}"


class Device(models.Model):
    """Equipment issued to a focal point or kept by a network (phone, radio, charger)."""

    class Kind(models.TextChoices):
        PHONE = "PHONE", _("Phone")
        RADIO = "RADIO", _("Radio")
        CHARGER = "CHARGER", _("Charger (solar)")
        OTHER = "OTHER", _("Other")

    class Status(models.TextChoices):
        ISSUED = "ISSUED", _("Issued")
        LOST = "LOST", _("Lost or stolen")
        BROKEN = "BROKEN", _("Broken")
        RETURNED = "RETURNED", _("Returned")

    network = models.ForeignKey(
        "channels.Network", on_delete=models.CASCADE, related_name="devices"
    )
    # The holder by pseudonym only; a lost phone is a reason to review the holder's safety (§4.3).
    reporter = models.ForeignKey(
        "channels.Reporter", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    label = models.CharField(_("label or serial"), max_length=100, blank=True)
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.ISSUED
    )
    issued_at = models.DateField(_("issued on"), default=timezone.localdate)

    def __str__(self) -> str:
        return f"{self.kind} {self.label}"


class MetricMonth(models.Model):
    """Roll-up of one past month's alerts of one admin area (level ≤ 2) and base: counts and a
    log-bucket histogram of each step's duration, so metrics over a year read ~1,000 rows."""

    month = models.DateField()
    admin_unit = models.ForeignKey("places.AdminUnit", on_delete=models.CASCADE, related_name="+")
    base = models.CharField(max_length=200, blank=True)
    alerts = models.PositiveIntegerField(default=0)
    transmitted = models.PositiveIntegerField(default=0)
    responded = models.PositiveIntegerField(default=0)
    # step -> list of counts per bucket (see response.metrics.bucket)
    histograms = models.JSONField(default=dict)
    # Alerts received before this instant are included: the month's end, or for the current
    # month the midnight the roll-up ran after (later alerts are read live).
    through = models.DateTimeField()
    computed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["month", "admin_unit", "base"], name="metric_month_unit_base"
            )
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.admin_unit_id} {self.base}"


class DutyShift(models.Model):
    """Who holds a base's alert phone (hotline) from when to when; a handover ends one shift and
    starts the next."""

    network = models.ForeignKey("channels.Network", on_delete=models.CASCADE, related_name="+")
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="duty_shifts"
    )
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    handed_over_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["starts_at", "id"]
        indexes = [models.Index(fields=["network", "starts_at"], name="duty_network_start")]

    def __str__(self) -> str:
        return f"{self.network_id} {self.holder_id} {self.starts_at:%Y-%m-%d %H:%M}"
