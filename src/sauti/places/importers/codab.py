"""OCHA COD-AB: polygons per level (GeoJSON), the tabular gazetteer (XLSX, one sheet per level)
and the flat gazetteer CSV. All three use OCHA's "ab" schema: ``adm{N}_pcode``, ``adm{N}_name``,
``adm{N}_name1..3`` + ``lang1..3`` (alternate names), ``adm{N-1}_pcode`` (parent), ``center_lat``…
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import shapely

from sauti.places.importers.base import (
    COUNTRIES,
    Cell,
    GazetteerImportError,
    GazetteerWriter,
    Progress,
    Stats,
    UnitRecord,
)
from sauti.places.normalise import normalise
from sauti.places.spatial import geometry_simplify

LICENCE = "CC BY-IGO"
_SHEET = re.compile(r"admin(\d)$")


def cod_level(props: dict[str, Any]) -> int | None:
    levels = [int(m.group(1)) for k in props if (m := re.fullmatch(r"adm(\d)_pcode", k))]
    return max(levels) if levels else None


def _source(props: dict[str, Any]) -> str:
    iso3 = props.get("iso3") or "?"
    version = props.get("version_no") or ""
    return f"OCHA COD-AB {iso3} {version} ({LICENCE})".replace("  ", " ")


def unit_from_props(props: dict[str, Any], level: int, cell: Cell) -> UnitRecord | None:
    """One admin unit from a row of the "ab" schema; None for OCHA's unnamed remainders."""
    pcode_raw, name_raw = props.get(f"adm{level}_pcode"), props.get(f"adm{level}_name")
    if pcode_raw in (None, "", "None"):
        # OCHA's known defect: 26 ADM4 remainders in Bangui have no P-code (11 of them a name).
        # A unit without a P-code cannot be referenced; skip it, as OCHA's own tools do.
        return None
    pcode = cell.pcode(pcode_raw, f"adm{level}_pcode")
    name = cell.text(name_raw, f"adm{level}_name")
    parent = (
        cell.pcode(props.get(f"adm{level - 1}_pcode"), f"adm{level - 1}_pcode")
        if level > 0
        else None
    )
    if parent and not pcode.startswith(parent):
        raise cell.fail(
            f"adm{level}_pcode", f"{pcode} does not start with its parent's P-code {parent}"
        )
    lat, lon = cell.coords(
        props.get("center_lat"), props.get("center_lon"), "center_lat", "center_lon"
    )
    alts: list[tuple[str, str]] = []
    for i in (1, 2, 3):
        alt = cell.text(props.get(f"adm{level}_name{i}"), f"adm{level}_name{i}", required=False)
        if alt:
            alts.append(
                (alt, cell.text(props.get(f"lang{i}"), f"lang{i}", required=False, max_chars=8))
            )
    ref = cell.text(props.get(f"adm{level}_ref"), f"adm{level}_ref", required=False)
    if ref and ref != "None":
        alts.append((ref, ""))
    return UnitRecord(
        pcode=pcode,
        name=name,
        level=level,
        parent=parent,
        lat=lat,
        lon=lon,
        source=_source(props),
        valid_from=cell.day(props.get("valid_on"), "valid_on"),
        valid_to=cell.day(props.get("valid_to"), "valid_to"),
        area_sqkm=cell.number(props.get("area_sqkm"), "area_sqkm", 0, 1e8),
        name_en=cell.text(props.get("adm0_ref"), "adm0_ref", required=False) if level == 0 else "",
        alt_names=alts,
    )


def import_geojson(path: Path, writer: GazetteerWriter) -> Stats:
    stats = Stats()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise GazetteerImportError(path, "", "", f"not valid UTF-8 JSON ({exc})") from None
    features = data.get("features") if isinstance(data, dict) else None
    if not isinstance(features, list) or not features:
        raise GazetteerImportError(
            path, "", "", "no features (expected a GeoJSON FeatureCollection)"
        )
    level = None
    records: dict[str, tuple[UnitRecord, Cell, list[Any]]] = {}
    for i, feature in enumerate(features, 1):
        cell = Cell(path, f"feature {i}")
        props = feature.get("properties") if isinstance(feature, dict) else None
        if not isinstance(props, dict):
            raise cell.fail("properties", "missing")
        level = cod_level(props) if level is None else level
        if level is None:
            raise cell.fail("adm0_pcode", "no adm{N}_pcode property: not a COD-AB layer")
        rec = unit_from_props(props, level, cell)
        if rec is None:
            stats.skipped += 1
            continue
        geometry = feature.get("geometry")
        shapes: list[Any] = []
        if geometry:
            try:
                _text, shape = geometry_simplify(geometry)
            except ValueError as exc:
                raise cell.fail("geometry", str(exc)) from None
            shapes.append(shape)
        if rec.pcode in records:
            first, _first_cell, first_shapes = records[rec.pcode]
            # Known COD defect: one P-code on two polygons. Same name = one unit in two parts;
            # a different name cannot be told apart without a code, so the later one is skipped.
            if normalise(first.name) == normalise(rec.name):
                first_shapes.extend(shapes)
                first.area_sqkm = (first.area_sqkm or 0) + (rec.area_sqkm or 0)
            else:
                stats.skipped += 1
                stats.notes.append(
                    f"{cell.where}: P-code {rec.pcode} also used by {first.name!r}; {rec.name!r} skipped"
                )
            continue
        records[rec.pcode] = (rec, cell, shapes)
    progress = Progress(path.name, len(records))
    for i, (rec, cell, shapes) in enumerate(records.values(), 1):
        if shapes:
            merged = shapes[0] if len(shapes) == 1 else shapely.union_all(shapes)
            rec.geometry = shapely.to_geojson(merged)
        writer.unit(rec, cell, stats)
        progress.tick(i)
    progress.done()
    return stats


def _xlsx_rows(path: Path) -> Iterator[tuple[int, str, int, dict[str, Any]]]:
    import openpyxl

    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise GazetteerImportError(path, "", "", f"not a readable XLSX workbook ({exc})") from None
    sheets = sorted(
        ((int(m.group(1)), ws) for ws in wb.worksheets if (m := _SHEET.search(ws.title))),
        key=lambda x: x[0],
    )
    if not sheets:
        raise GazetteerImportError(
            path, "", "", "no sheet named …admin0, …admin1 …: not a COD-AB workbook"
        )
    for level, ws in sheets:
        rows = ws.iter_rows(values_only=True)
        header = [str(h) if h is not None else "" for h in next(rows, ())]
        for r, row in enumerate(rows, 2):
            if all(v is None for v in row):
                continue
            yield level, ws.title, r, dict(zip(header, row, strict=False))
    wb.close()


def import_xlsx(path: Path, writer: GazetteerWriter) -> Stats:
    stats = Stats()
    for level, sheet, row_no, props in _xlsx_rows(path):
        cell = Cell(path, f"sheet {sheet}, row {row_no}")
        if f"adm{level}_pcode" not in props:
            raise cell.fail(f"adm{level}_pcode", "missing column")
        rec = unit_from_props(props, level, cell)
        if rec is None:
            stats.skipped += 1
            continue
        writer.unit(rec, cell, stats)
    return stats


FLAT_COLUMNS = {"admin_level", "pcode", "name", "parent_pcode"}


def import_flat_csv(path: Path, writer: GazetteerWriter) -> Stats:
    stats = Stats()
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        missing = FLAT_COLUMNS - set(reader.fieldnames or [])
        if missing:
            raise GazetteerImportError(path, "row 1", ", ".join(sorted(missing)), "missing column")
        rows = list(reader)

    # Parents first, whatever order the file is in.
    def level_of(item: tuple[int, dict[str, str]]) -> int:
        value = item[1].get("admin_level", "")
        return int(value) if value.isdigit() else -1

    for row_no, row in sorted(enumerate(rows, 2), key=level_of):
        cell = Cell(path, f"row {row_no}")
        level = cell.number(row.get("admin_level"), "admin_level", 0, 6, required=True)
        assert level is not None
        lvl = int(level)
        props = {
            f"adm{lvl}_pcode": row.get("pcode"),
            f"adm{lvl}_name": row.get("name"),
            f"adm{lvl}_name1": row.get("name_alt1"),
            "lang1": row.get("lang"),
            f"adm{lvl - 1}_pcode": row.get("parent_pcode"),
            "center_lat": row.get("center_lat"),
            "center_lon": row.get("center_lon"),
            "valid_on": row.get("valid_on"),
            "version_no": row.get("version_no"),
            "area_sqkm": row.get("area_sqkm") or None,
            "iso3": "",
        }
        iso2 = (row.get("pcode") or "")[:2]
        props["iso3"] = COUNTRIES.get(iso2, (iso2,))[0]
        rec = unit_from_props(props, lvl, cell)
        if rec is None:
            stats.skipped += 1
            continue
        rec.alt_names = [(n, "") for n, _lang in rec.alt_names]
        writer.unit(rec, cell, stats)
    return stats
