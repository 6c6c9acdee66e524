"""Reads of reporters and channels, always through the access module."""

from __future__ import annotations

from django.db.models import QuerySet

from sauti.accounts import access
from sauti.channels.models import CallbackTask, Reporter


def reporters_visible_to(user: access.AnyUser | None) -> QuerySet[Reporter]:
    qs = Reporter.objects.select_related("network", "area").order_by("pseudonym")
    return access.visible(user, "reporters.view", qs, "area")


def reporter_get(user: access.AnyUser | None, reporter_id: int) -> Reporter:
    qs = Reporter.objects.select_related("network", "area")
    return access.get_visible(user, "reporters.view", qs, "area", id=reporter_id)


def reporter_get_for_identity(user: access.AnyUser | None, reporter_id: int) -> Reporter:
    """A reporter whose sealed identity the user may open: identity.view and area scope (DP-3)."""
    return access.get_visible(user, "identity.view", Reporter.objects.all(), "area", id=reporter_id)


def callbacks_visible_to(user: access.AnyUser | None) -> QuerySet[CallbackTask]:
    qs = CallbackTask.objects.select_related("reporter", "alert", "area").order_by("due_at")
    return access.visible(user, "alerts.view", qs, "area")
