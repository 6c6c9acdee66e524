"""Writes of community violence reduction projects, beneficiaries by category and weapons collected."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from sauti.accounts import audit
from sauti.accounts.models import User
from sauti.civic import choices as c
from sauti.civic.models import BeneficiaryCount, CVRProject, WeaponsCollection
from sauti.civic.models.organisations import join_codes
from sauti.civic.services.common import CivicError
from sauti.places.models import AdminUnit


def cvr_project_create(
    *,
    ref: str,
    title: str,
    admin_unit: AdminUnit,
    lines: list[str] | None = None,
    actor: User | None = None,
    **fields: Any,
) -> CVRProject:
    for line in lines or []:
        if line not in c.CVRLine.values:
            raise CivicError(_("%(v)r is not a CVR activity line.") % {"v": line})
    if CVRProject.objects.filter(ref=ref).exists():
        raise CivicError(_("A CVR project with reference %(ref)s already exists.") % {"ref": ref})
    project = CVRProject.objects.create(
        ref=ref, title=title, admin_unit=admin_unit, lines=join_codes(lines or []), **fields
    )
    audit.record(
        "object.create", actor=actor, obj=project, summary=f"CVR project {project.ref} created"
    )
    return project


def cvr_project_set_status(
    project: CVRProject, target: str, *, actor: User | None = None
) -> CVRProject:
    c.check_transition(c.CVR_TRANSITIONS, project.status, target, _("CVR project"))
    previous, project.status = project.status, target
    project.save(update_fields=["status"])
    audit.record(
        "state.change",
        actor=actor,
        obj=project,
        summary=f"CVR project {project.ref} {previous} -> {target}",
    )
    return project


@transaction.atomic
def cvr_project_set_beneficiaries(
    project: CVRProject, counts: dict[tuple[str, str], int], *, actor: User | None = None
) -> CVRProject:
    """Replace the aggregate beneficiaries by (category, sex)."""
    for (category, sex), n in counts.items():
        if category not in c.CVRCategory.values or sex not in c.Sex.values or n < 0:
            raise CivicError(_("Unknown category or sex, or a negative count."))
    project.beneficiaries.all().delete()
    BeneficiaryCount.objects.bulk_create(
        BeneficiaryCount(project=project, category=cat, sex=sex, count=n)
        for (cat, sex), n in counts.items()
        if n
    )
    audit.record(
        "object.change",
        actor=actor,
        obj=project,
        summary=f"CVR project {project.ref} beneficiaries set",
    )
    return project


def weapons_collection_record(
    project: CVRProject,
    *,
    collected_on: dt.date,
    weapons: dict[str, int],
    ammunition_rounds: int = 0,
    explosives: int = 0,
    handed_to: str = "",
    actor: User | None = None,
) -> WeaponsCollection:
    for kind, n in weapons.items():
        if kind not in c.WeaponType.values or int(n) < 0:
            raise CivicError(_("Unknown weapon type or a negative count."))
    if ammunition_rounds < 0 or explosives < 0:
        raise CivicError(_("Counts cannot be negative."))
    collection = WeaponsCollection.objects.create(
        project=project,
        collected_on=collected_on,
        weapons={k: int(v) for k, v in weapons.items() if int(v)},
        ammunition_rounds=ammunition_rounds,
        explosives=explosives,
        handed_to=handed_to,
    )
    audit.record(
        "object.create",
        actor=actor,
        obj=collection,
        summary=f"weapons collection for {project.ref}",
    )
    return collection
