"""PDF reports (WeasyPrint) with an inline SVG bar chart and map, drawn here so no network or
browser is needed; the same SVG shows on the pages."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string

from sauti.places.models import AdminUnit
from sauti.warning.maps import svg_bars, svg_map

SUPPRESSED = "#d9d9d9"
SHADES = ["#f2f0f7", "#cbc9e2", "#9e9ac8", "#756bb1", "#54278f"]


class PdfError(RuntimeError):
    """The PDF cannot be produced here (WeasyPrint or its system libraries are missing)."""


def shade(value: float, top: float) -> str:
    if top <= 0 or value <= 0:
        return SHADES[0]
    return SHADES[min(len(SHADES) - 1, 1 + int((len(SHADES) - 2) * value / top + 0.5))]


def map_svg(units: list[tuple[AdminUnit, Any, int]]) -> str:
    """(unit, shown value, raw value) → an SVG map shaded by the raw value; labels show the shown
    (possibly suppressed) value only."""
    from sauti.interop.geojson import unit_geometry

    top = max([raw for _u, shown, raw in units if not isinstance(shown, str)] + [0])
    features = []
    for unit, shown, raw in units:
        geometry = unit_geometry(unit)
        if geometry is None:
            continue
        features.append(
            {
                "type": "Feature",
                "geometry": geometry,
                "properties": {
                    "pcode": unit.pcode,
                    "name": unit.name,
                    "adm_level": unit.level,
                    "risk_label": str(shown),
                    # a suppressed count gets its own grey, so the shade reveals nothing
                    "colour": SUPPRESSED if isinstance(shown, str) else shade(raw, top),
                },
            }
        )
    return svg_map(features)


def bars_svg(shown: dict[str, Any], label: str) -> str:
    """Bars of the shown values; a suppressed bar is drawn at zero and labelled with "<N"."""
    keys = sorted(shown, key=lambda k: -(shown[k] if isinstance(shown[k], int) else 0))[:12]
    labels = [k if isinstance(shown[k], int) else f"{k} {shown[k]}" for k in keys]
    values = [float(shown[k]) if isinstance(shown[k], int) else 0.0 for k in keys]
    return svg_bars(labels, [(label, "#1f4e79", values)])


def report_html(context: dict[str, Any]) -> str:
    return render_to_string("indicators/report.html", context)


def write_pdf(html: str) -> bytes:
    try:
        from weasyprint import HTML
    except (ImportError, OSError) as exc:  # OSError: the Pango system library is missing
        raise PdfError("PDF reports need WeasyPrint, which is not installed") from exc
    data: bytes = HTML(string=html).write_pdf()
    return data
