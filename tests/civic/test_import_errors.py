"""Malformed workbooks: every error names its sheet, row and column, and nothing is imported."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from sauti.accounts.models import AuditEvent
from sauti.civic import imports, xlsx
from sauti.civic.models import Activity, Network, Organisation, Participant
from tests.civic.helpers import table
from tests.civic.helpers import xlsx as make_xlsx
from tests.conftest import client_for, make_user

ORG = ["ref", "name", "kind", "pcode", "founded_year", "networks", "joined_on"]
ACT = [
    "ref",
    "kind",
    "range",
    "title",
    "pcode",
    "start",
    "end",
    "participants_total",
    "f_18_29",
    "m_18_29",
    "chief_f",
    "disability_yes",
    "disability_no",
]


@pytest.fixture
def importer(units: dict):
    return make_user("ca.import", "CA_OFFICER", ["CF"])


def refused(kind: str, data: bytes, user) -> list[xlsx.RowError]:
    with pytest.raises(imports.ImportRefused) as info:
        imports.import_workbook(kind, data, user)
    return info.value.errors


def where(errors: list[xlsx.RowError]) -> set[tuple[str, int | None, str | None]]:
    return {(e.sheet, e.row, e.column) for e in errors}


def good_org(ref: str, **kw) -> dict:
    return {"ref": ref, "name": f"Org {ref}", "kind": "ASSOCIATION", "pcode": "CF521", **kw}


def test_wrong_type_bad_date_unknown_pcode_and_duplicate_rows(importer) -> None:
    rows = [
        good_org("A1"),
        good_org("A2", founded_year="nineteen-ninety"),  # row 3: wrong type
        good_org("A3", pcode="CF999"),  # row 4: unknown P-code
        good_org("A1"),  # row 5: duplicate of row 2
        good_org("A5", kind="SECRET_SOCIETY"),  # row 6: not a kind
        good_org(
            "A6", networks="OBS-X", joined_on="15/01/2026"
        ),  # row 7: unknown network + bad date
    ]
    errors = refused("organisations", make_xlsx({"organisations": table(ORG, rows)}), importer)
    assert where(errors) == {
        ("organisations", 3, "founded_year"),
        ("organisations", 4, "pcode"),
        ("organisations", 5, "ref"),
        ("organisations", 6, "kind"),
        ("organisations", 7, "networks"),
        ("organisations", 7, "joined_on"),
    }
    assert any("YYYY-MM-DD" in e.message for e in errors)
    assert (
        str(next(e for e in errors if e.row == 5))
        == "sheet organisations, row 5, column ref: duplicate of row 2"
    )
    assert [e.row for e in errors] == sorted(e.row or 0 for e in errors)  # reported in sheet order
    assert not Organisation.objects.exists()
    assert not AuditEvent.objects.filter(action="import").exists()


def test_missing_required_column_and_unknown_column(importer) -> None:
    data = make_xlsx(
        {"organisations": [["ref", "nom", "kind", "pcode"], ["A1", "Org", "ASSOCIATION", "CF521"]]}
    )
    errors = refused("organisations", data, importer)
    assert ("organisations", 1, "name") in where(errors)
    assert ("organisations", 1, "nom") in where(errors)
    assert not Organisation.objects.exists()


def test_missing_sheet(importer) -> None:
    errors = refused("activities", make_xlsx({"Sheet1": [["ref"]]}), importer)
    assert errors[0].sheet == "activities" and "missing" in errors[0].message


def test_totals_not_summing_and_roles_beyond_participants(importer) -> None:
    base = {
        "kind": "TRAINING",
        "range": "RANGE_C",
        "title": "Formation",
        "pcode": "CF521",
        "start": dt.date(2026, 3, 1),
    }
    rows = [
        {**base, "ref": "T1", "participants_total": 10, "f_18_29": 4, "m_18_29": 5},  # 9 ≠ 10
        {
            **base,
            "ref": "T2",
            "participants_total": 9,
            "f_18_29": 4,
            "m_18_29": 5,
            "chief_f": 6,
        },  # 6 > 4
        {
            **base,
            "ref": "T3",
            "participants_total": 9,
            "f_18_29": 4,
            "m_18_29": 5,
            "disability_yes": 1,
            "disability_no": 2,
        },  # 3 ≠ 9
        {**base, "ref": "T4", "end": dt.date(2026, 2, 1)},  # ends before it starts
        {**base, "ref": "T5", "participants_total": -3},
        {**base, "ref": "T6", "participants_total": 9, "f_18_29": 4, "m_18_29": 5},  # fine
    ]
    errors = refused("activities", make_xlsx({"activities": table(ACT, rows)}), importer)
    assert where(errors) == {
        ("activities", 2, "participants_total"),
        ("activities", 3, "chief_f"),
        ("activities", 4, "disability_yes"),
        ("activities", 5, "end"),
        ("activities", 6, "participants_total"),
    }
    assert "differs from the sum" in next(e.message for e in errors if e.row == 2)
    assert not Activity.objects.exists()  # T6 was fine, but nothing is imported


def test_participants_bad_rows_import_nothing(importer, units: dict) -> None:
    imports.import_workbook(
        "activities",
        make_xlsx(
            {
                "activities": table(
                    ACT,
                    [
                        {
                            "ref": "T1",
                            "kind": "TRAINING",
                            "range": "RANGE_C",
                            "title": "F",
                            "pcode": "CF521",
                            "start": dt.date(2026, 3, 1),
                        }
                    ],
                )
            }
        ),
        importer,
    )
    header = [
        "activity_ref",
        "name",
        "sex",
        "role",
        "birth_year",
        "community",
        "consent",
        "authority_title",
    ]
    rows = [
        {"activity_ref": "T1", "name": "Awa A", "sex": "F", "role": "CHIEF"},
        {"activity_ref": "T9", "name": "Jean B", "sex": "M", "role": "CHIEF"},  # unknown activity
        {"activity_ref": "T1", "name": "awa  a", "sex": "F", "role": "CHIEF"},  # same person again
        {"activity_ref": "T1", "name": "Paul C", "sex": "X", "role": "CHIEF"},  # bad sex
        {"activity_ref": "T1", "name": "Rose D", "sex": "F", "role": "YOUTH", "birth_year": 2030},
        {
            "activity_ref": "T1",
            "name": "Ali E",
            "sex": "M",
            "role": "CSO",
            "community": "Goula",
        },  # no consent
        {
            "activity_ref": "T1",
            "name": "Ali F",
            "sex": "M",
            "role": "CSO",
            "authority_title": "SULTAN",
        },
    ]
    errors = refused("participants", make_xlsx({"participants": table(header, rows)}), importer)
    assert where(errors) == {
        ("participants", 3, "activity_ref"),
        ("participants", 4, "name"),
        ("participants", 5, "sex"),
        ("participants", 6, "birth_year"),
        ("participants", 7, "community"),
        ("participants", 8, "authority_title"),
    }
    assert not Participant.objects.exists()


def test_non_xlsx_bytes_and_oversize_file(importer) -> None:
    errors = refused("organisations", b"name,kind\nOrg,ASSOCIATION\n", importer)
    assert "not an XLSX" in errors[0].message
    errors = refused("organisations", b"PK\x03\x04" + b"\x00" * 100, importer)
    assert "cannot be read" in errors[0].message
    errors = refused("organisations", b"PK\x03\x04" + b"\x00" * (xlsx.MAX_BYTES + 1), importer)
    assert "limit" in errors[0].message
    assert not Organisation.objects.exists()


def test_pcode_outside_the_importers_areas(cla_bria) -> None:
    errors = refused(
        "organisations",
        make_xlsx({"organisations": table(ORG, [good_org("A1", pcode="CF511")])}),
        cla_bria,
    )
    assert (
        where(errors) == {("organisations", 2, "pcode")}
        and "outside your areas" in errors[0].message
    )


def test_upload_page_shows_errors_and_imports_nothing(importer) -> None:
    client = client_for(importer)
    data = make_xlsx({"organisations": table(ORG, [good_org("A1"), good_org("A2", pcode="ZZ1")])})
    response = client.post(
        "/civic/import/", {"kind": "organisations", "file": io.BytesIO(data)}, format="multipart"
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "nothing was imported" in page and "<td>3</td><td>pcode</td>" in page
    assert not Organisation.objects.exists()
    upload = io.BytesIO(
        make_xlsx(
            {
                "organisations": table(ORG, [good_org("A1")]),
                "networks": [
                    ["ref", "name", "kind", "pcode", "min_members"],
                    ["N1", "Réseau", "CSO_NETWORK", "CF52", 1],
                ],
            }
        )
    )
    upload.name = "orgs.xlsx"
    response = client.post("/civic/import/", {"kind": "organisations", "file": upload})
    assert response.status_code == 200 and "Imported" in response.content.decode()
    assert Organisation.objects.count() == 1 and Network.objects.count() == 1


def test_template_round_trip_imports_nothing_when_empty(importer) -> None:
    from sauti.civic.exports import template_xlsx

    for kind in imports.KINDS:
        assert (
            imports.import_workbook(kind, template_xlsx(kind), importer).created[
                {
                    "organisations": "organisations",
                    "activities": "activities",
                    "participants": "participants",
                }[kind]
            ]
            == 0
        )


def test_cli_import_and_errors(importer, tmp_path) -> None:
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(make_xlsx({"organisations": table(ORG, [good_org("A1", pcode="??")])}))
    err = io.StringIO()
    with pytest.raises(CommandError, match="nothing imported"):
        call_command(
            "civic",
            "import",
            str(bad),
            "--kind",
            "organisations",
            "--user",
            "ca.import",
            stderr=err,
        )
    assert "sheet organisations, row 2, column pcode" in err.getvalue()
    good = tmp_path / "good.xlsx"
    good.write_bytes(make_xlsx({"organisations": table(ORG, [good_org("A1")])}))
    out = io.StringIO()
    call_command(
        "civic", "import", str(good), "--kind", "organisations", "--user", "ca.import", stdout=out
    )
    assert "imported: 1 organisations" in out.getvalue()
    with pytest.raises(CommandError, match="no active user"):
        call_command("civic", "import", str(good), "--kind", "organisations", "--user", "nobody")


def test_exported_text_is_never_a_formula(importer, units: dict) -> None:
    from openpyxl import load_workbook

    from sauti.civic import services
    from sauti.civic.exports import organisations_xlsx
    from sauti.civic.models import Organisation as Org

    services.organisation_create(
        ref="EVIL",
        name='=HYPERLINK("http://x.example","clic")',
        kind="ASSOCIATION",
        admin_unit=units["CF521"],
    )
    data = organisations_xlsx(Org.objects.all(), [], include_identity=False)
    ws = load_workbook(io.BytesIO(data))["organisations"]
    cell = next(
        c
        for row in ws.iter_rows()
        for c in row
        if isinstance(c.value, str) and "HYPERLINK" in c.value
    )
    assert cell.data_type == "s"
