"""In real Chromium: the CLA suspends a focal point whose phone was taken, from the reporter's page,
then records that the person withdrew consent — the name and numbers are gone, the pseudonym stays.
Screenshots in tests/e2e/screenshots/reporter-status-*.png."""

from __future__ import annotations

from typing import Any

import pyotp
import pytest

from sauti.accounts.models import AuditEvent
from sauti.accounts.services import totp_begin
from sauti.channels.models import Reporter, ReporterPhone
from sauti.channels.services import network_create, reporter_enrol
from tests.conftest import PASSWORD, make_user
from tests.e2e.conftest import screenshot, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_cla_suspends_then_records_a_withdrawal(page: Any, units: dict) -> None:
    net = network_create("RAC Bria", "CF52", base_name="COB Bria")
    focal = reporter_enrol(
        name="Synthétique Témoin", phones=["+23675000321"], network=net, languages=["fr"]
    )
    cla = make_user("cla.status", "CLA", ["CF52"], two_factor=False)
    secret = totp_begin(cla)
    cla.totp_enabled = True
    cla.save(update_fields=["totp_enabled"])

    sign_in(page, "cla.status", PASSWORD)
    page.wait_for_url("**/accounts/login/verify/**")
    page.fill("#id_code", pyotp.TOTP(secret).now())
    page.click("button[type=submit].primary")
    page.wait_for_load_state()
    page.goto(f"/channels/reporters/{focal.pk}/")

    # A reason is required: the browser will not send the form without one.
    page.select_option("#new-status", "SUSPENDED")
    page.click("#reporter-status form:first-of-type button[type=submit]")
    assert Reporter.objects.get(pk=focal.pk).status == "ACTIVE"
    page.fill("#status-reason", "phone taken at a roadblock")
    screenshot(page, "reporter-status-suspend")
    page.click("#reporter-status form:first-of-type button[type=submit]")
    page.wait_for_load_state()
    assert "est maintenant : Suspendu" in page.content()  # the mission's default, French
    assert Reporter.objects.get(pk=focal.pk).status == "SUSPENDED"

    page.fill("#withdraw-reason", "asked by phone to stop")
    page.check("#withdraw-form input[name=confirm]")
    screenshot(page, "reporter-status-withdraw")
    page.click("#withdraw-form button[type=submit]")
    page.wait_for_load_state()
    assert "Retrait du consentement enregistré" in page.content()
    focal.refresh_from_db()
    assert focal.status == "EXITED" and focal.name_sealed == ""
    assert not ReporterPhone.objects.filter(reporter=focal).exists()
    assert focal.pseudonym in page.content() and page.locator("#withdraw-form").count() == 0
    actions = list(
        AuditEvent.objects.filter(object_id=str(focal.pk)).values_list("action", flat=True)
    )
    assert "reporter.status" in actions and "reporter.withdraw_consent" in actions
