"""Done-when scenario of issue 6, entered only through the XLSX import paths.

Trainings of 329 chiefs of whom 90 women (two trainings with aggregate counts, one with a named
list), and 7 observatories of at least 21 organisations each; pages and API report exactly those
figures, disaggregated, and each CLA sees only the share of their own areas.
"""

from __future__ import annotations

import datetime as dt

import pytest

from sauti.civic import imports
from sauti.civic.models import Network, Organisation, Participant, TraditionalAuthority
from sauti.civic.services.activities import aggregate_columns
from tests.civic.helpers import table, xlsx
from tests.conftest import client_for, make_user

ACT_HEADER = [
    "ref",
    "kind",
    "range",
    "title",
    "pcode",
    "start",
    "end",
    "status",
    "organiser",
    "partners",
    *aggregate_columns(),
]
ORG_HEADER = [
    "ref",
    "name",
    "kind",
    "pcode",
    "themes",
    "led_by_women",
    "led_by_youth",
    "networks",
    "joined_on",
    "contact_name",
    "contact_phone",
]
NET_HEADER = ["ref", "name", "kind", "pcode", "min_members", "min_women_share"]
PEOPLE_HEADER = [
    "activity_ref",
    "name",
    "sex",
    "age_band",
    "role",
    "authority_title",
    "wg_seeing",
    "wg_walking",
]

# Observatory -> (region, number of member organisations)
OBSERVATORIES = {
    "OBS-1": ("CF52", 21),
    "OBS-2": ("CF52", 23),
    "OBS-3": ("CF51", 21),
    "OBS-4": ("CF51", 22),
    "OBS-5": ("CF43", 21),
    "OBS-6": ("CF43", 21),
    "OBS-7": ("CF", 24),
}


def organisations_workbook() -> bytes:
    nets = [
        {
            "ref": ref,
            "name": f"Observatoire {ref}",
            "kind": "OBSERVATORY",
            "pcode": region,
            "min_members": 21,
            "min_women_share": 20,
        }
        for ref, (region, _n) in OBSERVATORIES.items()
    ]
    orgs = []
    for ref, (region, n) in OBSERVATORIES.items():
        for i in range(n):
            orgs.append(
                {
                    "ref": f"{ref}-ORG-{i:02d}",
                    "name": f"Association {ref} numéro {i}",
                    "kind": "WOMEN_ASSOCIATION" if i % 4 == 0 else "ASSOCIATION",
                    "pcode": region,
                    "themes": "PEACE_RECONCILIATION;WOMEN" if i % 4 == 0 else "GOVERNANCE",
                    "led_by_women": "no",
                    "led_by_youth": "yes" if i % 5 == 0 else "no",
                    "networks": ref,
                    "joined_on": "2026-01-15",
                    "contact_name": f"Contact Personne {ref}-{i}" if i < 2 else None,
                    "contact_phone": f"+23675000{i:03d}" if i < 2 else None,
                }
            )
    return xlsx({"organisations": table(ORG_HEADER, orgs), "networks": table(NET_HEADER, nets)})


def aggregate_row(ref: str, pcode: str, women: int, men: int) -> dict:
    row = {
        "ref": ref,
        "kind": "TRAINING",
        "range": "RANGE_C",
        "title": f"Formation des chefs {ref}",
        "pcode": pcode,
        "start": dt.date(2026, 3, 2),
        "end": dt.date(2026, 3, 5),
        "status": "REPORTED",
        "organiser": "Civil Affairs",
        "participants_total": women + men,
        "f_30_59": women - 5,
        "f_60_plus": 5,
        "m_30_59": men - 10,
        "m_60_plus": 10,
        "chief_f": women,
        "chief_m": men,
        "disability_yes": 3,
        "disability_no": women + men - 3,
    }
    return row


def activities_workbook() -> bytes:
    rows = [
        aggregate_row("TRN-BRIA", "CF521", 30, 70),
        aggregate_row("TRN-NDELE", "CF511", 20, 60),
        {
            "ref": "TRN-BAMBARI",
            "kind": "TRAINING",
            "range": "RANGE_C",
            "title": "Formation des chefs Bambari",
            "pcode": "CF431",
            "start": dt.date(2026, 4, 1),
            "status": "HELD",
        },
    ]
    return xlsx({"activities": table(ACT_HEADER, rows)})


def participants_workbook() -> bytes:
    people = []
    for i in range(149):  # 40 women, 109 men
        people.append(
            {
                "activity_ref": "TRN-BAMBARI",
                "name": f"Chef Numéro {i}",
                "sex": "F" if i < 40 else "M",
                "age_band": "18_29" if i % 10 == 0 else "30_59",
                "role": "CHIEF",
                "authority_title": "CHEF_DE_VILLAGE" if i % 3 else "CHEF_DE_GROUPE",
                "wg_seeing": "A_LOT" if i == 7 else "NO_DIFFICULTY",
                "wg_walking": "SOME",
            }
        )
    return xlsx({"participants": table(PEOPLE_HEADER, people)})


@pytest.fixture
def imported(units: dict) -> None:
    importer = make_user("ca.officer", "CA_OFFICER", ["CF"])
    imports.import_workbook("organisations", organisations_workbook(), importer)
    imports.import_workbook("activities", activities_workbook(), importer)
    imports.import_workbook("participants", participants_workbook(), importer)


def test_import_paths_store_what_the_sheets_say(imported: None) -> None:
    assert Network.objects.filter(kind="OBSERVATORY").count() == 7
    assert Organisation.objects.count() == sum(n for _r, n in OBSERVATORIES.values())
    assert Participant.objects.count() == 149
    assert TraditionalAuthority.objects.count() == 149
    # Sealed: the names are nowhere in clear. (Search for a long, accented fragment: a short one
    # like "Chef" turns up by chance in random base64 tokens, case-insensitively on SQLite.)
    assert not Participant.objects.filter(name_sealed__contains="Numéro").exists()
    assert not TraditionalAuthority.objects.filter(name_sealed__contains="Numéro").exists()
    assert all("Numéro" not in p.name_sealed for p in Participant.objects.all())


def test_api_reports_329_chiefs_90_women_and_7_observatories(imported: None, analyst) -> None:
    body = client_for(analyst).get("/api/v1/civic/summary").json()
    assert body["chiefs_trained"] == {"total": 329, "F": 90, "M": 239, "UNKNOWN": 0}
    assert len(body["observatories"]) == 7
    assert all(o["members"] >= 21 and o["composition_ok"] for o in body["observatories"])
    assert sorted(o["members"] for o in body["observatories"]) == sorted(
        n for _r, n in OBSERVATORIES.values()
    )
    figures = body["participants"]
    assert figures["total"] == 329
    assert figures["by_sex"] == {"F": 90, "M": 239, "UNKNOWN": 0}
    assert figures["by_role"]["CHIEF"] == {"F": 90, "M": 239, "total": 329}
    assert figures["youth_18_29"] == 15  # every tenth of the 149 named chiefs
    assert figures["disability"]["YES"] == 3 + 3 + 1
    chiefs = client_for(analyst).get("/api/v1/civic/chiefs-trained").json()
    assert chiefs == {"total": 329, "F": 90, "M": 239, "UNKNOWN": 0}


def test_pages_report_the_same_figures(imported: None, analyst) -> None:
    client = client_for(analyst)
    home = client.get("/civic/").content.decode()
    assert 'data-count="chiefs_trained">329<' in home
    assert "of whom 90 women" in home
    assert 'data-count="observatories">7<' in home
    authorities = client.get("/civic/authorities/").content.decode()
    assert 'data-count="chiefs_trained">329<' in authorities
    assert "90 women, 239 men" in authorities
    assert "By title and sex" in authorities  # the 149 named chiefs of the register, by title
    activities = client.get("/civic/activities/?kind=TRAINING").content.decode()
    assert "data-total>329<" in activities
    networks = client.get("/civic/networks/?kind=OBSERVATORY").content.decode()
    assert networks.count("data-network=") == 7
    assert "meets the rules" in networks


def test_each_cla_sees_only_the_chiefs_of_their_areas(imported: None, cla_bria, cla_ndele) -> None:
    bria = client_for(cla_bria).get("/api/v1/civic/summary").json()
    assert bria["chiefs_trained"] == {"total": 100, "F": 30, "M": 70, "UNKNOWN": 0}
    assert {o["region"] for o in bria["observatories"]} == {"CF52"}
    ndele = client_for(cla_ndele).get("/api/v1/civic/summary").json()
    assert ndele["chiefs_trained"] == {"total": 80, "F": 20, "M": 60, "UNKNOWN": 0}
    assert {o["region"] for o in ndele["observatories"]} == {"CF51"}
    page = client_for(cla_bria).get("/civic/").content.decode()
    assert 'data-count="chiefs_trained">100<' in page
