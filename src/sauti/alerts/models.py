"""Alerts: one report of a threat from a community source (domain.md §3.3)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Alert(models.Model):
    """One report of a threat or incident received from a community source through one channel."""

    reference = models.CharField(max_length=40, unique=True)
    summary = models.CharField(_("summary"), max_length=500)
    # Every alert sits in an admin unit — the resolved place, or else the area of the channel or
    # base that received it — so that area scope always applies.
    admin_unit = models.ForeignKey("places.AdminUnit", on_delete=models.PROTECT, related_name="alerts")
    threat_type = models.CharField(_("threat type"), max_length=40, default="OTHER")
    state = models.CharField(_("state"), max_length=20, default="RECEIVED")
    received_at = models.DateTimeField(_("received at"), default=timezone.now)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-received_at", "-id"]
        indexes = [models.Index(fields=["admin_unit", "received_at"], name="alert_unit_received")]

    def __str__(self) -> str:
        return self.reference
