"""Reads of alerts, always through the access module."""

from __future__ import annotations

from django.db.models import QuerySet

from sauti.accounts import access
from sauti.alerts.models import Alert


def _base() -> QuerySet[Alert]:
    return Alert.objects.select_related("admin_unit", "reporter")


def alerts_visible_to(
    user: access.AnyUser | None, permission: str = "alerts.view"
) -> QuerySet[Alert]:
    return access.visible(user, permission, _base(), "admin_unit")


def alert_get(user: access.AnyUser | None, alert_id: int) -> Alert:
    return access.get_visible(user, "alerts.view", _base(), "admin_unit", id=alert_id)
