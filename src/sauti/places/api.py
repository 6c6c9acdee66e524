"""Place endpoints of the HTTP API: resolve text to a P-coded place, teach a correction."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.responses import Status

from sauti.accounts import access
from sauti.places.management.commands.places import check_query
from sauti.places.models import AdminUnit, Locality
from sauti.places.services import PlaceError, place_correction_record

router = Router(tags=["places"])


class AdminOut(Schema):
    level: int
    pcode: str
    name: str


class PlaceOut(Schema):
    type: str
    id: int
    name: str
    pcode: str | None
    level: int | None
    kind: str | None
    country: str
    lat: float | None
    lon: float | None


class CandidateOut(PlaceOut):
    score: float


class PointOut(Schema):
    lat: float
    lon: float


class OffsetOut(Schema):
    km: float
    bearing: int | None
    anchor: str
    along_road_to: str | None


class ResolutionOut(Schema):
    query: str
    status: str
    method: str | None
    score: float
    precision: str | None
    matched: str
    ambiguous: bool
    place: PlaceOut | None
    admin: list[AdminOut]
    candidates: list[CandidateOut]
    point: PointOut | None = None
    offset: OffsetOut | None = None


class ErrorOut(Schema):
    detail: str


def _check_country(country: str) -> str | None:
    if not country:
        return None
    code = country.strip().upper()
    if (
        len(code) != 2
        or not code.isalpha()
        or not AdminUnit.objects.filter(country_iso2=code).exists()
    ):
        raise HttpError(
            400,
            f"unknown country {country[:10]!r}: give an ISO 3166 alpha-2 code in the gazetteer, e.g. CF",
        )
    return code


@router.get(
    "/resolve",
    response={200: ResolutionOut, 400: ErrorOut},
    summary="Resolve place text (and optional coordinates) to a P-coded place",
)
def resolve_place(
    request: HttpRequest,
    q: str = "",
    country: str = "",
    lat: float | None = None,
    lon: float | None = None,
) -> Any:
    """`status` is "resolved" or "unknown"; `place` is the locality or admin unit, `admin` its admin
    units from the country down, `method` how it matched (EXACT, ALIAS, PHONETIC, SUBSTRING, FUZZY,
    GPS_CONTAINMENT, NEAREST), `score` 0–1, `precision` the Sauti code (EXACT_POINT … COUNTRY),
    `point` where the mention is estimated to be (the place's point, moved by a stated offset
    such as "45 km north of Obo"), `offset` the distance, bearing and road read from the text."""
    user = request.auth  # type: ignore[attr-defined]
    access.require(user, "places.view")
    problem = check_query(q)
    if problem:
        raise HttpError(400, problem)
    code = _check_country(country)
    if (lat is None) != (lon is None):
        raise HttpError(400, "give both lat and lon, or neither")
    if (
        lat is not None
        and lon is not None
        and (not -90 <= lat <= 90 or not -180 <= lon <= 180 or (lat == 0 and lon == 0))
    ):
        raise HttpError(400, "lat/lon are not a real WGS84 position")
    from sauti.places.resolver import resolve

    return resolve(q, country=code, lat=lat, lon=lon, areas=access.area_paths(user)).as_dict()


class CorrectionIn(Schema):
    text: str
    locality_id: int | None = None
    admin_unit_pcode: str | None = None


class CorrectionOut(Schema):
    id: int
    name: str
    normalised: str
    count_seen: int
    area: str | None


@router.post(
    "/corrections",
    response={201: CorrectionOut, 400: ErrorOut},
    summary="Teach the resolver that this text means that place (in the place's area)",
)
def correction_create(request: HttpRequest, payload: CorrectionIn) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    access.require(user, "places.edit")
    problem = check_query(payload.text)
    if problem:
        raise HttpError(400, problem)
    if (payload.locality_id is None) == (payload.admin_unit_pcode is None):
        raise HttpError(400, "give exactly one of locality_id and admin_unit_pcode")
    locality = admin_unit = None
    if payload.locality_id is not None:
        locality = (
            Locality.objects.filter(pk=payload.locality_id).select_related("admin_unit").first()
        )
        if locality is None:
            raise HttpError(400, "no such locality")
    else:
        admin_unit = AdminUnit.objects.filter(
            pcode=(payload.admin_unit_pcode or "").upper()
        ).first()
        if admin_unit is None:
            raise HttpError(400, "no such admin unit")
    try:
        pn = place_correction_record(
            actor=user, text=payload.text, locality=locality, admin_unit=admin_unit, request=request
        )
    except PlaceError as exc:
        raise HttpError(400, str(exc)) from None
    return Status(
        201,
        {
            "id": pn.pk,
            "name": pn.name,
            "normalised": pn.normalised,
            "count_seen": pn.count_seen,
            "area": pn.area.pcode if pn.area else None,
        },
    )
