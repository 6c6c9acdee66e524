"""Gazetteer pages: search with live suggestions, an admin unit or locality with its hierarchy and an
offline map of the gazetteer's own boundaries. Places are not sensitive; ``places.view`` suffices."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sauti.accounts import access
from sauti.places import selectors
from sauti.places.management.commands.places import check_query

MAX_LOCALITIES_SHOWN = 200


def _map_context() -> dict[str, Any]:
    return {
        "tile_url": settings.SAUTI_MAP_TILE_URL,
        "tile_attribution": settings.SAUTI_MAP_TILE_ATTRIBUTION,
    }


@login_required
def place_search(request: HttpRequest) -> HttpResponse:
    access.require(request.user, "places.view")
    q = request.GET.get("q", "")
    results: list[dict[str, object]] = []
    problem = check_query(q) if q else None
    if q and not problem:
        results = selectors.places_search(q, limit=20)
    return render(request, "places/search.html", {"q": q, "results": results, "problem": problem})


@login_required
def place_suggest(request: HttpRequest) -> HttpResponse:
    """The htmx fragment under the search box."""
    access.require(request.user, "places.view")
    q = request.GET.get("q", "")
    problem = check_query(q) if q.strip() else None
    results = selectors.places_search(q) if q.strip() and not problem else []
    return render(
        request, "places/_suggestions.html", {"q": q, "results": results, "problem": problem}
    )


@login_required
def admin_unit_detail(request: HttpRequest, pcode: str) -> HttpResponse:
    access.require(request.user, "places.view")
    unit = selectors.admin_unit_get(pcode)
    localities = list(
        selectors.localities_inside(unit).order_by("name")[: MAX_LOCALITIES_SHOWN + 1]
    )
    return render(
        request,
        "places/admin_unit.html",
        {
            "unit": unit,
            "ancestors": selectors.admin_unit_ancestors(unit),
            "children": unit.children.order_by("name"),
            "localities": localities[:MAX_LOCALITIES_SHOWN],
            "more_localities": len(localities) > MAX_LOCALITIES_SHOWN,
            "names": unit.names.filter(area__isnull=True).order_by("name"),
            "can_teach": access.has_perm(request.user, "places.edit"),
            "geojson_url": reverse("places:admin_unit_geojson", args=[unit.pcode]),
            **_map_context(),
        },
    )


@login_required
def locality_detail(request: HttpRequest, locality_id: int) -> HttpResponse:
    access.require(request.user, "places.view")
    loc = selectors.locality_get(locality_id)
    unit = loc.admin_unit
    return render(
        request,
        "places/locality.html",
        {
            "loc": loc,
            "ancestors": ([*selectors.admin_unit_ancestors(unit), unit] if unit else []),
            "names": loc.names.filter(area__isnull=True).order_by("name"),
            "can_teach": access.has_perm(request.user, "places.edit"),
            **_map_context(),
        },
    )


@login_required
@require_POST
def place_name_teach(request: HttpRequest, kind: str, ref: str) -> HttpResponse:
    """A CLA teaches the resolver a name for this place (limited to the place's area)."""
    from sauti.places.models import AdminUnit, Locality
    from sauti.places.services import PlaceError, place_correction_record

    access.require(request.user, "places.edit")
    locality = admin_unit = None
    if kind == "locality" and ref.isdigit():
        locality = selectors.locality_get(int(ref))
        back = reverse("places:locality", args=[locality.pk])
    elif kind == "admin":
        admin_unit = selectors.admin_unit_get(ref)
        back = reverse("places:admin_unit", args=[admin_unit.pcode])
    else:
        raise Http404("not found")
    text = request.POST.get("text", "")
    problem = check_query(text)
    if problem:
        messages.error(request, problem)
        return redirect(back)
    target: Locality | AdminUnit | None = locality or admin_unit
    try:
        place_correction_record(
            actor=request.user, text=text, locality=locality, admin_unit=admin_unit, request=request
        )
    except PlaceError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("The resolver now knows “%(text)s” as %(place)s in this area.")
            % {"text": text.strip(), "place": target},
        )
    return redirect(back)


def _feature(geometry: dict[str, Any] | None, props: dict[str, Any]) -> dict[str, Any]:
    return {"type": "Feature", "geometry": geometry, "properties": props}


@login_required
def admin_unit_geojson(request: HttpRequest, pcode: str) -> JsonResponse:
    """The unit's simplified polygon and its children's, as a GeoJSON FeatureCollection."""
    access.require(request.user, "places.view")
    unit = selectors.admin_unit_get(pcode)
    features = [
        _feature(
            json.loads(unit.geometry) if unit.geometry else None,
            {"pcode": unit.pcode, "name": unit.name, "level": unit.level, "role": "self"},
        )
    ]
    for child in unit.children.exclude(geometry="").only("pcode", "name", "level", "geometry"):
        features.append(
            _feature(
                json.loads(child.geometry),
                {"pcode": child.pcode, "name": child.name, "level": child.level, "role": "child"},
            )
        )
    for loc in selectors.localities_inside(unit).filter(lat__isnull=False)[:MAX_LOCALITIES_SHOWN]:
        features.append(
            _feature(
                {"type": "Point", "coordinates": [loc.lon, loc.lat]},
                {"id": loc.pk, "name": loc.name, "kind": loc.kind, "role": "locality"},
            )
        )
    return JsonResponse({"type": "FeatureCollection", "features": features})


@login_required
def locality_geojson(request: HttpRequest, locality_id: int) -> JsonResponse:
    access.require(request.user, "places.view")
    loc = selectors.locality_get(locality_id)
    features = []
    if loc.admin_unit and loc.admin_unit.geometry:
        unit = loc.admin_unit
        features.append(
            _feature(
                json.loads(unit.geometry),
                {"pcode": unit.pcode, "name": unit.name, "level": unit.level, "role": "self"},
            )
        )
    if loc.lat is not None and loc.lon is not None:
        features.append(
            _feature(
                {"type": "Point", "coordinates": [loc.lon, loc.lat]},
                {"id": loc.pk, "name": loc.name, "kind": loc.kind, "role": "locality"},
            )
        )
    return JsonResponse({"type": "FeatureCollection", "features": features})
