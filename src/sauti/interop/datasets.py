"""What each export KIND contains, read through the apps' selectors under the access module.

Sealed fields never appear: reporters, phone numbers, contact persons, participant names and raw
messages are not columns of any dataset, and alert narratives (free text) are left out (DP-10).
Counts are raw here; ``service`` suppresses small cells before anything is written.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, QuerySet, Sum
from django.db.models.functions import TruncDate

from sauti.accounts import access
from sauti.alerts.selectors import alerts_visible_to, incidents_visible_to
from sauti.civic import selectors as civic
from sauti.civic.models import ParticipantCount
from sauti.indicators.models import IndicatorSnapshot, IndicatorValue, Unit
from sauti.interop.suppression import HIDDEN, is_small, small_label, suppress_group
from sauti.interop.table import Column, Table
from sauti.places.models import AdminUnit

KINDS = ("alerts", "incidents", "organisations", "activities", "indicators")
PERMISSION = {
    "alerts": "alerts.export",
    "incidents": "alerts.export",
    "organisations": "civic.export",
    "activities": "civic.export",
    "indicators": "indicators.view",
}
LEFT_OUT = {
    "alerts": "reporter pseudonyms and identities, raw messages, summaries and narratives, "
    "actors named, exact place text and coordinates",
    "incidents": "titles (free text), linked alerts' reporters, summaries and narratives",
    "organisations": "contact persons' names and phone numbers (sealed)",
    "activities": "participant names and lists (sealed), outputs text, budgets",
    "indicators": "nothing besides small cells",
}


class ExportError(ValueError):
    """An export that cannot be made as asked (unknown kind, area outside the scope...)."""


def admin2_of(path: str) -> str:
    """The admin2 P-code above a unit (or the unit itself when it is level 0 or 1)."""
    parts = path.strip("/").split("/")
    return parts[2] if len(parts) > 2 else parts[-1]


def pcodes_of(path: str) -> list[str]:
    """The admin1, admin2 and own P-codes of a unit ('' where the unit is above that level)."""
    parts = path.strip("/").split("/")
    return [parts[1] if len(parts) > 1 else "", parts[2] if len(parts) > 2 else "", parts[-1]]


def iso_week(day: Any) -> str:
    y, w, _d = day.isocalendar()
    return f"{y}-W{w:02d}"


@dataclass
class Dataset:
    """A table, plus counts by admin unit (maps) and by category (charts) of the same records."""

    table: Table
    by_unit: dict[str, int] = field(default_factory=dict)
    by_category: dict[str, int] = field(default_factory=dict)
    category_label: str = ""


def _narrow(qs: QuerySet[Any], area: AdminUnit | None, field_: str) -> QuerySet[Any]:
    return qs.filter(**{f"{field_}__path__startswith": area.path}) if area else qs


def alerts_aggregated(user: Any, area: AdminUnit | None, suppress: bool) -> Dataset:
    """Alerts counted by admin2 × ISO week × threat type, with an ALL row per admin2 and week
    (the total, which drives complementary suppression)."""
    qs = _narrow(alerts_visible_to(user, "alerts.export"), area, "admin_unit")
    paths = dict(AdminUnit.objects.values_list("id", "path"))
    names = dict(AdminUnit.objects.values_list("pcode", "name"))
    cells: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    by_unit: Counter[str] = Counter()
    by_cat: Counter[str] = Counter()
    rows = (
        qs.annotate(day=TruncDate("received_at"))
        .values_list("admin_unit_id", "day", "threat_type")
        .order_by()
    )
    for unit_id, day, threat in rows.iterator(chunk_size=5000):
        adm2 = admin2_of(paths[unit_id])
        cells[(adm2, iso_week(day))][threat] += 1
        by_unit[adm2] += 1
        by_cat[threat] += 1

    def gen() -> Iterator[list[Any]]:
        for (adm2, week), parts in sorted(cells.items()):
            total = sum(parts.values())
            shown, shown_total = (
                suppress_group(dict(parts), total) if suppress else (dict(parts), total)
            )
            yield [adm2, names.get(adm2, ""), week, "ALL", shown_total]
            for threat in sorted(parts):
                yield [adm2, names.get(adm2, ""), week, threat, shown[threat]]

    table = Table(
        "Sauti alerts by admin2, ISO week and threat type",
        [
            Column("adm_pcode", "#adm2+code", trusted=True),
            Column("adm_name", "#adm2+name"),
            Column("week", "#date+week", trusted=True),
            Column("threat_type", "#event+type", trusted=True),
            Column("alerts", "#affected+alerts+num", numeric=True),
        ],
        gen(),
        classification="INTERNAL",
    )
    return Dataset(table, dict(by_unit), dict(by_cat), "threat type")


ALERT_DETAIL_COLUMNS = [
    Column("reference", "#event+id", trusted=True),
    Column("date", "#date+received", trusted=True),
    Column("week", "#date+week", trusted=True),
    Column("threat_type", "#event+type", trusted=True),
    Column("state", "#status", trusted=True),
    Column("channel", "#meta+channel", trusted=True),
    Column("adm1_pcode", "#adm1+code", trusted=True),
    Column("adm2_pcode", "#adm2+code", trusted=True),
    Column("adm_pcode", "#adm+code", trusted=True),
]


def alerts_detail(user: Any, area: AdminUnit | None) -> Dataset:
    """One de-identified row per alert (no narrative, no reporter): CONFIDENTIAL, internal only."""
    qs = _narrow(alerts_visible_to(user, "alerts.export"), area, "admin_unit")
    values = qs.values_list(
        "reference", "received_at", "threat_type", "state", "channel__type", "admin_unit__path"
    ).order_by("received_at", "id")

    def gen() -> Iterator[list[Any]]:
        for ref, received, threat, state, channel, path in values.iterator(chunk_size=5000):
            day = received.date()
            yield [
                ref,
                day.isoformat(),
                iso_week(day),
                threat,
                state,
                channel or "DIRECT",
                *pcodes_of(path),
            ]

    table = Table(
        "Sauti alerts (de-identified)", ALERT_DETAIL_COLUMNS, gen(), classification="CONFIDENTIAL"
    )
    by_unit: Counter[str] = Counter()
    by_cat: Counter[str] = Counter()
    for path, threat in qs.values_list("admin_unit__path", "threat_type").order_by():
        by_unit[admin2_of(path)] += 1
        by_cat[threat] += 1
    return Dataset(table, dict(by_unit), dict(by_cat), "threat type")


INCIDENT_COLUMNS = [
    Column("incident_id", "#event+id", trusted=True),
    Column("first_alert", "#date+start", trusted=True),
    Column("week", "#date+week", trusted=True),
    Column("threat_type", "#event+type", trusted=True),
    Column("status", "#status", trusted=True),
    Column("alerts", "#meta+alerts+num", numeric=True),
    Column("adm1_pcode", "#adm1+code", trusted=True),
    Column("adm2_pcode", "#adm2+code", trusted=True),
    Column("adm_pcode", "#adm+code", trusted=True),
]


def incidents(user: Any, area: AdminUnit | None) -> Dataset:
    """One row per incident (merged ones left out), with the number of alerts that report it.

    Titles are free text written from what reporters said, so they are left out like narratives;
    the threat type, status, dates and P-codes are the shareable coding (DP-10)."""
    qs = _narrow(incidents_visible_to(user, "alerts.export"), area, "admin_unit")
    rows = list(
        qs.annotate(n_alerts=Count("alerts"))
        .values_list(
            "id", "first_alert_at", "threat_type", "status", "n_alerts", "admin_unit__path"
        )
        .order_by("first_alert_at", "id")
    )
    by_unit: Counter[str] = Counter()
    by_cat: Counter[str] = Counter()
    for _id, _first, threat, _status, _n, path in rows:
        by_unit[admin2_of(path)] += 1
        by_cat[threat] += 1

    def gen() -> Iterator[list[Any]]:
        for incident_id, first, threat, status, n_alerts, path in rows:
            day = first.date()
            yield [
                incident_id,
                day.isoformat(),
                iso_week(day),
                threat,
                status,
                n_alerts,
                *pcodes_of(path),
            ]

    table = Table("Sauti incidents", INCIDENT_COLUMNS, gen(), classification="CONFIDENTIAL")
    return Dataset(table, dict(by_unit), dict(by_cat), "threat type")


def organisations(user: Any, area: AdminUnit | None) -> Dataset:
    qs = _narrow(civic.organisations_visible_to(user, "civic.export"), area, "admin_unit")
    orgs = list(qs.order_by("ref"))
    rows = [
        [
            o.ref,
            o.name,
            o.acronym,
            o.kind,
            o.status,
            o.admin_unit.pcode,
            o.admin_unit.name,
            "yes" if o.is_womens else "no",
            "yes" if o.is_youths else "no",
            o.membership_count,
        ]
        for o in orgs
    ]
    table = Table(
        "Sauti organisations",
        [
            Column("ref", "#org+id"),
            Column("name", "#org+name"),
            Column("acronym", "#org+acronym"),
            Column("kind", "#org+type"),
            Column("status", "#status"),
            Column("adm_pcode", "#adm+code"),
            Column("adm_name", "#adm+name"),
            Column("women_led", "#org+women_led"),
            Column("youth_led", "#org+youth_led"),
            Column("members", "#org+members+num", numeric=True),
        ],
        rows,
        classification="INTERNAL",
    )
    return Dataset(
        table,
        dict(Counter(admin2_of(o.admin_unit.path) for o in orgs)),
        dict(Counter(o.kind for o in orgs)),
        "kind",
    )


def activities(user: Any, area: AdminUnit | None, suppress: bool) -> Dataset:
    """Activities with participants by sex; small counts suppressed within each row."""
    qs = _narrow(civic.activities_visible_to(user, "civic.export"), area, "admin_unit")
    acts = list(qs.order_by("start", "ref"))
    by_sex: dict[int, dict[str, int]] = defaultdict(lambda: {"F": 0, "M": 0, "UNKNOWN": 0})
    for aid, sex, n in (
        ParticipantCount.objects.filter(activity__in=[a.pk for a in acts])
        .values_list("activity_id", "sex")
        .annotate(n=Sum("count"))
        .values_list("activity_id", "sex", "n")
    ):
        by_sex[aid][sex] = n or 0
    rows = []
    for a in acts:
        parts = by_sex[a.pk]
        total = sum(parts.values())
        shown, shown_total = suppress_group(parts, total) if suppress else (parts, total)
        rows.append(
            [
                a.ref,
                a.kind,
                a.range,
                a.title,
                a.start.isoformat(),
                a.status,
                a.admin_unit.pcode,
                a.admin_unit.name,
                shown_total,
                shown["F"],
                shown["M"],
                shown["UNKNOWN"],
            ]
        )
    table = Table(
        "Sauti activities",
        [
            Column("ref", "#activity+id"),
            Column("kind", "#activity+type"),
            Column("range", "#activity+range"),
            Column("title", "#activity+name"),
            Column("start", "#date+start"),
            Column("status", "#status"),
            Column("adm_pcode", "#adm+code"),
            Column("adm_name", "#adm+name"),
            Column("participants", "#reached+total", numeric=True),
            Column("women", "#reached+f", numeric=True),
            Column("men", "#reached+m", numeric=True),
            Column("sex_unknown", "#reached+sex_unknown", numeric=True),
        ],
        rows,
        classification="INTERNAL",
    )
    return Dataset(
        table,
        dict(Counter(admin2_of(a.admin_unit.path) for a in acts)),
        dict(Counter(a.range for a in acts)),
        "range",
    )


def _suppress_snapshot(unit: str, values: list[IndicatorValue]) -> dict[str, tuple[Any, Any]]:
    """Suppressed (value, n) per key: counts by group with complementary suppression against the
    total; a percentage whose denominator is small is hidden."""
    out: dict[str, tuple[Any, Any]] = {}
    if unit != Unit.COUNT:
        for v in values:
            out[v.disaggregation_key] = (HIDDEN, small_label()) if is_small(v.n) else (v.value, v.n)
        return out
    total = next((v for v in values if v.disaggregation_key == ""), None)
    total_n = int(total.value) if total and total.value is not None else None
    groups: dict[str, dict[str, int]] = defaultdict(dict)
    for v in values:
        if v.disaggregation_key and v.value is not None:
            groups[v.disaggregation_key.split("=", 1)[0]][v.disaggregation_key] = int(v.value)
    shown_total: Any = total_n
    for parts in groups.values():
        shown, t = suppress_group(parts, total_n if sum(parts.values()) == total_n else None)
        for k, s in shown.items():
            out[k] = (s, s)
        if t == HIDDEN:
            shown_total = HIDDEN
    if total is not None:
        if is_small(total_n):
            shown_total = small_label()
        out[""] = (shown_total, shown_total)
    return out


def indicators(user: Any, area: AdminUnit | None, suppress: bool, period: str = "") -> Dataset:
    qs = access.visible(
        user,
        "indicators.view",
        IndicatorSnapshot.objects.filter(current=True).select_related("definition", "area"),
        "area",
    )
    qs = _narrow(qs, area, "area")
    if period:
        qs = qs.filter(period=period)
    snaps = list(qs.order_by("definition__range", "definition__code", "period", "area__path"))
    values: dict[int, list[IndicatorValue]] = defaultdict(list)
    for v in IndicatorValue.objects.filter(snapshot__in=[s.pk for s in snaps]).order_by("id"):
        values[v.snapshot_id].append(v)
    rows = []
    by_unit: dict[str, int] = {}
    by_cat: dict[str, int] = {}
    for s in snaps:
        vals = values[s.pk]
        shown = (
            _suppress_snapshot(s.definition.unit, vals)
            if suppress
            else {v.disaggregation_key: (v.value, v.n) for v in vals}
        )
        for v in vals:
            value, n = shown[v.disaggregation_key]
            rows.append(
                [
                    s.definition.code,
                    s.definition.name_en,
                    s.definition.range,
                    s.definition.unit,
                    s.period,
                    s.area.pcode,
                    s.area.name,
                    v.disaggregation_key or "total",
                    value,
                    n,
                    s.definition_version,
                ]
            )
        if s.definition.code == "ALERTS_RECEIVED":
            total = next((v for v in vals if v.disaggregation_key == ""), None)
            if total and total.value is not None:
                by_unit[s.area.pcode] = int(total.value)
        if s.area.level == 0 and s.definition.unit == Unit.COUNT:
            total = next((v for v in vals if v.disaggregation_key == ""), None)
            if total and total.value is not None:
                by_cat[s.definition.code] = int(total.value)
    table = Table(
        "Sauti indicators",
        [
            Column("code", "#indicator+code"),
            Column("name", "#indicator+name"),
            Column("range", "#indicator+range"),
            Column("unit", "#indicator+unit"),
            Column("period", "#date+period"),
            Column("adm_pcode", "#adm+code"),
            Column("adm_name", "#adm+name"),
            Column("disaggregation", "#indicator+disaggregation"),
            Column("value", "#indicator+value+num", numeric=True),
            Column("n", "#indicator+n+num", numeric=True),
            Column("definition_version", "#meta+version", numeric=True),
        ],
        rows,
        classification="PUBLIC" if suppress else "INTERNAL",
    )
    return Dataset(table, by_unit, by_cat, "indicator")
