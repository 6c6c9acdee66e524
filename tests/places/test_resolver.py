"""Resolver behaviour on a small imported gazetteer: accents, locatives, typos, hints, unknown."""

from __future__ import annotations

from pathlib import Path

import pytest

from sauti.places.importers import import_paths
from sauti.places.models import AdminUnit, Locality
from sauti.places.resolver import resolve
from sauti.places.services import place_correction_record
from tests.conftest import make_user
from tests.places.conftest import write_cod


def name_of(text: str, **kw: object) -> str | None:
    result = resolve(text, **kw)  # type: ignore[arg-type]
    return result.place.name if result.status == "resolved" and result.place else None


@pytest.mark.parametrize(
    ("text", "expected", "method"),
    [
        ("Bria", "Bria", "EXACT"),
        ("BRIA", "Bria", "EXACT"),
        ("ndele", "Ndélé", "EXACT"),
        ("N'Délé", "Ndélé", "EXACT"),
        ("Birya", "Bria", "ALIAS"),
        ("Sam-Wandja", "Sam Ouandja", "ALIAS"),
        ("à 10 km de Bambari", "Bambari", "EXACT"),
        ("près de Ndélé", "Ndélé", "EXACT"),
        ("road to Ippy", "Ippy", "EXACT"),
        ("Bambarri", "Bambari", "PHONETIC"),
        ("Ndelle", "Ndélé", "PHONETIC"),
        ("Sam Wandja", "Sam Ouandja", "ALIAS"),
        ("Bambqri", "Bambari", "FUZZY"),
        ("Sam Ouandia", "Sam Ouandja", "FUZZY"),
        ("hommes armés vus à Ippy ce matin", "Ippy", "SUBSTRING"),
        ("Haute Kotto", "Haute-Kotto", "EXACT"),
    ],
)
def test_resolves(gazetteer: Path, text: str, expected: str, method: str) -> None:
    result = resolve(text)
    assert result.status == "resolved", result.as_dict()
    assert result.place is not None and result.place.name == expected
    assert result.method == method


def test_locality_comes_with_its_admin_chain_from_point_in_polygon(gazetteer: Path) -> None:
    data = resolve("Bria").as_dict()
    assert data["place"]["type"] == "locality"
    assert data["place"]["pcode"] == "CF521"
    assert [a["pcode"] for a in data["admin"]] == ["CF", "CF52", "CF521"]
    assert data["precision"] == "EXACT_POINT"
    assert resolve("près de Bria").as_dict()["precision"] == "NEAR_LOCALITY"


def test_prefers_the_locality_over_the_homonymous_admin_unit(gazetteer: Path) -> None:
    assert resolve("Bria").place.type == "locality"  # type: ignore[union-attr]


def test_admin_hint_breaks_a_tie_between_homonyms(gazetteer: Path) -> None:
    north = resolve("Ndah, Bamingui-Bangoran").as_dict()
    east = resolve("Ndah, Haute-Kotto").as_dict()
    assert north["admin"][1]["pcode"] == "CF51"
    assert east["admin"][1]["pcode"] == "CF52"
    assert not north["ambiguous"]
    assert resolve("Ndah").ambiguous  # two villages, nothing to tell them apart


def test_caller_area_breaks_a_tie(gazetteer: Path) -> None:
    assert resolve("Ndah", areas=["CF52"]).as_dict()["admin"][1]["pcode"] == "CF52"


def test_coordinates_pick_the_nearest_homonym_and_place_unknown_text(gazetteer: Path) -> None:
    assert resolve("Ndah", lat=8.7, lon=20.41).as_dict()["admin"][1]["pcode"] == "CF51"
    near = resolve("un endroit sans nom", lat=6.55, lon=21.98)
    assert near.method == "NEAREST" and near.place.name == "Bria"  # type: ignore[union-attr]
    inside = resolve("xyz", lat=7.5, lon=23.5)
    assert inside.method == "GPS_CONTAINMENT" and inside.place.pcode == "CF52"  # type: ignore[union-attr]


@pytest.mark.parametrize("text", ["Xyzzyville", "Kinshasa", "qqq", "le marché", "Bra"])
def test_says_unknown_when_nothing_is_confident(gazetteer: Path, text: str) -> None:
    assert resolve(text).status == "unknown"


def test_unknown_village_with_known_admin_unit_falls_back_to_the_unit(gazetteer: Path) -> None:
    data = resolve("village Zzyzx, Haute-Kotto").as_dict()
    assert data["place"]["pcode"] == "CF52" and data["precision"] == "ADMIN1"


def test_country_filter(gazetteer: Path) -> None:
    assert resolve("Bria", country="CD").status == "unknown"
    assert name_of("Bria", country="CF") == "Bria"


def test_hostile_and_oversized_text_is_handled(gazetteer: Path) -> None:
    assert resolve("Bria" + " x" * 1000).status in {"resolved", "unknown"}
    assert resolve("'; DROP TABLE places_locality; --").status == "unknown"
    assert Locality.objects.count() == 7


def test_correction_teaches_a_name_for_that_area_only(gazetteer: Path) -> None:
    cla = make_user("cla.test", "CLA", ["CF52"])
    assert resolve("Kpoussoubou").status == "unknown"
    village = Locality.objects.filter(name="Ndah", lat=6.6).get()
    place_correction_record(actor=cla, text="Kpoussoubou", locality=village)
    assert name_of("Kpoussoubou", areas=["CF52"]) == "Ndah"
    assert resolve("Kpoussoubou", areas=["CF52"]).method == "ALIAS"
    assert resolve("Kpoussoubou", areas=["CF51"]).status == "unknown"
    pn = village.names.get(normalised="kpoussoubou")
    place_correction_record(actor=cla, text="kpoussoubou", locality=village)
    pn.refresh_from_db()
    assert pn.count_seen == 2


def test_correction_outside_own_area_or_by_a_reader_is_refused(gazetteer: Path) -> None:
    from django.core.exceptions import PermissionDenied

    from sauti.places.services import PlaceError

    cla = make_user("cla.test", "CLA", ["CF52"])
    analyst = make_user("an.test", "ANALYST", ["CF"])
    north = Locality.objects.filter(name="Ndah", lat=8.7).get()
    with pytest.raises(PlaceError):
        place_correction_record(actor=cla, text="Kpoussoubou", locality=north)
    with pytest.raises(PermissionDenied):
        place_correction_record(actor=analyst, text="Kpoussoubou", locality=north)
    with pytest.raises(PlaceError):
        place_correction_record(
            actor=cla, text="  ", admin_unit=AdminUnit.objects.get(pcode="CF52")
        )


def test_index_is_rebuilt_when_the_gazetteer_changes(gazetteer: Path) -> None:
    from sauti.places.services import admin_unit_upsert

    assert resolve("Ouadda").status == "unknown"
    admin_unit_upsert("CF522", "Ouadda", 2, "CF52")
    assert name_of("Ouadda") == "Ouadda"


def test_an_offset_with_a_direction_moves_the_point_and_says_near(gazetteer: Path) -> None:
    from sauti.places.resolver.index import distance_km

    data = resolve("à 20 km au nord de Bria").as_dict()
    assert data["place"]["name"] == "Bria" and data["precision"] == "NEAR_LOCALITY"
    assert data["offset"] == {"km": 20.0, "bearing": 0, "anchor": "Bria", "along_road_to": None}
    point = data["point"]
    assert point["lat"] > 6.54 and abs(point["lon"] - 21.99) < 1e-6
    assert abs(distance_km(6.54, 21.99, point["lat"], point["lon"]) - 20.0) < 0.05


def test_an_offset_on_a_named_road_follows_the_road(gazetteer: Path) -> None:
    from sauti.places.resolver.index import bearing_deg, distance_km

    french = resolve("à 10km de Bria sur l'axe Bria-Ippy").as_dict()
    assert french["offset"]["along_road_to"] == "Ippy" and french["offset"]["km"] == 10.0
    data = resolve("Bria - Ippy road (30 km from Bria)").as_dict()
    assert data["place"]["name"] == "Bria" and data["offset"]["along_road_to"] == "Ippy"
    point = data["point"]
    assert abs(distance_km(6.54, 21.99, point["lat"], point["lon"]) - 30.0) < 0.05
    assert (
        abs(
            bearing_deg(6.54, 21.99, point["lat"], point["lon"])
            - bearing_deg(6.54, 21.99, 6.25, 21.22)
        )
        < 0.5
    )


def test_an_offset_without_direction_keeps_the_point_and_an_offset_from_elsewhere_is_ignored(
    gazetteer: Path,
) -> None:
    data = resolve("à 15 km de Bria").as_dict()
    assert data["point"] == {"lat": 6.54, "lon": 21.99} and data["offset"]["bearing"] is None
    assert data["precision"] == "NEAR_LOCALITY"
    other = resolve("Bria, 15 km north of Ippy").as_dict()
    assert other["place"]["name"] == "Bria" and other["offset"] is None
    assert resolve("Bria").as_dict()["point"] == {"lat": 6.54, "lon": 21.99}


@pytest.mark.parametrize(
    ("town_lat", "town_lon", "expected_type"),
    [
        (5.80, 16.52, "locality"),  # the town lies inside the sub-prefecture: the town answers
        (6.54, 21.99, "admin_unit"),  # a look-alike town elsewhere does not displace the unit
    ],
)
def test_an_inexact_unit_gives_way_to_an_inexact_town_inside_it(
    db: None, tmp_path: Path, town_lat: float, town_lon: float, expected_type: str
) -> None:
    """GeoNames knows the town of Bossemptélé only as "Bossemtele I"; COD-AB has the
    sub-prefecture Bossemtélé. "Bossemptele town" is near both names: inside the unit, the town is
    the more precise answer (its point, not the unit's label point 30 km away)."""
    cod = tmp_path / "cod"
    cod.mkdir()
    write_cod(
        cod,
        [
            (0, "CF", "République centrafricaine", None, (14, 2, 28, 11)),
            (1, "CF31", "Ouham-Pendé", "CF", (15, 5, 17, 7.5)),
            (2, "CF316", "Bossemtélé", "CF31", (16, 5.5, 17, 6.5)),
            (1, "CF52", "Haute-Kotto", "CF", (21, 6, 24, 8)),
        ],
    )
    (tmp_path / "towns.csv").write_text(
        "name,alternate_names,lat,lon,pcode,kind,country\n"
        f"Bossemtele I,Bossemptele I,{town_lat},{town_lon},,TOWN,CF\n",
        encoding="utf-8",
    )
    import_paths([cod, tmp_path / "towns.csv"])
    found = resolve("Bossemptele town")
    assert found.status == "resolved" and found.method == "FUZZY"
    assert found.place is not None and found.place.type == expected_type
    if expected_type == "locality":
        assert found.place.name == "Bossemtele I" and found.precision == "EXACT_POINT"
        assert [a.pcode for a in found.admin] == ["CF", "CF31", "CF316"]
    # The unit's own name, spelt as COD-AB spells it, still answers the unit.
    exact = resolve("Bossemtélé")
    assert exact.method == "EXACT" and exact.place is not None and exact.place.pcode == "CF316"
