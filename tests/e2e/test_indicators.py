"""Indicators in real Chromium: the dashboard of a field office with its charts and the Leaflet
map shaded from the gazetteer's polygons, a drill-down, and a background export polled to its
download link."""

from __future__ import annotations

import json
from typing import Any

import pytest

from sauti.core.jobs import run_pending
from sauti.indicators.services import indicators_compute
from sauti.places.models import AdminUnit
from tests.conftest import PASSWORD, make_user
from tests.e2e.conftest import screenshot, sign_in
from tests.indicators.conftest import english, world  # noqa: F401 — fixtures, used by name

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _square(lon: float, lat: float) -> str:
    ring = [[lon, lat], [lon + 1, lat], [lon + 1, lat + 1], [lon, lat + 1], [lon, lat]]
    return json.dumps({"type": "Polygon", "coordinates": [ring]})


def test_dashboard_map_drill_down_and_background_export(page: Any, world: dict[str, Any]) -> None:  # noqa: F811
    AdminUnit.objects.filter(pcode="CF521").update(geometry=_square(22, 6))
    indicators_compute("2026-03")
    make_user("analyst.hk", "ANALYST", ["CF52"])
    sign_in(page, "analyst.hk", PASSWORD)
    page.goto("/indicators/?area=CF52&period=2026-03")
    page.wait_for_selector("#ind-ALERTS_RECEIVED")
    assert "3" in page.locator("#ind-ALERTS_RECEIVED .value").inner_text()
    assert page.locator("#ind-ALERTS_RECEIVED svg rect").count() >= 2
    page.wait_for_selector("#indicator-map.loaded")
    assert page.locator("#indicator-map path.leaflet-interactive").count() == 1
    assert page.locator("select[name=area] option").count() == 2  # CF52 and CF521 only
    screenshot(page, "indicators-dashboard")

    page.locator("#ind-ALERTS_RECEIVED a").click()
    page.wait_for_selector("table")
    assert page.locator("table tr").count() == 4  # header + three March alerts
    page.go_back()

    page.select_option("form.export select[name=kind]", "alerts")
    page.select_option("form.export select[name=format]", "hxl")
    page.check("form.export input[name=background]")
    page.click("form.export button[type=submit]")
    page.wait_for_selector("#export-status")
    run_pending()
    page.wait_for_selector("#export-download", timeout=10000)
    with page.expect_download() as info:
        page.click("#export-download")
    path = info.value.path()
    text = open(path, encoding="utf-8").read()
    assert "#adm2+code" in text and "CF511" not in text
    screenshot(page, "indicators-export-ready")
