"""Early warning in real Chromium: the flag list, a flag traced to its alerts, the hotspot map
shaded from the gazetteer's polygons (offline), and the bulletin PDF turned into PNG pages."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import PASSWORD, make_user
from tests.e2e.conftest import SCREENSHOTS, screenshot, sign_in
from tests.warning.conftest import car_admin  # noqa: F401 — the fixture, used by name
from tests.warning.helpers import BAR_BLUE, blend, burst_in_ndele, colour_pixels, pdf_pages_png

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_warning_page_flag_map_and_bulletin(page: Any, car_admin: None) -> None:  # noqa: F811
    burst_in_ndele()
    make_user("analyst.e2e", "ANALYST", ["CF"])
    sign_in(page, "analyst.e2e", PASSWORD)
    page.goto("/warning/")
    page.wait_for_selector("tr[data-flag]")
    assert page.locator("tr[data-flag]").count() >= 2  # Ndélé and its prefecture
    assert page.locator("tr[data-area=CF511]").count() == 1
    screenshot(page, "warning-page")

    page.locator("tr[data-flag]").filter(has_text="CF511").locator("a").first.click()
    page.wait_for_selector("#flag-alerts")
    assert page.locator("#flag-alerts li").count() == 12
    screenshot(page, "warning-flag")

    page.goto("/warning/map/")
    page.wait_for_selector("#hotspot-map.loaded")
    assert int(page.locator("#hotspot-map").get_attribute("data-features")) >= 17
    assert page.locator("#hotspot-map path.leaflet-interactive").count() >= 17
    screenshot(page, "warning-map")

    for language in ("en", "fr"):
        response = page.request.get(f"/warning/bulletin.pdf?lang={language}")
        assert response.status == 200 and response.headers["content-type"] == "application/pdf"
        pages = pdf_pages_png(response.body(), SCREENSHOTS, f"warning-bulletin-{language}")
        assert colour_pixels(pages, blend((46, 139, 87), 0.75)) > 2000  # the map
        assert colour_pixels(pages, BAR_BLUE, 4) > 20  # the chart
