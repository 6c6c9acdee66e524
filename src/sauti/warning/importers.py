"""Event importers: UCDP GED CSV and a generic event CSV. Each file is checked whole first, so a
malformed file raises ``EventImportError`` naming the line and imports nothing; importing the same
file twice adds nothing (unique source + external id)."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _

from sauti.alerts.taxonomy import THREAT_TYPES
from sauti.places.models import AdminUnit
from sauti.places.spatial import AdminSpatialIndex
from sauti.warning.models import Event, SourceKind
from sauti.warning.signals import SIGNAL_LEVELS, Occurrence, signals_add

# UCDP type_of_violence → Sauti threat type (domain.md §7.1): state-based and non-state violence
# are clashes between organised armed actors; one-sided violence is the killing of civilians.
UCDP_THREAT = {1: "ARMED_CLASH", 2: "ARMED_CLASH", 3: "KILLING"}
UCDP_COLUMNS = ("id", "type_of_violence", "date_start", "latitude", "longitude", "best")
GENERIC_COLUMNS = ("id", "date", "latitude", "longitude", "threat_type")
Progress = Callable[[int, int], None]


class EventImportError(ValueError):
    """A file was refused; the message names the line and the problem. Nothing was imported."""


@dataclass
class ParsedEvent:
    external_id: str
    day: date
    lat: float
    lon: float
    threat_type: str
    fatalities: int = 0
    type_of_violence: int | None = None
    where_prec: int | None = None
    description: str = ""


@dataclass
class ImportResult:
    source: str
    read: int = 0
    created: int = 0
    unplaced: int = 0
    skipped_ids: list[str] = field(default_factory=list)


def _rows(path: Path, required: tuple[str, ...]) -> Iterator[tuple[int, dict[str, str]]]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise EventImportError(
            _("%(path)s: cannot read (%(error)s)") % {"path": path, "error": exc}
        ) from exc
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in required if c not in (reader.fieldnames or [])]
    if missing:
        raise EventImportError(
            _("%(path)s: missing column(s) %(columns)s")
            % {"path": path.name, "columns": ", ".join(missing)}
        )
    for row in reader:
        yield reader.line_num, row


def _number(
    row: dict[str, str], column: str, line: int, kind: type, *, low: float, high: float
) -> float:
    value = (row.get(column) or "").strip()
    try:
        number = kind(float(value)) if kind is int else float(value)
    except ValueError:
        raise EventImportError(
            _("line %(line)d: %(column)s %(value)r is not a number")
            % {"line": line, "column": column, "value": value}
        ) from None
    if not low <= number <= high:
        raise EventImportError(
            _("line %(line)d: %(column)s %(value)s is out of range")
            % {"line": line, "column": column, "value": value}
        )
    return number


def _date(value: str, line: int, column: str) -> date:
    try:
        return date.fromisoformat(value.strip()[:10])
    except ValueError:
        raise EventImportError(
            _("line %(line)d: %(column)s %(value)r is not a date (YYYY-MM-DD)")
            % {"line": line, "column": column, "value": value}
        ) from None


def parse_ucdp(path: Path) -> list[ParsedEvent]:
    """UCDP GED rows (domain.md §7.4); the event's day is ``date_start``."""
    events = []
    for line, row in _rows(path, UCDP_COLUMNS):
        tov = int(_number(row, "type_of_violence", line, int, low=1, high=3))
        prec = (row.get("where_prec") or "").strip()
        events.append(
            ParsedEvent(
                external_id=_required(row, "id", line),
                day=_date(row["date_start"], line, "date_start"),
                lat=_number(row, "latitude", line, float, low=-90, high=90),
                lon=_number(row, "longitude", line, float, low=-180, high=180),
                threat_type=UCDP_THREAT[tov],
                fatalities=int(_number(row, "best", line, int, low=0, high=1e6)),
                type_of_violence=tov,
                where_prec=int(prec) if prec.isdigit() else None,
                description=(row.get("where_description") or "")[:300],
            )
        )
    return events


def parse_generic(path: Path) -> list[ParsedEvent]:
    """Columns ``id,date,latitude,longitude,threat_type`` (+ optional ``fatalities,description``)."""
    events = []
    for line, row in _rows(path, GENERIC_COLUMNS):
        threat = row["threat_type"].strip().upper()
        if threat not in THREAT_TYPES:
            raise EventImportError(
                _("line %(line)d: unknown threat type %(value)r (see domain.md §7.1)")
                % {"line": line, "value": row["threat_type"]}
            )
        deaths = row.get("fatalities") or "0"
        events.append(
            ParsedEvent(
                external_id=_required(row, "id", line),
                day=_date(row["date"], line, "date"),
                lat=_number(row, "latitude", line, float, low=-90, high=90),
                lon=_number(row, "longitude", line, float, low=-180, high=180),
                threat_type=threat,
                fatalities=int(
                    _number({"fatalities": deaths}, "fatalities", line, int, low=0, high=1e6)
                ),
                description=(row.get("description") or "")[:300],
            )
        )
    return events


def _required(row: dict[str, str], column: str, line: int) -> str:
    value = (row.get(column) or "").strip()
    if not value:
        raise EventImportError(
            _("line %(line)d: %(column)s is empty") % {"line": line, "column": column}
        )
    return value[:80]


def spatial_index() -> tuple[AdminSpatialIndex, dict[str, int]]:
    """Point-in-polygon over the gazetteer's level 1–3 polygons, and P-code → unit id."""
    units = AdminUnit.objects.filter(level__in=SIGNAL_LEVELS).exclude(geometry="")
    index = AdminSpatialIndex(units.values_list("pcode", "level", "geometry"))
    return index, dict(units.values_list("pcode", "id"))


def events_import(
    parsed: list[ParsedEvent], source: str, *, progress: Progress | None = None
) -> ImportResult:
    """Store new events (placed by point-in-polygon) and add them to the signals, in one transaction."""
    result = ImportResult(source=source, read=len(parsed))
    seen: set[str] = set()
    for ev in parsed:
        if ev.external_id in seen:
            raise EventImportError(
                _("id %(id)s appears twice in the file") % {"id": ev.external_id}
            )
        seen.add(ev.external_id)
    index, ids = spatial_index()
    with transaction.atomic():
        ids_in_file = sorted(seen)
        existing: set[str] = set()
        for lo in range(0, len(ids_in_file), 500):  # only this file's ids, never the whole source
            existing.update(
                Event.objects.filter(
                    source=source, external_id__in=ids_in_file[lo : lo + 500]
                ).values_list("external_id", flat=True)
            )
        new = [ev for ev in parsed if ev.external_id not in existing]
        result.skipped_ids = sorted(seen & existing)[:20]
        rows, occurrences = [], []
        for i, ev in enumerate(new):
            found = index.locate(ev.lat, ev.lon)
            unit = {lvl: ids[p] for lvl, p in found.items() if p in ids}
            if not unit:
                result.unplaced += 1
            deepest = unit[max(unit)] if unit else None
            rows.append(
                Event(
                    source=source,
                    external_id=ev.external_id,
                    occurred_on=ev.day,
                    lat=ev.lat,
                    lon=ev.lon,
                    where_prec=ev.where_prec,
                    admin1_id=unit.get(1),
                    admin2_id=unit.get(2),
                    admin3_id=unit.get(3),
                    admin_unit_id=deepest,
                    threat_type=ev.threat_type,
                    type_of_violence=ev.type_of_violence,
                    fatalities=ev.fatalities,
                    description=ev.description,
                )
            )
            if unit:
                occurrences.append(
                    Occurrence(
                        tuple(unit[k] for k in sorted(unit)), ev.threat_type, ev.day, ev.fatalities
                    )
                )
            if progress and (i % 500 == 0 or i == len(new) - 1):
                progress(i + 1, len(new))
        Event.objects.bulk_create(rows, batch_size=2000)
        signals_add(occurrences, SourceKind.EVENTS)
        result.created = len(rows)
    return result


def import_file(
    path: Path, kind: str, *, source: str | None = None, progress: Progress | None = None
) -> ImportResult:
    """Parse the whole file (refusing it at the first bad line), then import it."""
    if kind == "ucdp":
        parsed = parse_ucdp(path)
        source = source or "UCDP"
    else:
        parsed = parse_generic(path)
        source = source or path.stem[:40]
    return events_import(parsed, source, progress=progress)
