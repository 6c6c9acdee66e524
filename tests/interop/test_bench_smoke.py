"""bench/export in its tiny mode: writers alone and end to end from a fresh SQLite database."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parents[2]


def test_bench_export_smoke() -> None:
    out = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "export" / "run.py"), "--smoke", "--json"],
        check=True, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    result = json.loads(out.stdout)
    assert result["rows"] == 5_000
    for source in ("memory", "db"):
        assert result[source]["hxl_csv" if source == "memory" else "hxl"]["rows_per_s"] > 0
        assert result[source]["baseline_csv"]["rows_per_s"] > 0
