"""What every importer shares: located errors, validation of cell values, change-counting upserts
and a terminal progress line.

Importers parse a whole file into plain records first and write through ``GazetteerWriter``;
the caller wraps everything in one transaction, so a bad row anywhere imports nothing.
"""

from __future__ import annotations

import math
import re
import sys
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sauti.places.models import AdminUnit, Locality, PlaceName, PlaceNameKind
from sauti.places.normalise import is_latin, normalise

MAX_FILE_BYTES = 300 * 1024 * 1024
MAX_NAME_CHARS = 200
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
PCODE_RE = re.compile(r"^[A-Z]{2,3}[0-9]*[0-9A-Z]*$")


# ISO2 → (ISO3, English name, French name) for the missions' countries; others fall back to codes.
COUNTRIES = {
    "CF": ("CAF", "Central African Republic", "République centrafricaine"),
    "CD": ("COD", "Democratic Republic of the Congo", "République démocratique du Congo"),
    "ML": ("MLI", "Mali", "Mali"),
    "SS": ("SSD", "South Sudan", "Soudan du Sud"),
}
ISO3_TO_ISO2 = {iso3: iso2 for iso2, (iso3, _en, _fr) in COUNTRIES.items()}


class GazetteerImportError(Exception):
    """A file cannot be imported; says where (file, row or feature, column) and why."""

    def __init__(self, path: Path | str, where: str, column: str, message: str) -> None:
        self.path, self.where, self.column, self.message = str(path), where, column, message
        located = ", ".join(
            x for x in (Path(str(path)).name, where, f"column {column}" if column else "") if x
        )
        super().__init__(f"{located}: {message}")


@dataclass
class Cell:
    """Validation helpers bound to one row, so every error names the place it comes from."""

    path: Path
    where: str

    def fail(self, column: str, message: str) -> GazetteerImportError:
        return GazetteerImportError(self.path, self.where, column, message)

    def text(
        self, value: Any, column: str, *, required: bool = True, max_chars: int = MAX_NAME_CHARS
    ) -> str:
        if value is None or (isinstance(value, float) and math.isnan(value)):
            value = ""
        if not isinstance(value, str):
            value = str(value)
        value = unicodedata.normalize("NFC", value).strip()
        if _CONTROL.search(value):
            raise self.fail(column, "contains control characters")
        if len(value) > max_chars:
            raise self.fail(column, f"is {len(value)} characters long (at most {max_chars})")
        if required and not value:
            raise self.fail(column, "is empty")
        return value

    def pcode(self, value: Any, column: str, *, required: bool = True) -> str:
        code = self.text(value, column, required=required, max_chars=20).upper()
        if code and not PCODE_RE.match(code):
            raise self.fail(column, f"{code!r} is not a P-code (e.g. CF52, CD5405)")
        return code

    def number(
        self, value: Any, column: str, lo: float, hi: float, *, required: bool = False
    ) -> float | None:
        if value is None or value == "":
            if required:
                raise self.fail(column, "is empty")
            return None
        try:
            number = float(value)
        except (TypeError, ValueError):
            raise self.fail(column, f"{value!r} is not a number") from None
        if math.isnan(number) or not lo <= number <= hi:
            raise self.fail(column, f"{number} is outside {lo}…{hi}")
        return number

    def coords(
        self, lat: Any, lon: Any, lat_col: str, lon_col: str, *, required: bool = False
    ) -> tuple[float | None, float | None]:
        la = self.number(lat, lat_col, -90, 90, required=required)
        lo = self.number(lon, lon_col, -180, 180, required=required)
        if (la is None) != (lo is None):
            raise self.fail(lat_col if la is None else lon_col, "one coordinate is missing")
        if la == 0 and lo == 0:
            raise self.fail(lat_col, "(0, 0) is not a real place (a missing value?)")
        return la, lo

    def day(self, value: Any, column: str) -> date | None:
        if value in (None, ""):
            return None
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(str(value)[:10])
        except ValueError:
            raise self.fail(column, f"{value!r} is not a date (YYYY-MM-DD)") from None


@dataclass
class Stats:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    names_created: int = 0
    notes: list[str] = field(default_factory=list)

    def add(self, other: Stats) -> None:
        self.created += other.created
        self.updated += other.updated
        self.unchanged += other.unchanged
        self.skipped += other.skipped
        self.names_created += other.names_created
        self.notes += other.notes

    def as_dict(self) -> dict[str, int]:
        return {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "skipped": self.skipped,
            "names_created": self.names_created,
        }


class Progress:
    """A one-line counter on stderr, only when stderr is a terminal (logs stay clean)."""

    def __init__(self, label: str, total: int) -> None:
        self.label, self.total = label, total
        self.enabled = sys.stderr.isatty() and total > 50
        self.step = max(1, total // 100)

    def tick(self, i: int) -> None:
        if self.enabled and (i % self.step == 0 or i == self.total):
            sys.stderr.write(f"\r{self.label}: {i}/{self.total} ({100 * i // max(1, self.total)}%)")
            sys.stderr.flush()

    def done(self) -> None:
        if self.enabled:
            sys.stderr.write("\n")


@dataclass
class UnitRecord:
    pcode: str
    name: str
    level: int
    parent: str | None
    lat: float | None = None
    lon: float | None = None
    source: str = ""
    valid_from: date | None = None
    valid_to: date | None = None
    geometry: str = ""
    area_sqkm: float | None = None
    name_en: str = ""
    alt_names: list[tuple[str, str]] = field(default_factory=list)  # (name, language)


@dataclass
class LocalityRecord:
    code: str
    name: str
    kind: str
    country: str
    lat: float | None
    lon: float | None
    coord_source: str = ""
    population: int | None = None
    admin_pcode: str = ""
    source: str = ""
    licence: str = ""
    alt_names: list[tuple[str, str]] = field(default_factory=list)


def usable_alternate(name: str, official_key: str) -> bool:
    """An alternate name worth indexing: Latin script, not an airport-style code, not the same key."""
    key = normalise(name)
    if not key or key == official_key or len(key) < 2:
        return False
    if not is_latin(name):
        return False
    return not (name.isupper() and len(name) <= 4)  # "NDL", "IMO": codes, not names


class GazetteerWriter:
    """Upserts with change detection, so a second import of the same file reports 0 created, 0 updated."""

    def __init__(self) -> None:
        self.units: dict[str, AdminUnit] = {u.pcode: u for u in AdminUnit.objects.all()}
        self.touched: set[str] = set()
        self.name_keys: set[tuple[str, int, str]] = set(
            (("L", lid, key) if lid else ("A", aid, key))
            for lid, aid, key in PlaceName.objects.filter(area__isnull=True).values_list(
                "locality_id", "admin_unit_id", "normalised"
            )
        )

    def unit(
        self, rec: UnitRecord, cell: Cell, stats: Stats, *, overwrite: bool = True
    ) -> AdminUnit:
        parent = None
        if rec.parent:
            parent = self.units.get(rec.parent)
            if parent is None:
                raise cell.fail(
                    "parent",
                    f"parent P-code {rec.parent} is not in the gazetteer (import the level above first)",
                )
            if parent.level >= rec.level:
                raise cell.fail(
                    "parent",
                    f"parent {rec.parent} is level {parent.level}, not above level {rec.level}",
                )
        existing = self.units.get(rec.pcode)
        if existing is not None and overwrite and rec.pcode in self.touched:
            # Already written by an earlier file or row of this import: the first wins, so the
            # result does not depend on how often the import runs. Two differently named rows
            # with one P-code is a known COD defect; the later one is reported and skipped.
            stats.skipped += 1
            if normalise(existing.name) != normalise(rec.name):
                stats.notes.append(
                    f"{cell.where}: P-code {rec.pcode} already imported as {existing.name!r}; {rec.name!r} skipped"
                )
            return existing
        self.touched.add(rec.pcode)
        if existing is not None and not overwrite:
            if normalise(existing.name) != normalise(rec.name):
                self.name(existing, rec.name, "", rec.source, stats)
            else:
                stats.unchanged += 1
            return existing
        values: dict[str, Any] = {
            "name": rec.name,
            "level": rec.level,
            "parent_id": parent.pk if parent else None,
            "centroid_lat": rec.lat,
            "centroid_lon": rec.lon,
            "source": rec.source[:200],
            "valid_from": rec.valid_from,
            "valid_to": rec.valid_to,
            "country_iso2": rec.pcode[:2],
        }
        if rec.geometry:
            values["geometry"] = rec.geometry
        if rec.area_sqkm is not None:
            values["area_sqkm"] = rec.area_sqkm
        if rec.name_en:
            values["name_en"] = rec.name_en
        if existing is None:
            unit = AdminUnit(
                pcode=rec.pcode,
                parent=parent,
                **{k: v for k, v in values.items() if k != "parent_id"},
            )
            unit.save()
            self.units[rec.pcode] = unit
            stats.created += 1
        else:
            unit = existing
            changed = [k for k, v in values.items() if getattr(unit, k) != v]
            if changed:
                for k in changed:
                    setattr(unit, k, values[k])
                if "parent_id" in changed:
                    unit.parent = parent
                unit.save()
                stats.updated += 1
            else:
                stats.unchanged += 1
        official = normalise(rec.name)
        for alt, language in rec.alt_names:
            if usable_alternate(alt, official):
                self.name(unit, alt, language, rec.source, stats)
        return unit

    def locality(self, rec: LocalityRecord, cell: Cell, stats: Stats) -> Locality:
        admin = None
        if rec.admin_pcode:
            admin = self.units.get(rec.admin_pcode)
            if admin is None:
                raise cell.fail("pcode", f"admin unit {rec.admin_pcode} is not in the gazetteer")
        elif rec.country in self.units:
            admin = self.units[rec.country]  # the country, until point-in-polygon places it deeper
        values: dict[str, Any] = {
            "name": rec.name,
            "kind": rec.kind,
            "country_iso2": rec.country,
            "lat": rec.lat,
            "lon": rec.lon,
            "coord_source": rec.coord_source,
            "population": rec.population,
            "source": rec.source[:200],
            "licence": rec.licence[:60],
        }
        loc = Locality.objects.filter(code=rec.code).first()
        if loc is None:
            loc = Locality.objects.create(code=rec.code, admin_unit=admin, **values)
            stats.created += 1
        else:
            changed = [k for k, v in values.items() if getattr(loc, k) != v]
            if rec.admin_pcode and admin is not None and loc.admin_unit_id != admin.pk:
                loc.admin_unit = admin
                changed.append("admin_unit")
            if changed:
                for k in changed:
                    if k != "admin_unit":
                        setattr(loc, k, values[k])
                loc.save()
                stats.updated += 1
            else:
                stats.unchanged += 1
        official = normalise(rec.name)
        for alt, language in rec.alt_names:
            if usable_alternate(alt, official):
                self.name(loc, alt, language, rec.source, stats)
        return loc

    def name(
        self,
        target: Locality | AdminUnit,
        name: str,
        language: str,
        source: str,
        stats: Stats,
        *,
        kind: str = PlaceNameKind.VARIANT_SPELLING,
    ) -> None:
        key = normalise(name)[:200]
        marker = ("L" if isinstance(target, Locality) else "A", target.pk, key)
        if not key or marker in self.name_keys:
            return
        self.name_keys.add(marker)
        field_name = "locality" if isinstance(target, Locality) else "admin_unit"
        PlaceName.objects.create(
            **{field_name: target},
            name=name[:200],
            normalised=key,
            language=language[:8],
            kind=kind,
            source=source[:200],
        )
        stats.names_created += 1
