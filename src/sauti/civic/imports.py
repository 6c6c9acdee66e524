"""XLSX import of organisations (+ networks), activities (+ aggregate participants) and participants.

Every row of every sheet is checked first; if anything is wrong, the errors name sheet, row and
column and nothing is written. Otherwise everything is written in one transaction and audited.
Records can only be placed in the importing user's areas.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sauti.accounts import access, audit
from sauti.accounts.models import User
from sauti.civic import choices as c
from sauti.civic import services
from sauti.civic.models import Activity, Network, Organisation
from sauti.civic.services.activities import AggregateInput, aggregate_columns
from sauti.civic.xlsx import (
    Column,
    ParsedRow,
    RowError,
    Sheet,
    WorkbookError,
    open_workbook,
    read_sheet,
)
from sauti.places.models import AdminUnit

KINDS = ("organisations", "activities", "participants")

ORGANISATION_SHEET = Sheet(
    "organisations",
    [
        Column("ref", required=True, max_length=40, help=_("your unique code, e.g. ORG-0001")),
        Column("name", required=True, max_length=200),
        Column("acronym", max_length=40),
        Column("kind", "choice", required=True, choices=tuple(c.OrgKind.values)),
        Column("iati_type", "choice", choices=tuple(c.IatiOrgType.values)),
        Column("legal_status", "choice", choices=tuple(c.LegalStatus.values)),
        Column("registration_number", max_length=80),
        Column("founded_year", "int", minimum=1900, maximum=2100),
        Column("pcode", required=True, max_length=20, help=_("P-code of the head-office area")),
        Column("areas", "list", help=_("P-codes of the areas of operation, separated by ;")),
        Column("themes", "list", choices=tuple(c.Theme.values)),
        Column("membership_count", "int"),
        Column("women_share", "int", maximum=100, help=_("percent of members who are women")),
        Column("youth_share", "int", maximum=100, help=_("percent of members aged 18–29")),
        Column("led_by_women", "bool"),
        Column("led_by_youth", "bool"),
        Column("status", "choice", choices=tuple(c.OrgStatus.values)),
        Column(
            "networks",
            "list",
            help=_("references of networks/observatories it belongs to, separated by ;"),
        ),
        Column("joined_on", "date", help=_("date it joined those networks (YYYY-MM-DD)")),
        Column("contact_name", max_length=200, help=_("sealed: stored encrypted")),
        Column("contact_phone", max_length=40, help=_("sealed: stored encrypted")),
        Column("contact_position", max_length=120),
        Column("contact_sex", "choice", choices=tuple(c.Sex.values)),
        Column("contact_consent", "bool"),
    ],
)
NETWORK_SHEET = Sheet(
    "networks",
    [
        Column("ref", required=True, max_length=40),
        Column("name", required=True, max_length=200),
        Column("kind", "choice", required=True, choices=tuple(c.NetworkKind.values)),
        Column("pcode", required=True, max_length=20),
        Column("min_members", "int", maximum=10_000),
        Column("min_women_share", "int", maximum=100),
        Column("min_youth_share", "int", maximum=100),
        Column("created_on", "date"),
    ],
    required=False,
)

ACTIVITY_SHEET = Sheet(
    "activities",
    [
        Column("ref", required=True, max_length=40),
        Column("kind", "choice", required=True, choices=tuple(c.ActivityKind.values)),
        Column("range", "choice", required=True, choices=tuple(c.InterventionRange.values)),
        Column("title", required=True, max_length=250),
        Column("pcode", required=True, max_length=20),
        Column("start", "date", required=True),
        Column("end", "date"),
        Column(
            "status",
            "choice",
            choices=tuple(c.ActivityStatus.values),
            help=_("default: REPORTED if it started already, else PLANNED"),
        ),
        Column("organiser", max_length=120),
        Column("partners", "list", help=_("references of partner organisations, separated by ;")),
        Column("funding", "choice", choices=tuple(c.Funding.values)),
        Column("budget", "decimal"),
        Column("currency", max_length=3),
        Column("topics", max_length=300),
        *[Column(name, "int", help=_("participant count")) for name in aggregate_columns()],
    ],
)

PARTICIPANT_SHEET = Sheet(
    "participants",
    [
        Column("activity_ref", required=True, max_length=40),
        Column("name", required=True, max_length=200, help=_("sealed: stored encrypted")),
        Column("sex", "choice", required=True, choices=tuple(c.Sex.values)),
        Column("age_band", "choice", choices=tuple(c.AgeBand.values)),
        Column("birth_year", "int", minimum=1900, maximum=2100),
        Column("role", "choice", required=True, choices=tuple(c.ParticipantRole.values)),
        *[
            Column(
                f"wg_{d}",
                "choice",
                choices=tuple(c.WGAnswer.values),
                help=_("Washington Group question"),
            )
            for d in c.WG_DOMAINS
        ],
        Column("organisation_ref", max_length=40),
        Column(
            "authority_title",
            "choice",
            choices=tuple(c.AuthorityTitle.values),
            help=_("for chiefs and officials: links the person to the authorities register"),
        ),
        Column("recognised_by_state", "bool"),
        Column(
            "community", max_length=80, help=_("group label, only for inter-community dialogue")
        ),
        Column("consent", "bool"),
    ],
)

SHEETS: dict[str, list[Sheet]] = {
    "organisations": [ORGANISATION_SHEET, NETWORK_SHEET],
    "activities": [ACTIVITY_SHEET],
    "participants": [PARTICIPANT_SHEET],
}


class ImportRefused(Exception):
    """The workbook has errors; nothing was imported."""

    def __init__(self, errors: list[RowError]) -> None:
        super().__init__(f"{len(errors)} error(s); nothing imported")
        self.errors = errors


@dataclass
class ImportResult:
    kind: str
    created: dict[str, int] = field(default_factory=dict)


class _Checker:
    """Shared lookups while validating: P-codes in the user's scope, duplicates, references."""

    def __init__(self, user: User, sheet: str, errors: list[RowError]) -> None:
        self.user, self.sheet, self.errors = user, sheet, errors
        self.units: dict[str, AdminUnit] = {}

    def error(self, row: ParsedRow, column: str | None, message: str) -> None:
        self.errors.append(RowError(self.sheet, row.row, column, message))

    def load_units(self, rows: list[ParsedRow], *columns: str) -> None:
        codes: set[str] = set()
        for row in rows:
            for col in columns:
                value = row.values.get(col)
                codes.update(value if isinstance(value, list) else [value] if value else [])
        self.units.update({u.pcode: u for u in AdminUnit.objects.filter(pcode__in=codes)})

    def unit(self, row: ParsedRow, column: str, code: str | None) -> AdminUnit | None:
        if not code:
            return None
        unit = self.units.get(code.upper()) or self.units.get(code)
        if unit is None:
            self.error(row, column, _("unknown P-code %(p)r") % {"p": code})
            return None
        if not access.in_scope(self.user, unit.path):
            self.error(row, column, _("P-code %(p)s is outside your areas") % {"p": code})
            return None
        return unit

    def unique(self, rows: list[ParsedRow], column: str, existing: set[str]) -> None:
        seen: dict[str, int] = {}
        for row in rows:
            value = row.values.get(column)
            if not value:
                continue
            if value in seen:
                self.error(row, column, _("duplicate of row %(r)s") % {"r": seen[value]})
            elif value in existing:
                self.error(row, column, _("%(v)s already exists") % {"v": value})
            seen.setdefault(value, row.row)


def _organisations(user: User, wb: Any, errors: list[RowError], dry: bool) -> dict[str, int]:
    orgs = read_sheet(wb, ORGANISATION_SHEET, errors)
    nets = read_sheet(wb, NETWORK_SHEET, errors)
    oc, nc = _Checker(user, "organisations", errors), _Checker(user, "networks", errors)
    oc.load_units(orgs, "pcode", "areas")
    nc.load_units(nets, "pcode")
    oc.unique(
        orgs,
        "ref",
        set(
            Organisation.objects.filter(ref__in=[r.values["ref"] for r in orgs]).values_list(
                "ref", flat=True
            )
        ),
    )
    nc.unique(
        nets,
        "ref",
        set(
            Network.objects.filter(ref__in=[r.values["ref"] for r in nets]).values_list(
                "ref", flat=True
            )
        ),
    )
    new_nets = {r.values["ref"]: r for r in nets}
    known_nets = {
        n.ref: n
        for n in access.visible(
            user, "civic.edit", Network.objects.select_related("admin_unit"), "admin_unit"
        )
    }
    for row in nets:
        nc.unit(row, "pcode", row.values["pcode"])
    for row in orgs:
        v = row.values
        oc.unit(row, "pcode", v["pcode"])
        for code in v["areas"]:
            if code.upper() not in oc.units and code not in oc.units:
                oc.error(row, "areas", _("unknown P-code %(p)r") % {"p": code})
        for ref in v["networks"]:
            if ref not in new_nets and ref not in known_nets:
                oc.error(
                    row,
                    "networks",
                    _("no network with reference %(r)r in this file or your areas") % {"r": ref},
                )
        if v["networks"] and not v["joined_on"]:
            oc.error(row, "joined_on", _("give the date it joined the networks"))
        if v["contact_phone"] and not v["contact_name"]:
            oc.error(row, "contact_name", _("a contact phone needs a contact name"))
    if errors or dry:
        return {"organisations": len(orgs), "networks": len(nets)}
    created_nets = dict(known_nets)
    for row in nets:
        v = row.values
        created_nets[v["ref"]] = services.network_create(
            ref=v["ref"],
            name=v["name"],
            kind=v["kind"],
            admin_unit=nc.units[v["pcode"].upper()],
            actor=user,
            min_members=v["min_members"] or 0,
            min_women_share=v["min_women_share"] or 0,
            min_youth_share=v["min_youth_share"] or 0,
            created_on=v["created_on"],
        )
    memberships = 0
    for row in orgs:
        v = row.values
        org = services.organisation_create(
            ref=v["ref"],
            name=v["name"],
            kind=v["kind"],
            admin_unit=oc.units[v["pcode"].upper()],
            actor=user,
            areas=[oc.units.get(a.upper()) or oc.units[a] for a in v["areas"]],
            themes=v["themes"],
            acronym=v["acronym"] or "",
            iati_org_type=v["iati_type"] or "22",
            legal_status=v["legal_status"] or c.LegalStatus.INFORMAL,
            registration_number=v["registration_number"] or "",
            founded_year=v["founded_year"],
            membership_count=v["membership_count"],
            women_share=v["women_share"],
            youth_share=v["youth_share"],
            led_by_women=bool(v["led_by_women"]),
            led_by_youth=bool(v["led_by_youth"]),
            status=v["status"] or c.OrgStatus.ACTIVE,
        )
        for ref in v["networks"]:
            services.membership_add(created_nets[ref], org, joined_on=v["joined_on"], actor=user)
            memberships += 1
        if v["contact_name"]:
            services.contact_add(
                org,
                name=v["contact_name"],
                phone=v["contact_phone"] or "",
                position=v["contact_position"] or "",
                sex=v["contact_sex"] or "UNKNOWN",
                consent=bool(v["contact_consent"]),
                actor=user,
            )
    return {"organisations": len(orgs), "networks": len(nets), "memberships": memberships}


def _activities(user: User, wb: Any, errors: list[RowError], dry: bool) -> dict[str, int]:
    rows = read_sheet(wb, ACTIVITY_SHEET, errors)
    ch = _Checker(user, "activities", errors)
    ch.load_units(rows, "pcode")
    ch.unique(
        rows,
        "ref",
        set(
            Activity.objects.filter(ref__in=[r.values["ref"] for r in rows]).values_list(
                "ref", flat=True
            )
        ),
    )
    partner_refs = {ref for r in rows for ref in r.values.get("partners") or []}
    partners = {o.ref: o for o in Organisation.objects.filter(ref__in=partner_refs)}
    aggregates: dict[int, AggregateInput] = {}
    for row in rows:
        v = row.values
        if v.get("pcode"):
            ch.unit(row, "pcode", v["pcode"])
        if v.get("start") and v.get("end") and v["end"] < v["start"]:
            ch.error(row, "end", _("ends before it starts"))
        for ref in v.get("partners") or []:
            if ref not in partners:
                ch.error(row, "partners", _("no organisation with reference %(r)r") % {"r": ref})
        counts = {name: v.get(name) for name in aggregate_columns()}
        agg = AggregateInput.from_columns(counts)
        if any(val is not None for val in counts.values()):
            for column, message in services.aggregate_errors(agg):
                ch.error(row, column, message)
            aggregates[row.row] = agg
    if errors or dry:
        return {"activities": len(rows)}
    today = timezone.localdate()
    for row in rows:
        v = row.values
        status = v["status"] or (
            c.ActivityStatus.REPORTED if v["start"] <= today else c.ActivityStatus.PLANNED
        )
        activity = services.activity_create(
            ref=v["ref"],
            kind=v["kind"],
            range=v["range"],
            title=v["title"],
            admin_unit=ch.units[v["pcode"].upper()],
            start=v["start"],
            end=v["end"],
            status=status,
            organiser=v["organiser"] or "",
            funding=v["funding"] or c.Funding.BUDGET,
            budget=v["budget"],
            currency=(v["currency"] or "USD").upper(),
            topics=v["topics"] or "",
            partners=[partners[p] for p in v["partners"]],
            actor=user,
        )
        if row.row in aggregates:
            services.activity_set_counts(activity, aggregates[row.row], actor=user)
    return {"activities": len(rows)}


def _participants(user: User, wb: Any, errors: list[RowError], dry: bool) -> dict[str, int]:
    rows = read_sheet(wb, PARTICIPANT_SHEET, errors)
    ch = _Checker(user, "participants", errors)
    refs = {r.values.get("activity_ref") for r in rows}
    activities = {
        a.ref: a
        for a in access.visible(
            user, "civic.edit", Activity.objects.select_related("admin_unit"), "admin_unit"
        ).filter(ref__in=refs)
    }
    org_refs = {r.values.get("organisation_ref") for r in rows if r.values.get("organisation_ref")}
    orgs = {o.ref: o for o in Organisation.objects.filter(ref__in=org_refs)}
    seen: dict[tuple[str, str, Any], int] = {}
    for row in rows:
        v = row.values
        activity = activities.get(v.get("activity_ref") or "")
        if v.get("activity_ref") and activity is None:
            ch.error(
                row, "activity_ref", _("no activity %(r)r in your areas") % {"r": v["activity_ref"]}
            )
        if v.get("organisation_ref") and v["organisation_ref"] not in orgs:
            ch.error(
                row,
                "organisation_ref",
                _("no organisation with reference %(r)r") % {"r": v["organisation_ref"]},
            )
        if v.get("authority_title") and v.get("role") not in ("CHIEF", "AUTHORITY"):
            ch.error(
                row, "authority_title", _("only for participants whose role is CHIEF or AUTHORITY")
            )
        if activity and v.get("birth_year") and v["birth_year"] > activity.start.year:
            ch.error(row, "birth_year", _("born after the activity"))
        if v.get("name"):
            key = (
                v.get("activity_ref") or "",
                services.person_hash(v["name"]),
                v.get("birth_year"),
            )
            if key in seen:
                ch.error(
                    row,
                    "name",
                    _("the same person is already listed for this activity in row %(r)s")
                    % {"r": seen[key]},
                )
            seen.setdefault(key, row.row)
        if v.get("community") and not v.get("consent"):
            ch.error(
                row, "community", _("a community label needs the person's consent (consent = yes)")
            )
    if errors or dry:
        return {"participants": len(rows)}
    by_activity: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        v = dict(row.values)
        v["organisation"] = orgs.get(v.pop("organisation_ref") or "")
        by_activity[v.pop("activity_ref")].append(v)
    for ref, people in by_activity.items():
        # Chiefs and officials join the authorities register of the activity's area (one batch).
        named = [p for p in people if p.get("authority_title")]
        linked = (
            services.authorities_upsert_many(
                [
                    {
                        "name": p["name"],
                        "title": p["authority_title"],
                        "sex": p["sex"],
                        "recognised_by_state": p.get("recognised_by_state"),
                    }
                    for p in named
                ],
                admin_unit=activities[ref].admin_unit,
                actor=user,
            )
            if named
            else []
        )
        for person, authority in zip(named, linked, strict=True):
            person["authority"] = authority
        for person in people:
            person.pop("authority_title", None)
            person.pop("recognised_by_state", None)
    for ref, people in by_activity.items():
        services.activity_add_participants(activities[ref], people, actor=user)
    return {"participants": len(rows), "activities": len(by_activity)}


HANDLERS = {
    "organisations": _organisations,
    "activities": _activities,
    "participants": _participants,
}


def import_workbook(
    kind: str, data: bytes, user: User, *, filename: str = "", dry_run: bool = False
) -> ImportResult:
    """Check every row; raise ImportRefused with all errors, else write everything in one transaction."""
    access.require(user, "civic.edit")
    if kind not in HANDLERS:
        raise ValueError(f"unknown import kind {kind!r}; choose one of {', '.join(KINDS)}")
    try:
        wb = open_workbook(data)
    except WorkbookError as exc:
        raise ImportRefused([RowError(filename or kind, None, None, str(exc))]) from exc
    errors: list[RowError] = []
    try:
        with transaction.atomic():
            created = HANDLERS[kind](user, wb, errors, dry_run)
            if errors:
                raise ImportRefused(sorted(errors, key=lambda e: (e.sheet, e.row or 0)))
            if not dry_run:
                audit.record(
                    "import",
                    actor=user,
                    object_type=f"civic.{kind}",
                    summary=f"XLSX import of {kind}: "
                    + ", ".join(f"{k} {n}" for k, n in created.items()),
                    details={"kind": kind, "created": created},
                )
    finally:
        wb.close()
    return ImportResult(kind, created)
