"""In real Chromium, the whole loop of issue 5: a CLA logs a call → the alert appears on the JOC
officer's board without a reload → the JOC transmits → the base commander acknowledges by replying
to the SMS with the code (a real-format gateway webhook) → the response is recorded → the feedback
SMS goes out through the (fake) gateway → the metrics page shows the times. Screenshots in
tests/e2e/screenshots/response-*.png."""

from __future__ import annotations

import json
import re
from typing import Any

import pyotp
import pytest

from sauti.accounts.services import totp_begin
from sauti.alerts.models import Alert
from sauti.channels.intake import intake_drain
from sauti.channels.models import OutboundMessage
from sauti.channels.services import channel_create, network_create
from sauti.core.jobs import run_pending
from sauti.response.models import Party, Transmission
from sauti.response.services import routing_rule_create
from tests.channels.conftest import SECRET, sign
from tests.conftest import PASSWORD, make_user
from tests.e2e.conftest import screenshot, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
CALLER = "+23675000123"
COMMANDER_PHONE = "+23675000999"


def do(page: Any, to: str, **fields: str) -> None:
    """Press the action button for ``to`` on an alert page, filling that action's form."""
    form = page.locator(f"form:has(input[name=to][value={to}])")
    for name, value in fields.items():
        target = form.locator(f"[name={name}]")
        if target.evaluate("e => e.tagName") == "SELECT":
            target.select_option(value)
        else:
            target.fill(value)
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()


def test_call_to_feedback_to_metrics(
    page: Any, browser: Any, live_server: Any, units: dict, monkeypatch: Any
) -> None:
    sent: list[dict[str, Any]] = []
    monkeypatch.setattr(
        "sauti.channels.gateways.generic.http_post",
        lambda url, data, **kw: sent.append(data) or {"id": f"gw-{len(sent)}"},
    )
    net = network_create("RAC Bria", "CF52", base_name="COB Bria")
    sms = channel_create(
        "GENERIC",
        "Android Bria",
        "CF52",
        network=net,
        credentials={"secret": SECRET, "send_url": "https://gateway.example/send"},
    )
    cla = make_user("cla.loop", "CLA", ["CF52"], two_factor=False)
    secret = totp_begin(cla)
    cla.totp_enabled = True
    cla.save(update_fields=["totp_enabled"])
    make_user("joc.loop", "JOC_OFFICER", ["CF"])
    commander = make_user("cdt.loop", "RESPONDER_UNIT", ["CF52"])
    routing_rule_create(units["CF52"], Party.BASE_COMMANDER, commander, phone=COMMANDER_PHONE)

    # The JOC officer's board is open before the call comes in.
    joc_context = browser.new_context(
        base_url=live_server.url, locale="en-GB", viewport={"width": 1280, "height": 800}
    )
    joc = joc_context.new_page()
    joc.set_default_timeout(15000)
    sign_in(joc, "joc.loop", PASSWORD)
    joc.wait_for_load_state()
    joc.goto("/response/")
    assert joc.locator("#board tbody a").count() == 0

    # The CLA logs the call and triages it P1.
    sign_in(page, "cla.loop", PASSWORD)
    page.wait_for_url("**/accounts/login/verify/**")
    page.fill("#id_code", pyotp.TOTP(secret).now())
    page.click("button[type=submit].primary")
    page.wait_for_load_state()
    page.goto("/alerts/new/")
    page.fill("#id_text", "Des hommes armés encerclent Ndah, ils menacent d'attaquer cette nuit")
    page.select_option(
        "#id_area", label=page.locator("#id_area option", has_text="Haute-Kotto").first.inner_text()
    )
    page.fill("#id_caller_phone", CALLER)
    page.fill("#id_place_text", "Ndah")
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    alert = Alert.objects.get()
    assert alert.state == "RECORDED"
    page.goto(f"/response/alerts/{alert.pk}/")
    do(page, "TRIAGED", priority="P1", source_reliability="4")
    screenshot(page, "response-1-cla-triaged")

    # It appears on the JOC board by itself (htmx polling, no reload).
    joc.wait_for_selector(f"#board a:has-text('{alert.reference}')")
    screenshot(joc, "response-2-joc-board")
    joc.click(f"#board a:has-text('{alert.reference}')")
    joc.wait_for_load_state()
    do(joc, "TRANSMITTED", reason="to COB Bria")
    alert.refresh_from_db()
    assert alert.state == "TRANSMITTED"
    tx = Transmission.objects.get(alert=alert)

    # The worker sends the transmission to the commander's duty phone with its code...
    run_pending()
    to_commander = [m for m in sent if m["to"] == COMMANDER_PHONE]
    assert len(to_commander) == 1
    code = re.search(r"OK ([A-Z0-9]{6})", to_commander[0]["text"]).group(1)
    assert code == tx.ack_code
    # ...and the commander replies with it: the gateway posts its webhook.
    body = json.dumps({"from": COMMANDER_PHONE, "text": f"OK {code}", "id": "gw-in-77"}).encode()
    answer = joc.request.post(
        f"/hooks/{sms.uuid}/",
        data=body,
        headers={"Content-Type": "application/json", "X-Sauti-Signature": sign(body)},
    )
    assert answer.status == 200
    intake_drain()  # what `sauti worker` does with the stored reply
    alert.refresh_from_db()
    assert alert.state == "ACKNOWLEDGED"

    # The commander records the response on the web.
    cdt_context = browser.new_context(
        base_url=live_server.url, locale="en-GB", viewport={"width": 390, "height": 844}
    )
    cdt = cdt_context.new_page()
    cdt.set_default_timeout(15000)
    sign_in(cdt, "cdt.loop", PASSWORD)
    cdt.wait_for_load_state()
    cdt.goto(f"/response/alerts/{alert.pk}/")
    do(cdt, "RESPONSE_DECIDED", response_option="RAPID_DEPLOYMENT", reason="QRF from COB Bria")
    do(cdt, "RESPONDING")
    do(cdt, "RESPONDED", reason="patrol at Ndah, armed men withdrew")
    screenshot(cdt, "response-3-commander-phone")

    # The CLA sees the reporter awaits feedback and gives it; the SMS goes out.
    page.goto("/response/feedback/")
    assert alert.reference in page.content()
    page.goto(f"/response/alerts/{alert.pk}/")
    do(page, "FEEDBACK_GIVEN", kind="ACTION_TAKEN")
    run_pending()
    feedback = OutboundMessage.objects.get(purpose="FEEDBACK")
    assert feedback.status == "SENT"
    assert any(m["text"] == feedback.body and m["to"] == CALLER for m in sent)
    assert "Ndah" not in feedback.body
    screenshot(page, "response-4-timeline")
    assert page.locator("table.timeline tbody tr").count() == 9

    # The metrics page shows the times, computed from the transitions.
    page.goto("/response/metrics/")
    row = page.locator("#metrics tbody tr").first
    assert row.locator("td").nth(0).inner_text() == "CF52"
    assert "1 (100 %)" in row.locator("td").nth(2).inner_text()
    assert "—" not in row.locator("td[data-step=acknowledge]").inner_text()
    assert "—" not in row.locator("td[data-step=feedback]").inner_text()
    screenshot(page, "response-5-metrics")
    joc_context.close()
    cdt_context.close()
