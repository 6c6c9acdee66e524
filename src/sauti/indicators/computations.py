"""The indicators Sauti computes today (domain.md §11), each over the owning app's selectors.

Alert-response indicators (ALERTS_ADDRESSED_PCT, FEEDBACK_GIVEN_PCT, median times) need the
response timeline that is being built; they are added here when it lands, from whatever
transitions exist. Reporter sex is not recorded, so FP_WOMEN_PCT waits for it too.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import timedelta
from typing import Any

from django.db.models import Q, QuerySet

from sauti.accounts import access
from sauti.agreements import selectors as agreements
from sauti.alerts.selectors import alerts_visible_to
from sauti.channels.models import Network as AlertNetwork
from sauti.channels.models import Reporter
from sauti.channels.selectors import reporters_visible_to
from sauti.civic import choices as c
from sauti.civic import selectors as civic
from sauti.civic.models import (
    Activity,
    BeneficiaryCount,
    Commitment,
    CVRProject,
    RoleCount,
    WeaponsCollection,
)
from sauti.indicators.models import Range, Unit
from sauti.indicators.registry import Cell, Cells, Context, count, counts, indicator, percent

A, B, C = Range.RANGE_A, Range.RANGE_B, Range.RANGE_C


# --- Range (a): community alert networks -----------------------------------------------------


@indicator(
    "ALERTS_RECEIVED",
    en="Alerts received",
    fr="Alertes reçues",
    range=A,
    unit=Unit.COUNT,
    disaggregations=("threat_type", "channel"),
    owner="JOC",
)
def alerts_received(ctx: Context) -> Cells:
    """Alerts received in the period in the area, by threat type and by channel type (DIRECT when
    logged by staff without a channel)."""
    rows = list(
        alerts_visible_to(ctx.reader("alerts.view"))
        .filter(received_at__gte=ctx.start_dt, received_at__lt=ctx.end_dt)
        .values_list("threat_type", "channel__type")
    )
    out = {"": count(len(rows))}
    out |= counts("threat_type", Counter(t for t, _ch in rows))
    out |= counts("channel", Counter(ch or "DIRECT" for _t, ch in rows))
    return out


@indicator(
    "CAN_ACTIVE",
    en="Community alert networks active",
    fr="Réseaux d'alerte communautaire actifs",
    range=A,
    unit=Unit.COUNT,
    owner="CAD",
)
def can_active(ctx: Context) -> Cells:
    """Alert networks (ACTIVE) with at least one alert from their reporters or channels in the 90
    days up to the end of the period."""
    reader = ctx.reader("reporters.view")
    networks = access.visible(
        reader,
        "reporters.view",
        AlertNetwork.objects.filter(status=AlertNetwork.Status.ACTIVE),
        "area",
    )
    since = ctx.end_dt - timedelta(days=90)
    recent = alerts_visible_to(ctx.reader("alerts.view")).filter(
        received_at__gte=since, received_at__lt=ctx.end_dt
    )
    with_alerts = set(
        recent.filter(reporter__network__isnull=False).values_list("reporter__network", flat=True)
    ) | set(
        recent.filter(channel__network__isnull=False).values_list("channel__network", flat=True)
    )
    return {"": count(sum(1 for pk in networks.values_list("pk", flat=True) if pk in with_alerts))}


@indicator(
    "FP_ACTIVE",
    en="Active focal points",
    fr="Points focaux actifs",
    range=A,
    unit=Unit.COUNT,
    disaggregations=("network",),
    owner="CAD",
)
def fp_active(ctx: Context) -> Cells:
    """Focal points whose status is ACTIVE when computed (status has no history yet), by network."""
    rows = list(
        reporters_visible_to(ctx.reader("reporters.view"))
        .filter(kind=Reporter.Kind.FOCAL_POINT, status=Reporter.Status.ACTIVE)
        .values_list("network__name", flat=True)
    )
    return {"": count(len(rows))} | counts("network", Counter(n or "-" for n in rows))


# --- Range (b): inclusive processes, civil society, CVR ----------------------------------------


def _held_activities(ctx: Context) -> QuerySet[Activity]:
    return civic.activities_visible_to(
        ctx.reader("civic.view"), date_from=ctx.start, date_to=ctx.end
    ).filter(status__in=civic.HELD)


def _engaged(ctx: Context) -> list[tuple[int, bool]]:
    held = _held_activities(ctx)
    orgs = civic.organisations_visible_to(ctx.reader("civic.view")).filter(activities__in=held)
    women = Q(led_by_women=True) | Q(kind=c.OrgKind.WOMEN_ASSOCIATION)
    women_ids = set(orgs.filter(women).values_list("pk", flat=True))
    return [(pk, pk in women_ids) for pk in set(orgs.values_list("pk", flat=True))]


@indicator(
    "CSO_ENGAGED",
    en="Civil society organisations engaged",
    fr="Organisations de la société civile engagées",
    range=B,
    unit=Unit.COUNT,
    owner="CAD",
)
def cso_engaged(ctx: Context) -> Cells:
    """Organisations of the area that were partners of at least one activity held in the area
    and period."""
    return {"": count(len(_engaged(ctx)))}


@indicator(
    "CSO_WOMEN_LED_PCT",
    en="Engaged organisations led by women (%)",
    fr="Organisations engagées dirigées par des femmes (%)",
    range=B,
    unit=Unit.PERCENT,
    owner="CAD",
)
def cso_women_led_pct(ctx: Context) -> Cells:
    """Of the organisations engaged (CSO_ENGAGED), those led by women or women's associations."""
    engaged = _engaged(ctx)
    return {"": percent(sum(1 for _pk, w in engaged if w), len(engaged))}


@indicator(
    "PARTICIPANTS",
    en="Participants in activities",
    fr="Participants aux activités",
    range=B,
    unit=Unit.COUNT,
    disaggregations=("sex", "age_band"),
    owner="CAD",
)
def participants(ctx: Context) -> Cells:
    """People counted at activities held in the period (aggregate counts), by sex and age band."""
    d = civic.disaggregation(_held_activities(ctx))
    return (
        {"": count(d["total"])}
        | counts("sex", {k: v for k, v in d["by_sex"].items() if v})
        | counts("age_band", {k: v for k, v in d["by_age_band"].items() if v})
    )


@indicator(
    "PARTICIPANTS_WOMEN_PCT",
    en="Women among participants (%)",
    fr="Femmes parmi les participants (%)",
    range=B,
    unit=Unit.PERCENT,
    owner="CAD",
    framework="WPS",
)
def participants_women_pct(ctx: Context) -> Cells:
    """Women / all participants of activities held in the period."""
    d = civic.disaggregation(_held_activities(ctx))
    return {"": percent(d["by_sex"]["F"], d["total"])}


@indicator(
    "PARTICIPANTS_YOUTH_2250_PCT",
    en="Youth 18-29 among participants (%)",
    fr="Jeunes de 18 à 29 ans parmi les participants (%)",
    range=B,
    unit=Unit.PERCENT,
    owner="CAD",
    framework="YPS",
)
def participants_youth_pct(ctx: Context) -> Cells:
    """Participants aged 18-29 (UNSCR 2250) / all participants of activities held in the period."""
    d = civic.disaggregation(_held_activities(ctx))
    return {"": percent(d["youth_18_29"], d["total"])}


@indicator(
    "ACTIVITIES_BY_RANGE",
    en="Activities held",
    fr="Activités tenues",
    range=B,
    unit=Unit.COUNT,
    disaggregations=("range", "kind"),
    owner="CAD",
)
def activities_by_range(ctx: Context) -> Cells:
    """Activities held in the period, by range of intervention (a/b/c) and by kind."""
    rows = list(_held_activities(ctx).values_list("range", "kind"))
    return (
        {"": count(len(rows))}
        | counts("range", Counter(r for r, _k in rows))
        | counts("kind", Counter(k for _r, k in rows))
    )


def _cvr(ctx: Context) -> QuerySet[CVRProject]:
    return civic.cvr_visible_to(ctx.reader("civic.view"))


@indicator(
    "CVR_BENEFICIARIES",
    en="CVR beneficiaries",
    fr="Bénéficiaires de la RVC",
    range=B,
    unit=Unit.COUNT,
    disaggregations=("sex", "category"),
    owner="DDR",
    framework="RBB",
)
def cvr_beneficiaries(ctx: Context) -> Cells:
    """Beneficiaries of the CVR projects of the area (project totals; not by period), by sex and
    category."""
    by_sex: Counter[str] = Counter()
    by_cat: Counter[str] = Counter()
    for cat, sex, n in BeneficiaryCount.objects.filter(project__in=_cvr(ctx)).values_list(
        "category", "sex", "count"
    ):
        by_sex[sex] += n
        by_cat[cat] += n
    return {"": count(sum(by_sex.values()))} | counts("sex", by_sex) | counts("category", by_cat)


@indicator(
    "CVR_WOMEN_PCT",
    en="Women among CVR beneficiaries (%)",
    fr="Femmes parmi les bénéficiaires de la RVC (%)",
    range=B,
    unit=Unit.PERCENT,
    owner="DDR",
    framework="RBB",
)
def cvr_women_pct(ctx: Context) -> Cells:
    """Women / all beneficiaries of the area's CVR projects (target ≥30% in CAR)."""
    f = civic.cvr_figures(_cvr(ctx))
    return {"": percent(f["beneficiaries_women"], f["beneficiaries"])}


@indicator(
    "WEAPONS_COLLECTED",
    en="Weapons collected",
    fr="Armes collectées",
    range=B,
    unit=Unit.COUNT,
    disaggregations=("type",),
    owner="DDR",
    framework="RBB",
)
def weapons_collected(ctx: Context) -> Cells:
    """Weapons handed in during the period in the area's CVR projects, by type."""
    by_type: Counter[str] = Counter()
    for weapons in WeaponsCollection.objects.filter(
        project__in=_cvr(ctx), collected_on__gte=ctx.start, collected_on__lte=ctx.end
    ).values_list("weapons", flat=True):
        for kind, n in weapons.items():
            by_type[kind] += int(n)
    return {"": count(sum(by_type.values()))} | counts("type", by_type)


# --- Range (c): dialogue between state and population, political process ---------------------


@indicator(
    "CHIEFS_TRAINED",
    en="Chiefs trained",
    fr="Chefs formés",
    range=C,
    unit=Unit.COUNT,
    disaggregations=("sex",),
    owner="CAD",
)
def chiefs_trained(ctx: Context) -> Cells:
    """Chiefs counted at trainings and workshops held in the period, by sex."""
    trainings = _held_activities(ctx).filter(kind__in=c.TRAINING_KINDS)
    by_sex: Counter[str] = Counter()
    for sex, n in RoleCount.objects.filter(
        activity__in=trainings, role=c.ParticipantRole.CHIEF
    ).values_list("sex", "count"):
        by_sex[sex] += n
    return {"": count(sum(by_sex.values()))} | counts("sex", by_sex)


@indicator(
    "OBSERVATORIES_ACTIVE",
    en="Observatories active",
    fr="Observatoires actifs",
    range=C,
    unit=Unit.COUNT,
    owner="CAD",
)
def observatories_active(ctx: Context) -> Cells:
    """Observatories of the area whose status is ACTIVE or REPORTING when computed."""
    live = {c.NetworkStatus.ACTIVE, c.NetworkStatus.REPORTING}
    rows = [o for o in civic.observatories_summary(ctx.reader("civic.view")) if o["status"] in live]
    return {"": count(len(rows)), "members": count(sum(o["members"] for o in rows))}


@indicator(
    "COMMITMENTS_DONE_PCT",
    en="Dialogue commitments fulfilled (%)",
    fr="Engagements de dialogue tenus (%)",
    range=C,
    unit=Unit.PERCENT,
    owner="CAD",
)
def commitments_done_pct(ctx: Context) -> Cells:
    """Commitments made in the area's dialogues (up to the end of the period) that are DONE."""
    reader = ctx.reader("civic.view")
    items = list(
        access.visible(
            reader, "civic.view", Commitment.objects.all(), "process__admin_unit"
        ).filter(created_at__lt=ctx.end_dt)
    )
    summary = civic.commitments_summary(items)
    return {"": percent(summary[c.CommitmentStatus.DONE], summary["total"])}


@indicator(
    "AGREEMENT_IMPLEMENTATION_PCT",
    en="Peace agreement implementation (%)",
    fr="Mise en œuvre des accords de paix (%)",
    range=C,
    unit=Unit.PERCENT,
    disaggregations=("theme",),
    owner="PAD",
)
def agreement_implementation_pct(ctx: Context) -> Cells:
    """PAM score: sum of the latest scores (0-3) up to the period's end / (3 × provisions coded),
    over every agreement and report in the area; unverifiable reports left out; by theme."""
    reader = ctx.reader("agreements.view")
    current = []
    for agreement in agreements.agreements_visible_to(reader):
        current += agreements.latest_reports(
            agreements.reports_visible_to(reader, agreement), ctx.end
        )
    by_theme: dict[str, list[Any]] = defaultdict(list)
    for r in current:
        by_theme[r.provision.theme].append(r)

    def pam(reports: list[Any]) -> Cell:
        coded = [r for r in reports if r.score is not None and not r.unverifiable]
        score = sum(r.score for r in coded)
        return Cell(round(100 * score / (3 * len(coded)), 1) if coded else None, len(coded))

    out = {"": pam(current)}
    for theme, reports in sorted(by_theme.items()):
        out[f"theme={theme}"] = pam(reports)
    return out
