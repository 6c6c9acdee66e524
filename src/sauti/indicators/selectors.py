"""Reads of indicator snapshots and the records behind a number, through the access module."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db.models import QuerySet

from sauti.accounts import access
from sauti.alerts.models import Alert
from sauti.alerts.selectors import alerts_visible_to
from sauti.civic import selectors as civic
from sauti.civic.models import Activity
from sauti.indicators.models import IndicatorSnapshot, IndicatorTarget, IndicatorValue
from sauti.indicators.periods import period_bounds
from sauti.places.models import AdminUnit

User = access.AnyUser | None


def areas_for(user: User, max_level: int = 2) -> list[AdminUnit]:
    """Admin units the user may pick (their areas and everything under them, down to bases)."""
    paths = access.area_paths(user)
    if not paths or not access.has_perm(user, "indicators.view"):
        return []
    units = AdminUnit.objects.filter(level__lte=max_level).order_by("path")
    return [u for u in units if any(u.path.startswith(p) for p in paths)]


def snapshots_visible_to(user: User) -> QuerySet[IndicatorSnapshot]:
    return access.visible(
        user,
        "indicators.view",
        IndicatorSnapshot.objects.filter(current=True).select_related("definition", "area"),
        "area",
    )


def periods_available(user: User) -> list[str]:
    return sorted(
        set(snapshots_visible_to(user).values_list("period", flat=True).distinct()), reverse=True
    )


def dashboard(user: User, area: AdminUnit, period: str) -> list[dict[str, Any]]:
    """Each indicator's current snapshot for the area and period: total, cells, target."""
    snaps = list(snapshots_visible_to(user).filter(area=area, period=period))
    values: dict[int, list[IndicatorValue]] = defaultdict(list)
    for v in IndicatorValue.objects.filter(snapshot__in=[s.pk for s in snaps]).order_by("id"):
        values[v.snapshot_id].append(v)
    targets = {t.definition_id: t for t in IndicatorTarget.objects.filter(area=area, period=period)}
    out = []
    for s in sorted(snaps, key=lambda s: (s.definition.range, s.definition.code)):
        cells = values[s.pk]
        total = next((v for v in cells if v.disaggregation_key == ""), None)
        out.append(
            {
                "definition": s.definition,
                "snapshot": s,
                "total": total,
                "cells": [v for v in cells if v.disaggregation_key],
                "target": targets.get(s.definition_id),
            }
        )
    return out


def series(user: User, area: AdminUnit, code: str, periods: list[str]) -> list[float]:
    """Totals of one indicator for the area over monthly periods (0 where nothing was computed)."""
    totals = dict(
        IndicatorValue.objects.filter(
            snapshot__in=snapshots_visible_to(user).filter(
                area=area, definition__code=code, period__in=periods
            ),
            disaggregation_key="",
        ).values_list("snapshot__period", "value")
    )
    return [float(totals.get(p) or 0) for p in periods]


def children_totals(
    user: User, area: AdminUnit, code: str, period: str
) -> list[tuple[AdminUnit, float]]:
    """The indicator's total in each unit one level below the area (for the map)."""
    rows = IndicatorValue.objects.filter(
        snapshot__in=snapshots_visible_to(user).filter(
            area__parent=area, definition__code=code, period=period
        ),
        disaggregation_key="",
    ).select_related("snapshot__area")
    return [(v.snapshot.area, float(v.value or 0)) for v in rows]


def alerts_behind(user: User, area: AdminUnit, period: str) -> QuerySet[Alert]:
    """The alerts counted by ALERTS_RECEIVED, as the user may see them (their own access)."""
    start, end = period_bounds(period)
    return (
        alerts_visible_to(user)
        .filter(
            admin_unit__path__startswith=area.path,
            received_at__date__gte=start,
            received_at__date__lte=end,
        )
        .order_by("-received_at")
    )


def activities_behind(user: User, area: AdminUnit, period: str) -> QuerySet[Activity]:
    start, end = period_bounds(period)
    return (
        civic.activities_visible_to(user, date_from=start, date_to=end)
        .filter(admin_unit__path__startswith=area.path, status__in=civic.HELD)
        .order_by("start")
    )
