"""Dashboard, drill-down, exports from the pages (inline and as a job) and the API."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from sauti.accounts.models import AuditEvent
from sauti.core.jobs import run_pending
from sauti.indicators.services import indicators_compute
from tests.conftest import client_for, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def computed(world: dict[str, Any]) -> None:
    indicators_compute("2026-03")


def test_dashboard_scoped_with_charts_map_and_drill_down(computed: None, cla_bria: Any) -> None:
    c = client_for(cla_bria)
    page = c.get("/indicators/?period=2026-03")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="ind-ALERTS_RECEIVED"' in html and "<svg" in html and "indicator-map" in html
    assert "@media print" in html
    assert "CF511" not in html  # Ndélé is not in the area selector
    assert c.get("/indicators/?area=CF511&period=2026-03").status_code == 404
    bria = c.get("/indicators/?area=CF521&period=2026-03").content.decode()
    assert "records/alerts/?area=CF521" in bria
    drill = c.get("/indicators/records/alerts/?area=CF521&period=2026-03").content.decode()
    # February's alert is not behind it (as a word: a random CSRF token may hold "A4").
    assert drill.count("/alerts/") >= 3 and not re.search(r"\bA4\b", drill)
    geo = json.loads(c.get("/indicators/map.geojson?area=CF52&period=2026-03").content)
    assert geo["type"] == "FeatureCollection"


def test_dashboard_refuses_roles_without_indicators(units: Any) -> None:
    partner = make_user("cso", "PARTNER_CSO", ["CF52"])
    assert client_for(partner).get("/indicators/").status_code == 403


def test_export_from_the_page_inline_and_as_a_job(computed: None, analyst: Any) -> None:
    c = client_for(analyst)
    r = c.post("/indicators/export", {"kind": "indicators", "format": "hxl", "area": "CF52"})
    assert r.status_code == 200 and b"#indicator+code" in r.content
    assert "attachment" in r["Content-Disposition"]
    bad = c.post("/indicators/export", {"kind": "alerts", "format": "doc"})
    assert bad.status_code == 400 and b"unknown format" in bad.content
    job = c.post(
        "/indicators/export",
        {"kind": "alerts", "format": "xlsx", "detail": "1", "background": "1"},
    )
    assert job.status_code == 302
    status_url = job["Location"]
    assert b"progress" in c.get(status_url, HTTP_HX_REQUEST="true").content
    run_pending()
    done = c.get(status_url).content.decode()
    assert "export-download" in done
    job_id = status_url.rstrip("/").split("/")[-1]
    download = c.get(f"/indicators/exports/{job_id}/download")
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"PK")
    other = make_user("analyst2", "ANALYST", ["CF"])
    assert client_for(other).get(f"/indicators/exports/{job_id}/download").status_code == 404
    assert AuditEvent.objects.filter(action="export", actor=analyst).count() == 2


def test_api_values_and_export(computed: None, cla_bria: Any) -> None:
    c = client_for(cla_bria)
    values = c.get("/api/v1/indicators/values?period=2026-03&code=ALERTS_RECEIVED").json()
    assert {v["pcode"] for v in values} == {"CF52", "CF521"}
    r = c.post(
        "/api/v1/indicators/exports",
        {"kind": "alerts", "format": "geojson"},
        content_type="application/json",
    )
    assert r.status_code == 200 and r.json()["type"] == "FeatureCollection"
    r = c.post(
        "/api/v1/indicators/exports",
        {"kind": "incidents", "format": "hxl"},
        content_type="application/json",
    )
    assert r.status_code == 200
    r = c.post(
        "/api/v1/indicators/exports",
        {"kind": "alerts", "format": "hxl", "unsuppressed": True},
        content_type="application/json",
    )
    assert r.status_code == 403
    r = c.post(
        "/api/v1/indicators/exports",
        {"kind": "alerts", "format": "hxl", "background": True},
        content_type="application/json",
    )
    assert r.status_code == 202
    run_pending()
    status = c.get(f"/api/v1/indicators/exports/{r.json()['id']}").json()
    assert status["status"] == "DONE" and status["download"]


def test_drill_down_needs_the_records_permission(computed: None, units: Any) -> None:
    ddr = make_user("ddr", "DDR_OFFICER", ["CF"])  # indicators and civic, not alerts
    c = client_for(ddr)
    html = c.get("/indicators/?area=CF521&period=2026-03").content.decode()
    assert "records/alerts/" not in html and "records/activities/" in html
    assert c.get("/indicators/records/alerts/?area=CF521&period=2026-03").status_code == 403
    assert c.get("/indicators/records/activities/?area=CF521&period=2026-03").status_code == 200
