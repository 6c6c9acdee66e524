"""Areas shaded by risk level, from the gazetteer's own polygons (offline): as GeoJSON for the
Leaflet page, and as an SVG drawing for the PDF bulletin."""

from __future__ import annotations

import json
from typing import Any
from xml.sax.saxutils import escape

from django.db.models import Q

from sauti.accounts import access
from sauti.places.models import AdminUnit
from sauti.warning import selectors
from sauti.warning.models import RiskLevel

LEVEL_COLOURS = {
    RiskLevel.LOW: "#2e8b57",
    RiskLevel.MEDIUM: "#f2c46d",
    RiskLevel.HIGH: "#e67e22",
    RiskLevel.CRITICAL: "#b03a2e",
}


def _in_areas(user: Any) -> Q:
    """Admin units inside the user's areas (the unit itself, not a record pointing to one)."""
    q = Q(pk__in=[])
    for path in access.area_paths(user):
        q |= Q(path__startswith=path)
    return q


def map_features(user: Any) -> list[dict[str, Any]]:
    """GeoJSON features of the user's level-1 areas and of every area with a risk level, each
    with its level and colour (areas without polygons become points at their centroid)."""
    risks = {r.admin_unit_id: r for r in selectors.risks_visible_to(user)}
    units = AdminUnit.objects.filter(id__in=risks) | AdminUnit.objects.filter(
        _in_areas(user), level=1
    )
    features = []
    for unit in units.order_by("level", "pcode"):
        risk = risks.get(unit.id)
        level = RiskLevel(risk.level if risk else RiskLevel.LOW)
        if unit.geometry:
            geometry = json.loads(unit.geometry)
        elif unit.centroid_lat is not None and unit.centroid_lon is not None:
            geometry = {"type": "Point", "coordinates": [unit.centroid_lon, unit.centroid_lat]}
        else:
            continue
        features.append(
            {
                "type": "Feature",
                "geometry": geometry,
                "properties": {
                    "pcode": unit.pcode,
                    "name": unit.name,
                    "adm_level": unit.level,
                    "risk": str(level),
                    "risk_label": str(level.label),
                    "colour": LEVEL_COLOURS[level],
                },
            }
        )
    return features


def _rings(geometry: dict[str, Any]) -> list[list[list[float]]]:
    if geometry["type"] == "Polygon":
        return list(geometry["coordinates"])
    if geometry["type"] == "MultiPolygon":
        return [ring for poly in geometry["coordinates"] for ring in poly]
    return []


def svg_map(features: list[dict[str, Any]], width: int = 640, height: int = 420) -> str:
    """An SVG drawing of the features (equirectangular, fitted to their extent)."""
    points = [
        pt
        for f in features
        for pt in (
            [f["geometry"]["coordinates"]]
            if f["geometry"]["type"] == "Point"
            else [p for ring in _rings(f["geometry"]) for p in ring]
        )
    ]
    if not points:
        return (
            f'<svg xmlns="http://www.w3.org/2000/svg" class="map" width="{width}" '
            f'height="{height}"></svg>'
        )
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
    span = max(x1 - x0, y1 - y0, 0.1)
    scale = min((width - 20) / max(x1 - x0, span * 0.2), (height - 20) / max(y1 - y0, span * 0.2))

    def xy(p: list[float]) -> str:
        return f"{10 + (p[0] - x0) * scale:.1f},{10 + (y1 - p[1]) * scale:.1f}"

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="map" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}">'
    ]
    for f in sorted(features, key=lambda f: f["properties"]["adm_level"]):
        props = f["properties"]
        title = escape(f"{props['name']} ({props['pcode']}): {props['risk_label']}")
        if f["geometry"]["type"] == "Point":
            cx, cy = xy(f["geometry"]["coordinates"]).split(",")
            parts.append(
                f'<circle cx="{cx}" cy="{cy}" r="7" fill="{props["colour"]}" stroke="#333">'
                f"<title>{title}</title></circle>"
            )
            continue
        d = " ".join("M" + " L".join(xy(p) for p in ring) + " Z" for ring in _rings(f["geometry"]))
        parts.append(
            f'<path d="{d}" fill="{props["colour"]}" fill-opacity="0.75" stroke="#333" '
            f'stroke-width="{1.2 if props["adm_level"] == 1 else 0.5}"><title>{title}</title></path>'
        )
    parts.append("</svg>")
    return "".join(parts)


def svg_bars(
    labels: list[str],
    series: list[tuple[str, str, list[float]]],
    width: int = 640,
    height: int = 220,
) -> str:
    """A grouped bar chart: ``series`` is [(name, colour, values)], one value per label."""
    top = max([max(values, default=0) for _n, _c, values in series] + [1])
    plot_h, left, bottom = height - 50, 36, height - 30
    group = (width - left - 10) / max(len(labels), 1)
    bar = group * 0.8 / max(len(series), 1)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}">',
        f'<line x1="{left}" y1="{bottom}" x2="{width - 5}" y2="{bottom}" stroke="#333"/>',
        f'<text x="{left - 4}" y="{bottom - plot_h + 4}" font-size="10" text-anchor="end">'
        f"{top:g}</text>",
        f'<text x="{left - 4}" y="{bottom}" font-size="10" text-anchor="end">0</text>',
    ]
    for i, label in enumerate(labels):
        x = left + i * group + group * 0.1
        for j, (_name, colour, values) in enumerate(series):
            h = plot_h * values[i] / top
            parts.append(
                f'<rect x="{x + j * bar:.1f}" y="{bottom - h:.1f}" width="{bar:.1f}" '
                f'height="{h:.1f}" fill="{colour}"/>'
            )
        parts.append(
            f'<text x="{x + group * 0.4:.1f}" y="{bottom + 12}" font-size="8" '
            f'text-anchor="middle">{escape(label)}</text>'
        )
    for j, (name, colour, _values) in enumerate(series):
        parts.append(
            f'<rect x="{left + j * 120}" y="{height - 12}" width="10" height="10" fill="{colour}"/>'
            f'<text x="{left + j * 120 + 14}" y="{height - 3}" font-size="10">{escape(name)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
