"""The resolve API, the correction API and the gazetteer pages, through HTTP."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client

from sauti.accounts.models import AuditEvent
from sauti.places.models import Locality
from tests.conftest import client_for, make_user

URL = "/api/v1/places/resolve"


@pytest.fixture
def cla(gazetteer: Path):  # type: ignore[no-untyped-def]
    return make_user("cla.x", "CLA", ["CF52"])


def test_resolve_api_shape(gazetteer: Path, cla) -> None:  # type: ignore[no-untyped-def]
    r = client_for(cla).get(URL, {"q": "près de Bria, Haute-Kotto", "country": "cf"})
    assert r.status_code == 200, r.content
    data = r.json()
    assert set(data) == {
        "query",
        "status",
        "method",
        "score",
        "precision",
        "matched",
        "ambiguous",
        "place",
        "admin",
        "candidates",
        "point",
        "offset",
    }
    assert data["status"] == "resolved" and data["place"]["name"] == "Bria"
    assert data["place"]["pcode"] == "CF521" and data["precision"] == "NEAR_LOCALITY"
    assert [a["pcode"] for a in data["admin"]] == ["CF", "CF52", "CF521"]
    assert data["point"] == {"lat": 6.54, "lon": 21.99} and data["offset"] is None


def test_resolve_api_reports_a_stated_offset(gazetteer: Path, cla) -> None:  # type: ignore[no-untyped-def]
    data = client_for(cla).get(URL, {"q": "à 10 km au sud de Bria"}).json()
    assert data["offset"] == {"km": 10.0, "bearing": 180, "anchor": "Bria", "along_road_to": None}
    assert data["point"]["lat"] < 6.54 and data["precision"] == "NEAR_LOCALITY"


def test_resolve_api_uses_the_callers_area_for_homonyms(gazetteer: Path, cla) -> None:  # type: ignore[no-untyped-def]
    assert client_for(cla).get(URL, {"q": "Ndah"}).json()["admin"][1]["pcode"] == "CF52"


def test_resolve_api_unknown(gazetteer: Path, cla) -> None:  # type: ignore[no-untyped-def]
    data = client_for(cla).get(URL, {"q": "Xyzzyville"}).json()
    assert data["status"] == "unknown" and data["place"] is None


@pytest.mark.parametrize(
    ("params", "detail"),
    [
        ({}, "empty"),
        ({"q": "   "}, "empty"),
        ({"q": "x" * 501}, "at most 500"),
        ({"q": "Bria\x1b[31m"}, "control characters"),
        ({"q": "Bria", "country": "ZZ"}, "unknown country"),
        ({"q": "Bria", "country": "CFA"}, "unknown country"),
        ({"q": "Bria", "lat": "6.5"}, "both lat and lon"),
        ({"q": "Bria", "lat": "95", "lon": "20"}, "not a real WGS84"),
        ({"q": "---"}, "no letters or digits"),
    ],
)
def test_resolve_api_refuses_bad_input(gazetteer: Path, cla, params: dict, detail: str) -> None:  # type: ignore[no-untyped-def]
    r = client_for(cla).get(URL, params, headers={"Accept-Language": "en"})
    assert r.status_code == 400
    assert detail in r.json()["detail"]


def test_resolve_api_refusals_follow_the_language(gazetteer: Path, cla) -> None:  # type: ignore[no-untyped-def]
    r = client_for(cla).get(URL, {"q": "   "}, headers={"Accept-Language": "fr"})
    assert r.status_code == 400 and r.json()["detail"] == "le texte du lieu est vide"


def test_resolve_api_needs_authentication(gazetteer: Path) -> None:
    assert Client().get(URL, {"q": "Bria"}).status_code == 401


def test_correction_api_teaches_and_audits(gazetteer: Path, cla) -> None:  # type: ignore[no-untyped-def]
    village = Locality.objects.get(name="Ndah", lat=6.6)
    client = client_for(cla)
    r = client.post(
        "/api/v1/places/corrections",
        {"text": "Ndakpa", "locality_id": village.pk},
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    assert r.json()["area"] == "CF521"
    assert AuditEvent.objects.filter(action="places.correction").count() == 1
    assert client.get(URL, {"q": "Ndakpa"}).json()["place"]["id"] == village.pk
    bad = client.post(
        "/api/v1/places/corrections",
        {"text": "x", "locality_id": 99999},
        content_type="application/json",
    )
    assert bad.status_code == 400
    both = client.post(
        "/api/v1/places/corrections",
        {"text": "x", "locality_id": village.pk, "admin_unit_pcode": "CF52"},
        content_type="application/json",
    )
    assert both.status_code == 400


def test_correction_api_refused_to_readers(gazetteer: Path) -> None:
    analyst = make_user("an.x", "ANALYST", ["CF"])
    r = client_for(analyst).post(
        "/api/v1/places/corrections",
        {"text": "x", "admin_unit_pcode": "CF52"},
        content_type="application/json",
    )
    assert r.status_code == 403


def test_pages(gazetteer: Path, cla) -> None:  # type: ignore[no-untyped-def]
    client = client_for(cla)
    page = client.get("/places/", {"q": "Bria"})
    assert page.status_code == 200 and "Bria" in page.content.decode()
    assert 'href="/places/"' in client.get("/").content.decode()  # navigation entry
    suggest = client.get("/places/suggest", {"q": "Bambarri"})
    assert "Bambari" in suggest.content.decode()
    refused = client.get("/places/suggest", {"q": "a\x00"}, headers={"Accept-Language": "en"})
    assert "control characters" in refused.content.decode()
    french = client.get("/places/suggest", {"q": "a\x00"}, headers={"Accept-Language": "fr"})
    assert "caractères de contrôle" in french.content.decode()
    unit = client.get("/places/admin/CF52/")
    body = unit.content.decode()
    assert (
        unit.status_code == 200
        and "Haute-Kotto" in body
        and "leaflet.js" in body
        and "Bria" in body
    )
    assert "tile.openstreetmap" not in body  # offline unless a tile URL is configured
    geo = client.get("/places/admin/CF52.geojson").json()
    assert geo["features"][0]["geometry"]["type"] == "Polygon"
    assert {f["properties"]["role"] for f in geo["features"]} >= {"self", "child", "locality"}
    loc = Locality.objects.get(name="Bria")
    assert client.get(f"/places/locality/{loc.pk}/").status_code == 200
    assert len(client.get(f"/places/locality/{loc.pk}.geojson").json()["features"]) == 2
    assert client.get("/places/admin/ZZ99/").status_code == 404
    assert Client().get("/places/").status_code == 302  # sign-in first


def test_teach_a_name_from_the_place_page(gazetteer: Path, cla) -> None:  # type: ignore[no-untyped-def]
    client = client_for(cla)
    client.cookies["django_language"] = "en"
    village = Locality.objects.get(name="Ndah", lat=6.6)
    page = client.get(f"/places/locality/{village.pk}/").content.decode()
    assert f'action="/places/locality/{village.pk}/names"' in page
    r = client.post(f"/places/locality/{village.pk}/names", {"text": "Ndakpa"}, follow=True)
    assert "Ndakpa" in r.content.decode()
    assert client.get(URL, {"q": "Ndakpa"}).json()["place"]["id"] == village.pk
    bad = client.post(f"/places/locality/{village.pk}/names", {"text": "\x00"}, follow=True)
    assert "control characters" in bad.content.decode()
    outside = Locality.objects.get(name="Ndah", lat=8.7)
    refused = client.post(f"/places/locality/{outside.pk}/names", {"text": "Ndakpa"}, follow=True)
    assert "only teach names inside your own areas" in refused.content.decode()
    unit = client.post("/places/admin/CF52/names", {"text": "Kotto du Haut"}, follow=True)
    assert unit.status_code == 200
    analyst = make_user("an.y", "ANALYST", ["CF"])
    assert client_for(analyst).post("/places/admin/CF52/names", {"text": "x"}).status_code == 403
    assert client.post("/places/castle/CF52/names", {"text": "x"}).status_code == 404
    assert "teach-text" not in client_for(analyst).get("/places/admin/CF52/").content.decode()
