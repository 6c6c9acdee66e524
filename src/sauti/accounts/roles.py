"""Roles of domain.md §2 and what each may do: the one permission matrix of Sauti.

A permission says *what* a user may do; the area scope (see ``access``) says *where*. Both are
needed. The matrix is data, so a test can print and check it row by row.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    CLA = "CLA", _("Community Liaison Assistant")
    CA_OFFICER = "CA_OFFICER", _("Civil Affairs officer")
    POC_OFFICER = "POC_OFFICER", _("Protection of civilians officer")
    JOC_OFFICER = "JOC_OFFICER", _("JOC duty officer")
    RESPONDER_UNIT = "RESPONDER_UNIT", _("Responder (base or unit commander)")
    NATIONAL_FOCAL = "NATIONAL_FOCAL", _("National forces liaison")
    HR_OFFICER = "HR_OFFICER", _("Human rights officer")
    CP_OFFICER = "CP_OFFICER", _("Child protection officer")
    WPA = "WPA", _("Women protection adviser")
    DDR_OFFICER = "DDR_OFFICER", _("DDR / CVR officer")
    PA_OFFICER = "PA_OFFICER", _("Political affairs officer")
    ANALYST = "ANALYST", _("Analyst")
    DPO_FOCAL = "DPO_FOCAL", _("Data protection focal point")
    ADMIN = "ADMIN", _("Administrator")
    PARTNER_CSO = "PARTNER_CSO", _("Partner organisation")


R = Role
_FIELD_STAFF = {R.CLA, R.CA_OFFICER, R.POC_OFFICER, R.JOC_OFFICER}
_ALERT_READERS = _FIELD_STAFF | {
    R.RESPONDER_UNIT,
    R.ANALYST,
    R.DPO_FOCAL,
    R.HR_OFFICER,
    R.CP_OFFICER,
    R.WPA,
}

# permission code -> roles that hold it
PERMISSIONS: dict[str, frozenset[Role]] = {
    "alerts.view": frozenset(_ALERT_READERS),
    "alerts.create": frozenset({R.CLA, R.CA_OFFICER}),
    "alerts.export": frozenset(_FIELD_STAFF | {R.ANALYST}),
    # Sealed personal data of reporters (DP-3): the CLA line and the data-protection focal point.
    "identity.view": frozenset({R.CLA, R.CA_OFFICER, R.DPO_FOCAL}),
    # Reporters by pseudonym (no identity), channels configuration (intake).
    "reporters.view": frozenset({R.CLA, R.CA_OFFICER, R.POC_OFFICER, R.DPO_FOCAL}),
    "channels.manage": frozenset({R.CA_OFFICER, R.ADMIN}),
    "places.view": frozenset(Role),
    "places.edit": frozenset({R.CLA, R.CA_OFFICER, R.ADMIN}),
    "audit.view": frozenset({R.ADMIN, R.DPO_FOCAL}),
    "users.manage": frozenset({R.ADMIN}),
    "jobs.view": frozenset({R.ADMIN}),
    # Civil society, authorities, activities, dialogues, CVR (civic) and peace agreements.
    "civic.view": frozenset(
        _FIELD_STAFF | {R.PA_OFFICER, R.DDR_OFFICER, R.ANALYST, R.WPA, R.DPO_FOCAL, R.ADMIN}
    ),
    "civic.edit": frozenset({R.CLA, R.CA_OFFICER, R.POC_OFFICER, R.PA_OFFICER, R.DDR_OFFICER}),
    "civic.export": frozenset(
        {R.CLA, R.CA_OFFICER, R.POC_OFFICER, R.PA_OFFICER, R.DDR_OFFICER, R.ANALYST}
    ),
    "agreements.view": frozenset(
        _FIELD_STAFF | {R.PA_OFFICER, R.DDR_OFFICER, R.ANALYST, R.DPO_FOCAL, R.ADMIN}
    ),
    "agreements.edit": frozenset({R.CA_OFFICER, R.PA_OFFICER}),
    # Early warning: flags, risk levels and maps; overrides and hotspot tiers; event imports.
    "warning.view": frozenset(
        _FIELD_STAFF | {R.RESPONDER_UNIT, R.PA_OFFICER, R.ANALYST, R.HR_OFFICER, R.ADMIN}
    ),
    "warning.override": frozenset({R.CA_OFFICER, R.POC_OFFICER, R.JOC_OFFICER}),
    "warning.import": frozenset({R.ANALYST, R.ADMIN}),
    # Indicators, dashboards and exports (indicators/interop): figures in the user's areas;
    # targets and definitions; exports with small cells unsuppressed (personal data: DPO only).
    "indicators.view": frozenset(
        _FIELD_STAFF
        | {R.PA_OFFICER, R.DDR_OFFICER, R.ANALYST, R.WPA, R.HR_OFFICER, R.DPO_FOCAL, R.ADMIN}
    ),
    "indicators.manage": frozenset({R.CA_OFFICER, R.ANALYST}),
    "exports.personal": frozenset({R.DPO_FOCAL}),
    # Response (issue 5): moving alerts along the workflow (the table in alerts.workflow says
    # which role makes which step), the live board, feedback to reporters and the metrics.
    "alerts.transition": frozenset({R.CLA, R.CA_OFFICER, R.JOC_OFFICER, R.RESPONDER_UNIT}),
    "response.board": frozenset(_FIELD_STAFF | {R.RESPONDER_UNIT}),
    "response.feedback": frozenset({R.CLA, R.CA_OFFICER}),
    "response.metrics": frozenset(_FIELD_STAFF | {R.RESPONDER_UNIT, R.ANALYST}),
    # Incidents: grouping alerts about one event, unlinking, merging (§4.2).
    "incidents.manage": frozenset({R.CLA, R.CA_OFFICER, R.POC_OFFICER}),
    # Network health: test pings and the device registry of community alert networks.
    "network.manage": frozenset({R.CLA, R.CA_OFFICER}),
}


def roles_with(permission: str) -> frozenset[Role]:
    try:
        return PERMISSIONS[permission]
    except KeyError as exc:
        raise KeyError(f"unknown permission {permission!r}") from exc
