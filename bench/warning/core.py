"""The computation the benchmark times, twice: numpy (Sauti's way) and pandas (the baseline),
on the same loaded arrays. Both build weekly signal counts per admin unit of levels 1–3 × threat
type and run the Poisson detector of ``sauti.warning.detectors`` for every week against the
area's previous 26 weeks (shrunk towards the level's mean rate); they must find the same flags.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sauti.warning.detectors import poisson_sf

BASELINE = 26
PRIOR_WEEKS = 4.0
P_FLAG = 0.01
MIN_COUNT = 3


@dataclass
class Cells:
    """Event counts per (deepest unit, threat, day), as loaded from the database."""

    unit: np.ndarray  # index into the unit table of ``Units``
    threat: np.ndarray  # small int code
    day: np.ndarray  # days since 1970-01-01
    n: np.ndarray
    deaths: np.ndarray


@dataclass
class Units:
    """For each deepest unit (by index): its level 1, 2 and 3 ancestors' indexes (−1: none)."""

    ids: np.ndarray
    by_level: dict[int, np.ndarray]
    n_level: dict[int, int]


@dataclass
class Result:
    events: int
    cells: int
    flags: int
    flag_keys: np.ndarray  # sorted (level, unit, threat, week) codes of the flags


def _flags(counts: np.ndarray, level_code: int, n_units: int, n_threats: int) -> np.ndarray:
    """Poisson flags of a (unit × threat) × weeks count matrix, as sorted int64 codes."""
    weeks = counts.shape[1]
    csum = np.concatenate([np.zeros((counts.shape[0], 1)), np.cumsum(counts, axis=1)], axis=1)
    idx = np.arange(weeks)
    hist = csum[:, idx] - csum[:, np.maximum(idx - BASELINE, 0)]
    span = np.minimum(idx, BASELINE)
    # prior: the mean weekly count per unit of this threat over the whole level, up to week t
    per_threat = hist.reshape(n_units, n_threats, weeks).sum(axis=0) / np.maximum(span, 1) / n_units
    prior = np.tile(per_threat, (n_units, 1))
    expected = (hist + PRIOR_WEEKS * prior) / (span + PRIOR_WEEKS)
    cand = (counts >= MIN_COUNT) & (counts > expected) & (idx >= BASELINE)
    rows, cols = np.nonzero(cand)
    p = poisson_sf(counts[rows, cols].astype(np.int64), expected[rows, cols])
    keep = p < P_FLAG
    return np.sort(((level_code * 10**7 + rows[keep]) * 10**5 + cols[keep]).astype(np.int64))


def compute_numpy(cells: Cells, units: Units, n_threats: int) -> Result:
    week = (cells.day - cells.day.min() + (cells.day.min() + 3) % 7) // 7  # Monday-based
    weeks = int(week.max()) + 1
    keys = []
    for level in (1, 2, 3):
        anc = units.by_level[level][cells.unit]
        ok = anc >= 0
        n_units = units.n_level[level]
        cell = (anc[ok] * n_threats + cells.threat[ok]) * weeks + week[ok]
        counts = np.bincount(cell, weights=cells.n[ok], minlength=n_units * n_threats * weeks)
        keys.append(_flags(counts.reshape(n_units * n_threats, weeks), level, n_units, n_threats))
    flag_keys = np.concatenate(keys)
    return Result(int(cells.n.sum()), len(cells.n), len(flag_keys), flag_keys)


def compute_pandas(cells: Cells, units: Units, n_threats: int) -> Result:
    import pandas as pd

    df = pd.DataFrame({"unit": cells.unit, "threat": cells.threat, "day": cells.day, "n": cells.n})
    first = df["day"].min()
    df["week"] = (df["day"] - first + (first + 3) % 7) // 7
    weeks = int(df["week"].max()) + 1
    keys = []
    for level in (1, 2, 3):
        n_units = units.n_level[level]
        df["anc"] = units.by_level[level][df["unit"].to_numpy()]
        sub = df[df["anc"] >= 0]
        grouped = sub.groupby(["anc", "threat", "week"])["n"].sum()
        full = pd.MultiIndex.from_product(
            [range(n_units), range(n_threats)], names=["anc", "threat"]
        )
        wide = (
            grouped.unstack("week", fill_value=0)
            .reindex(index=full, columns=range(weeks), fill_value=0)
            .astype(float)
        )
        hist = wide.T.rolling(BASELINE, min_periods=1).sum().shift(1).fillna(0.0).T
        span = np.minimum(np.arange(weeks), BASELINE)
        per_threat = hist.groupby(level="threat").sum() / np.maximum(span, 1) / n_units
        prior = per_threat.reindex(full.get_level_values("threat")).to_numpy()
        expected = (hist.to_numpy() + PRIOR_WEEKS * prior) / (span + PRIOR_WEEKS)
        counts = wide.to_numpy()
        stacked = pd.DataFrame(
            {
                "row": np.repeat(np.arange(counts.shape[0]), weeks),
                "col": np.tile(np.arange(weeks), counts.shape[0]),
                "obs": counts.ravel(),
                "exp": expected.ravel(),
            }
        )
        cand = stacked[
            (stacked["obs"] >= MIN_COUNT)
            & (stacked["obs"] > stacked["exp"])
            & (stacked["col"] >= BASELINE)
        ]
        p = poisson_sf(cand["obs"].to_numpy().astype(np.int64), cand["exp"].to_numpy())
        flagged = cand[p < P_FLAG]
        keys.append(
            np.sort(
                (
                    (level * 10**7 + flagged["row"].to_numpy()) * 10**5 + flagged["col"].to_numpy()
                ).astype(np.int64)
            )
        )
    flag_keys = np.concatenate(keys)
    return Result(int(cells.n.sum()), len(cells.n), len(flag_keys), flag_keys)
