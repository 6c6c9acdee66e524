"""Detectors for small counts, as pure functions over numpy arrays (unit-tested by hand).

- ``poisson_sf``: P(X ≥ k) for X ~ Poisson(λ), the surprise of a count against its expectation.
- ``baseline_expected``: an area's own weekly rate, shrunk towards a prior rate (a Gamma prior
  worth ``prior_weeks`` weeks) so an area with three quiet months is not "infinitely surprised" by
  one alert.
- ``ewma`` and ``cusum``: trend detectors; CUSUM accumulates excesses over the baseline beyond an
  allowance ``k`` and alarms past ``h`` (both in standard deviations, Poisson: √λ).
- ``risk_scores``: the forecast score the backtest measures (recent and long-run rates, the
  parent area's rate), and ``level_from_score`` maps a probability to LOW…CRITICAL.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]


def poisson_sf(k: NDArray, lam: NDArray | float) -> FloatArray:
    """P(X ≥ k) for X ~ Poisson(lam), elementwise. Below the mean: 1 − Σ_{j<k} pmf(j); above it,
    the upper tail is summed directly from pmf(k) so tiny probabilities keep their precision."""
    k_arr = np.asarray(k, dtype=np.int64)
    lam_arr = np.broadcast_to(np.asarray(lam, dtype=np.float64), k_arr.shape)
    upper = (k_arr > lam_arr) & (k_arr > 0)
    result = np.ones(k_arr.shape, dtype=np.float64)
    low = ~upper & (k_arr > 0)
    if low.any():
        kl, ll = k_arr[low], lam_arr[low]
        pmf = np.exp(-ll)
        below = np.zeros(kl.shape, dtype=np.float64)
        for j in range(int(kl.max())):
            below += np.where(j < kl, pmf, 0.0)
            pmf = pmf * ll / (j + 1)
        result[low] = np.clip(1.0 - below, 0.0, 1.0)
    if upper.any():
        kk, ll = k_arr[upper].astype(np.float64), np.maximum(lam_arr[upper], 1e-300)
        lgamma = np.vectorize(math.lgamma, otypes=[np.float64])
        term = np.exp(-ll + kk * np.log(ll) - lgamma(kk + 1))
        tail = np.zeros_like(kk)
        for m in range(1, 400):
            tail += term
            term = term * ll / (kk + m)
        result[upper] = np.minimum(tail, 1.0)
    return result


def baseline_expected(
    history: NDArray, prior_rate: NDArray | float, prior_weeks: float = 4.0
) -> FloatArray:
    """Expected weekly count per row of ``history`` (rows × weeks): the posterior mean
    (Σ counts + prior_weeks·prior_rate) / (weeks + prior_weeks)."""
    hist = np.asarray(history, dtype=np.float64)
    return (hist.sum(axis=-1) + prior_weeks * np.asarray(prior_rate)) / (
        hist.shape[-1] + prior_weeks
    )


def ewma(series: NDArray, alpha: float) -> FloatArray:
    """Exponentially weighted moving average along the last axis, started at the first value."""
    x = np.asarray(series, dtype=np.float64)
    out = np.empty_like(x)
    out[..., 0] = x[..., 0]
    for t in range(1, x.shape[-1]):
        out[..., t] = alpha * x[..., t] + (1 - alpha) * out[..., t - 1]
    return out


def cusum(series: NDArray, mean: NDArray | float, k: float, h: float) -> tuple[FloatArray, NDArray]:
    """Upper Poisson CUSUM along the last axis: S_t = max(0, S_{t-1} + (x_t − μ)/σ − k), σ = √μ.
    Returns (S, alarm) where alarm = S > h."""
    x = np.asarray(series, dtype=np.float64)
    mu = np.broadcast_to(np.asarray(mean, dtype=np.float64)[..., None], x.shape)
    sigma = np.sqrt(np.maximum(mu, 1e-9))
    s = np.zeros_like(x)
    prev = np.zeros(x.shape[:-1])
    for t in range(x.shape[-1]):
        prev = np.maximum(0.0, prev + (x[..., t] - mu[..., t]) / sigma[..., t] - k)
        s[..., t] = prev
    return s, s > h


def ewma_history(counts: NDArray, halflife_weeks: float) -> FloatArray:
    """E[u, t] = exponentially weighted mean of counts[u, :t] (weeks strictly before t)."""
    x = np.asarray(counts, dtype=np.float64)
    alpha = 1 - 0.5 ** (1 / halflife_weeks)
    out = np.zeros_like(x)
    for t in range(1, x.shape[-1]):
        out[..., t] = alpha * x[..., t - 1] + (1 - alpha) * out[..., t - 1]
    return out


def cumulative_rate(counts: NDArray) -> FloatArray:
    """R[u, t] = mean weekly count over weeks strictly before t (0 at t = 0)."""
    x = np.asarray(counts, dtype=np.float64)
    csum = np.concatenate([np.zeros((*x.shape[:-1], 1)), np.cumsum(x, axis=-1)[..., :-1]], -1)
    weeks = np.maximum(np.arange(x.shape[-1]), 1)
    return csum / weeks


def risk_scores(
    counts: NDArray,
    parent_of: NDArray | None = None,
    *,
    short_halflife: float = 4.0,
    long_halflife: float = 52.0,
    w_short: float = 1.0,
    w_long: float = 1.0,
    w_rate: float = 0.5,
    w_parent: float = 0.25,
) -> FloatArray:
    """Expected events in the coming weeks per area (rows) at each week (columns), from data
    strictly before that week: a blend of a recent EWMA, a long EWMA, the all-history rate and
    the parent area's recent rate per child (spreads risk to quiet neighbours of active ones)."""
    x = np.asarray(counts, dtype=np.float64)
    score = (
        w_short * ewma_history(x, short_halflife)
        + w_long * ewma_history(x, long_halflife)
        + w_rate * cumulative_rate(x)
    )
    if parent_of is not None and w_parent:
        groups = np.asarray(parent_of)
        n_groups = int(groups.max()) + 1 if groups.size else 0
        recent = ewma_history(x, short_halflife)
        sums = np.zeros((n_groups, x.shape[-1]))
        np.add.at(sums, groups, recent)
        sizes = np.bincount(groups, minlength=n_groups).astype(np.float64)
        score = score + w_parent * sums[groups] / sizes[groups][:, None]
    return score


# Probability thresholds of the four levels: the chance of at least one fatal event in the horizon.
LEVEL_THRESHOLDS = ((0.5, "CRITICAL"), (0.25, "HIGH"), (0.1, "MEDIUM"))


def level_from_probability(p: float) -> str:
    for threshold, level in LEVEL_THRESHOLDS:
        if p >= threshold:
            return level
    return "LOW"
