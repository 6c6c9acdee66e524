"""In real Chromium, a break-glass reveal (DP-6): a JOC officer finds the reporter of an alert by
its reference and asks for the identity with a reason, the data-protection focal point approves
it from the requests page, and the JOC officer opens the identity — logged with the grant.
Screenshots in tests/e2e/screenshots/break-glass-*.png."""

from __future__ import annotations

from typing import Any

import pyotp
import pytest

from sauti.accounts.models import AuditEvent, User
from sauti.accounts.services import totp_begin
from sauti.alerts.models import Alert
from sauti.alerts.services import alert_create
from sauti.channels.models import RevealGrant
from sauti.channels.services import network_create, reporter_enrol
from tests.conftest import PASSWORD, make_user
from tests.e2e.conftest import screenshot, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
NAME = "Synthétique Vigie"
PHONE = "+23675000456"


def with_totp(username: str, role: str, areas: list[str]) -> str:
    """A user with two-factor sign-in on; returns the TOTP secret."""
    user: User = make_user(username, role, areas, two_factor=False)
    secret = totp_begin(user)
    user.totp_enabled = True
    user.save(update_fields=["totp_enabled"])
    return secret


def sign_in_with_code(page: Any, username: str, secret: str) -> None:
    sign_in(page, username, PASSWORD)
    page.wait_for_url("**/accounts/login/verify/**")
    page.fill("#id_code", pyotp.TOTP(secret).now())
    page.click("button[type=submit].primary")
    page.wait_for_load_state()


def test_joc_asks_dpo_approves_joc_reveals(
    page: Any, browser: Any, live_server: Any, units: dict
) -> None:
    net = network_create("RAC Bria", "CF52", base_name="COB Bria")
    focal = reporter_enrol(name=NAME, phones=[PHONE], network=net, languages=["fr"])
    alert = alert_create("Hommes armés vers Ndah", units["CF521"])
    Alert.objects.filter(pk=alert.pk).update(reporter=focal)
    make_user("cla.bria", "CLA", ["CF52"])  # the reporter's CLA, told of the request
    joc_secret = with_totp("joc.glass", "JOC_OFFICER", ["CF"])
    dpo_secret = with_totp("dpo.glass", "DPO_FOCAL", ["CF"])

    # The JOC officer has the alert's reference, not the reporter's page: finds it and asks.
    sign_in_with_code(page, "joc.glass", joc_secret)
    page.click("header nav a[href='/channels/reveal-requests/']")
    page.fill("#find", alert.reference)
    page.click("form.find button[type=submit]")
    page.wait_for_url(f"**/channels/reporters/{focal.pk}/break-glass/")
    assert focal.pseudonym in page.content() and NAME not in page.content()
    page.fill("#reason", "Patrol tasked to the source's village tonight; need to call first")
    screenshot(page, "break-glass-request")
    page.click("main form button[type=submit].primary")
    page.wait_for_url("**/channels/reveal-requests/*/")
    grant = RevealGrant.objects.get()
    assert grant.status == "REQUESTED"
    assert page.locator("#grant-status").get_attribute("data-status") == "REQUESTED"

    # The DPO, in another browser, approves it from the queue.
    dpo_context = browser.new_context(
        base_url=live_server.url, locale="en-GB", viewport={"width": 1280, "height": 800}
    )
    dpo = dpo_context.new_page()
    dpo.set_default_timeout(15000)
    sign_in_with_code(dpo, "dpo.glass", dpo_secret)
    dpo.click("header nav a[href='/channels/reveal-requests/']")
    card = dpo.locator(f"[data-pending='{grant.pk}']")
    assert "Patrol tasked" in card.inner_text()
    dpo.fill(f"#note-{grant.pk}", "One call, then close")
    screenshot(dpo, "break-glass-queue")
    card.locator("button[value=approve]").click()
    dpo.wait_for_load_state()
    assert dpo.locator(f"[data-pending='{grant.pk}']").count() == 0
    grant.refresh_from_db()
    assert grant.status == "APPROVED"
    dpo_context.close()

    # Back with the JOC officer: the grant is approved; each click shows the identity, logged.
    page.reload()
    assert page.locator("#grant-status").get_attribute("data-status") == "APPROVED"
    assert NAME not in page.content()
    page.click("#reveal button[type=submit]")
    page.wait_for_selector("#identity")
    assert NAME in page.inner_text("#identity") and PHONE in page.inner_text("#identity")
    screenshot(page, "break-glass-revealed")
    reveal = AuditEvent.objects.get(action="identity.reveal")
    assert reveal.details["reason"].startswith(f"break-glass grant #{grant.pk}: Patrol")
    assert reveal.actor_username == "joc.glass"
