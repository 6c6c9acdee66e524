"""Two users scoped to different admin units each see only their own records — page, API, export."""

from __future__ import annotations

import csv
import io

import pytest
from django.test import Client

from sauti.accounts.models import User
from sauti.accounts.services import token_create
from sauti.alerts.models import Alert
from sauti.alerts.services import alert_create
from sauti.places.models import AdminUnit
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_alerts(units: dict[str, AdminUnit]) -> tuple[Alert, Alert]:
    bria = alert_create("Hommes armés près de Bria", units["CF521"], threat_type="ARMED_MOVEMENT")
    ndele = alert_create(
        "Tension au marché de Ndélé", units["CF511"], threat_type="INTERCOMMUNAL_TENSION"
    )
    return bria, ndele


def test_pages_show_only_own_area(
    cla_bria: User, cla_ndele: User, two_alerts: tuple[Alert, Alert]
) -> None:
    bria, ndele = two_alerts
    page = client_for(cla_bria).get("/alerts/")
    assert bria.reference in page.content.decode() and ndele.reference not in page.content.decode()
    page = client_for(cla_ndele).get("/alerts/")
    assert ndele.reference in page.content.decode() and bria.reference not in page.content.decode()
    # The detail of another area's alert answers 404, exactly like an id that does not exist.
    assert client_for(cla_bria).get(f"/alerts/{ndele.id}/").status_code == 404
    assert client_for(cla_bria).get(f"/alerts/{bria.id}/").status_code == 200
    assert client_for(cla_bria).get("/alerts/999999/").status_code == 404


def test_api_shows_only_own_area(
    cla_bria: User, cla_ndele: User, two_alerts: tuple[Alert, Alert]
) -> None:
    bria, ndele = two_alerts
    for user, own, other in ((cla_bria, bria, ndele), (cla_ndele, ndele, bria)):
        headers = {"Authorization": f"Bearer {token_create(user)}"}
        listed = Client().get("/api/v1/alerts", headers=headers).json()
        assert [item["reference"] for item in listed["items"]] == [own.reference]
        assert Client().get(f"/api/v1/alerts/{own.id}", headers=headers).status_code == 200
        assert Client().get(f"/api/v1/alerts/{other.id}", headers=headers).status_code == 404


def test_export_contains_only_own_area(
    cla_bria: User, cla_ndele: User, two_alerts: tuple[Alert, Alert]
) -> None:
    bria, _ndele = two_alerts
    response = client_for(cla_bria).get("/alerts/export.csv")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[1][0] == "#event+id"  # HXL hashtag row
    assert [r[0] for r in rows[2:]] == [bria.reference]
    # Coding only: the summary (free text from what a reporter said) never leaves in an export.
    assert "Hommes armés" not in response.content.decode()


def test_country_scope_sees_everything_below(joc: User, two_alerts: tuple[Alert, Alert]) -> None:
    listed = client_for(joc).get("/api/v1/alerts").json()
    assert {i["reference"] for i in listed["items"]} == {a.reference for a in two_alerts}


def test_user_without_area_sees_nothing(
    units: dict[str, AdminUnit], two_alerts: tuple[Alert, Alert]
) -> None:
    from tests.conftest import make_user

    nobody = make_user("no.area", "JOC_OFFICER", [])
    assert client_for(nobody).get("/api/v1/alerts").json()["items"] == []


def test_role_without_permission_is_refused(
    units: dict[str, AdminUnit], two_alerts: tuple[Alert, Alert]
) -> None:
    from tests.conftest import make_user

    admin = make_user("admin.x", "ADMIN", ["CF"])  # administrators do not read alert content
    assert client_for(admin).get("/alerts/").status_code == 403
    assert client_for(admin).get("/api/v1/alerts").status_code == 403
    assert client_for(admin).get("/alerts/export.csv").status_code == 403
    analyst = make_user("analyst.x", "ANALYST", ["CF"])
    assert client_for(analyst).get("/alerts/export.csv").status_code == 200
