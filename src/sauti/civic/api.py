"""Civic endpoints of the HTTP API: lists with their disaggregated figures, all scoped by area."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate

from sauti.accounts import access
from sauti.civic import choices as c
from sauti.civic import selectors, services
from sauti.civic.models import Activity, Commitment, Organisation

router = Router(tags=["civic"])


class ChiefsTrainedOut(Schema):
    total: int
    F: int
    M: int
    UNKNOWN: int


class ObservatoryOut(Schema):
    id: int
    ref: str
    name: str
    region: str
    status: str
    members: int
    womens_organisations: int
    youth_organisations: int
    min_members: int
    composition_ok: bool
    problems: list[str]


class FiguresOut(Schema):
    activities: int
    total: int
    by_sex: dict[str, int]
    by_age_band: dict[str, int]
    by_sex_age_band: dict[str, dict[str, int]]
    youth_18_29: int
    youth_18_29_women: int
    children_under_18: int
    disability: dict[str, int]
    by_role: dict[str, dict[str, int]]


class CVRFiguresOut(Schema):
    projects: int
    beneficiaries: int
    beneficiaries_women: int
    women_share: float
    by_category: dict[str, dict[str, int]]
    weapons: dict[str, int]
    weapons_total: int
    ammunition_rounds: int
    explosives: int


class SummaryOut(Schema):
    organisations: int
    organisations_women_led: int
    organisations_youth_led: int
    chiefs_trained: ChiefsTrainedOut
    observatories: list[ObservatoryOut]
    participants: FiguresOut
    dialogues: int
    cvr: CVRFiguresOut


class OrganisationOut(Schema):
    id: int
    ref: str
    name: str
    acronym: str
    kind: str
    iati_org_type: str
    status: str
    admin_pcode: str
    themes: list[str]
    led_by_women: bool
    led_by_youth: bool

    @staticmethod
    def resolve_admin_pcode(obj: Organisation) -> str:
        return obj.admin_unit.pcode

    @staticmethod
    def resolve_themes(obj: Organisation) -> list[str]:
        return obj.theme_list


class ActivityOut(Schema):
    id: int
    ref: str
    kind: str
    range: str
    title: str
    status: str
    admin_pcode: str
    start: dt.date
    end: dt.date
    participants_total: int
    women: int
    men: int

    @staticmethod
    def resolve_admin_pcode(obj: Activity) -> str:
        return obj.admin_unit.pcode

    @staticmethod
    def resolve_women(obj: Activity) -> int:
        return sum(x.count for x in obj.counts.all() if x.sex == "F")

    @staticmethod
    def resolve_men(obj: Activity) -> int:
        return sum(x.count for x in obj.counts.all() if x.sex == "M")


class CommitmentOut(Schema):
    id: int
    owner_party: str
    text: str
    due: dt.date | None
    status: str
    effective_status: str
    last_checked: dt.date | None

    @staticmethod
    def resolve_effective_status(obj: Commitment) -> str:
        return obj.effective_status()


class FollowUpIn(Schema):
    status: str
    note: str = ""
    evidence: str = ""
    checked_on: dt.date | None = None


class ErrorOut(Schema):
    detail: str


def _user(request: HttpRequest) -> Any:
    return request.auth  # type: ignore[attr-defined]


@router.get("/summary", response=SummaryOut, summary="Headline civic figures in the caller's areas")
def summary(request: HttpRequest) -> dict[str, Any]:
    access.require(_user(request), "civic.view")
    return selectors.civic_summary(_user(request))


@router.get(
    "/organisations", response=list[OrganisationOut], summary="Organisations the caller may see"
)
@paginate(LimitOffsetPagination)
def organisations(
    request: HttpRequest, q: str = "", kind: str = "", theme: str = "", pcode: str = ""
) -> Any:
    access.require(_user(request), "civic.view")
    return selectors.organisations_visible_to(
        _user(request), q=q, kind=kind, theme=theme, pcode=pcode
    )


@router.get(
    "/observatories", response=list[ObservatoryOut], summary="Observatories with member counts"
)
def observatories(request: HttpRequest) -> list[dict[str, Any]]:
    access.require(_user(request), "civic.view")
    return selectors.observatories_summary(_user(request))


@router.get(
    "/activities", response=list[ActivityOut], summary="Activities with participants by sex"
)
@paginate(LimitOffsetPagination)
def activities(
    request: HttpRequest,
    kind: str = "",
    range: str = "",
    status: str = "",
    pcode: str = "",
) -> Any:
    access.require(_user(request), "civic.view")
    return selectors.activities_visible_to(
        _user(request), kind=kind, range_=range, status=status, pcode=pcode
    ).prefetch_related("counts")


@router.get(
    "/activities/figures",
    response=FiguresOut,
    summary="Participants disaggregated (held activities)",
)
def activity_figures(
    request: HttpRequest,
    kind: str = "",
    range: str = "",
    pcode: str = "",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> dict[str, Any]:
    access.require(_user(request), "civic.view")
    qs = selectors.activities_visible_to(
        _user(request), kind=kind, range_=range, pcode=pcode, date_from=date_from, date_to=date_to
    )
    return selectors.disaggregation(qs)


@router.get("/chiefs-trained", response=ChiefsTrainedOut, summary="Chiefs trained by sex")
def chiefs_trained(request: HttpRequest) -> dict[str, int]:
    access.require(_user(request), "civic.view")
    return selectors.chiefs_trained(_user(request))


@router.get(
    "/dialogues/{process_id}/commitments",
    response=list[CommitmentOut],
    summary="Commitments of a dialogue",
)
def dialogue_commitments(request: HttpRequest, process_id: int) -> list[Commitment]:
    process = selectors.dialogue_get(_user(request), process_id)
    return list(process.commitments.all())


@router.post(
    "/commitments/{commitment_id}/follow-up",
    response={200: CommitmentOut, 400: ErrorOut, 409: ErrorOut},
    summary="Record a follow-up check of a commitment",
)
def commitment_follow_up(request: HttpRequest, commitment_id: int, payload: FollowUpIn) -> Any:
    access.require(_user(request), "civic.edit")
    commitment = selectors.commitment_get(_user(request), commitment_id, "civic.edit")
    try:
        services.commitment_follow_up(
            commitment,
            status=payload.status,
            note=payload.note,
            evidence=payload.evidence,
            checked_on=payload.checked_on,
            actor=_user(request),
        )
    except c.TransitionError as exc:
        return Status(409, {"detail": str(exc)})
    except services.CivicError as exc:
        return Status(400, {"detail": str(exc)})
    return Status(200, commitment)


@router.get(
    "/cvr", response=CVRFiguresOut, summary="Violence-reduction figures: beneficiaries, weapons"
)
def cvr(request: HttpRequest, status: str = "", pcode: str = "") -> dict[str, Any]:
    access.require(_user(request), "civic.view")
    return selectors.cvr_figures(
        selectors.cvr_visible_to(_user(request), status=status, pcode=pcode)
    )
