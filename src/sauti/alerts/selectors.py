"""Reads of alerts, always through the access module."""

from __future__ import annotations

from django.db.models import QuerySet

from sauti.accounts import access
from sauti.alerts.models import Alert, Incident


def _base() -> QuerySet[Alert]:
    return Alert.objects.select_related("admin_unit", "reporter")


def alerts_visible_to(
    user: access.AnyUser | None, permission: str = "alerts.view"
) -> QuerySet[Alert]:
    return access.visible(user, permission, _base(), "admin_unit")


def alert_get(user: access.AnyUser | None, alert_id: int) -> Alert:
    return access.get_visible(user, "alerts.view", _base(), "admin_unit", id=alert_id)


def incidents_visible_to(
    user: access.AnyUser | None, permission: str = "alerts.view"
) -> QuerySet[Incident]:
    """Incidents (not merged away) whose admin unit lies in the user's areas."""
    qs = Incident.objects.exclude(status=Incident.Status.MERGED).select_related("admin_unit")
    return access.visible(user, permission, qs, "admin_unit")
