"""Response metrics computed from the recorded transitions, never typed (domain.md §4).

Each duration is the difference of two milestone times that ``alert_transition`` stamps the first
time an alert reaches a state (``recorded_at``, ``transmitted_at``…), so a metric reads one row
per alert instead of scanning the transition log. Medians and 90th percentiles per area (admin1),
base or month, for the alerts the user may see. PostgreSQL computes the percentiles itself
(``percentile_cont``); other databases get them in Python over the same rows.
"""

from __future__ import annotations

import math
from datetime import timedelta
from typing import Any

from django.db import connection
from django.db.models import (
    CharField,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    Func,
    Q,
    QuerySet,
    Value,
)
from django.db.models.aggregates import Aggregate
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sauti.accounts import access
from sauti.alerts.models import Alert

# step -> (label, end milestone, start milestone(s): the first non-null is used)
STEPS: dict[str, tuple[Any, str, tuple[str, ...]]] = {
    "record": (_("Time to record"), "recorded_at", ("received_at",)),
    "transmit": (_("Time to transmit"), "transmitted_at", ("received_at",)),
    "acknowledge": (_("Time to acknowledge"), "acknowledged_at", ("transmitted_at",)),
    "decide": (_("Time to decide"), "decided_at", ("received_at",)),
    "respond": (_("Time to respond"), "responded_at", ("received_at",)),
    "feedback": (_("Time to feedback"), "feedback_at", ("responded_at", "decided_at")),
}
GROUPS = {"area": _("Admin area"), "base": _("Base"), "month": _("Month")}


class Percentile(Aggregate):
    """PostgreSQL's ordered-set aggregate ``percentile_cont(p) WITHIN GROUP (ORDER BY expr)``."""

    function = "percentile_cont"
    template = "%(function)s(%(percentile)s) WITHIN GROUP (ORDER BY %(expressions)s)"

    def __init__(self, expression: Any, percentile: float, **extra: Any) -> None:
        super().__init__(expression, percentile=percentile, output_field=DurationField(), **extra)


def _scope(user: Any, months: int) -> QuerySet[Alert]:
    since = timezone.now() - timedelta(days=31 * max(1, min(months, 60)))
    return access.visible(
        user, "response.metrics", Alert.objects.filter(received_at__gte=since), "admin_unit"
    )


def _group_expr(group: str) -> Any:
    if group == "month":
        return TruncMonth("received_at")
    if group == "base":
        return Coalesce(F("channel__base_name"), Value(""), output_field=CharField())
    return Func(
        F("admin_unit__path"), Value("/"), Value(3), function="split_part", output_field=CharField()
    )


def _duration(end: str, starts: tuple[str, ...]) -> Any:
    start = F(starts[0]) if len(starts) == 1 else Coalesce(*[F(s) for s in starts])
    return ExpressionWrapper(F(end) - start, output_field=DurationField())


def _quantile(values: list[float], q: float) -> float | None:
    """Linear-interpolated quantile, the same definition as PostgreSQL's percentile_cont."""
    if not values:
        return None
    values = sorted(values)
    pos = (len(values) - 1) * q
    low, high = math.floor(pos), math.ceil(pos)
    return values[low] + (values[high] - values[low]) * (pos - low)


def _minutes(value: Any) -> float | None:
    if value is None:
        return None
    if isinstance(value, timedelta):
        return round(value.total_seconds() / 60, 1)
    return round(float(value) / 60, 1)


def response_metrics(user: Any, *, group: str = "area", months: int = 12) -> list[dict[str, Any]]:
    """One row per group: alerts, share responded, and median/P90 minutes for each step."""
    qs = _scope(user, months)
    if connection.vendor == "postgresql":
        return _metrics_sql(qs, group)
    return _metrics_python(qs, group)


def _metrics_sql(qs: QuerySet[Alert], group: str) -> list[dict[str, Any]]:
    aggregates: dict[str, Any] = {
        "alerts": Count("id"),
        "transmitted": Count("id", filter=Q(transmitted_at__isnull=False)),
        "responded": Count("id", filter=Q(responded_at__isnull=False)),
    }
    for step, (_label, end, starts) in STEPS.items():
        duration = _duration(end, starts)
        aggregates[f"{step}_p50"] = Percentile(duration, 0.5)
        aggregates[f"{step}_p90"] = Percentile(duration, 0.9)
    rows = qs.annotate(key=_group_expr(group)).values("key").annotate(**aggregates).order_by("key")
    return [_row(dict(r)) for r in rows]


def _row(raw: dict[str, Any]) -> dict[str, Any]:
    key = raw["key"]
    row: dict[str, Any] = {
        "key": key.strftime("%Y-%m") if hasattr(key, "strftime") else (key or "—"),
        "alerts": raw["alerts"],
        "responded": raw["responded"],
        "share_responded": (
            round(100 * raw["responded"] / raw["transmitted"]) if raw["transmitted"] else None
        ),
        "steps": {},
    }
    for step in STEPS:
        row["steps"][step] = (_minutes(raw[f"{step}_p50"]), _minutes(raw[f"{step}_p90"]))
    return row


def _metrics_python(qs: QuerySet[Alert], group: str) -> list[dict[str, Any]]:
    fields = ["received_at", *{f for _l, end, starts in STEPS.values() for f in (end, *starts)}]
    groups: dict[Any, dict[str, Any]] = {}
    for values in qs.values("admin_unit__path", "channel__base_name", *fields).iterator():
        if group == "month":
            key: Any = values["received_at"].strftime("%Y-%m")
        elif group == "base":
            key = values["channel__base_name"] or ""
        else:
            parts = [p for p in values["admin_unit__path"].split("/") if p]
            key = parts[1] if len(parts) > 1 else parts[0]
        acc = groups.setdefault(
            key, {"alerts": 0, "transmitted": 0, "responded": 0, "d": {s: [] for s in STEPS}}
        )
        acc["alerts"] += 1
        acc["transmitted"] += values["transmitted_at"] is not None
        acc["responded"] += values["responded_at"] is not None
        for step, (_label, end, starts) in STEPS.items():
            start = next((values[s] for s in starts if values[s] is not None), None)
            if values[end] is not None and start is not None:
                acc["d"][step].append((values[end] - start).total_seconds())
    out = []
    for key in sorted(groups):
        acc = groups[key]
        raw = {"key": key, **{k: acc[k] for k in ("alerts", "transmitted", "responded")}}
        for step in STEPS:
            raw[f"{step}_p50"] = _quantile(acc["d"][step], 0.5)
            raw[f"{step}_p90"] = _quantile(acc["d"][step], 0.9)
        out.append(_row(raw))
    return out
