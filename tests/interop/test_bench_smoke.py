"""bench/export in its tiny mode (writers alone; the end-to-end path is tested in test_exports)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parents[2]


def test_bench_export_smoke() -> None:
    out = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "export" / "run.py"), "--smoke", "--source", "memory", "--json"],
        check=True, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    result = json.loads(out.stdout)
    assert result["rows"] == 5_000
    memory = result["memory"]
    assert memory["hxl_csv"]["rows_per_s"] > 0 and memory["xlsx"]["rows_per_s"] > 0
    assert memory["baseline_csv"]["rows_per_s"] > 0
