"""A person signs in with a password and a TOTP code, sees real counts, switches to French."""

from __future__ import annotations

from typing import Any

import pyotp
import pytest

from sauti.accounts.services import totp_begin
from sauti.alerts.services import alert_create
from tests.conftest import PASSWORD, make_user
from tests.e2e.conftest import screenshot, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_sign_in_with_two_factor_then_switch_to_english(page: Any, units: dict) -> None:
    user = make_user("cla.e2e", "CLA", ["CF52"], two_factor=False)
    secret = totp_begin(user)
    user.totp_enabled = True
    user.save(update_fields=["totp_enabled"])
    alert_create("Hommes armés vus près de Bria", units["CF521"], threat_type="ARMED_MOVEMENT")
    alert_create("Tension à Ndélé", units["CF511"], threat_type="INTERCOMMUNAL_TENSION")

    sign_in(page, "cla.e2e", PASSWORD)
    page.wait_for_url("**/accounts/login/verify/**")
    page.fill("#id_code", pyotp.TOTP(secret).now())
    page.click("button[type=submit].primary")
    page.wait_for_selector("[data-count=alerts_total]")
    # Only the Bria alert is in this CLA's area; the user's preferred language (French) applies.
    assert page.locator("[data-count=alerts_total]").inner_text() == "1"
    assert page.locator("html").get_attribute("lang") == "fr"
    screenshot(page, "home-fr")
    page.click("button[name=language][value=en]")
    page.wait_for_selector("html[lang=en]")
    assert "Welcome" in page.locator("h1").inner_text()
    screenshot(page, "home-en")


def test_wrong_password_is_refused(page: Any, units: dict) -> None:
    make_user("analyst.e2e", "ANALYST", ["CF"])
    sign_in(page, "analyst.e2e", "not the password")
    assert page.locator(".error").is_visible()
    assert "/accounts/login/" in page.url
