"""Response metrics computed from the recorded transitions, never typed (domain.md §4).

Each duration is the difference of two milestone times that ``alert_transition`` stamps the first
time an alert reaches a state (``recorded_at``, ``transmitted_at``…), so a metric reads one row
per alert instead of scanning the transition log. Medians and 90th percentiles per area (admin1),
base or month, for the alerts the user may see.

A year of a mission's alerts is too many rows to read per page view (≈330,000 at 1M alerts: 0.8 s
even with PostgreSQL's ``percentile_cont``), so past months are rolled up nightly by the
``response.metrics_rollup`` job into ``MetricMonth`` rows (counts and log-bucket histograms per
admin area of level ≤ 2 and base); the page merges them with the current month read live.
"""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, timedelta
from typing import Any

import numpy as np
from django.db import transaction
from django.db.models import F, FloatField, Func, QuerySet, Value
from django.db.models.functions import Coalesce, ExtractMonth, ExtractYear
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


def _scope(user: Any, since: datetime) -> QuerySet[Alert]:
    return access.visible(
        user, "response.metrics", Alert.objects.filter(received_at__gte=since), "admin_unit"
    )


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


RATIO = 1.2  # histogram buckets grow by 20%: a quantile read from them is within ±10%
BUCKETS = 90  # bucket 89 starts at 1.2**89 s ≈ 34 years: every real duration fits


def bucket(seconds: float) -> int:
    if seconds < RATIO:
        return 0
    return min(BUCKETS - 1, int(math.log(seconds) / math.log(RATIO)))


def _bincount(seconds: list[float]) -> list[int]:
    """Histogram of many durations at once (numpy), the same buckets as ``bucket``."""
    values = np.maximum(np.asarray(seconds, dtype=float), 1.0)
    index = np.floor(np.log(values) / math.log(RATIO)).astype(int)
    index[values < RATIO] = 0
    return np.bincount(np.clip(index, 0, BUCKETS - 1), minlength=BUCKETS).tolist()


def _hist_quantile(hist: list[int], q: float) -> float | None:
    """Quantile of a bucketed distribution: the geometric middle of the bucket holding the rank."""
    n = sum(hist)
    if n == 0:
        return None
    rank, cum = q * (n - 1), 0
    for b, count in enumerate(hist):
        if cum + count > rank:
            return 0.0 if b == 0 else RATIO ** (b + 0.5)
        cum += count
    return RATIO ** (BUCKETS - 0.5)  # pragma: no cover


def _month_start(when: Any) -> date:
    return date(when.year, when.month, 1)


def _next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def _at(day: date) -> datetime:
    """Midnight UTC starting ``day``: months are UTC months."""
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


class Seconds(Func):
    """``end - start`` in seconds as a float, computed by the database: loading six floats per
    row is several times cheaper than loading ten timestamps and subtracting them in Python."""

    arity = 2
    output_field = FloatField()

    def _parts(self, compiler: Any, connection: Any) -> tuple[str, str, list[Any]]:
        end, p1 = compiler.compile(self.source_expressions[0])
        start, p2 = compiler.compile(self.source_expressions[1])
        return end, start, [*p1, *p2]

    def as_sql(  # type: ignore[override]
        self, compiler: Any, connection: Any, **extra: Any
    ) -> tuple[str, list[Any]]:
        end, start, params = self._parts(compiler, connection)
        return f"((julianday({end}) - julianday({start})) * 86400.0)", params

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list[Any]]:
        end, start, params = self._parts(compiler, connection)
        return f"EXTRACT(EPOCH FROM ({end} - {start}))::float8", params


def _step_rows(qs: QuerySet[Alert], month: bool, base: bool = True) -> Any:
    """(admin path, base, (year, month) or None, {step: seconds}) per alert, durations computed
    by the database. ``transmit`` and ``respond`` are set exactly when the alert was transmitted
    and responded to, so they also give those counts."""
    annotations: dict[str, Any] = {}
    for step, (_label, end, starts) in STEPS.items():
        start = F(starts[0]) if len(starts) == 1 else Coalesce(*[F(x) for x in starts])
        annotations[f"s_{step}"] = Seconds(F(end), start)
    if not base:  # no join to channels when the base is not asked for
        annotations["no_base"] = Value("")
    names = [
        "admin_unit__path",
        "channel__base_name" if base else "no_base",
        *[n for n in annotations if n.startswith("s_")],
    ]
    if month:
        annotations["y"] = ExtractYear("received_at", tzinfo=UTC)
        annotations["m"] = ExtractMonth("received_at", tzinfo=UTC)
        names += ["y", "m"]
    steps = list(STEPS)
    # A plain fetch, not a server-side cursor: PostgreSQL would materialise a WITH HOLD cursor.
    for row in qs.annotate(**annotations).values_list(*names):
        durations = {
            step: value
            for step, value in zip(steps, row[2 : 2 + len(steps)], strict=True)
            if value is not None
        }
        yield row[0], row[1] or "", (row[-2], row[-1]) if month else None, durations


def metrics_rollup(month: date, through: datetime | None = None) -> int:
    """(Re)compute the roll-up rows of one month from the alerts' milestone times; returns rows.

    Keyed by the alert's admin unit at level ≤ 2 and its channel's base. ``through`` (the current
    month: last midnight) limits the alerts included; by default the whole month."""
    from sauti.places.models import AdminUnit
    from sauti.response.models import MetricMonth

    units = dict(AdminUnit.objects.filter(level__lte=2).values_list("pcode", "id"))
    cells: dict[tuple[int, str], dict[str, Any]] = {}
    end = min(through, _at(_next_month(month))) if through else _at(_next_month(month))
    qs = Alert.objects.filter(received_at__gte=_at(month), received_at__lt=end)
    for path, base, _month, durations in _step_rows(qs, month=False):
        parts = [p for p in path.split("/") if p]
        unit_id = units.get(parts[min(2, len(parts) - 1)])
        if unit_id is None:
            continue
        cell = cells.setdefault(
            (unit_id, base), {"alerts": 0, "transmitted": 0, "responded": 0, "histograms": {}}
        )
        cell["alerts"] += 1
        cell["transmitted"] += "transmit" in durations
        cell["responded"] += "respond" in durations
        for step, seconds in durations.items():
            hist = cell["histograms"].setdefault(step, [0] * BUCKETS)
            hist[bucket(seconds)] += 1
    with transaction.atomic():
        MetricMonth.objects.filter(month=month).delete()
        MetricMonth.objects.bulk_create(
            MetricMonth(month=month, admin_unit_id=unit_id, base=base, through=end, **cell)
            for (unit_id, base), cell in cells.items()
        )
    return len(cells)


def _rollup_usable(user: Any) -> bool:
    """Roll-ups are kept per admin unit of level ≤ 2, so they serve users scoped at that level
    or above; a user scoped to a smaller area gets live figures."""
    return all(len([p for p in path.split("/") if p]) <= 3 for path in access.area_paths(user))


def response_metrics(user: Any, *, group: str = "area", months: int = 12) -> list[dict[str, Any]]:
    """One row per group: alerts, share responded, and median/P90 minutes for each step.

    Past months come from the roll-up (``MetricMonth``) when it exists for them; the current
    month and any month not rolled up yet are read live from the alerts. Quantiles are exact when
    every figure of a group is live, else read from the merged histograms (±10%)."""
    from sauti.response.models import MetricMonth

    now = timezone.now()
    months = max(1, min(months, 60))
    first = _month_start(now)
    for _month in range(months - 1):
        first = _month_start(first - timedelta(days=1))
    groups: dict[Any, dict[str, Any]] = {}

    def acc(key: Any) -> dict[str, Any]:
        return groups.setdefault(
            key,
            {"alerts": 0, "transmitted": 0, "responded": 0, "exact": {}, "hist": {}},
        )

    live = _scope(user, _at(first))
    if _rollup_usable(user):
        cells = access.visible(
            user,
            "response.metrics",
            MetricMonth.objects.filter(month__gte=first),
            "admin_unit",
        ).select_related("admin_unit")
        rolled: dict[date, datetime] = {}
        for cell in cells:
            rolled[cell.month] = cell.through
            if group == "month":
                key: Any = cell.month.strftime("%Y-%m")
            elif group == "base":
                key = cell.base
            else:
                parts = [p for p in cell.admin_unit.path.split("/") if p]
                key = parts[1] if len(parts) > 1 else parts[0]
            row = acc(key)
            for name in ("alerts", "transmitted", "responded"):
                row[name] += getattr(cell, name)
            for step, hist in cell.histograms.items():
                merged = row["hist"].get(step)
                row["hist"][step] = (
                    list(hist)
                    if merged is None
                    else [a + b for a, b in zip(merged, hist, strict=True)]
                )
        # Live rows start where the contiguous roll-up ends (an index range, not a year); a
        # rolled month further on (rare: a gap) is excluded from the live read.
        live_from = _at(first)
        month = first
        while month in rolled and rolled[month] >= live_from:
            live_from = rolled[month]
            if live_from < _at(_next_month(month)):
                break
            month = _next_month(month)
        live = _scope(user, live_from)
        for other, through in rolled.items():
            if _at(other) > live_from:
                live = live.exclude(received_at__gte=_at(other), received_at__lt=through)
    for path, base, ym, durations in _step_rows(live, month=group == "month", base=group == "base"):
        if group == "month":
            key = f"{ym[0]:04d}-{ym[1]:02d}"
        elif group == "base":
            key = base
        else:
            parts = [p for p in path.split("/") if p]
            key = parts[1] if len(parts) > 1 else parts[0]
        row = acc(key)
        row["alerts"] += 1
        row["transmitted"] += "transmit" in durations
        row["responded"] += "respond" in durations
        for step, seconds in durations.items():
            row["exact"].setdefault(step, []).append(seconds)
    out = []
    for key in sorted(groups):
        row = groups[key]
        raw: dict[str, Any] = {k: row[k] for k in ("alerts", "transmitted", "responded")}
        raw["key"] = key
        for step in STEPS:
            exact, hist = row["exact"].get(step, []), row["hist"].get(step)
            if hist:
                if exact:
                    hist = [a + b for a, b in zip(hist, _bincount(exact), strict=True)]
                raw[f"{step}_p50"], raw[f"{step}_p90"] = (
                    _hist_quantile(hist, 0.5),
                    _hist_quantile(hist, 0.9),
                )
            else:
                raw[f"{step}_p50"], raw[f"{step}_p90"] = (
                    _quantile(exact, 0.5),
                    _quantile(exact, 0.9),
                )
        out.append(_row(raw))
    return out


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
