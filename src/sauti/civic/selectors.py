"""Reads of civic records, always through the access module, and the disaggregated figures.

Figures (pages, API, exports) are computed here from the visible records only, so two users with
different areas get different — each correct — numbers.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum

from sauti.accounts import access
from sauti.civic import choices as c
from sauti.civic.models import (
    Activity,
    BeneficiaryCount,
    Commitment,
    CVRProject,
    DialogueProcess,
    Network,
    Organisation,
    ParticipantCount,
    RoleCount,
    TraditionalAuthority,
    WeaponsCollection,
)
from sauti.civic.services.organisations import network_composition

User = access.AnyUser | None


def organisations_visible_to(
    user: User,
    permission: str = "civic.view",
    *,
    q: str = "",
    kind: str = "",
    theme: str = "",
    pcode: str = "",
    women_led: bool = False,
    youth_led: bool = False,
) -> QuerySet[Organisation]:
    qs = access.visible(
        user, permission, Organisation.objects.select_related("admin_unit"), "admin_unit"
    )
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(acronym__icontains=q) | Q(ref__iexact=q))
    if kind:
        qs = qs.filter(kind=kind)
    if theme:
        qs = qs.filter(themes__contains=f",{theme},")
    if pcode:
        qs = qs.filter(admin_unit__path__contains=f"/{pcode}/")
    if women_led:
        qs = qs.filter(Q(led_by_women=True) | Q(kind=c.OrgKind.WOMEN_ASSOCIATION))
    if youth_led:
        qs = qs.filter(Q(led_by_youth=True) | Q(kind=c.OrgKind.YOUTH_ASSOCIATION))
    return qs


def organisation_get(user: User, org_id: int) -> Organisation:
    return access.get_visible(
        user,
        "civic.view",
        Organisation.objects.select_related("admin_unit"),
        "admin_unit",
        id=org_id,
    )


def networks_visible_to(user: User, *, kind: str = "") -> QuerySet[Network]:
    qs = access.visible(
        user, "civic.view", Network.objects.select_related("admin_unit"), "admin_unit"
    )
    return qs.filter(kind=kind) if kind else qs


def network_get(user: User, network_id: int) -> Network:
    return access.get_visible(
        user,
        "civic.view",
        Network.objects.select_related("admin_unit"),
        "admin_unit",
        id=network_id,
    )


def network_members(network: Network, user: User) -> list[Any]:
    """Memberships of a network; member organisations outside the user's areas are counted, not named."""
    rows = []
    for m in network.memberships.select_related("organisation__admin_unit"):
        visible = access.in_scope(user, m.organisation.admin_unit.path)
        rows.append({"membership": m, "org": m.organisation if visible else None})
    return rows


def observatories_summary(user: User) -> list[dict[str, Any]]:
    out = []
    for network in networks_visible_to(user, kind=c.NetworkKind.OBSERVATORY):
        comp = network_composition(network)
        out.append(
            {
                "id": network.pk,
                "ref": network.ref,
                "name": network.name,
                "region": network.admin_unit.pcode,
                "status": network.status,
                "members": comp.members,
                "womens_organisations": comp.womens,
                "youth_organisations": comp.youths,
                "min_members": comp.min_members,
                "composition_ok": comp.ok,
                "problems": comp.problems,
            }
        )
    return out


def authorities_visible_to(
    user: User, *, title: str = "", sex: str = "", pcode: str = ""
) -> QuerySet[TraditionalAuthority]:
    qs = access.visible(
        user, "civic.view", TraditionalAuthority.objects.select_related("admin_unit"), "admin_unit"
    )
    qs = qs.order_by("admin_unit__path", "id").annotate(
        trainings=Count(
            "participations", filter=Q(participations__activity__kind__in=c.TRAINING_KINDS)
        ),
        dialogues=Count(
            "participations", filter=Q(participations__activity__kind__in=c.DIALOGUE_KINDS)
        ),
    )
    if title:
        qs = qs.filter(title=title)
    if sex:
        qs = qs.filter(sex=sex)
    if pcode:
        qs = qs.filter(admin_unit__path__contains=f"/{pcode}/")
    return qs


def authority_get(user: User, authority_id: int) -> TraditionalAuthority:
    return access.get_visible(
        user,
        "civic.view",
        TraditionalAuthority.objects.select_related("admin_unit"),
        "admin_unit",
        id=authority_id,
    )


def activities_visible_to(
    user: User,
    permission: str = "civic.view",
    *,
    q: str = "",
    kind: str = "",
    range_: str = "",
    status: str = "",
    pcode: str = "",
    date_from: Any = None,
    date_to: Any = None,
) -> QuerySet[Activity]:
    qs = access.visible(
        user, permission, Activity.objects.select_related("admin_unit"), "admin_unit"
    )
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(ref__iexact=q) | Q(topics__icontains=q))
    if kind:
        qs = qs.filter(kind=kind)
    if range_:
        qs = qs.filter(range=range_)
    if status:
        qs = qs.filter(status=status)
    if pcode:
        qs = qs.filter(admin_unit__path__contains=f"/{pcode}/")
    if date_from:
        qs = qs.filter(start__gte=date_from)
    if date_to:
        qs = qs.filter(start__lte=date_to)
    return qs


def activity_get(user: User, activity_id: int) -> Activity:
    return access.get_visible(
        user,
        "civic.view",
        Activity.objects.select_related("admin_unit", "dialogue"),
        "admin_unit",
        id=activity_id,
    )


HELD = [c.ActivityStatus.HELD, c.ActivityStatus.REPORTED, c.ActivityStatus.VERIFIED]


def disaggregation(activities: QuerySet[Activity], *, held_only: bool = True) -> dict[str, Any]:
    """Participants of the given activities (held ones only, unless told) by sex, age band, youth,
    disability and role; planned or cancelled activities have no participants to count."""
    held = activities.filter(status__in=HELD) if held_only else activities
    by_sex: dict[str, int] = defaultdict(int)
    by_band: dict[str, int] = defaultdict(int)
    by_sex_band: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for sex, band, n in ParticipantCount.objects.filter(activity__in=held).values_list(
        "sex", "age_band", "count"
    ):
        by_sex[sex] += n
        by_band[band] += n
        by_sex_band[sex][band] += n
    roles: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for role, sex, n in RoleCount.objects.filter(activity__in=held).values_list(
        "role", "sex", "count"
    ):
        roles[role][sex] += n
        roles[role]["total"] += n
    dis = held.aggregate(
        yes=Sum("disability_yes"), no=Sum("disability_no"), unknown=Sum("disability_unknown")
    )
    return {
        "activities": held.count(),
        "total": sum(by_sex.values()),
        "by_sex": {s: by_sex.get(s, 0) for s in c.Sex.values},
        "by_age_band": {b: by_band.get(b, 0) for b in c.AgeBand.values},
        "by_sex_age_band": {
            s: {b: by_sex_band[s].get(b, 0) for b in c.AgeBand.values} for s in c.Sex.values
        },
        "youth_18_29": by_band.get("18_29", 0),
        "youth_18_29_women": by_sex_band["F"].get("18_29", 0),
        "children_under_18": sum(by_band.get(b, 0) for b in ("0_4", "5_11", "12_17")),
        "disability": {
            "YES": dis["yes"] or 0,
            "NO": dis["no"] or 0,
            "UNKNOWN": dis["unknown"] or 0,
        },
        "by_role": {r: dict(v) for r, v in sorted(roles.items())},
    }


def chiefs_trained(user: User) -> dict[str, int]:
    """Chiefs who took part in held trainings in the user's areas, by sex (§1: 329 incl. 90 women)."""
    trainings = activities_visible_to(user).filter(kind__in=c.TRAINING_KINDS, status__in=HELD)
    out = {"total": 0, "F": 0, "M": 0, "UNKNOWN": 0}
    for sex, n in RoleCount.objects.filter(
        activity__in=trainings, role=c.ParticipantRole.CHIEF
    ).values_list("sex", "count"):
        out[sex] += n
        out["total"] += n
    return out


def dialogues_visible_to(user: User, *, stage: str = "", q: str = "") -> QuerySet[DialogueProcess]:
    qs = access.visible(
        user, "civic.view", DialogueProcess.objects.select_related("admin_unit"), "admin_unit"
    )
    if stage:
        qs = qs.filter(stage=stage)
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(parties__icontains=q))
    return qs


def dialogue_get(user: User, process_id: int) -> DialogueProcess:
    return access.get_visible(
        user,
        "civic.view",
        DialogueProcess.objects.select_related("admin_unit"),
        "admin_unit",
        id=process_id,
    )


def commitment_get(user: User, commitment_id: int, permission: str = "civic.view") -> Commitment:
    return access.get_visible(
        user,
        permission,
        Commitment.objects.select_related("process__admin_unit"),
        "process__admin_unit",
        id=commitment_id,
    )


def commitments_summary(commitments: list[Commitment]) -> dict[str, int]:
    out = {s: 0 for s in c.CommitmentStatus.values}
    for item in commitments:
        out[item.effective_status()] += 1
    out["total"] = len(commitments)
    return out


def cvr_visible_to(user: User, *, status: str = "", pcode: str = "") -> QuerySet[CVRProject]:
    qs = access.visible(
        user,
        "civic.view",
        CVRProject.objects.select_related("admin_unit", "implementing_partner"),
        "admin_unit",
    )
    if status:
        qs = qs.filter(status=status)
    if pcode:
        qs = qs.filter(admin_unit__path__contains=f"/{pcode}/")
    return qs


def cvr_get(user: User, project_id: int) -> CVRProject:
    return access.get_visible(
        user,
        "civic.view",
        CVRProject.objects.select_related("admin_unit"),
        "admin_unit",
        id=project_id,
    )


def cvr_figures(projects: QuerySet[CVRProject]) -> dict[str, Any]:
    by_cat: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for cat, sex, n in BeneficiaryCount.objects.filter(project__in=projects).values_list(
        "category", "sex", "count"
    ):
        by_cat[cat][sex] += n
        by_cat[cat]["total"] += n
    weapons: dict[str, int] = defaultdict(int)
    rounds = explosives = 0
    for w in WeaponsCollection.objects.filter(project__in=projects):
        for kind, n in w.weapons.items():
            weapons[kind] += int(n)
        rounds += w.ammunition_rounds
        explosives += w.explosives
    total = sum(v["total"] for v in by_cat.values())
    women = sum(v.get("F", 0) for v in by_cat.values())
    return {
        "projects": projects.count(),
        "beneficiaries": total,
        "beneficiaries_women": women,
        "women_share": round(100 * women / total, 1) if total else 0.0,
        "by_category": {k: dict(v) for k, v in sorted(by_cat.items())},
        "weapons": dict(weapons),
        "weapons_total": sum(weapons.values()),
        "ammunition_rounds": rounds,
        "explosives": explosives,
    }


def civic_summary(user: User) -> dict[str, Any]:
    """The headline figures of civic work in the user's areas (API /civic/summary, civic home)."""
    orgs = organisations_visible_to(user)
    return {
        "organisations": orgs.count(),
        "organisations_women_led": orgs.filter(
            Q(led_by_women=True) | Q(kind=c.OrgKind.WOMEN_ASSOCIATION)
        ).count(),
        "organisations_youth_led": orgs.filter(
            Q(led_by_youth=True) | Q(kind=c.OrgKind.YOUTH_ASSOCIATION)
        ).count(),
        "chiefs_trained": chiefs_trained(user),
        "observatories": observatories_summary(user),
        "participants": disaggregation(activities_visible_to(user)),
        "dialogues": dialogues_visible_to(user).count(),
        "cvr": cvr_figures(cvr_visible_to(user)),
    }
