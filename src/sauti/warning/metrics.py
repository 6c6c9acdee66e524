"""Forecast skill measures, in numpy (no scikit-learn): PR AUC (average precision), ROC AUC
(Mann–Whitney with average ranks), Brier score, precision/recall at top k per week, lead time."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray


def average_precision(y: NDArray, score: NDArray) -> float:
    """Area under the precision–recall curve as Σ (R_i − R_{i−1}) · P_i over distinct thresholds
    (tied scores enter together, so the order of ties does not matter)."""
    y = np.asarray(y, dtype=bool).ravel()
    s = np.asarray(score, dtype=np.float64).ravel()
    positives = int(y.sum())
    if positives == 0:
        return float("nan")
    order = np.argsort(-s, kind="stable")
    s, y = s[order], y[order]
    tp = np.cumsum(y)
    last_of_tie = np.r_[np.diff(s) != 0, True]
    tp_at, n_at = tp[last_of_tie], np.arange(1, len(s) + 1)[last_of_tie]
    recall = tp_at / positives
    precision = tp_at / n_at
    return float(np.sum(np.diff(np.r_[0.0, recall]) * precision))


def roc_auc(y: NDArray, score: NDArray) -> float:
    """P(score of a random positive > score of a random negative), ties counting one half."""
    y = np.asarray(y, dtype=bool).ravel()
    s = np.asarray(score, dtype=np.float64).ravel()
    n_pos, n_neg = int(y.sum()), int((~y).sum())
    if n_pos == 0 or n_neg == 0:
        return float("nan")
    order = np.argsort(s, kind="stable")
    ranks = np.empty(len(s))
    sorted_s = s[order]
    starts = np.r_[0, np.flatnonzero(np.diff(sorted_s)) + 1]
    ends = np.r_[starts[1:], len(s)]
    for a, b in zip(starts, ends, strict=True):
        ranks[order[a:b]] = (a + b + 1) / 2.0
    return float((ranks[y].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def brier(y: NDArray, probability: NDArray) -> float:
    y = np.asarray(y, dtype=np.float64).ravel()
    p = np.asarray(probability, dtype=np.float64).ravel()
    return float(np.mean((p - y) ** 2))


def top_k_mask(score: NDArray, k: int) -> NDArray:
    """For a units × weeks score matrix, True for the k highest units of each week (ties broken
    by unit order, so the result is deterministic)."""
    s = np.asarray(score, dtype=np.float64)
    mask = np.zeros(s.shape, dtype=bool)
    order = np.argsort(-s, axis=0, kind="stable")[:k]
    np.put_along_axis(mask, order, True, axis=0)
    return mask


def precision_recall_at_k(y: NDArray, score: NDArray, k: int) -> tuple[float, float]:
    """Micro-averaged over weeks: hits in the top k / (k · weeks), hits / all positives."""
    y = np.asarray(y, dtype=bool)
    mask = top_k_mask(score, k)
    hits = int((mask & y).sum())
    return hits / max(int(mask.sum()), 1), hits / max(int(y.sum()), 1)


def lead_times(onsets: NDArray, flags: NDArray, horizon: int) -> list[int]:
    """For each onset (unit, week) in a boolean units × weeks matrix, weeks between the first flag
    in the horizon before it and the onset (0 = flagged at the start of the onset week); −1 when
    no flag preceded it."""
    leads = []
    for unit, week in zip(*np.nonzero(onsets), strict=True):
        lead = -1
        for back in range(horizon - 1, -1, -1):
            if week - back >= 0 and flags[unit, week - back]:
                lead = back
                break
        leads.append(lead)
    return leads


class Calibrator:
    """Score → probability by the empirical frequency of the outcome in score bins of the training
    period (quantile bins, add-one smoothing): the same recipe for every model, so Brier scores
    compare models rather than calibration tricks."""

    def __init__(self, score: NDArray, y: NDArray, bins: int = 20) -> None:
        s = np.asarray(score, dtype=np.float64).ravel()
        yy = np.asarray(y, dtype=np.float64).ravel()
        self.edges = np.unique(np.quantile(s, np.linspace(0, 1, bins + 1)[1:-1]))
        idx = np.searchsorted(self.edges, s, side="right")
        n = np.bincount(idx, minlength=len(self.edges) + 1)
        pos = np.bincount(idx, weights=yy, minlength=len(self.edges) + 1)
        base = (yy.sum() + 1) / (len(yy) + 2)
        self.prob = (pos + base) / (n + 1)
        self.prob = np.maximum.accumulate(self.prob)  # monotone: a higher score is never less risky

    def __call__(self, score: NDArray) -> NDArray:
        s = np.asarray(score, dtype=np.float64)
        return self.prob[np.searchsorted(self.edges, s, side="right")]
