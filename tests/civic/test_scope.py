"""Role and area scope on every civic page, API endpoint and export (as in the foundation issue)."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from sauti.accounts.roles import PERMISSIONS, Role
from sauti.civic import services
from sauti.civic.models import Commitment
from tests.conftest import client_for

EXPECTED = {
    "civic.view": "ADMIN ANALYST CA_OFFICER CLA DDR_OFFICER DPO_FOCAL JOC_OFFICER PA_OFFICER POC_OFFICER WPA",
    "civic.edit": "CA_OFFICER CLA DDR_OFFICER PA_OFFICER POC_OFFICER",
    "civic.export": "ANALYST CA_OFFICER CLA DDR_OFFICER PA_OFFICER POC_OFFICER",
    "agreements.view": "ADMIN ANALYST CA_OFFICER CLA DDR_OFFICER DPO_FOCAL JOC_OFFICER PA_OFFICER POC_OFFICER",
    "agreements.edit": "CA_OFFICER PA_OFFICER",
}


def test_permission_matrix_rows() -> None:
    for permission, roles in EXPECTED.items():
        assert " ".join(sorted(PERMISSIONS[permission])) == roles, permission
    assert (
        Role.NATIONAL_FOCAL not in PERMISSIONS["civic.view"]
    )  # DP-5: no civic data to national forces


@pytest.fixture
def two_areas(units: dict) -> dict:
    """One of everything in Bria (CF521) and in Ndélé (CF511)."""
    made = {}
    for key, pcode in (("bria", "CF521"), ("ndele", "CF511")):
        unit = units[pcode]
        org = services.organisation_create(
            ref=f"ORG-{key}", name=f"Organisation {key}", kind="ASSOCIATION", admin_unit=unit
        )
        services.contact_add(org, name=f"Contact {key}", phone="+23670000000")
        net = services.network_create(
            ref=f"NET-{key}", name=f"Réseau {key}", kind="OBSERVATORY", admin_unit=unit
        )
        services.membership_add(net, org, joined_on=dt.date(2026, 1, 1))
        act = services.activity_create(
            ref=f"ACT-{key}",
            kind="TRAINING",
            range="RANGE_C",
            title=f"Formation {key}",
            admin_unit=unit,
            start=dt.date(2026, 2, 1),
            status="HELD",
        )
        services.activity_add_participants(
            act, [{"name": f"Chef {key}", "sex": "F", "role": "CHIEF"}]
        )
        process = services.dialogue_create(
            title=f"Dialogue {key}", parties=["A", "B"], admin_unit=unit
        )
        commitment = services.commitment_add(process, owner_party="A", text="Paix")
        cvr = services.cvr_project_create(ref=f"CVR-{key}", title=f"CVR {key}", admin_unit=unit)
        made[key] = {
            "org": org,
            "net": net,
            "act": act,
            "process": process,
            "commitment": commitment,
            "cvr": cvr,
        }
    return made


def detail_urls(d: dict) -> list[str]:
    return [
        f"/civic/organisations/{d['org'].pk}/",
        f"/civic/networks/{d['net'].pk}/",
        f"/civic/activities/{d['act'].pk}/",
        f"/civic/dialogues/{d['process'].pk}/",
        f"/civic/dialogues/{d['process'].pk}/follow-up/",
        f"/civic/cvr/{d['cvr'].pk}/",
    ]


LISTS = [
    "/civic/",
    "/civic/organisations/",
    "/civic/networks/",
    "/civic/activities/",
    "/civic/dialogues/",
    "/civic/cvr/",
    "/civic/authorities/",
    "/civic/map/",
]


def test_pages_show_only_the_users_area(two_areas: dict, cla_bria, cla_ndele) -> None:
    for user, mine, theirs in ((cla_bria, "bria", "ndele"), (cla_ndele, "ndele", "bria")):
        client = client_for(user)
        for url in detail_urls(two_areas[mine]):
            assert client.get(url).status_code == 200, url
        for url in detail_urls(two_areas[theirs]):
            assert client.get(url).status_code == 404, url  # same answer as a missing id
        for url in LISTS:
            page = client.get(url).content.decode()
            assert f"Organisation {theirs}" not in page and f"Formation {theirs}" not in page, url
            assert f"Dialogue {theirs}" not in page and f"CVR {theirs}" not in page, url
        assert f"Organisation {mine}" in client.get("/civic/organisations/").content.decode()


def test_writes_out_of_scope_are_404(two_areas: dict, cla_bria) -> None:
    client = client_for(cla_bria)
    ndele = two_areas["ndele"]
    assert (
        client.post(
            f"/civic/commitments/{ndele['commitment'].pk}/follow-up", {"status": "DONE"}
        ).status_code
        == 404
    )
    assert (
        client.post(
            f"/api/v1/civic/commitments/{ndele['commitment'].pk}/follow-up",
            {"status": "DONE"},
            content_type="application/json",
        ).status_code
        == 404
    )
    assert (
        client.post(
            f"/civic/activities/{ndele['act'].pk}/status", {"status": "REPORTED"}
        ).status_code
        == 404
    )
    assert client.post(f"/civic/organisations/{ndele['org'].pk}/contacts/reveal").status_code == 404
    assert Commitment.objects.get(pk=ndele["commitment"].pk).status == "NOT_STARTED"


def test_analyst_reads_but_cannot_write(two_areas: dict, analyst) -> None:
    client = client_for(analyst)
    bria = two_areas["bria"]
    assert client.get("/civic/activities/new/").status_code == 403
    assert client.get("/civic/import/").status_code == 403
    assert (
        client.post(
            f"/civic/commitments/{bria['commitment'].pk}/follow-up", {"status": "DONE"}
        ).status_code
        == 403
    )
    response = client.post(
        f"/api/v1/civic/commitments/{bria['commitment'].pk}/follow-up",
        {"status": "DONE"},
        content_type="application/json",
    )
    assert response.status_code == 403


def test_api_is_scoped(two_areas: dict, cla_bria, joc) -> None:
    bria = client_for(cla_bria)
    orgs = bria.get("/api/v1/civic/organisations").json()
    assert [o["ref"] for o in orgs["items"]] == ["ORG-bria"]
    acts = bria.get("/api/v1/civic/activities").json()
    assert [a["ref"] for a in acts["items"]] == ["ACT-bria"] and acts["items"][0]["women"] == 1
    assert [o["ref"] for o in bria.get("/api/v1/civic/observatories").json()] == ["NET-bria"]
    assert bria.get("/api/v1/civic/activities/figures").json()["total"] == 1
    assert (
        bria.get(
            f"/api/v1/civic/dialogues/{two_areas['ndele']['process'].pk}/commitments"
        ).status_code
        == 404
    )
    everyone = client_for(joc).get("/api/v1/civic/activities/figures").json()
    assert everyone["total"] == 2 and everyone["by_role"]["CHIEF"]["F"] == 2


def test_api_follow_up_conflict_is_409(two_areas: dict, cla_bria) -> None:
    client = client_for(cla_bria)
    pk = two_areas["bria"]["commitment"].pk
    ok = client.post(
        f"/api/v1/civic/commitments/{pk}/follow-up",
        {"status": "DROPPED"},
        content_type="application/json",
    )
    assert ok.status_code == 200 and ok.json()["status"] == "DROPPED"
    conflict = client.post(
        f"/api/v1/civic/commitments/{pk}/follow-up",
        {"status": "DONE"},
        content_type="application/json",
    )
    assert conflict.status_code == 409 and "DROPPED" in conflict.json()["detail"]
    bad = client.post(
        f"/api/v1/civic/commitments/{pk}/follow-up",
        {"status": "OVERDUE"},
        content_type="application/json",
    )
    assert bad.status_code == 400


def test_exports_are_scoped(two_areas: dict, cla_bria, cla_ndele) -> None:
    for user, mine, theirs in ((cla_bria, "bria", "ndele"), (cla_ndele, "ndele", "bria")):
        client = client_for(user)
        for kind in ("organisations", "activities", "participants"):
            wb = load_workbook(io.BytesIO(client.get(f"/civic/export/{kind}.xlsx").content))
            values = " ".join(str(c.value) for ws in wb for row in ws.iter_rows() for c in row)
            assert theirs not in values, kind
            assert mine in values, kind
        orgs = load_workbook(io.BytesIO(client.get("/civic/export/organisations.xlsx").content))[
            "organisations"
        ]
        header = [c.value for c in next(orgs.iter_rows())]
        assert "name" in header and ("contact_name" in header) is True  # CLAs hold identity.view


def test_map_features_are_scoped(two_areas: dict, units: dict, cla_bria) -> None:
    from sauti.civic.views.misc import map_features

    for u in units.values():
        u.centroid_lat, u.centroid_lon = 6.0, 20.0
        u.save()
    features = map_features(cla_bria)
    assert {f["pcode"] for f in features} == {"CF521"}
