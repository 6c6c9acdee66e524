"""Reads of agreements through the access module, and implementation roll-ups (PAM/Barometer, §4.8).

Roll-up rule: for each provision and region the latest coded report up to the period counts;
percent_complete = sum(score) / (3 × number coded); the distribution gives the share at 0, 1, 2, 3.
Unverifiable reports are counted apart and never enter the percentage.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from sauti.accounts import access
from sauti.agreements.models import Agreement, ImplementationReport, ProvisionTheme

User = access.AnyUser | None


def _covering(user: User) -> Q:
    """Agreements whose area contains one of the user's areas (a national accord applies in every
    region) or lies inside one (a local pact); the reports under them are scoped separately."""
    ancestors = {code for path in access.area_paths(user) for code in path.strip("/").split("/")}
    return access.area_q(user, "admin_unit") | Q(admin_unit__pcode__in=ancestors)


def agreements_visible_to(user: User, *, level: str = "", q: str = "") -> QuerySet[Agreement]:
    if not access.has_perm(user, "agreements.view"):
        return Agreement.objects.none()
    qs = Agreement.objects.select_related("admin_unit").filter(_covering(user))
    if level:
        qs = qs.filter(level=level)
    if q:
        qs = qs.filter(name__icontains=q) | qs.filter(short_name__icontains=q)
    return qs


def agreement_get(user: User, agreement_id: int) -> Agreement:
    """One agreement the user may see, else 404 (same answer for absent and out of scope)."""
    access.require(user, "agreements.view")
    agreement = agreements_visible_to(user).filter(id=agreement_id).first()
    if agreement is None:
        raise Http404("not found")
    return agreement


def reports_visible_to(user: User, agreement: Agreement) -> QuerySet[ImplementationReport]:
    """Reports of an agreement in the user's areas (a national agreement's regional reports are scoped too)."""
    qs = ImplementationReport.objects.filter(provision__agreement=agreement).select_related(
        "provision", "admin_unit", "observatory"
    )
    return access.visible(user, "agreements.view", qs, "admin_unit")


def latest_reports(
    reports: Iterable[ImplementationReport], upto: dt.date | None = None
) -> list[ImplementationReport]:
    latest: dict[tuple[int, int], ImplementationReport] = {}
    for r in reports:
        if upto and r.period > upto:
            continue
        key = (r.provision_id, r.admin_unit_id)
        if key not in latest or r.period > latest[key].period:
            latest[key] = r
    return list(latest.values())


def rollup(reports: Iterable[ImplementationReport]) -> dict[str, Any]:
    coded = [r for r in reports if r.score is not None and not r.unverifiable]
    unverifiable = sum(1 for r in reports if r.unverifiable)
    dist = {s: sum(1 for r in coded if r.score == s) for s in (0, 1, 2, 3)}
    n = len(coded)
    return {
        "coded": n,
        "unverifiable": unverifiable,
        "percent_complete": round(100 * sum(r.score or 0 for r in coded) / (3 * n), 1)
        if n
        else None,
        "distribution": {str(s): dist[s] for s in dist},
        "shares": {str(s): round(100 * dist[s] / n, 1) if n else 0.0 for s in dist},
    }


def agreement_rollups(
    user: User, agreement: Agreement, upto: dt.date | None = None
) -> dict[str, Any]:
    """Whole-agreement, per-theme and per-region roll-ups, and the time series by period."""
    reports = list(reports_visible_to(user, agreement))
    current = latest_reports(reports, upto)
    by_theme: dict[str, list[ImplementationReport]] = defaultdict(list)
    by_region: dict[str, list[ImplementationReport]] = defaultdict(list)
    regions: dict[str, str] = {}
    for r in current:
        by_theme[r.provision.theme].append(r)
        by_region[r.admin_unit.pcode].append(r)
        regions[r.admin_unit.pcode] = r.admin_unit.name
    labels = dict(ProvisionTheme.choices)
    periods = sorted({r.period for r in reports})
    return {
        "overall": rollup(current),
        "by_theme": [
            {"theme": t, "label": str(labels.get(t, t)), **rollup(rs)}
            for t, rs in sorted(by_theme.items())
        ],
        "by_region": [
            {"pcode": p, "name": regions[p], **rollup(rs)} for p, rs in sorted(by_region.items())
        ],
        "series": [
            {"period": p.isoformat(), **rollup(latest_reports(reports, p))} for p in periods
        ],
    }


def report_get(user: User, report_id: int) -> ImplementationReport:
    """One report in the user's areas, under an agreement they may see; else 404."""
    access.require(user, "agreements.view")
    report = (
        access.visible(
            user,
            "agreements.view",
            ImplementationReport.objects.select_related("provision"),
            "admin_unit",
        )
        .filter(id=report_id, provision__agreement__in=agreements_visible_to(user))
        .first()
    )
    if report is None:
        raise Http404("not found")
    return report
