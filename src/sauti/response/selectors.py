"""Reads of the response workflow, always through the access module."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from sauti.accounts import access
from sauti.alerts.models import Alert, AlertTransition
from sauti.alerts.workflow import OPEN_STATES, AlertState
from sauti.response.models import Notification, Transmission

PRIORITY_ORDER = ("P1", "P2", "P3", "P4", "")


def board_alerts(
    user: access.AnyUser | None,
    *,
    area: str = "",
    threat_type: str = "",
    state: str = "",
) -> QuerySet[Alert]:
    """Open alerts the user may see, most urgent first (priority, then nearest deadline)."""
    qs = access.visible(
        user,
        "response.board",
        Alert.objects.select_related("admin_unit").filter(state__in=list(OPEN_STATES)),
        "admin_unit",
    )
    if area:
        qs = qs.filter(Q(admin_unit__pcode=area) | Q(admin_unit__path__contains=f"/{area}/"))
    if threat_type:
        qs = qs.filter(threat_type=threat_type)
    if state:
        qs = qs.filter(state=state)
    return qs.order_by("priority", "due_at", "received_at")


def timeline(alert: Alert) -> list[AlertTransition]:
    return list(alert.transitions.select_related("by").order_by("at", "id"))


def awaiting_feedback(user: access.AnyUser | None) -> QuerySet[Alert]:
    """Alerts whose reporter still awaits feedback: response ended, or no action decided."""
    qs = Alert.objects.select_related("admin_unit", "reporter").filter(
        Q(state=AlertState.RESPONDED)
        | Q(state=AlertState.RESPONSE_DECIDED, response_option="NO_ACTION")
    )
    return access.visible(user, "response.feedback", qs, "admin_unit").order_by("due_at")


def transmissions_for(user: access.AnyUser | None) -> QuerySet[Transmission]:
    """Transmissions addressed to this user that still await acknowledgement."""
    if user is None or not user.is_authenticated:
        return Transmission.objects.none()
    return Transmission.objects.filter(to_user=user, acknowledged_at__isnull=True).select_related(
        "alert"
    )


def notifications_for(user: access.AnyUser | None, limit: int = 20) -> list[Notification]:
    if user is None or not user.is_authenticated:
        return []
    return list(Notification.objects.filter(user=user, read_at__isnull=True)[:limit])
