"""In real Chromium: a missed call reaches the gateway webhook, the CLA opens "Callbacks" from the
navigation, records a first attempt with no answer, then reaches the reporter and lands on the
alert to triage it. Screenshots in tests/e2e/screenshots/callbacks-*.png."""

from __future__ import annotations

from typing import Any

import pyotp
import pytest

from sauti.accounts.services import totp_begin
from sauti.alerts.models import Alert
from sauti.channels.intake import intake_drain
from sauti.channels.models import CallbackTask
from sauti.channels.services import channel_create, network_create
from tests.channels.conftest import SECRET, sign
from tests.conftest import PASSWORD, make_user
from tests.e2e.conftest import screenshot, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_cla_records_callback_outcomes(page: Any, units: dict) -> None:
    net = network_create("RAC Bria", "CF52", base_name="COB Bria")
    hotline = channel_create(
        "MISSED_CALL", "Bip Bria", "CF52", network=net, credentials={"secret": SECRET}
    )
    cla = make_user("cla.callbacks", "CLA", ["CF52"], two_factor=False)
    secret = totp_begin(cla)
    cla.totp_enabled = True
    cla.save(update_fields=["totp_enabled"])

    # The gateway posts the missed call; `sauti worker` turns it into an alert and a task.
    body = b"from=%2B23675000777&call_id=beep-e2e-1"
    answer = page.request.post(
        f"/hooks/{hotline.uuid}/",
        data=body,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Sauti-Signature": sign(body),
        },
    )
    assert answer.status == 200
    intake_drain()
    task = CallbackTask.objects.get()

    sign_in(page, "cla.callbacks", PASSWORD)
    page.wait_for_url("**/accounts/login/verify/**")
    page.fill("#id_code", pyotp.TOTP(secret).now())
    page.click("button[type=submit].primary")
    page.wait_for_load_state()
    page.click("header nav a[href='/channels/callbacks/']")
    page.wait_for_selector(f"#callbacks tr[data-task='{task.pk}']")
    assert "75000777" not in page.content()  # pseudonym only, never the number
    screenshot(page, "callbacks-list")

    # First try: no answer. The task stays open and is due again later.
    page.click(f"#callbacks tr[data-task='{task.pk}'] a.button")
    page.check("input[name=outcome][value=NO_ANSWER]")
    page.fill("#id_note", "rang out")
    page.click("main form button[type=submit]")
    page.wait_for_url("**/channels/callbacks/")
    task.refresh_from_db()
    assert (task.attempts, task.outcome) == (1, "PENDING")

    # Second try: reached. The alert is recorded and the CLA goes on to triage it.
    page.goto(f"/channels/callbacks/{task.pk}/")
    assert page.locator("table td", has_text="rang out").count() == 1
    page.check("input[name=outcome][value=REACHED]")
    page.select_option("#id_threat_type", "ARMED_MOVEMENT")
    page.fill("#id_place", "Ndah")
    screenshot(page, "callbacks-task")
    page.click("main form button[type=submit]")
    page.wait_for_url(f"**/response/alerts/{task.alert_id}/")
    alert = Alert.objects.get(pk=task.alert_id)
    assert alert.state == "RECORDED" and alert.threat_type == "ARMED_MOVEMENT"
    assert CallbackTask.objects.get(pk=task.pk).outcome == "REACHED"
