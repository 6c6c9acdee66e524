"""Indicators over the demo mission equal values counted by hand (directly from the records)."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from sauti.agreements.models import ImplementationReport
from sauti.alerts.models import Alert
from sauti.channels.models import Reporter
from sauti.civic.models import Activity, BeneficiaryCount, Network, ParticipantCount, RoleCount
from sauti.indicators.periods import month_of, period_bounds
from sauti.indicators.registry import REGISTRY
from sauti.indicators.services import compute_cells
from sauti.places.models import AdminUnit

pytestmark = pytest.mark.django_db

HELD = ["HELD", "REPORTED", "VERIFIED"]


def test_demo_indicators_equal_hand_counts(monkeypatch: pytest.MonkeyPatch) -> None:
    from sauti.demo.mission import load

    # the loader's own snapshot of every area is not what this test checks (and takes seconds)
    monkeypatch.setattr("sauti.indicators.services.indicators_ensure_current", lambda: {})

    load(alert_count=60)
    country = AdminUnit.objects.get(pcode="CF")
    hk = AdminUnit.objects.get(pcode="CF52")
    period = month_of(timezone.localdate())
    start, end = period_bounds(period)
    t0 = timezone.make_aware(datetime.combine(start, time.min))
    t1 = timezone.make_aware(datetime.combine(end + timedelta(days=1), time.min))
    ranges = set()
    checked = 0

    def check(code: str, unit: AdminUnit, expected: float | None, p: str = period) -> None:
        nonlocal checked
        got = compute_cells(code, unit, p)[""].value
        assert got == expected, code
        ranges.add(REGISTRY[code].range)
        checked += 1

    # (a) alert networks
    received = Alert.objects.filter(received_at__gte=t0, received_at__lt=t1)
    check("ALERTS_RECEIVED", country, received.count())
    check("ALERTS_RECEIVED", hk, received.filter(admin_unit__path__startswith=hk.path).count())
    check(
        "FP_ACTIVE",
        country,
        Reporter.objects.filter(kind="FOCAL_POINT", status="ACTIVE").count(),
    )
    # (b) civil society and CVR, over the whole of the demo's activity dates (the year 2025-2026)
    year = "2025"
    y0, y1 = period_bounds(year)
    held = Activity.objects.filter(status__in=HELD, start__gte=y0, start__lte=y1)
    check("ACTIVITIES_BY_RANGE", country, held.count(), year)
    people = ParticipantCount.objects.filter(activity__in=held)
    total = sum(people.values_list("count", flat=True))
    women = sum(people.filter(sex="F").values_list("count", flat=True))
    youth = sum(people.filter(age_band="18_29").values_list("count", flat=True))
    check("PARTICIPANTS", country, total, year)
    check("PARTICIPANTS_WOMEN_PCT", country, round(100 * women / total, 1) if total else None, year)
    check(
        "PARTICIPANTS_YOUTH_2250_PCT",
        country,
        round(100 * youth / total, 1) if total else None,
        year,
    )
    engaged = {o for a in held for o in a.partners.all()}
    check("CSO_ENGAGED", country, len(engaged), year)
    ben = list(BeneficiaryCount.objects.values_list("sex", "count"))
    all_b = sum(n for _s, n in ben)
    check("CVR_BENEFICIARIES", country, all_b)
    check(
        "CVR_WOMEN_PCT",
        country,
        round(100 * sum(n for s, n in ben if s == "F") / all_b, 1) if all_b else None,
    )
    # (c) chiefs, observatories, agreement
    chiefs = RoleCount.objects.filter(
        activity__in=held.filter(kind__in=["TRAINING", "TRAINING_OF_TRAINERS", "WORKSHOP"]),
        role="CHIEF",
    )
    check("CHIEFS_TRAINED", country, sum(chiefs.values_list("count", flat=True)), year)
    check(
        "OBSERVATORIES_ACTIVE",
        country,
        Network.objects.filter(kind="OBSERVATORY", status__in=["ACTIVE", "REPORTING"]).count(),
    )
    latest: dict[tuple[int, int], ImplementationReport] = {}
    for r in ImplementationReport.objects.filter(period__lte=end):
        key = (r.provision_id, r.admin_unit_id)
        if key not in latest or r.period > latest[key].period:
            latest[key] = r
    coded = [r for r in latest.values() if r.score is not None and not r.unverifiable]
    check(
        "AGREEMENT_IMPLEMENTATION_PCT",
        country,
        round(100 * sum(r.score for r in coded) / (3 * len(coded)), 1) if coded else None,
    )
    assert checked >= 10
    assert ranges == {"RANGE_A", "RANGE_B", "RANGE_C"}
