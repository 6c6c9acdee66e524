"""Signal counts per admin unit (levels 1–3) × threat type × day and ISO week, kept by increments.

Each arriving alert or event adds +1 (and its deaths) to six cells at most — its day and its week,
for each of the up-to-three admin levels above it — with one ``INSERT … ON CONFLICT DO UPDATE SET
count = count + excluded.count`` per cell (same SQL on SQLite and PostgreSQL). Nothing is ever
recomputed from scratch, so adding a day of data costs what that day contains.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, transaction

from sauti.places.models import AdminUnit
from sauti.warning.models import PeriodKind, SignalCount, SignalCursor, SourceKind

SIGNAL_LEVELS = (1, 2, 3)
_TABLE = SignalCount._meta.db_table
# The table name is our own constant; the values are parameters.
_UPSERT = (
    f"INSERT INTO {_TABLE} (admin_unit_id, threat_type, period, period_start, source_kind, "  # noqa: S608
    "count, fatalities) VALUES (%s, %s, %s, %s, %s, %s, %s) "
    "ON CONFLICT (admin_unit_id, threat_type, period, period_start, source_kind) DO UPDATE SET "
    f"count = {_TABLE}.count + excluded.count, "
    f"fatalities = {_TABLE}.fatalities + excluded.fatalities"
)


def week_start(day: date) -> date:
    """The Monday of the ISO week containing ``day``."""
    return day - timedelta(days=day.weekday())


@dataclass(frozen=True)
class Occurrence:
    """One alert or event as the signals see it: where (unit ids, levels 1–3), what, when, deaths."""

    unit_ids: tuple[int, ...]
    threat_type: str
    day: date
    fatalities: int = 0


def signals_add(occurrences: Iterable[Occurrence], source_kind: str) -> int:
    """Add occurrences to the counts (in the caller's transaction); returns cells touched."""
    deltas: dict[tuple[int, str, str, date], list[int]] = {}
    for occ in occurrences:
        week = week_start(occ.day)
        for unit_id in occ.unit_ids:
            for period, start in ((PeriodKind.DAY, occ.day), (PeriodKind.WEEK, week)):
                cell = deltas.setdefault((unit_id, occ.threat_type, period, start), [0, 0])
                cell[0] += 1
                cell[1] += occ.fatalities
    return signals_upsert(
        (unit_id, threat, str(period), start, source_kind, n, deaths)
        for (unit_id, threat, period, start), (n, deaths) in sorted(deltas.items())
    )


def signals_upsert(rows: Iterable[tuple[int, str, str, date, str, int, int]]) -> int:
    """Add (unit id, threat, period, start, source kind, count, deaths) to the cells, creating
    missing ones; returns how many rows were applied."""
    params = [(u, t, p, start.isoformat(), k, n, d) for u, t, p, start, k, n, d in rows]
    if params:
        with connection.cursor() as cursor:
            cursor.executemany(_UPSERT, params)
    return len(params)


def unit_ids_by_level(paths: Iterable[str]) -> dict[str, tuple[int, ...]]:
    """For materialised paths ("/CF/CF52/CF521/"), the ids of their level 1–3 units."""
    paths = set(paths)
    pcodes = {p for path in paths for p in path.strip("/").split("/")}
    ids = dict(
        AdminUnit.objects.filter(pcode__in=pcodes, level__in=SIGNAL_LEVELS).values_list(
            "pcode", "id"
        )
    )
    return {path: tuple(ids[p] for p in path.strip("/").split("/") if p in ids) for path in paths}


def _local_day(moment: datetime) -> date:
    return moment.astimezone(ZoneInfo(settings.SAUTI_MISSION_TIME_ZONE)).date()


def signals_sync_alerts(batch: int = 5000) -> int:
    """Count the alerts that arrived since the last call (by id); returns how many were added.

    The alert's own date is when it happened if known, else when it was received (mission time)."""
    from sauti.alerts.models import Alert

    added = 0
    while True:
        with transaction.atomic():
            cursor, _created = SignalCursor.objects.select_for_update().get_or_create(name="alerts")
            rows = list(
                Alert.objects.filter(id__gt=cursor.last_id, admin_unit__isnull=False)
                .order_by("id")
                .values_list("id", "admin_unit__path", "threat_type", "occurred_at", "received_at")[
                    :batch
                ]
            )
            if not rows:
                return added
            by_path = unit_ids_by_level(r[1] for r in rows)
            signals_add(
                (
                    Occurrence(by_path[path], threat, _local_day(occurred or received))
                    for _id, path, threat, occurred, received in rows
                    if by_path[path]
                ),
                SourceKind.ALERTS,
            )
            cursor.last_id = rows[-1][0]
            cursor.save(update_fields=["last_id"])
            added += len(rows)
