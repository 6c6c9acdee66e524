"""The place benchmarks run (tiny modes) so they do not rot; figures come from manual runs."""

from __future__ import annotations

import runpy
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_speed_bench_smoke() -> None:
    bench = runpy.run_path(str(ROOT / "bench/places_speed/run.py"), run_name="bench")
    result = bench["main"](["--smoke"])
    assert result["queries"] == 200 and result["resolutions_per_s"] > 0
    assert result["found_intended_name"] > 0.5


def test_accuracy_evaluation_on_the_fixture_gazetteer(gazetteer: Path) -> None:
    from sauti.places.resolver import index_current

    bench = runpy.run_path(str(ROOT / "bench/places_accuracy/run.py"), run_name="bench")
    rows = [
        {"text": "Bria town", "lat": 6.54, "lon": 21.99},
        {"text": "Ippy village", "lat": 6.25, "lon": 21.22},
        {"text": "Nowhere village", "lat": 6.0, "lon": 21.0},
    ]
    result = bench["evaluate"](index_current(), rows)
    assert result["sauti"]["answer_rate"] == round(2 / 3, 3)
    assert result["sauti"]["precision"] == 1.0
    assert result["baseline"]["answer_rate"] == round(2 / 3, 3)
