"""In real Chromium: the civic overview, map (CVR projects and activities beside alerts), activity
figures and the APPR-RCA implementation page render with the demo data. Screenshots for people."""

from __future__ import annotations

from typing import Any

import pytest

from sauti.agreements.models import Agreement
from sauti.alerts.services import alert_create
from sauti.civic import demo
from sauti.demo.mission import ADMIN_UNITS
from tests.conftest import PASSWORD, make_user
from tests.e2e.conftest import screenshot, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_overview_map_and_agreement_pages(page: Any, units: dict) -> None:
    coords = {pcode: (lat, lon) for pcode, _n, _l, _p, lat, lon in ADMIN_UNITS}
    for unit in units.values():
        unit.centroid_lat, unit.centroid_lon = coords[unit.pcode]
        unit.save()
    make_user("cla.bria", "CLA", ["CF52"])
    demo.load()
    for _ in range(3):
        alert_create(
            "Hommes armés signalés près de Bria", units["CF521"], threat_type="ARMED_MOVEMENT"
        )
    make_user("analyst.e2e", "ANALYST", ["CF"])
    sign_in(page, "analyst.e2e", PASSWORD)
    page.wait_for_load_state()

    page.goto("/civic/")
    assert (
        page.locator("[data-count=chiefs_trained]").first.inner_text() == "92"
    )  # 40 + 40 + 12 in the demo
    screenshot(page, "civic-overview")
    page.goto("/civic/map/")
    page.wait_for_selector("#civic-map svg [data-feature=alerts]")
    assert page.locator("#civic-map svg [data-feature=cvr]").count() == 1
    assert page.locator("#civic-map svg [data-feature=activities]").count() >= 3
    screenshot(page, "civic-map")
    page.goto("/civic/activities/?kind=TRAINING")
    assert page.locator("[data-figures] [data-total]").first.inner_text() == "92"
    screenshot(page, "civic-activities")
    page.goto("/civic/activities/")
    page.select_option("select[name=range]", "RANGE_B")  # htmx filter, no reload
    page.wait_for_url("**range=RANGE_B**")
    page.wait_for_function(
        "document.querySelector('[data-figures] [data-total]').textContent.trim() === '10'"
    )
    page.goto(f"/agreements/{Agreement.objects.get(short_name='APPR-RCA').pk}/")
    assert page.locator("tr[data-region]").count() == 3
    screenshot(page, "agreements-appr")
