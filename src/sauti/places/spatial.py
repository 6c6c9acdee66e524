"""Point-in-polygon over the gazetteer's own boundaries (shapely STRtree + prepared geometries).

Built once per process from simplified GeoJSON geometries; a lookup costs a tree query and one or
two prepared ``contains`` tests per level, i.e. microseconds.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass

import shapely
from shapely.geometry.base import BaseGeometry
from shapely.strtree import STRtree

# Simplification tolerance in degrees (~55 m at the equator): keeps P-in-P agreement while
# shrinking CAR's 6.6 MB of boundaries to well under 1 MB for offline maps.
SIMPLIFY_TOLERANCE = 0.0005
COORD_DECIMALS = 5


def geometry_simplify(geometry: dict | str) -> tuple[str, BaseGeometry]:
    """A GeoJSON geometry, simplified and rounded, as compact GeoJSON text and as a shape.

    Raises ValueError for anything that is not a valid (or repairable) polygon."""
    text = geometry if isinstance(geometry, str) else json.dumps(geometry)
    try:
        shape = shapely.from_geojson(text)
    except Exception as exc:  # shapely raises GEOSException / ValueError variants
        raise ValueError(f"not a GeoJSON geometry ({exc})") from exc
    if shape.geom_type not in ("Polygon", "MultiPolygon"):
        raise ValueError(f"expected a Polygon or MultiPolygon, got {shape.geom_type}")
    if not shape.is_valid:
        shape = shapely.make_valid(shape)
    simple = shapely.set_precision(
        shape.simplify(SIMPLIFY_TOLERANCE, preserve_topology=True), 10**-COORD_DECIMALS
    )
    if simple.is_empty:
        simple = shape
    return shapely.to_geojson(simple), simple


@dataclass
class _Level:
    tree: STRtree
    shapes: list[BaseGeometry]
    pcodes: list[str]


class AdminSpatialIndex:
    """Which admin units (one per level) contain a point."""

    def __init__(self, units: Iterable[tuple[str, int, str]]) -> None:
        by_level: dict[int, tuple[list[BaseGeometry], list[str]]] = {}
        for pcode, level, geojson in units:
            if not geojson:
                continue
            shape = shapely.from_geojson(geojson)
            shapely.prepare(shape)
            shapes, pcodes = by_level.setdefault(level, ([], []))
            shapes.append(shape)
            pcodes.append(pcode)
        self.levels = {
            level: _Level(STRtree(shapes), shapes, pcodes)
            for level, (shapes, pcodes) in sorted(by_level.items())
        }

    def __bool__(self) -> bool:
        return bool(self.levels)

    def locate(self, lat: float, lon: float) -> dict[int, str]:
        """{level: pcode} of the units containing the point (boundary points count as inside)."""
        point = shapely.Point(lon, lat)
        found: dict[int, str] = {}
        for level, idx in self.levels.items():
            for i in idx.tree.query(point, predicate="intersects"):
                found[level] = idx.pcodes[int(i)]
                break
        return found

    def deepest(self, lat: float, lon: float) -> str | None:
        found = self.locate(lat, lon)
        return found[max(found)] if found else None
