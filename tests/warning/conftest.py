"""COD-AB CAR polygons (levels 0–2, or 0–3) imported through the places importer, from the shared
data folder; tests needing them skip cleanly when the data is absent."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.utils import translation

DATA = Path("/work/shared/data")
COD = DATA / "cod-ab-caf"
UCDP = DATA / "ucdp-ged-caf-v23.1" / "GEDEvent_v23_1_CAF_to2020.csv"


def need(*paths: Path) -> None:
    for path in paths:
        if not path.exists():
            pytest.skip(f"{path} not present")


@pytest.fixture
def car_admin(db: None) -> None:
    """CAR's admin levels 0–2 polygons in the gazetteer (≈1 s)."""
    need(COD)
    from sauti.places.importers import import_paths

    import_paths([COD / f"caf_admin{level}.geojson" for level in (0, 1, 2)])


@pytest.fixture(autouse=True)
def english(settings: Any) -> Iterator[None]:
    """Assertions read English messages; the French catalogue is checked by tests/web/test_i18n."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield
