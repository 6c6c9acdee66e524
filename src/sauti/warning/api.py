"""Early-warning endpoints: detector flags (with the ids of their sources) and risk levels."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from sauti.warning import selectors, services

router = Router(tags=["warning"])


class FlagOut(Schema):
    id: int
    pcode: str
    area: str
    threat_type: str
    week_start: dt.date
    detector: str
    observed: float
    expected: float
    p_value: float
    explanation: str
    alert_ids: list[int]
    event_ids: list[int]


class RiskOut(Schema):
    pcode: str
    area: str
    level: str
    computed_level: str
    score: float
    reasons: list[str]
    updated_at: dt.datetime


def _flag(flag: Any) -> dict[str, Any]:
    return {
        "id": flag.id,
        "pcode": flag.admin_unit.pcode,
        "area": flag.admin_unit.name,
        "threat_type": flag.threat_type,
        "week_start": flag.week_start,
        "detector": flag.detector,
        "observed": flag.observed,
        "expected": flag.expected,
        "p_value": flag.score,
        "explanation": services.flag_explain(flag, flag.admin_unit.name),
        "alert_ids": flag.alert_ids,
        "event_ids": flag.event_ids,
    }


@router.get("/flags", response=list[FlagOut], summary="Detector flags in the caller's areas")
def flag_list(request: HttpRequest, week: dt.date | None = None, limit: int = 100) -> list[dict]:
    qs = selectors.flags_visible_to(request.auth)  # type: ignore[attr-defined]
    if week:
        qs = qs.filter(week_start=week - dt.timedelta(days=week.weekday()))
    return [_flag(f) for f in qs[: max(1, min(limit, 500))]]


@router.get("/flags/{flag_id}", response=FlagOut, summary="One detector flag")
def flag_detail(request: HttpRequest, flag_id: int) -> dict[str, Any]:
    return _flag(selectors.flag_get(request.auth, flag_id))  # type: ignore[attr-defined]


@router.get("/risks", response=list[RiskOut], summary="Risk levels of the caller's areas")
def risk_list(request: HttpRequest) -> list[dict[str, Any]]:
    return [
        {
            "pcode": r.admin_unit.pcode,
            "area": r.admin_unit.name,
            "level": r.level,
            "computed_level": r.computed_level,
            "score": r.score,
            "reasons": r.reasons,
            "updated_at": r.updated_at,
        }
        for r in selectors.risks_visible_to(request.auth)  # type: ignore[attr-defined]
    ]
