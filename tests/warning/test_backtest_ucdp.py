"""The backtest on the real UCDP GED CAR events (train to 2016, test 2017–2020, H = 4): Sauti's
model must beat both same-run baselines on PR AUC at admin levels 1 and 2, within a minute."""

from __future__ import annotations

import io
import json
import time

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.warning.conftest import UCDP, need


def _run(level: int, *extra: str) -> str:
    out = io.StringIO()
    call_command(
        "warning", "backtest", "--events", str(UCDP), "--train-until", "2016-12-31",
        "--test-from", "2017-01-01", "--level", str(level), "--horizon-weeks", "4", *extra,
        stdout=out,
    )  # fmt: skip
    return out.getvalue()


@pytest.mark.parametrize("level", [1, 2])
def test_backtest_beats_both_baselines(car_admin: None, level: int) -> None:
    need(UCDP)
    started = time.perf_counter()
    report = json.loads(_run(level, "--json"))
    assert time.perf_counter() - started < 60
    by_model = {r["model"]: r for r in report["results"]}
    assert report["units"] == {1: 17, 2: 72}[level]
    assert report["test_from"] >= "2017-01-01" and report["test_until"] <= "2020-12-31"
    sauti = by_model["sauti"]["pr_auc"]
    assert sauti > by_model["persistence"]["pr_auc"]
    assert sauti > by_model["historical_rate"]["pr_auc"]
    if level == 2:
        return
    # deterministic: a second run prints the same numbers
    assert json.loads(_run(level, "--json"))["results"] == report["results"]
    # the human table, and arguments refused with a clear message
    text = _run(level, "--test-until", "2018-12-31")
    assert "sauti" in text and "persistence" in text and "historical_rate" in text
    with pytest.raises(CommandError, match="after --train-until"):
        call_command(
            "warning", "backtest", "--events", str(UCDP), "--train-until", "2018-01-01",
            "--test-from", "2017-01-01", "--level", "1", stdout=io.StringIO(),
        )  # fmt: skip
