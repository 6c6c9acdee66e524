"""Detection on alerts, risk levels, overrides (audited), notifications, pages and API, area scope."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from sauti.accounts.models import AuditEvent
from sauti.alerts.services import alert_create
from sauti.places.models import AdminUnit
from sauti.warning.models import AreaRisk, Flag, Notification, RiskOverride, Subscription
from sauti.warning.services import WarningError, detect_run, risk_override, risk_update
from tests.conftest import client_for, make_user

WEEK = datetime(2026, 3, 9, 8, 0, tzinfo=UTC)  # a Monday


@pytest.fixture
def burst(units: dict[str, AdminUnit]) -> list[int]:
    """A quiet half-year in Ndélé (2 alerts), then 12 alerts of inter-communal tension in a week."""
    ndele = units["CF511"]
    for weeks_ago in (5, 17):
        alert_create("calm", ndele, threat_type="INTERCOMMUNAL_TENSION",
                     received_at=WEEK - timedelta(weeks=weeks_ago))  # fmt: skip
    ids = [
        alert_create(
            "tension",
            ndele,
            threat_type="INTERCOMMUNAL_TENSION",
            received_at=WEEK + timedelta(hours=3 * i),
        ).id
        for i in range(12)
    ]
    alert_create("elsewhere", units["CF521"], threat_type="ARMED_MOVEMENT", received_at=WEEK)
    return ids


def test_burst_is_flagged_explained_and_traceable(burst: list[int]) -> None:
    flags = detect_run(WEEK.date())
    ndele = [f for f in flags if f.admin_unit.pcode == "CF511"]
    assert len(ndele) == 1
    flag = ndele[0]
    assert flag.detector == "alerts_poisson" and flag.observed == 12
    assert 0 < flag.expected < 1 and flag.score < 1e-6
    assert sorted(flag.alert_ids) == sorted(burst)
    assert flag.explanation.startswith("12 alerts of rising inter-community tension in Ndélé")
    assert "expected" in flag.explanation
    # the level-1 area gets the same flag; the single alert in Bria is not flagged
    assert {f.admin_unit.pcode for f in flags} == {"CF511", "CF51"}
    # running again updates, never duplicates; new alerts are counted incrementally
    detect_run(WEEK.date())
    assert Flag.objects.count() == 2


def test_risk_levels_notifications_and_audited_override(
    burst: list[int],
    units: dict[str, AdminUnit],
    cla_ndele,
    joc,  # type: ignore[no-untyped-def]
) -> None:
    Subscription.objects.create(user=cla_ndele, admin_unit=units["CF51"], min_level="MEDIUM")
    detect_run(WEEK.date())
    risk_update(WEEK.date())
    risk = AreaRisk.objects.get(admin_unit=units["CF511"])
    assert risk.level in ("MEDIUM", "HIGH") and risk.reasons
    assert Notification.objects.filter(user=cla_ndele, admin_unit=units["CF511"]).exists()
    # the e-mail goes through the job queue, once
    from django.core import mail

    from sauti.core.jobs import run_pending

    cla_ndele.email = "cla.ndele@mission.example"
    cla_ndele.save(update_fields=["email"])
    run_pending()
    run_pending()
    assert [m.to for m in mail.outbox] == [["cla.ndele@mission.example"]] * len(
        Notification.objects.filter(user=cla_ndele)
    )
    assert "Ndélé" in mail.outbox[0].subject or "Bamingui" in mail.outbox[0].subject
    assert AreaRisk.objects.get(admin_unit=units["CF521"]).level == "LOW"
    with pytest.raises(WarningError, match="reason"):
        risk_override(joc, units["CF521"], "HIGH", "short")
    assert not RiskOverride.objects.exists()
    risk_override(joc, units["CF521"], "HIGH", "armed group massing north of Bria, per JMAC")
    event = AuditEvent.objects.filter(action="warning.override").get()
    assert event.details["reason"].startswith("armed group") and event.details["to"] == "HIGH"
    risk_update(WEEK.date())
    assert AreaRisk.objects.get(admin_unit=units["CF521"]).level == "HIGH"
    with pytest.raises(WarningError, match="outside your areas"):
        risk_override(make_user("poc.ouaka", "POC_OFFICER", ["CF43"]), units["CF521"], "LOW",
                      "no longer a concern at all")  # fmt: skip


def test_pages_scope_and_trace_to_alerts(burst: list[int], cla_ndele, cla_bria, joc) -> None:  # type: ignore[no-untyped-def]
    detect_run(WEEK.date())
    risk_update(WEEK.date())
    page = client_for(cla_ndele).get("/warning/").content.decode()
    assert "12 alerts of rising inter-community tension in Ndélé" in page
    flag = Flag.objects.get(admin_unit__pcode="CF511")
    detail = client_for(cla_ndele).get(f"/warning/flags/{flag.id}/").content.decode()
    linked = {int(i) for i in re.findall(r'href="/alerts/(\d+)/"', detail)}
    assert linked == set(burst)
    # outside the area: nothing listed, 404 on the flag
    assert "Ndélé" not in client_for(cla_bria).get("/warning/").content.decode()
    assert client_for(cla_bria).get(f"/warning/flags/{flag.id}/").status_code == 404
    # map data: the areas of the user's scope, shaded by level (points where no polygon)
    AdminUnit.objects.update(centroid_lat=7.0, centroid_lon=21.0)
    data = client_for(joc).get("/warning/map.geojson").json()
    levels = {f["properties"]["pcode"]: f["properties"]["risk"] for f in data["features"]}
    assert levels["CF511"] != "LOW" and "CF52" in levels
    assert client_for(joc).get("/warning/map/").status_code == 200
    # override form: reason required, then audited
    bad = client_for(joc).post("/warning/areas/CF521/override/", {"level": "HIGH", "reason": ""})
    assert bad.status_code == 400 and not RiskOverride.objects.exists()
    ok = client_for(joc).post(
        "/warning/areas/CF521/override/", {"level": "HIGH", "reason": "convoy attacked near Bria"}
    )
    assert ok.status_code == 302 and RiskOverride.objects.get().level == "HIGH"
    assert client_for(cla_ndele).get("/warning/areas/CF521/override/").status_code == 404


def test_api_flags_and_risks(burst: list[int], cla_ndele, cla_bria) -> None:  # type: ignore[no-untyped-def]
    detect_run(WEEK.date())
    risk_update(WEEK.date())
    flags = client_for(cla_ndele).get("/api/v1/warning/flags").json()
    assert {f["pcode"] for f in flags} == {"CF511", "CF51"}
    one = next(f for f in flags if f["pcode"] == "CF511")
    assert sorted(one["alert_ids"]) == sorted(burst) and one["observed"] == 12
    assert client_for(cla_bria).get("/api/v1/warning/flags").json() == []
    assert client_for(cla_bria).get(f"/api/v1/warning/flags/{one['id']}").status_code == 404
    risks = client_for(cla_ndele).get("/api/v1/warning/risks").json()
    assert {r["pcode"] for r in risks} >= {"CF511"}


def test_detect_job_runs_through_the_queue(burst: list[int]) -> None:
    from sauti.core.jobs import job_enqueue, run_pending

    job_enqueue("warning.detect", {"week": WEEK.date().isoformat()})
    run_pending()
    assert Flag.objects.filter(admin_unit__pcode="CF511").exists()


def test_tier_and_subscription_pages(units: dict[str, AdminUnit], joc, cla_bria) -> None:  # type: ignore[no-untyped-def]
    from sauti.warning.models import HotspotTier

    client = client_for(joc)
    assert client.post("/warning/areas/CF521/tier/", {"tier": "SOMETIMES"}).status_code == 400
    ok = client.post("/warning/areas/CF521/tier/", {"tier": "MUST", "note": "gold mine dispute"})
    assert ok.status_code == 302 and HotspotTier.objects.get().tier == "MUST"
    assert AuditEvent.objects.filter(action="warning.tier").exists()
    assert "Now Must." in client.get("/warning/areas/CF521/override/").content.decode()
    # a CLA may subscribe inside their areas, not outside
    bria = client_for(cla_bria)
    assert (
        bria.post("/warning/subscribe/", {"pcode": "CF52", "min_level": "HIGH"}).status_code == 302
    )
    assert Subscription.objects.get(user=cla_bria).admin_unit.pcode == "CF52"
    assert (
        bria.post("/warning/subscribe/", {"pcode": "CF51", "min_level": "HIGH"}).status_code == 404
    )
    assert bria.post("/warning/areas/CF52/tier/", {"tier": "MUST"}).status_code == 403
