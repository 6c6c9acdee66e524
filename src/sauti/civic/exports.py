"""XLSX exports and blank templates. Sealed fields only for identity.view, and then audited by callers.

Exports use the import columns, so an exported sheet can be corrected and read back by the
import of another Sauti (a handover package, DP-13).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext as _

from sauti.civic.imports import (
    ACTIVITY_SHEET,
    NETWORK_SHEET,
    ORGANISATION_SHEET,
    PARTICIPANT_SHEET,
    SHEETS,
)
from sauti.civic.models import Activity, Network, Organisation, Participant
from sauti.civic.services.activities import grid_column, role_column
from sauti.civic.xlsx import Column, Sheet, workbook_bytes, write_readme, write_sheet
from sauti.core.crypto import unseal

# Sealed columns per sheet: an organisation's name is public, a participant's is not.
SEALED_COLUMNS = {"organisations": {"contact_name", "contact_phone"}, "participants": {"name"}}

NOTES = {
    "organisations": [
        _(
            "One row per organisation; the optional 'networks' sheet creates networks and observatories."
        ),
        _(
            "An organisation joins the networks named in its 'networks' column on the 'joined_on' date."
        ),
    ],
    "activities": [
        _(
            "One row per activity. Participant counts: participants_total = the sum of the sex × age cells"
        ),
        _("(f_ = women, m_ = men, u_ = sex unknown); disability_yes + _no + _unknown = the total;"),
        _("role columns (e.g. chief_f) count, of those participants, how many held that role."),
    ],
    "participants": [
        _("One row per person and activity. Names are sealed (encrypted) on import."),
        _("When an activity has a named list, its counts are computed from the list."),
    ],
}
COMMON_NOTES = [
    _("Dates as YYYY-MM-DD. Lists separated by ';'. Columns in dark blue are required."),
    _("If any row is wrong, nothing is imported and each error names its sheet, row and column."),
]


def template_xlsx(kind: str) -> bytes:
    sheets = SHEETS[kind]

    def build(wb: Any) -> None:
        write_readme(
            wb,
            _("Sauti import template: %(kind)s") % {"kind": kind},
            sheets,
            [*NOTES[kind], *COMMON_NOTES],
        )
        for spec in sheets:
            write_sheet(wb, spec)

    return workbook_bytes(build)


def _without_sealed(spec: Sheet, include_identity: bool) -> Sheet:
    if include_identity:
        return spec
    sealed = SEALED_COLUMNS.get(spec.name, set())
    return Sheet(spec.name, [c for c in spec.columns if c.name not in sealed], spec.required)


def organisations_xlsx(
    orgs: Iterable[Organisation], networks: Iterable[Network], *, include_identity: bool
) -> bytes:
    spec = _without_sealed(ORGANISATION_SHEET, include_identity)
    rows = []
    for o in orgs:
        contact = next(iter(o.contacts.all()), None)
        nets = [m for m in o.memberships.all() if m.left_on is None]
        values = {
            "ref": o.ref,
            "name": o.name,
            "acronym": o.acronym,
            "kind": o.kind,
            "iati_type": o.iati_org_type,
            "legal_status": o.legal_status,
            "registration_number": o.registration_number,
            "founded_year": o.founded_year,
            "pcode": o.admin_unit.pcode,
            "areas": ";".join(a.pcode for a in o.areas.all()),
            "themes": ";".join(o.theme_list),
            "membership_count": o.membership_count,
            "women_share": o.women_share,
            "youth_share": o.youth_share,
            "led_by_women": "yes" if o.led_by_women else "no",
            "led_by_youth": "yes" if o.led_by_youth else "no",
            "status": o.status,
            "networks": ";".join(m.network.ref for m in nets),
            "joined_on": min((m.joined_on for m in nets), default=None),
            "contact_position": contact.position if contact else "",
            "contact_sex": contact.sex if contact else "",
            "contact_consent": ("yes" if contact.consent else "no") if contact else "",
        }
        if include_identity and contact:
            values["contact_name"] = unseal(contact.name_sealed)
            values["contact_phone"] = unseal(contact.phone_sealed) if contact.phone_sealed else ""
        rows.append([values.get(c.name) for c in spec.columns])
    net_rows = [
        [
            n.ref,
            n.name,
            n.kind,
            n.admin_unit.pcode,
            n.min_members,
            n.min_women_share,
            n.min_youth_share,
            n.created_on,
        ]
        for n in networks
    ]

    def build(wb: Any) -> None:
        write_sheet(wb, spec, rows, validations=False)
        write_sheet(wb, NETWORK_SHEET, net_rows, validations=False)

    return workbook_bytes(build)


def activities_xlsx(activities: Iterable[Activity]) -> bytes:
    rows = []
    for a in activities:
        values: dict[str, object] = {
            "ref": a.ref,
            "kind": a.kind,
            "range": a.range,
            "title": a.title,
            "pcode": a.admin_unit.pcode,
            "start": a.start,
            "end": a.end,
            "status": a.status,
            "organiser": a.organiser,
            "partners": ";".join(p.ref for p in a.partners.all()),
            "funding": a.funding,
            "budget": a.budget,
            "currency": a.currency,
            "topics": a.topics,
            "participants_total": a.participants_total,
            "disability_yes": a.disability_yes,
            "disability_no": a.disability_no,
            "disability_unknown": a.disability_unknown,
        }
        for cell in a.counts.all():
            values[grid_column(cell.sex, cell.age_band)] = cell.count
        for rc in a.role_counts.all():
            if rc.sex in ("F", "M"):
                values[role_column(rc.role, rc.sex)] = rc.count
        rows.append([values.get(c.name) for c in ACTIVITY_SHEET.columns])
    return workbook_bytes(lambda wb: write_sheet(wb, ACTIVITY_SHEET, rows, validations=False))


def participants_xlsx(participants: Iterable[Participant], *, include_identity: bool) -> bytes:
    spec = _without_sealed(PARTICIPANT_SHEET, include_identity)
    if not include_identity:
        spec = Sheet(spec.name, [Column("participant_id", "int"), *spec.columns])
    rows = []
    for p in participants:
        values: dict[str, object] = {
            "participant_id": p.pk,
            "activity_ref": p.activity.ref,
            "sex": p.sex,
            "age_band": p.age_band,
            "birth_year": p.birth_year,
            "role": p.role,
            "organisation_ref": p.organisation.ref if p.organisation else "",
            "authority_title": p.authority.title if p.authority else "",
            "community": p.community,
            "consent": "yes" if p.consent else "no",
            **{
                f"wg_{d}": getattr(p, f"wg_{d}")
                for d in ("seeing", "hearing", "walking", "cognition", "selfcare", "communication")
            },
        }
        if include_identity:
            values["name"] = unseal(p.name_sealed) if p.name_sealed else ""  # erased (DP-9)
        rows.append([values.get(c.name) for c in spec.columns])
    return workbook_bytes(lambda wb: write_sheet(wb, spec, rows, validations=False))
