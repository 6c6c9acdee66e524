"""Writes to the gazetteer."""

from __future__ import annotations

from sauti.places.models import AdminUnit


def admin_unit_upsert(
    pcode: str,
    name: str,
    level: int,
    parent_pcode: str | None = None,
    *,
    lat: float | None = None,
    lon: float | None = None,
    source: str = "",
) -> AdminUnit:
    """Create or update an admin unit by P-code; the parent must exist already."""
    parent = AdminUnit.objects.get(pcode=parent_pcode) if parent_pcode else None
    unit, _created = AdminUnit.objects.update_or_create(
        pcode=pcode,
        defaults={
            "name": name,
            "level": level,
            "parent": parent,
            "centroid_lat": lat,
            "centroid_lon": lon,
            "source": source,
            "country_iso2": pcode[:2],
        },
    )
    return unit
