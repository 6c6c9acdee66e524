"""A small gazetteer written as real files (COD-AB GeoJSON layers + a locality CSV) and imported."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sauti.places.importers import import_paths


def box(lon1: float, lat1: float, lon2: float, lat2: float) -> dict:
    return {
        "type": "Polygon",
        "coordinates": [[[lon1, lat1], [lon2, lat1], [lon2, lat2], [lon1, lat2], [lon1, lat1]]],
    }


# (level, pcode, name, parent, box)
ADMIN = [
    (0, "CF", "République centrafricaine", None, (14, 2, 28, 11)),
    (1, "CF52", "Haute-Kotto", "CF", (21, 6, 24, 8)),
    (1, "CF51", "Bamingui-Bangoran", "CF", (19, 8, 21, 10)),
    (1, "CF43", "Ouaka", "CF", (19, 5, 21, 6.5)),
    (2, "CF521", "Bria", "CF52", (21, 6, 23, 7)),
    (2, "CF511", "Ndélé", "CF51", (20, 8, 21, 9)),
    (2, "CF431", "Bambari", "CF43", (20, 5, 21, 6)),
]

LOCALITIES = """name,alternate_names,lat,lon,pcode,kind,country
Bria,Birya;Bria-Centre,6.54,21.99,,TOWN,CF
Ndélé,N'Délé;Ndele,8.41,20.65,,TOWN,CF
Bambari,,5.76,20.67,,TOWN,CF
Ndah,,6.6,22.5,,VILLAGE,CF
Ndah,,8.7,20.4,,VILLAGE,CF
Sam Ouandja,Sam-Wandja,7.9,23.3,,VILLAGE,CF
Ippy,,6.25,21.22,,TOWN,CF
"""


def write_cod(folder: Path, admin: list = ADMIN) -> None:
    by_level: dict[int, list] = {}
    for level, pcode, name, parent, b in admin:
        props = {
            f"adm{level}_pcode": pcode,
            f"adm{level}_name": name,
            "iso3": "CAF",
            "version_no": 201506,
            "valid_on": "2015-06-15",
            "center_lat": (b[1] + b[3]) / 2,
            "center_lon": (b[0] + b[2]) / 2,
        }
        if parent:
            props[f"adm{level - 1}_pcode"] = parent
        by_level.setdefault(level, []).append(
            {"type": "Feature", "properties": props, "geometry": box(*b)}
        )
    for level, features in by_level.items():
        (folder / f"caf_admin{level}.geojson").write_text(
            json.dumps({"type": "FeatureCollection", "features": features}), encoding="utf-8"
        )


@pytest.fixture
def gazetteer(db: None, tmp_path: Path) -> Path:
    cod = tmp_path / "cod"
    cod.mkdir()
    write_cod(cod)
    (tmp_path / "localities.csv").write_text(LOCALITIES, encoding="utf-8")
    import_paths([cod, tmp_path / "localities.csv"])
    return tmp_path
