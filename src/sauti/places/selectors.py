"""Reads of the gazetteer. Admin units themselves are not sensitive; records placed in them are."""

from __future__ import annotations

from django.db.models import QuerySet

from sauti.places.models import AdminUnit, Locality


def admin_units_by_pcodes(pcodes: list[str]) -> tuple[list[AdminUnit], list[str]]:
    """Units for the given P-codes, and the P-codes that were not found."""
    found = {u.pcode: u for u in AdminUnit.objects.filter(pcode__in=pcodes)}
    return [found[p] for p in pcodes if p in found], [p for p in pcodes if p not in found]


def admin_units_inside(unit: AdminUnit) -> QuerySet[AdminUnit]:
    return AdminUnit.objects.filter(path__startswith=unit.path)


def admin_unit_get(pcode: str) -> AdminUnit:
    """One admin unit by P-code, or 404."""
    from django.http import Http404

    unit = AdminUnit.objects.select_related("parent").filter(pcode=pcode.upper()).first()
    if unit is None:
        raise Http404("not found")
    return unit


def admin_unit_ancestors(unit: AdminUnit) -> list[AdminUnit]:
    """The units above ``unit``, country first (one query, by the materialised path)."""
    pcodes = [p for p in unit.path.strip("/").split("/") if p and p != unit.pcode]
    found = {u.pcode: u for u in AdminUnit.objects.filter(pcode__in=pcodes)}
    return [found[p] for p in pcodes if p in found]


def localities_inside(unit: AdminUnit) -> QuerySet[Locality]:
    """Localities in the unit or any unit below it (a path prefix test, no recursion)."""
    return Locality.objects.filter(admin_unit__path__startswith=unit.path).exclude(status="MERGED")


def locality_get(locality_id: int) -> Locality:
    from django.http import Http404

    loc = Locality.objects.select_related("admin_unit").filter(pk=locality_id).first()
    if loc is None:
        raise Http404("not found")
    return loc


def places_search(text: str, limit: int = 10) -> list[dict[str, object]]:
    """Suggestions while typing: the resolver's candidates, then names starting with the text."""
    from sauti.places.normalise import normalise
    from sauti.places.resolver import resolve

    out: list[dict[str, object]] = []
    seen: set[tuple[str, int]] = set()
    result = resolve(text)
    for place, score in result.candidates:
        seen.add((place.type, place.id))
        out.append(
            {
                "type": place.type,
                "id": place.id,
                "name": place.name,
                "pcode": place.pcode,
                "score": score,
            }
        )
    key = normalise(text)
    if key:
        for pid, name, pcode in AdminUnit.objects.filter(
            name__istartswith=text.strip()[:50]
        ).values_list("id", "name", "pcode")[:limit]:
            if ("admin_unit", pid) not in seen:
                out.append(
                    {"type": "admin_unit", "id": pid, "name": name, "pcode": pcode, "score": None}
                )
        for pid, name, admin in Locality.objects.filter(
            name__istartswith=text.strip()[:50]
        ).values_list("id", "name", "admin_unit__pcode")[:limit]:
            if ("locality", pid) not in seen:
                out.append(
                    {
                        "type": "locality",
                        "id": pid,
                        "name": name,
                        "pcode": admin or "",
                        "score": None,
                    }
                )
    return out[:limit]
