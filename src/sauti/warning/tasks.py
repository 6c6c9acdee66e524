"""Background jobs of the early-warning app: thin, call a service.

``warning.detect`` counts the alerts that arrived since the last run (incrementally), runs the
detectors for the current week and updates risk levels and notifications; queue it on a schedule
(e.g. hourly) or after an import."""

from __future__ import annotations

from typing import Any

from sauti.core.jobs import job
from sauti.warning.services import detect_run, risk_update


@job("warning.detect")
def detect(week: str | None = None) -> dict[str, Any]:
    from datetime import date

    day = date.fromisoformat(week) if week else None
    flags = detect_run(day)
    notes = risk_update(day)
    return {"flags": len(flags), "notifications": len(notes)}
