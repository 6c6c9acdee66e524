"""Snapshots keep history as reported; the job and the command compute and store them."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import CommandError, call_command

from sauti.core.jobs import job_claim, job_enqueue, job_run
from sauti.indicators.models import IndicatorDefinition, IndicatorSnapshot, IndicatorValue
from sauti.indicators.registry import REGISTRY
from sauti.indicators.services import definitions_sync, indicators_compute
from sauti.places.models import AdminUnit

pytestmark = pytest.mark.django_db


def test_compute_stores_snapshots_and_keeps_the_old_ones(world: dict[str, Any]) -> None:
    bria = AdminUnit.objects.get(pcode="CF521")
    first = indicators_compute("2026-03", codes=["ALERTS_RECEIVED"], areas=[bria])
    assert first.snapshots == 1
    indicators_compute("2026-03", codes=["ALERTS_RECEIVED"], areas=[bria])
    snaps = IndicatorSnapshot.objects.filter(definition__code="ALERTS_RECEIVED", area=bria)
    assert snaps.count() == 2 and snaps.filter(current=True).count() == 1
    total = IndicatorValue.objects.get(snapshot=snaps.get(current=True), disaggregation_key="")
    assert (total.value, total.n, total.suppressed) == (3.0, 3, True)  # 3 < 5: a small cell


def test_changed_definition_gets_a_new_version_and_old_values_keep_theirs(
    world: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    bria = AdminUnit.objects.get(pcode="CF521")
    indicators_compute("2026-03", codes=["FP_ACTIVE"], areas=[bria])
    import dataclasses

    changed = dataclasses.replace(REGISTRY["FP_ACTIVE"], name_en="Focal points active (v2)")
    monkeypatch.setitem(REGISTRY, "FP_ACTIVE", changed)
    definitions_sync()
    assert IndicatorDefinition.objects.get(code="FP_ACTIVE").version == 2
    assert IndicatorSnapshot.objects.get(definition__code="FP_ACTIVE").definition_version == 1


def test_command_and_job(world: dict[str, Any], capsys: pytest.CaptureFixture[str]) -> None:
    call_command("indicators", "compute", "--period", "2026-03", "--code", "CVR_WOMEN_PCT")
    assert "snapshots" in capsys.readouterr().out
    assert IndicatorSnapshot.objects.filter(definition__code="CVR_WOMEN_PCT").count() == 7
    with pytest.raises(CommandError, match="not a period"):
        call_command("indicators", "compute", "--period", "March")
    with pytest.raises(CommandError, match="unknown indicator"):
        call_command("indicators", "compute", "--period", "2026-03", "--code", "NOPE")
    job_enqueue("indicators.compute", {"period": "2026-Q1"})
    done = job_run(job_claim())  # type: ignore[arg-type]
    assert done.status == "DONE", done.last_error if hasattr(done, "last_error") else ""
    assert IndicatorSnapshot.objects.filter(period="2026-Q1").count() == 7 * len(REGISTRY)


def test_ensure_current_computes_once_and_schedules(world: dict[str, Any]) -> None:
    from sauti.core.models import Job
    from sauti.indicators.services import indicators_ensure_current

    first = indicators_ensure_current()
    assert len(first) == 2 and all(first.values())
    assert indicators_ensure_current() == {}
    assert Job.objects.filter(name="indicators.compute", status="QUEUED").count() == 1


def test_target_command_sets_baseline_and_target(world: dict[str, Any]) -> None:
    from sauti.indicators.models import IndicatorTarget

    call_command("indicators", "target", "CVR_WOMEN_PCT", "2026-03", "CF521", "--target", "30")
    assert IndicatorTarget.objects.get().target == 30.0
    with pytest.raises(CommandError, match="unknown area"):
        call_command("indicators", "target", "CVR_WOMEN_PCT", "2026-03", "XX1")
    with pytest.raises(CommandError, match="unknown indicator"):
        call_command("indicators", "target", "NOPE", "2026-03", "CF521")
    with pytest.raises(CommandError, match="not a period"):
        call_command("indicators", "target", "CVR_WOMEN_PCT", "2026-3", "CF521")


def test_daily_job_computes_month_and_quarter_and_requeues(
    world: dict[str, Any], settings: Any, tmp_path: Any
) -> None:
    from sauti.core.models import Job
    from sauti.indicators.tasks import compute

    settings.DATA_DIR = tmp_path
    done = compute()
    assert len([k for k in done if k != "export_files_removed"]) == 2
    assert done["export_files_removed"] == 0
    assert Job.objects.filter(name="indicators.compute", status="QUEUED").count() == 1
