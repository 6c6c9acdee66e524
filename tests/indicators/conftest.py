"""A small world built by hand, whose indicator values are counted by hand in the tests.

Period 2026-03 (March). Haute-Kotto/Bria (CF52/CF521) and Bamingui-Bangoran/Ndélé (CF51/CF511).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import timezone, translation

from sauti.agreements.models import Agreement, ImplementationReport, Provision
from sauti.alerts.models import Alert
from sauti.channels.models import Channel, Reporter
from sauti.channels.models import Network as AlertNetwork
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
    WeaponsCollection,
)
from sauti.places.models import AdminUnit

MARCH = dt.date(2026, 3, 1)


@pytest.fixture(autouse=True)
def english(settings: Any) -> Iterator[None]:
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


def _at(day: int, month: int = 3) -> dt.datetime:
    return timezone.make_aware(dt.datetime(2026, month, day, 10, 0))


def _alert(ref: str, unit: AdminUnit, threat: str, when: dt.datetime, **kw: Any) -> Alert:
    return Alert.objects.create(
        reference=ref,
        summary="synthetic",
        admin_unit=unit,
        threat_type=threat,
        received_at=when,
        **kw,
    )


def _activity(
    ref: str, unit: AdminUnit, kind: str, rng: str, start: dt.date, status: str = "HELD"
) -> Activity:
    return Activity.objects.create(
        ref=ref,
        kind=kind,
        range=rng,
        title=ref,
        admin_unit=unit,
        start=start,
        end=start,
        status=status,
    )


@pytest.fixture
def world(units: dict[str, AdminUnit]) -> dict[str, Any]:
    bria, ndele = units["CF521"], units["CF511"]
    # Alert networks, channels and focal points.
    can_bria = AlertNetwork.objects.create(name="CAN Bria", area=bria)
    can_ndele = AlertNetwork.objects.create(name="CAN Ndélé", area=ndele)
    AlertNetwork.objects.create(name="CAN dormant", area=bria, status="DORMANT")
    sms = Channel.objects.create(type="GENERIC", name="SMS Bria", area=bria, network=can_bria)
    for i, (net, status) in enumerate(
        [(can_bria, "ACTIVE"), (can_bria, "ACTIVE"), (can_bria, "SUSPENDED"), (can_ndele, "ACTIVE")]
    ):
        Reporter.objects.create(
            pseudonym=f"FP-{i}", kind="FOCAL_POINT", network=net, area=net.area, status=status
        )
    Reporter.objects.create(pseudonym="PUB-1", kind="PUBLIC", area=bria)
    # Alerts: Bria 3 in March (2 SMS), 1 in February; Ndélé 1 in March.
    _alert("A1", bria, "KILLING", _at(2), channel=sms)
    _alert("A2", bria, "KILLING", _at(15), channel=sms)
    _alert("A3", bria, "ABDUCTION", _at(31))
    _alert("A4", bria, "ABDUCTION", _at(20, 2))
    _alert("A5", ndele, "DISPLACEMENT", _at(5))
    # Organisations and activities.
    women = Organisation.objects.create(
        ref="O1", name="Femmes de Bria", kind="WOMEN_ASSOCIATION", admin_unit=bria
    )
    youth = Organisation.objects.create(
        ref="O2", name="Jeunes de Bria", kind="YOUTH_ASSOCIATION", admin_unit=bria
    )
    Organisation.objects.create(ref="O3", name="Idle", kind="ASSOCIATION", admin_unit=bria)
    ngo = Organisation.objects.create(
        ref="O4", name="Ndélé NGO", kind="ASSOCIATION", admin_unit=ndele, led_by_women=True
    )
    t1 = _activity("T1", bria, "TRAINING", "RANGE_A", dt.date(2026, 3, 10))
    d1 = _activity("D1", bria, "DIALOGUE_INTERCOMMUNITY", "RANGE_C", dt.date(2026, 3, 12))
    p1 = _activity("P1", bria, "TRAINING", "RANGE_A", dt.date(2026, 3, 20), status="PLANNED")
    old = _activity("X1", bria, "TRAINING", "RANGE_B", dt.date(2026, 1, 10))
    n1 = _activity("N1", ndele, "WORKSHOP", "RANGE_B", dt.date(2026, 3, 3))
    t1.partners.add(women, youth)
    d1.partners.add(women)
    p1.partners.add(ngo)
    n1.partners.add(ngo)
    old.partners.add(youth)
    for act, rows in {
        t1: [("F", "18_29", 6), ("M", "30_59", 4)],
        d1: [("F", "30_59", 3), ("M", "18_29", 5), ("UNKNOWN", "UNKNOWN", 2)],
        p1: [("F", "18_29", 50)],
        old: [("M", "30_59", 40)],
        n1: [("F", "60_PLUS", 7), ("M", "18_29", 1)],
    }.items():
        for sex, band, n in rows:
            ParticipantCount.objects.create(activity=act, sex=sex, age_band=band, count=n)
        act.participants_total = sum(r[2] for r in rows)
        act.save()
    RoleCount.objects.create(activity=t1, role="CHIEF", sex="M", count=3)
    RoleCount.objects.create(activity=t1, role="CHIEF", sex="F", count=1)
    RoleCount.objects.create(activity=d1, role="CHIEF", sex="M", count=9)  # dialogue: not training
    RoleCount.objects.create(activity=n1, role="CHIEF", sex="M", count=2)
    # Observatories.
    Network.objects.create(
        ref="OBS1", name="Obs HK", kind="OBSERVATORY", admin_unit=bria, status="ACTIVE"
    )
    Network.objects.create(
        ref="OBS2", name="Obs old", kind="OBSERVATORY", admin_unit=bria, status="INACTIVE"
    )
    # Dialogue commitments: 3 in Bria, one DONE.
    process = DialogueProcess.objects.create(title="Bria", parties="A;B", admin_unit=bria)
    for i, status in enumerate(["DONE", "IN_PROGRESS", "NOT_STARTED"]):
        Commitment.objects.create(
            process=process, owner_party="A", text=f"c{i}", status=status, created_at=_at(1)
        )
    # CVR: Bria project with 20 F + 30 M; weapons in March 4 AK + 1 pistol, February 10.
    cvr = CVRProject.objects.create(ref="CVR1", title="CVR Bria", admin_unit=bria)
    BeneficiaryCount.objects.create(project=cvr, category="EX_COMBATANT", sex="M", count=30)
    BeneficiaryCount.objects.create(project=cvr, category="YOUTH_AT_RISK", sex="F", count=20)
    WeaponsCollection.objects.create(
        project=cvr, collected_on=dt.date(2026, 3, 9), weapons={"AK": 4, "PISTOL": 1}
    )
    WeaponsCollection.objects.create(
        project=cvr, collected_on=dt.date(2026, 2, 9), weapons={"AK": 10}
    )
    # Agreement: two provisions coded in Haute-Kotto: security 3 then 1 (latest counts), gov 2.
    agreement = Agreement.objects.create(name="APPR", short_name="APPR", admin_unit=units["CF"])
    sec = Provision.objects.create(
        agreement=agreement, article_ref="1", text_excerpt="s", theme="SECURITY"
    )
    gov = Provision.objects.create(
        agreement=agreement, article_ref="2", text_excerpt="g", theme="GOVERNANCE"
    )
    hk = units["CF52"]
    for prov, period, score in [
        (sec, dt.date(2026, 1, 1), 3),
        (sec, dt.date(2026, 2, 1), 1),
        (gov, dt.date(2026, 2, 1), 2),
        (sec, dt.date(2026, 4, 1), 3),
    ]:
        ImplementationReport.objects.create(
            provision=prov, admin_unit=hk, period=period, score=score, source_kind="OBSERVATORY"
        )
    return {"bria": bria, "ndele": ndele}
