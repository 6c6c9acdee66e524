"""In real Chromium: a CLA records a dialogue session with participants and commitments, marks a
commitment fulfilled, and sees the follow-up page change. Screenshots in tests/e2e/screenshots/."""

from __future__ import annotations

from typing import Any

import pyotp
import pytest

from sauti.accounts.services import totp_begin
from sauti.civic import services
from sauti.civic.models import Commitment, DialogueProcess
from tests.conftest import PASSWORD, make_user
from tests.e2e.conftest import screenshot, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_dialogue_session_commitments_and_follow_up(page: Any, units: dict) -> None:
    user = make_user("cla.dialogue", "CLA", ["CF52"], two_factor=False)
    secret = totp_begin(user)
    user.totp_enabled = True
    user.save(update_fields=["totp_enabled"])
    process = services.dialogue_create(
        title="Dialogue éleveurs–agriculteurs de Bria",
        parties=["Éleveurs peuls", "Agriculteurs goula"],
        admin_unit=units["CF521"],
    )

    sign_in(page, "cla.dialogue", PASSWORD)
    page.wait_for_url("**/accounts/login/verify/**")
    page.fill("#id_code", pyotp.TOTP(secret).now())
    page.click("button[type=submit].primary")
    page.wait_for_load_state()

    page.goto(f"/civic/dialogues/{process.pk}/")
    page.click(f"a[href='/civic/dialogues/{process.pk}/sessions/new/']")
    page.fill("#id_title", "Première session conjointe")
    page.fill("#id_start", "2026-03-12")
    people = [
        ("Awa Exemple", "F", "18_29", "WOMEN_LEADER", "Agriculteurs goula"),
        ("Issa Exemple", "M", "30_59", "CHIEF", "Éleveurs peuls"),
        ("Rose Exemple", "F", "30_59", "RELIGIOUS", ""),
    ]
    for i, (name, sex, band, role, community) in enumerate(people):
        page.fill(f"#id_p{i}_name", name)
        page.select_option(f"#id_p{i}_sex", sex)
        page.select_option(f"#id_p{i}_age_band", band)
        page.select_option(f"#id_p{i}_role", role)
        if community:
            page.select_option(f"#id_p{i}_community", community)
            page.check(f"#id_p{i}_consent")
    page.select_option("#id_c0_owner", "Éleveurs peuls")
    page.fill("#id_c0_text", "Respecter les couloirs de transhumance")
    page.fill("#id_c0_due", "2026-05-01")
    page.select_option("#id_c1_owner", "Agriculteurs goula")
    page.fill("#id_c1_text", "Rouvrir l'accès au point d'eau")
    screenshot(page, "civic-dialogue-session-form")
    page.click("#session-form button[type=submit]")
    page.wait_for_selector("[data-commitments-summary]")
    session = process.sessions.get()
    assert session.participants_total == 3
    assert "0" in page.locator("[data-commitments-summary]").inner_text()
    screenshot(page, "civic-dialogue-after-session")

    page.goto(f"/civic/dialogues/{process.pk}/follow-up/")
    assert page.locator("[data-tally=DONE]").inner_text() == "0"
    first = Commitment.objects.get(process=process, owner_party="Éleveurs peuls")
    row = page.locator(f"tr[data-commitment='{first.pk}']")
    screenshot(page, "civic-follow-up-before")
    row.locator("button.mark-done").click()  # htmx swaps the whole follow-up section
    page.wait_for_selector(f"tr[data-commitment='{first.pk}'] [data-status=DONE]")
    assert page.locator("[data-tally=DONE]").inner_text() == "1"
    assert page.locator(f"tr[data-commitment='{first.pk}'] .history li").count() == 1
    screenshot(page, "civic-follow-up-after")
    first.refresh_from_db()
    assert first.status == "DONE" and first.updates.get().by == user

    page.reload()  # the change is stored, not only shown
    assert page.locator("[data-tally=DONE]").inner_text() == "1"
    assert DialogueProcess.objects.get().commitments.filter(status="DONE").count() == 1
