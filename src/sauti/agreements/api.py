"""Agreement endpoints: agreements with their implementation roll-ups by theme, region and period."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from sauti.accounts import access
from sauti.agreements import selectors
from sauti.agreements.models import Agreement

router = Router(tags=["agreements"])


class RollupOut(Schema):
    coded: int
    unverifiable: int
    percent_complete: float | None
    distribution: dict[str, int]
    shares: dict[str, float]


class ThemeRollupOut(RollupOut):
    theme: str
    label: str


class RegionRollupOut(RollupOut):
    pcode: str
    name: str


class PeriodRollupOut(RollupOut):
    period: str


class RollupsOut(Schema):
    overall: RollupOut
    by_theme: list[ThemeRollupOut]
    by_region: list[RegionRollupOut]
    series: list[PeriodRollupOut]


class AgreementOut(Schema):
    id: int
    name: str
    short_name: str
    level: str
    stage: str
    agreement_status: str
    conflict_nature: str
    signed_on: dt.date | None
    admin_pcode: str
    provisions: int

    @staticmethod
    def resolve_admin_pcode(obj: Agreement) -> str:
        return obj.admin_unit.pcode

    @staticmethod
    def resolve_provisions(obj: Agreement) -> int:
        return obj.provisions.count()


@router.get("", response=list[AgreementOut], summary="Agreements the caller may see")
def list_agreements(request: HttpRequest, level: str = "") -> Any:
    access.require(request.auth, "agreements.view")  # type: ignore[attr-defined]
    return list(selectors.agreements_visible_to(request.auth, level=level))  # type: ignore[attr-defined]


@router.get(
    "/{agreement_id}/implementation",
    response=RollupsOut,
    summary="Implementation roll-ups (0–3 scale) by theme, region and period",
)
def implementation(
    request: HttpRequest, agreement_id: int, upto: dt.date | None = None
) -> dict[str, Any]:
    agreement = selectors.agreement_get(request.auth, agreement_id)  # type: ignore[attr-defined]
    return selectors.agreement_rollups(request.auth, agreement, upto)  # type: ignore[attr-defined]
