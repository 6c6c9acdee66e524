"""Peace agreements: coding on the 0–3 scale, roll-ups by theme, region and period, scope."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from sauti.agreements import selectors, services
from sauti.agreements.models import ImplementationReport
from tests.conftest import client_for, make_user


@pytest.fixture
def appr(units: dict):
    agreement = services.agreement_create(
        name="Accord",
        short_name="APPR",
        admin_unit=units["CF"],
        tags={"ceasefire": True, "ddr": "12"},
    )
    p1 = services.provision_add(
        agreement, article_ref="1", text_excerpt="Cessez-le-feu", theme="DEFENCE_SECURITY"
    )
    p2 = services.provision_add(
        agreement,
        article_ref="2",
        text_excerpt="Autorité de l'État",
        theme="POLITICAL_INSTITUTIONAL",
    )
    q1, q2 = dt.date(2026, 1, 1), dt.date(2026, 4, 1)
    for region, period, s1, s2 in (("CF52", q1, 1, 0), ("CF52", q2, 3, 1), ("CF51", q1, 2, None)):
        services.report_code(
            p1,
            admin_unit=units[region],
            period=period,
            source_kind="OBSERVATORY",
            score=s1,
            evidence="rapport",
        )
        services.report_code(
            p2,
            admin_unit=units[region],
            period=period,
            source_kind="MISSION",
            score=s2,
            unverifiable=s2 is None,
            evidence="visite",
        )
    return agreement


def test_rollups_follow_the_pam_rule(appr, joc) -> None:
    r = selectors.agreement_rollups(joc, appr)
    # Latest per provision × region: CF52 q2 (3, 1) and CF51 q1 (2, unverifiable).
    assert r["overall"]["coded"] == 3 and r["overall"]["unverifiable"] == 1
    assert r["overall"]["percent_complete"] == round(100 * (3 + 1 + 2) / 9, 1)
    assert r["overall"]["distribution"] == {"0": 0, "1": 1, "2": 1, "3": 1}
    themes = {t["theme"]: t for t in r["by_theme"]}
    assert themes["DEFENCE_SECURITY"]["percent_complete"] == round(100 * 5 / 6, 1)
    regions = {x["pcode"]: x for x in r["by_region"]}
    assert regions["CF51"]["coded"] == 1 and regions["CF52"]["percent_complete"] == round(
        100 * 4 / 6, 1
    )
    series = {s["period"]: s["percent_complete"] for s in r["series"]}
    assert series == {"2026-01-01": round(100 * 3 / 9, 1), "2026-04-01": round(100 * 6 / 9, 1)}


def test_coding_rules(appr, units: dict) -> None:
    provision = appr.provisions.first()
    with pytest.raises(services.AgreementError):
        services.report_code(
            provision,
            admin_unit=units["CF52"],
            period=dt.date(2026, 1, 1),
            source_kind="MISSION",
            score=4,
            evidence="x",
        )
    with pytest.raises(services.AgreementError, match="evidence"):
        services.report_code(
            provision,
            admin_unit=units["CF52"],
            period=dt.date(2026, 1, 1),
            source_kind="MISSION",
            score=2,
        )
    report = ImplementationReport.objects.filter(provision=provision).first()
    coder = make_user("pa.one", "PA_OFFICER", ["CF"])
    report.coder = coder
    report.save()
    with pytest.raises(services.TransitionError, match="second coder"):
        services.report_set_status(report, "REVIEWED", actor=coder)
    services.report_set_status(report, "REVIEWED", actor=make_user("pa.two", "PA_OFFICER", ["CF"]))
    services.report_set_status(report, "PUBLISHED")
    with pytest.raises(services.TransitionError, match="published"):
        services.report_code(
            provision,
            admin_unit=report.admin_unit,
            period=report.period,
            source_kind="MISSION",
            score=3,
            evidence="x",
        )


def test_pages_and_api_report_the_rollups(appr, joc) -> None:
    client = client_for(joc)
    assert re.search(r"data-percent>66[.,]7", client.get("/agreements/").content.decode())
    page = client.get(f"/agreements/{appr.pk}/").content.decode()
    assert (
        re.search(r"data-percent>66[.,]7", page)
        and 'data-region="CF51"' in page
        and "Ceasefire" in page
    )
    body = client.get(f"/api/v1/agreements/{appr.pk}/implementation").json()
    assert body["overall"]["percent_complete"] == 66.7 and len(body["series"]) == 2
    early = client.get(f"/api/v1/agreements/{appr.pk}/implementation?upto=2026-02-01").json()
    assert early["overall"]["percent_complete"] == round(100 * 3 / 9, 1)
    assert [a["short_name"] for a in client.get("/api/v1/agreements").json()] == ["APPR"]


def test_regional_reports_are_scoped(appr, cla_bria, cla_ndele) -> None:
    bria = client_for(cla_bria).get(f"/api/v1/agreements/{appr.pk}/implementation").json()
    assert [r["pcode"] for r in bria["by_region"]] == ["CF52"]
    ndele = client_for(cla_ndele).get(f"/api/v1/agreements/{appr.pk}/implementation").json()
    assert [r["pcode"] for r in ndele["by_region"]] == ["CF51"]
    page = client_for(cla_bria).get(f"/agreements/{appr.pk}/").content.decode()
    assert 'data-region="CF51"' not in page


def test_local_agreement_out_of_scope_is_404(appr, units: dict, cla_ndele, cla_bria) -> None:
    local = services.agreement_create(
        name="Pacte",
        short_name="PACTE",
        admin_unit=units["CF521"],
        parent=appr,
        level="INTRASTATE_LOCAL",
    )
    assert client_for(cla_ndele).get(f"/agreements/{local.pk}/").status_code == 404
    assert (
        client_for(cla_ndele).get(f"/api/v1/agreements/{local.pk}/implementation").status_code
        == 404
    )
    assert client_for(cla_bria).get(f"/agreements/{local.pk}/").status_code == 200


def test_coding_through_the_page(appr, units: dict) -> None:
    pa = make_user("pa", "PA_OFFICER", ["CF52"])
    provision = appr.provisions.get(article_ref="2")
    client = client_for(pa)
    client.post(
        f"/agreements/{appr.pk}/reports",
        {
            "provision": provision.pk,
            "region": "CF52",
            "period": "2026-07",
            "score": "2",
            "source_kind": "OBSERVATORY",
            "evidence": "rapport",
        },
    )
    assert ImplementationReport.objects.filter(
        provision=provision, period=dt.date(2026, 7, 1), score=2
    ).exists()
    client.post(
        f"/agreements/{appr.pk}/reports",
        {
            "provision": provision.pk,
            "region": "CF51",
            "period": "2026-07",
            "score": "3",
            "source_kind": "OBSERVATORY",
            "evidence": "rapport",
        },
    )
    assert not ImplementationReport.objects.filter(
        admin_unit__pcode="CF51", period=dt.date(2026, 7, 1)
    ).exists()
    assert (
        client_for(make_user("an", "ANALYST", ["CF"]))
        .post(f"/agreements/{appr.pk}/reports", {})
        .status_code
        == 403
    )


def test_review_by_a_second_coder_then_publish_through_the_page(appr, units: dict) -> None:
    first, second = make_user("pa1", "PA_OFFICER", ["CF"]), make_user("pa2", "PA_OFFICER", ["CF"])
    report = ImplementationReport.objects.filter(admin_unit__pcode="CF52").first()
    report.coder = first
    report.save()
    url = f"/agreements/reports/{report.pk}/status"
    client_for(first).post(url, {"status": "REVIEWED"})
    report.refresh_from_db()
    assert report.status == "CODED"  # the coder cannot review their own code
    client_for(second).post(url, {"status": "REVIEWED"})
    client_for(second).post(url, {"status": "PUBLISHED"})
    report.refresh_from_db()
    assert (report.status, report.reviewer) == ("PUBLISHED", second)
    outsider = make_user("pa3", "PA_OFFICER", ["CF51"])
    assert client_for(outsider).post(url, {"status": "CODED"}).status_code == 404
