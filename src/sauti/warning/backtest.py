"""Backtest: score every admin unit of one level at every test week with data before that week
only, and check whether a fatal event follows within the horizon; Sauti's model beside two
baselines computed in the same run (persistence, historical rate). Deterministic: no randomness,
ties broken by P-code order.

The model's few weights are chosen by a small grid search on the training period only (weeks whose
outcome window ends by ``train_until``); the test period is never looked at until the scores are
fixed.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import numpy as np
from numpy.typing import NDArray

from sauti.places.spatial import AdminSpatialIndex
from sauti.warning import metrics
from sauti.warning.detectors import cumulative_rate, risk_scores
from sauti.warning.importers import ParsedEvent
from sauti.warning.signals import week_start

GRID = {
    "short_halflife": (2.0, 4.0, 8.0),
    "long_halflife": (26.0, 52.0, 104.0),
    "w_rate": (0.0, 0.5),
    "w_parent": (0.0, 0.25, 1.0),
}
WARM_UP_WEEKS = 52


@dataclass(frozen=True)
class UnitShape:
    pcode: str
    parent: str
    geometry: str


class BacktestError(ValueError):
    """The backtest cannot run with these arguments; the message says why."""


def _rolling_sum_ahead(x: NDArray, horizon: int) -> NDArray:
    """A[u, w] = Σ x[u, w : w + horizon]."""
    csum = np.concatenate([np.zeros((x.shape[0], 1)), np.cumsum(x, axis=1)], axis=1)
    end = np.minimum(np.arange(x.shape[1]) + horizon, x.shape[1])
    return csum[:, end] - csum[:, : x.shape[1]]


def _rolling_sum_before(x: NDArray, horizon: int) -> NDArray:
    """B[u, w] = Σ x[u, w − horizon : w] (the last period before week w)."""
    csum = np.concatenate([np.zeros((x.shape[0], 1)), np.cumsum(x, axis=1)], axis=1)
    idx = np.arange(x.shape[1])
    return csum[:, idx] - csum[:, np.maximum(idx - horizon, 0)]


def _evaluate(
    name: str,
    score: NDArray,
    y: NDArray,
    train: NDArray,
    test: NDArray,
    k: int,
    horizon: int,
    onsets: NDArray,
) -> dict[str, Any]:
    calib = metrics.Calibrator(score[:, train], y[:, train])
    s, yt = score[:, test], y[:, test]
    precision, recall = metrics.precision_recall_at_k(yt, s, k)
    leads = metrics.lead_times(onsets[:, test], metrics.top_k_mask(s, k), horizon)
    found = [lead for lead in leads if lead >= 0]
    return {
        "model": name,
        "pr_auc": round(metrics.average_precision(yt, s), 4),
        "roc_auc": round(metrics.roc_auc(yt, s), 4),
        "brier": round(metrics.brier(yt, calib(s)), 4),
        f"precision_at_{k}": round(precision, 4),
        f"recall_at_{k}": round(recall, 4),
        "onsets": len(leads),
        "onsets_flagged": len(found),
        "mean_lead_weeks": round(float(np.mean(found)), 2) if found else None,
    }


def backtest_run(
    events: Sequence[ParsedEvent],
    units: Sequence[UnitShape],
    *,
    level: int,
    train_until: date,
    test_from: date,
    test_until: date | None,
    horizon: int,
    top_k: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, Any]:
    """Run the whole backtest in memory; returns the JSON-ready report."""
    if horizon < 1:
        raise BacktestError("--horizon-weeks must be at least 1")
    if test_from <= train_until:
        raise BacktestError("--test-from must come after --train-until")
    if not units:
        raise BacktestError(f"no admin units of level {level} with polygons: import COD-AB first")
    if not events:
        raise BacktestError("the events file has no events")
    units = sorted(units, key=lambda u: u.pcode)
    index = AdminSpatialIndex((u.pcode, level, u.geometry) for u in units)
    position = {u.pcode: i for i, u in enumerate(units)}
    parents = sorted({u.parent for u in units})
    parent_of = np.array([parents.index(u.parent) for u in units])

    origin = week_start(min(ev.day for ev in events))
    last_day = max(ev.day for ev in events)
    n_weeks = (week_start(last_day) - origin).days // 7 + 1
    counts = np.zeros((len(units), n_weeks))
    fatal = np.zeros((len(units), n_weeks))
    unplaced = 0
    for i, ev in enumerate(events):
        pcode = index.locate(ev.lat, ev.lon).get(level)
        if pcode is None:
            unplaced += 1
            continue
        w = (ev.day - origin).days // 7
        counts[position[pcode], w] += 1
        fatal[position[pcode], w] += ev.fatalities > 0
        if progress and i % 200 == 0:
            progress(i, len(events))
    if progress:
        progress(len(events), len(events))

    y = _rolling_sum_ahead(fatal, horizon) > 0
    onsets = (fatal > 0) & (_rolling_sum_before(fatal, horizon) == 0)
    mondays = np.array([origin + timedelta(weeks=w) for w in range(n_weeks)])
    # The outcome window of week w must be complete within the data (or within training).
    ends = np.array([m + timedelta(weeks=horizon) for m in mondays])
    last_complete = week_start(last_day) + timedelta(days=7)
    limit = min(test_until + timedelta(days=1), last_complete) if test_until else last_complete
    test = (mondays >= test_from) & (ends <= limit)
    train = (np.arange(n_weeks) >= WARM_UP_WEEKS) & (ends <= train_until + timedelta(days=1))
    if not test.any():
        raise BacktestError("no test week has a complete outcome window in the data")
    if not train.any():
        raise BacktestError("no training week after a year of warm-up: train until a later date")
    k = top_k or max(1, round(len(units) * 0.1))

    # Choose the model's weights on the training weeks only.
    best: tuple[float, dict[str, float]] = (-1.0, {})
    for values in itertools.product(*GRID.values()):
        params = dict(zip(GRID, values, strict=True))
        if params["short_halflife"] >= params["long_halflife"]:
            continue
        s = risk_scores(counts, parent_of, **params)
        ap = metrics.average_precision(y[:, train], s[:, train])
        if ap > best[0] + 1e-12:
            best = (ap, params)
    params = best[1]
    models = {
        "sauti": risk_scores(counts, parent_of, **params),
        "persistence": _rolling_sum_before(counts, horizon),
        "historical_rate": cumulative_rate(counts),
    }
    results = [_evaluate(name, s, y, train, test, k, horizon, onsets) for name, s in models.items()]
    return {
        "level": level,
        "units": len(units),
        "events": len(events),
        "events_unplaced": unplaced,
        "horizon_weeks": horizon,
        "train_until": train_until.isoformat(),
        "test_from": mondays[test][0].isoformat(),
        "test_until": mondays[test][-1].isoformat(),
        "test_weeks": int(test.sum()),
        "positive_rate": round(float(y[:, test].mean()), 4),
        "top_k": k,
        "sauti_params": params,
        "train_pr_auc": round(best[0], 4),
        "results": results,
    }
