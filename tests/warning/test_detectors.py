"""Detectors and skill measures on examples computed by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest

from sauti.warning import metrics
from sauti.warning.detectors import (
    baseline_expected,
    cumulative_rate,
    cusum,
    ewma,
    ewma_history,
    level_from_probability,
    poisson_sf,
    risk_scores,
)


def test_poisson_tail_matches_hand_sums() -> None:
    # P(X ≥ 3 | λ = 1) = 1 − e⁻¹(1 + 1 + 1/2)
    assert poisson_sf(np.array([3]), 1.0)[0] == pytest.approx(1 - 2.5 / math.e)
    # P(X ≥ 0) = 1; P(X ≥ 1 | λ = 2) = 1 − e⁻²
    got = poisson_sf(np.array([0, 1]), np.array([5.0, 2.0]))
    assert got == pytest.approx([1.0, 1 - math.exp(-2)])
    # "12 alerts, 2.1 expected" is very surprising
    assert poisson_sf(np.array([12]), 2.1)[0] < 1e-5


def test_baseline_is_shrunk_towards_the_prior_for_sparse_areas() -> None:
    # 26 quiet weeks, prior rate 0.5 worth 4 weeks → (0 + 2) / 30
    assert baseline_expected(np.zeros((1, 26)), 0.5, 4.0)[0] == pytest.approx(2 / 30)
    # a busy area's own history dominates: (26·3 + 4·0.5) / 30
    assert baseline_expected(np.full((1, 26), 3.0), 0.5, 4.0)[0] == pytest.approx(80 / 30)


def test_ewma_and_cusum() -> None:
    assert ewma(np.array([0.0, 4.0, 0.0]), 0.5) == pytest.approx([0.0, 2.0, 1.0])
    # history EWMA uses weeks strictly before t
    assert ewma_history(np.array([[4.0, 0.0, 0.0]]), 1.0)[0] == pytest.approx([0.0, 2.0, 1.0])
    # μ = 1, σ = 1, k = 0.5: S = max(0, S + x − 1 − 0.5)
    s, alarm = cusum(np.array([[1.0, 3.0, 4.0, 0.0]]), np.array([1.0]), 0.5, 4.0)
    assert s[0] == pytest.approx([0.0, 1.5, 4.0, 2.5])
    assert alarm[0].tolist() == [False, False, False, False]
    s, alarm = cusum(np.array([[3.0, 3.0, 3.0]]), np.array([1.0]), 0.5, 4.0)
    assert alarm[0].tolist() == [False, False, True]  # 1.5, 3.0, 4.5


def test_cumulative_rate_and_risk_scores_use_only_the_past() -> None:
    counts = np.array([[2.0, 0.0, 4.0], [0.0, 0.0, 0.0]])
    assert cumulative_rate(counts)[0] == pytest.approx([0.0, 2.0, 1.0])
    scores = risk_scores(counts, np.array([0, 0]), w_parent=1.0)
    assert scores[:, 0] == pytest.approx([0.0, 0.0])  # nothing known before week 0
    assert scores[1, 1] > 0  # the quiet neighbour inherits part of its parent's activity
    assert scores[0, 1] > scores[1, 1]
    assert level_from_probability(0.6) == "CRITICAL" and level_from_probability(0.05) == "LOW"


def test_average_precision_roc_auc_brier() -> None:
    y = np.array([1, 0, 1, 0])
    s = np.array([0.9, 0.8, 0.7, 0.1])
    # ranks: hit (P=1, R=.5), miss, hit (P=2/3, R=1) → AP = .5·1 + .5·2/3
    assert metrics.average_precision(y, s) == pytest.approx(0.5 + 1 / 3)
    # positive-negative pairs ordered right: (0.9>0.8, 0.9>0.1, 0.7<0.8, 0.7>0.1) → 3/4
    assert metrics.roc_auc(y, s) == pytest.approx(0.75)
    # ties: all scores equal → AP = base rate, ROC AUC = 0.5
    assert metrics.average_precision(y, np.ones(4)) == pytest.approx(0.5)
    assert metrics.roc_auc(y, np.ones(4)) == pytest.approx(0.5)
    assert metrics.brier(y, np.array([1.0, 0.0, 0.5, 0.5])) == pytest.approx((0.25 + 0.25) / 4)


def test_top_k_precision_recall_and_lead_time() -> None:
    score = np.array([[3.0, 0.0], [2.0, 5.0], [1.0, 4.0]])  # units × weeks
    y = np.array([[1, 0], [0, 0], [0, 1]], dtype=bool)
    assert metrics.top_k_mask(score, 1).tolist() == [[True, False], [False, True], [False, False]]
    assert metrics.precision_recall_at_k(y, score, 2) == pytest.approx((2 / 4, 2 / 2))
    onsets = np.array([[False, False, True]])
    flags = np.array([[True, False, False]])
    assert metrics.lead_times(onsets, flags, 4) == [2]
    assert metrics.lead_times(onsets, np.zeros((1, 3), dtype=bool), 4) == [-1]


def test_calibrator_is_monotone() -> None:
    scores = np.arange(100, dtype=float)
    y = (scores > 70).astype(float)
    calib = metrics.Calibrator(scores, y, bins=10)
    p = calib(np.array([0.0, 50.0, 99.0]))
    assert p[0] <= p[1] <= p[2] and p[2] > 0.8
