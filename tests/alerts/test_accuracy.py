"""The parser on the labelled set: per-field accuracy must not fall below these floors.

The floors sit a few points under today's scores (docs/intake.md), so a change that makes the
parser worse on any field fails here. The set was written by the parser's authors: scores on real
traffic will be lower, and are to be measured at a mission on de-identified messages.
"""

from __future__ import annotations

import pytest

from tests.alerts.accuracy import evaluate, load

FLOORS = {
    "threat_type": 0.90,
    "place": 0.90,
    "time": 0.93,
    "actors": 0.95,
    "killed": 0.93,
    "injured": 0.95,
    "abducted": 0.95,
    "displaced": 0.95,
    "counts (all four)": 0.88,
    "language": 0.88,
}


@pytest.mark.django_db
def test_labelled_set_is_large_and_varied():
    rows = load()
    assert len(rows) >= 300
    assert {r.language for r in rows} >= {"fr", "en", "sw", "ln", "sg"}
    assert sum(r.text.upper().startswith(("ALERT", "ALRT")) for r in rows) >= 20  # short codes
    assert len({r.threat_type for r in rows}) >= 24


@pytest.mark.django_db
def test_per_field_accuracy_floors():
    scores, errors, _n = evaluate(load())
    below = {f: round(s, 3) for f, s in scores.items() if s < FLOORS[f]}
    assert below == {}, {f: errors[f][:5] for f in below}


@pytest.mark.django_db
def test_heldout_accuracy_floors():
    """Messages never used to tune the parser: lower floors, the honest estimate."""
    from tests.alerts.accuracy import HELDOUT

    scores, errors, _n = evaluate(load(HELDOUT))
    below = {f: round(s, 3) for f, s in scores.items() if s < FLOORS[f] - 0.08}
    assert below == {}, {f: errors[f][:5] for f in below}
