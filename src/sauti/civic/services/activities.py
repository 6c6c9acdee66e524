"""Writes of activities and their participants: aggregate grid, role counts, sealed named lists."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from sauti.accounts import audit
from sauti.accounts.models import User
from sauti.civic import choices as c
from sauti.civic.models import Activity, Participant, ParticipantCount, RoleCount
from sauti.civic.services.common import CivicError, person_hash
from sauti.core.crypto import seal
from sauti.places.models import AdminUnit

SEX_COLUMNS = {"F": "f", "M": "m", "UNKNOWN": "u"}
ROLE_SEXES = ("F", "M")


def grid_column(sex: str, band: str) -> str:
    return f"{SEX_COLUMNS[sex]}_{band.lower()}"


def role_column(role: str, sex: str) -> str:
    return f"{role.lower()}_{SEX_COLUMNS[sex]}"


def aggregate_columns() -> list[str]:
    """Column names of the aggregate participant table, in template order."""
    grid = [grid_column(s, b) for s in SEX_COLUMNS for b in c.AgeBand.values]
    disability = [f"disability_{d.lower()}" for d in c.Disability.values]
    roles = [role_column(r, s) for r in c.ParticipantRole.values for s in ROLE_SEXES]
    return ["participants_total", *grid, *disability, *roles]


@dataclass
class AggregateInput:
    """Participant figures of one activity (domain.md §10): sex × age band, disability, roles × sex."""

    total: int | None = None
    grid: dict[tuple[str, str], int] = field(default_factory=dict)
    disability: dict[str, int] = field(default_factory=dict)
    roles: dict[tuple[str, str], int] = field(default_factory=dict)

    @classmethod
    def from_columns(cls, values: dict[str, int | None]) -> AggregateInput:
        agg = cls(total=values.get("participants_total"))
        for s in SEX_COLUMNS:
            for b in c.AgeBand.values:
                if values.get(grid_column(s, b)):
                    agg.grid[(s, b)] = int(values[grid_column(s, b)] or 0)
        for d in c.Disability.values:
            if values.get(f"disability_{d.lower()}"):
                agg.disability[d] = int(values[f"disability_{d.lower()}"] or 0)
        for r in c.ParticipantRole.values:
            for s in ROLE_SEXES:
                if values.get(role_column(r, s)):
                    agg.roles[(r, s)] = int(values[role_column(r, s)] or 0)
        return agg

    @property
    def grid_total(self) -> int:
        return sum(self.grid.values())

    def sex_total(self, sex: str) -> int:
        return sum(v for (s, _b), v in self.grid.items() if s == sex)


def aggregate_errors(agg: AggregateInput) -> list[tuple[str, str]]:
    """Totals must add up (§10): (column, message) for each inconsistency; empty when valid."""
    errors: list[tuple[str, str]] = []
    values = [*agg.grid.values(), *agg.disability.values(), *agg.roles.values()]
    if any(v < 0 for v in values) or (agg.total is not None and agg.total < 0):
        errors.append(("participants_total", _("Counts cannot be negative.")))
        return errors
    total = agg.grid_total if agg.total is None else agg.total
    if agg.total is not None and agg.grid_total != agg.total:
        errors.append(
            (
                "participants_total",
                _("Total %(total)s differs from the sum by sex and age, %(sum)s.")
                % {"total": agg.total, "sum": agg.grid_total},
            )
        )
    if agg.disability and sum(agg.disability.values()) != total:
        errors.append(
            (
                "disability_yes",
                _("Disability counts add up to %(sum)s, not the total %(total)s.")
                % {"sum": sum(agg.disability.values()), "total": total},
            )
        )
    for sex in ROLE_SEXES:
        in_roles = sum(v for (_r, s), v in agg.roles.items() if s == sex)
        if in_roles > agg.sex_total(sex):
            column = next(role_column(r, s) for (r, s) in agg.roles if s == sex)
            errors.append(
                (
                    column,
                    _("%(n)s participants of sex %(sex)s have a role, but only %(m)s took part.")
                    % {"n": in_roles, "sex": sex, "m": agg.sex_total(sex)},
                )
            )
    return errors


@transaction.atomic
def activity_create(
    *,
    ref: str,
    kind: str,
    range: str,
    title: str,
    admin_unit: AdminUnit,
    start: dt.date,
    end: dt.date | None = None,
    actor: User | None = None,
    partners: list[Any] | None = None,
    **fields: Any,
) -> Activity:
    if kind not in c.ActivityKind.values:
        raise CivicError(_("%(v)r is not an activity kind.") % {"v": kind})
    if range not in c.InterventionRange.values:
        raise CivicError(
            _("%(v)r is not a range of intervention (RANGE_A, RANGE_B, RANGE_C).") % {"v": range}
        )
    end = end or start
    if end < start:
        raise CivicError(_("An activity cannot end before it starts."))
    if not title.strip():
        raise CivicError(_("An activity needs a title."))
    if Activity.objects.filter(ref=ref).exists():
        raise CivicError(_("An activity with reference %(ref)s already exists.") % {"ref": ref})
    activity = Activity.objects.create(
        ref=ref,
        kind=kind,
        range=range,
        title=title.strip(),
        admin_unit=admin_unit,
        start=start,
        end=end,
        created_by=actor,
        **fields,
    )
    if partners:
        activity.partners.set(partners)
    audit.record(
        "object.create", actor=actor, obj=activity, summary=f"activity {activity.ref} created"
    )
    return activity


def activity_set_status(
    activity: Activity, target: str, *, reason: str = "", actor: User | None = None
) -> Activity:
    c.check_transition(c.ACTIVITY_TRANSITIONS, activity.status, target, _("Activity"))
    if target == c.ActivityStatus.CANCELLED and not reason.strip():
        raise CivicError(
            _("Say why the activity was cancelled (insecurity, access, funding, authorities).")
        )
    previous, activity.status = activity.status, target
    activity.cancel_reason = (
        reason.strip() if target == c.ActivityStatus.CANCELLED else activity.cancel_reason
    )
    activity.save(update_fields=["status", "cancel_reason"])
    audit.record(
        "state.change",
        actor=actor,
        obj=activity,
        summary=f"activity {activity.ref} {previous} -> {target}",
    )
    return activity


def _store_aggregate(activity: Activity, agg: AggregateInput) -> None:
    activity.counts.all().delete()
    activity.role_counts.all().delete()
    ParticipantCount.objects.bulk_create(
        ParticipantCount(activity=activity, sex=s, age_band=b, count=n)
        for (s, b), n in agg.grid.items()
        if n
    )
    RoleCount.objects.bulk_create(
        RoleCount(activity=activity, role=r, sex=s, count=n) for (r, s), n in agg.roles.items() if n
    )
    total = agg.grid_total
    activity.participants_total = total
    activity.disability_yes = agg.disability.get("YES", 0)
    activity.disability_no = agg.disability.get("NO", 0)
    activity.disability_unknown = agg.disability.get("UNKNOWN", 0) if agg.disability else total
    activity.save(
        update_fields=[
            "participants_total",
            "disability_yes",
            "disability_no",
            "disability_unknown",
        ]
    )


@transaction.atomic
def activity_set_counts(
    activity: Activity, agg: AggregateInput, *, actor: User | None = None
) -> Activity:
    """Record aggregate participant figures; refused when a named list exists (it is the source)."""
    if activity.has_list:
        raise CivicError(
            _("This activity has a named participant list; its figures are computed from it.")
        )
    errors = aggregate_errors(agg)
    if errors:
        raise CivicError(" ".join(m for _c, m in errors))
    _store_aggregate(activity, agg)
    audit.record(
        "object.change",
        actor=actor,
        obj=activity,
        summary=f"activity {activity.ref} participant figures set ({activity.participants_total})",
    )
    return activity


def wg_disability(answers: dict[str, str]) -> str:
    """Washington Group cut-off: a lot of difficulty or cannot do at all in any domain."""
    given = [a for a in answers.values() if a]
    if not given:
        return c.Disability.UNKNOWN.value
    if any(a in (c.WGAnswer.A_LOT, c.WGAnswer.CANNOT) for a in given):
        return c.Disability.YES.value
    return c.Disability.NO.value


@transaction.atomic
def activity_add_participants(
    activity: Activity, people: list[dict[str, Any]], *, actor: User | None = None
) -> list[Participant]:
    """Add named participants (names sealed) and recompute the activity's figures from the list.

    Each person: name, sex, age_band or birth_year, role, optional wg_<domain> answers, organisation,
    authority, community + consent (the label is dropped without consent, domain.md §10).
    """
    created = []
    for person in people:
        name = str(person.get("name", "")).strip()
        if not name:
            raise CivicError(_("Each participant needs a name."))
        sex = person.get("sex") or c.Sex.UNKNOWN
        role = person.get("role") or c.ParticipantRole.OTHER
        if sex not in c.Sex.values or role not in c.ParticipantRole.values:
            raise CivicError(_("Unknown sex or role for a participant."))
        birth_year = person.get("birth_year")
        band = person.get("age_band") or (
            c.age_band_for(activity.start.year - int(birth_year))
            if birth_year
            else c.AgeBand.UNKNOWN
        )
        if band not in c.AgeBand.values:
            raise CivicError(_("Unknown age band for a participant."))
        answers = {d: person.get(f"wg_{d}") or "" for d in c.WG_DOMAINS}
        if any(a and a not in c.WGAnswer.values for a in answers.values()):
            raise CivicError(_("Unknown Washington Group answer."))
        consent = bool(person.get("consent"))
        created.append(
            Participant(
                activity=activity,
                name_sealed=seal(name),
                person_hash=person_hash(name, str(birth_year or "")),
                sex=sex,
                age_band=band,
                birth_year=birth_year or None,
                role=role,
                organisation=person.get("organisation"),
                authority=person.get("authority"),
                community=(person.get("community") or "") if consent else "",
                consent=consent,
                disability=wg_disability(answers),
                **{f"wg_{d}": a for d, a in answers.items()},
            )
        )
    Participant.objects.bulk_create(created)
    activity.has_list = True
    activity.save(update_fields=["has_list"])
    activity_recount(activity)
    audit.record(
        "object.change",
        actor=actor,
        obj=activity,
        summary=f"{len(created)} named participants added to activity {activity.ref}",
    )
    return created


def activity_recount(activity: Activity) -> Activity:
    """Recompute the aggregate figures from the named list."""
    agg = AggregateInput()
    for sex, band, disability, role in activity.participants.values_list(
        "sex", "age_band", "disability", "role"
    ):
        agg.grid[(sex, band)] = agg.grid.get((sex, band), 0) + 1
        agg.disability[disability] = agg.disability.get(disability, 0) + 1
        agg.roles[(role, sex)] = agg.roles.get((role, sex), 0) + 1
    _store_aggregate(activity, agg)
    return activity
