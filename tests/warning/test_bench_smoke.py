"""bench/warning in its tiny mode: stores synthetic events, loads, computes with numpy and pandas
(which must agree on every flag) and adds one day through the incremental path."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.warning.conftest import COD, UCDP, need

ROOT = Path(__file__).parents[2]


def test_bench_smoke() -> None:
    need(COD, UCDP)
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        pytest.skip("the smoke run uses its own SQLite database: once per CI run is enough")
    pytest.importorskip("pandas")
    out = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "warning" / "run.py"), "--smoke", "--json"],
        check=True, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    (result,) = json.loads(out.stdout)
    assert result["events"] == 20_000 and result["db"] == "sqlite"
    assert result["cells_loaded"] > 0 and result["flags"] >= 0
    assert result["one_day_events"] >= 100 and result["one_day_update_s"] < 5
