"""Alert-response indicators (domain.md §11 items 7, 8, 10), from the milestones the response
workflow stamps on each alert the first time it reaches a state (``transmitted_at``,
``decided_at``, ``responded_at``, ``feedback_at``, ``closed_at``): computed, never typed."""

from __future__ import annotations

import math

from django.db.models import Q

from sauti.alerts.selectors import alerts_visible_to
from sauti.indicators.models import Range, Unit
from sauti.indicators.registry import Cell, Cells, Context, indicator, percent


def quantile(values: list[float], q: float) -> float | None:
    """Linear interpolation between closest ranks (numpy's default)."""
    if not values:
        return None
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q
    lo, hi = math.floor(pos), math.ceil(pos)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo)


@indicator(
    "ALERTS_ADDRESSED_PCT",
    en="Alerts addressed (%)",
    fr="Alertes traitées (%)",
    range=Range.RANGE_A,
    unit=Unit.PERCENT,
    owner="JOC",
)
def alerts_addressed_pct(ctx: Context) -> Cells:
    """Alerts received in the period with a response decided or made, or referred / alerts
    received in the period (merged duplicates left out) — MONUSCO's "addressed" figure."""
    qs = (
        alerts_visible_to(ctx.reader("alerts.view"))
        .filter(received_at__gte=ctx.start_dt, received_at__lt=ctx.end_dt)
        .exclude(state="MERGED")
    )
    addressed = qs.filter(
        Q(decided_at__isnull=False) | Q(responded_at__isnull=False) | Q(state="REFERRED")
    )
    return {"": percent(addressed.count(), qs.count())}


@indicator(
    "FEEDBACK_GIVEN_PCT",
    en="Closed alerts with feedback to the reporter (%)",
    fr="Alertes clôturées avec retour à l'auteur (%)",
    range=Range.RANGE_A,
    unit=Unit.PERCENT,
    owner="CAD",
)
def feedback_given_pct(ctx: Context) -> Cells:
    """Alerts closed in the period that had feedback given to the reporter / alerts closed."""
    closed = alerts_visible_to(ctx.reader("alerts.view")).filter(
        closed_at__gte=ctx.start_dt, closed_at__lt=ctx.end_dt
    )
    return {"": percent(closed.filter(feedback_at__isnull=False).count(), closed.count())}


@indicator(
    "MEDIAN_TIME_TO_TRANSMIT",
    en="Median time to transmit (minutes)",
    fr="Délai médian de transmission (minutes)",
    range=Range.RANGE_A,
    unit=Unit.MINUTES,
    disaggregations=("p90",),
    owner="JOC",
)
def median_time_to_transmit(ctx: Context) -> Cells:
    """Minutes from receipt to transmission, median (total) and 90th percentile (``p90``), over
    the alerts received in the period that were transmitted."""
    pairs = (
        alerts_visible_to(ctx.reader("alerts.view"))
        .filter(
            received_at__gte=ctx.start_dt, received_at__lt=ctx.end_dt, transmitted_at__isnull=False
        )
        .values_list("received_at", "transmitted_at")
    )
    minutes = [(t - r).total_seconds() / 60 for r, t in pairs if t is not None]

    def cell(q: float) -> Cell:
        value = quantile(minutes, q)
        return Cell(round(value, 1) if value is not None else None, len(minutes))

    return {"": cell(0.5), "p90": cell(0.9)}
