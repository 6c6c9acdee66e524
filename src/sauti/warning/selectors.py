"""Reads of the early-warning data, always through the access module (area scope)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from sauti.accounts import access
from sauti.alerts.selectors import alerts_visible_to
from sauti.places.models import AdminUnit
from sauti.warning.models import AreaRisk, Event, Flag, Notification


def flags_visible_to(user: access.AnyUser | None) -> QuerySet[Flag]:
    return access.visible(
        user, "warning.view", Flag.objects.select_related("admin_unit"), "admin_unit"
    )


def flag_get(user: access.AnyUser | None, flag_id: int) -> Flag:
    return access.get_visible(
        user, "warning.view", Flag.objects.select_related("admin_unit"), "admin_unit", id=flag_id
    )


def flag_sources(user: access.AnyUser | None, flag: Flag) -> dict[str, Any]:
    """The alerts (those the user may see) and events behind a flag."""
    alerts = alerts_visible_to(user).filter(id__in=flag.alert_ids).order_by("-received_at")
    events = access.visible(
        user, "warning.view", Event.objects.select_related("admin_unit"), "admin_unit"
    ).filter(id__in=flag.event_ids)
    return {"alerts": list(alerts), "events": list(events.order_by("-occurred_on"))}


def risks_visible_to(user: access.AnyUser | None) -> QuerySet[AreaRisk]:
    return access.visible(
        user, "warning.view", AreaRisk.objects.select_related("admin_unit"), "admin_unit"
    ).order_by("admin_unit__path")


def area_get(user: access.AnyUser | None, pcode: str) -> AdminUnit:
    """An admin unit inside the user's areas, else 404 (absent and out of scope look the same)."""
    access.require(user, "warning.view")
    unit = AdminUnit.objects.filter(pcode=pcode).first()
    if unit is None or not access.in_scope(user, unit.path):
        raise Http404("not found")
    return unit


def notifications_for(user: access.AnyUser | None) -> QuerySet[Notification]:
    if user is None or not user.is_authenticated:
        return Notification.objects.none()
    return Notification.objects.filter(user_id=user.pk).select_related("admin_unit")[:20]
