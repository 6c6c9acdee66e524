"""Pages show translated threat types and states, not the codes."""

from __future__ import annotations

import pytest

from sauti.alerts.services import alert_create
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def test_list_and_detail_show_labels_in_french(joc, units) -> None:  # type: ignore[no-untyped-def]
    alert = alert_create("Hommes armés près de Bria", units["CF521"], threat_type="ARMED_MOVEMENT")
    client = client_for(joc)
    client.cookies["django_language"] = "fr"
    listing = client.get("/alerts/").content.decode()
    assert (
        "Mouvement ou présence d&#x27;hommes armés" in listing and "ARMED_MOVEMENT" not in listing
    )
    assert "Reçue" in listing or "Enregistrée" in listing
    detail = client.get(f"/alerts/{alert.id}/").content.decode()
    assert "Mouvement ou présence" in detail
