"""GeoJSON (RFC 7946): a FeatureCollection of admin units (their simplified polygons, or a point at
the centroid), longitude before latitude, WGS 84 implied (no ``crs`` member), properties free of
sealed fields. Coordinates keep six decimals (about 0.1 m), as RFC 7946 §11.2 suggests."""

from __future__ import annotations

import json
from typing import Any

from sauti.places.models import AdminUnit


def _round(coords: Any) -> Any:
    if isinstance(coords, (int, float)):
        return round(float(coords), 6)
    return [_round(c) for c in coords]


def unit_geometry(unit: AdminUnit) -> dict[str, Any] | None:
    if unit.geometry:
        geometry = json.loads(unit.geometry)
        if geometry.get("type") in ("Polygon", "MultiPolygon"):
            return {"type": geometry["type"], "coordinates": _round(geometry["coordinates"])}
    if unit.centroid_lat is not None and unit.centroid_lon is not None:
        return {"type": "Point", "coordinates": _round([unit.centroid_lon, unit.centroid_lat])}
    return None


def feature_collection(
    rows: list[tuple[AdminUnit, dict[str, Any]]], meta: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Features for units with a geometry; units without one are listed in ``sauti.without_geometry``
    (a foreign member, allowed by RFC 7946 §6.1)."""
    features = []
    missing = []
    for unit, props in rows:
        geometry = unit_geometry(unit)
        if geometry is None:
            missing.append(unit.pcode)
            continue
        features.append(
            {
                "type": "Feature",
                "id": unit.pcode,
                "geometry": geometry,
                "properties": {
                    "pcode": unit.pcode,
                    "name": unit.name,
                    "adm_level": unit.level,
                    **props,
                },
            }
        )
    return {
        "type": "FeatureCollection",
        "features": features,
        "sauti": {**(meta or {}), "without_geometry": missing},
    }
