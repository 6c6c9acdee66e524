"""Every civic page renders with the demo data, forms write through services, exports are XLSX."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from sauti.accounts.models import AuditEvent
from sauti.civic import demo
from sauti.civic.models import (
    Activity,
    Commitment,
    CVRProject,
    DialogueProcess,
    Network,
    Organisation,
)
from tests.conftest import client_for, make_user


@pytest.fixture
def demo_data(units: dict, cla_bria) -> None:
    demo.load()


def urls() -> list[str]:
    org = Organisation.objects.get(ref="DEMO-ORG-00")
    act = Activity.objects.get(ref="DEMO-TRN-1")
    return [
        "/civic/",
        "/civic/organisations/",
        "/civic/organisations/?q=paix&kind=ASSOCIATION&women_led=1",
        f"/civic/organisations/{org.pk}/",
        "/civic/networks/",
        "/civic/networks/?kind=OBSERVATORY",
        f"/civic/networks/{Network.objects.get().pk}/",
        "/civic/authorities/",
        "/civic/authorities/?sex=F",
        "/civic/activities/",
        "/civic/activities/?kind=TRAINING&range=RANGE_C&from=2026-01-01&to=2026-12-31",
        f"/civic/activities/{act.pk}/",
        "/civic/dialogues/",
        f"/civic/dialogues/{DialogueProcess.objects.get().pk}/",
        f"/civic/dialogues/{DialogueProcess.objects.get().pk}/follow-up/",
        "/civic/cvr/",
        f"/civic/cvr/{CVRProject.objects.get().pk}/",
        "/civic/map/",
        "/agreements/",
        "/agreements/?level=INTRASTATE",
    ]


def test_every_page_renders_for_an_analyst_and_a_cla(demo_data: None, analyst, cla_bria) -> None:
    for user in (analyst, cla_bria):
        client = client_for(user)
        for url in urls():
            response = client.get(url)
            assert response.status_code == 200, (user.username, url, response.status_code)


def test_anonymous_is_sent_to_sign_in_and_role_without_permission_is_refused(
    demo_data: None,
) -> None:
    from django.test import Client

    for url in ["/civic/", "/civic/organisations/", "/civic/import/", "/agreements/"]:
        assert Client().get(url).status_code == 302
    outsider = make_user("national", "NATIONAL_FOCAL", ["CF"])
    assert client_for(outsider).get("/civic/").status_code == 403
    assert client_for(outsider).get("/api/v1/civic/summary").status_code == 403
    assert client_for(outsider).get("/agreements/").status_code == 403


def test_demo_is_idempotent(demo_data: None) -> None:
    before = Organisation.objects.count(), Activity.objects.count()
    demo.load()
    assert (Organisation.objects.count(), Activity.objects.count()) == before


def test_follow_up_marks_a_commitment_fulfilled_and_keeps_history(
    demo_data: None, cla_bria
) -> None:
    client = client_for(cla_bria)
    commitment = Commitment.objects.filter(status="NOT_STARTED").first()
    response = client.post(
        f"/civic/commitments/{commitment.pk}/follow-up",
        {"status": "IN_PROGRESS", "mark": "DONE", "note": "vu sur place"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    commitment.refresh_from_db()
    assert commitment.status == "DONE"
    assert commitment.updates.get().note == "vu sur place"
    assert 'data-status="DONE"' in response.content.decode()
    # DROPPED is final: a forbidden change is explained and changes nothing.
    client.post(
        f"/civic/commitments/{commitment.pk}/follow-up",
        {"status": "BROKEN"},
        HTTP_HX_REQUEST="true",
    )
    commitment.refresh_from_db()
    assert commitment.status == "BROKEN"
    response = client.post(
        f"/civic/commitments/{commitment.pk}/follow-up",
        {"status": "NOT_STARTED"},
        HTTP_HX_REQUEST="true",
    )
    assert "cannot go from BROKEN to NOT_STARTED" in response.content.decode()
    commitment.refresh_from_db()
    assert commitment.status == "BROKEN"


def test_activity_form_validates_totals_and_saves(units: dict, cla_bria) -> None:
    client = client_for(cla_bria)
    base = {
        "title": "Atelier femmes et paix",
        "kind": "WORKSHOP",
        "range": "RANGE_B",
        "admin_unit": units["CF521"].pk,
        "start": "2026-05-02",
        "status": "HELD",
        "funding": "QIP",
    }
    bad = client.post(
        "/civic/activities/new/", {**base, "f_18_29": 5, "m_18_29": 4, "women_leader_f": 7}
    )
    assert bad.status_code == 400
    assert "only 5 took part" in bad.content.decode()
    assert not Activity.objects.exists()
    outside = client.post("/civic/activities/new/", {**base, "admin_unit": units["CF511"].pk})
    assert outside.status_code == 400 and not Activity.objects.exists()
    ok = client.post(
        "/civic/activities/new/",
        {
            **base,
            "f_18_29": 5,
            "m_18_29": 4,
            "women_leader_f": 3,
            "disability_yes": 1,
            "disability_no": 8,
        },
    )
    assert ok.status_code == 302
    activity = Activity.objects.get()
    assert activity.participants_total == 9 and activity.disability_yes == 1
    assert AuditEvent.objects.filter(object_type="civic.activity", action="object.create").exists()


def test_dialogue_then_session_with_participants_and_commitments(units: dict, cla_bria) -> None:
    client = client_for(cla_bria)
    response = client.post(
        "/civic/dialogues/new/",
        {"title": "Dialogue Bria", "parties": "Goula; Peuls", "admin_unit": units["CF521"].pk},
    )
    assert response.status_code == 302
    process = DialogueProcess.objects.get()
    response = client.post(
        f"/civic/dialogues/{process.pk}/sessions/new/",
        {
            "title": "Session 1",
            "start": "2026-05-10",
            "kind": "DIALOGUE_INTERCOMMUNITY",
            "p0_name": "Awa Test",
            "p0_sex": "F",
            "p0_age_band": "18_29",
            "p0_role": "WOMEN_LEADER",
            "p0_community": "Goula",
            "p0_consent": "on",
            "p1_name": "Ali Test",
            "p1_sex": "M",
            "p1_age_band": "30_59",
            "p1_role": "CHIEF",
            "p1_community": "Peuls",
            "c0_owner": "Goula",
            "c0_text": "Rouvrir le marché",
            "c0_due": "2026-06-01",
            "c1_owner": "Peuls",
            "c1_text": "",  # half a commitment is refused
        },
    )
    assert response.status_code == 400
    assert not process.sessions.exists()
    response = client.post(
        f"/civic/dialogues/{process.pk}/sessions/new/",
        {
            "title": "Session 1",
            "start": "2026-05-10",
            "kind": "DIALOGUE_INTERCOMMUNITY",
            "p0_name": "Awa Test",
            "p0_sex": "F",
            "p0_age_band": "18_29",
            "p0_role": "WOMEN_LEADER",
            "p0_community": "Goula",
            "p0_consent": "on",
            "p1_name": "Ali Test",
            "p1_sex": "M",
            "p1_age_band": "30_59",
            "p1_role": "CHIEF",
            "p1_community": "Peuls",
            "c0_owner": "Goula",
            "c0_text": "Rouvrir le marché",
            "c0_due": "2026-06-01",
        },
    )
    assert response.status_code == 302
    session = process.sessions.get()
    assert session.participants_total == 2
    people = list(session.participants.order_by("id"))
    assert people[0].community == "Goula"
    assert people[1].community == ""  # no consent, no community label
    assert process.commitments.get().owner_party == "Goula"


def test_contact_reveal_only_with_identity_view_and_audited(
    demo_data: None, cla_bria, analyst
) -> None:
    org = Organisation.objects.get(ref="DEMO-ORG-00")
    page = client_for(analyst).get(f"/civic/organisations/{org.pk}/").content.decode()
    assert "Awa Demo" not in page and "sealed" in page
    assert (
        client_for(analyst).post(f"/civic/organisations/{org.pk}/contacts/reveal").status_code
        == 403
    )
    response = client_for(cla_bria).post(f"/civic/organisations/{org.pk}/contacts/reveal")
    assert "Awa Demo" in response.content.decode()
    assert AuditEvent.objects.filter(action="identity.reveal", actor=cla_bria).count() == 1


def test_templates_and_exports_are_xlsx(demo_data: None, cla_bria, analyst) -> None:
    for kind in ("organisations", "activities", "participants"):
        response = client_for(analyst).get(f"/civic/templates/{kind}.xlsx")
        assert response.status_code == 200
        wb = load_workbook(io.BytesIO(response.content))
        assert "README" in wb.sheetnames
    assert client_for(analyst).get("/civic/templates/nope.xlsx").status_code == 404
    analyst_export = client_for(analyst).get("/civic/export/participants.xlsx")
    header = [
        c.value
        for c in next(load_workbook(io.BytesIO(analyst_export.content))["participants"].iter_rows())
    ]
    assert "name" not in header and "participant_id" in header
    orgs = load_workbook(
        io.BytesIO(client_for(analyst).get("/civic/export/organisations.xlsx").content)
    )
    org_header = [c.value for c in next(orgs["organisations"].iter_rows())]
    assert (
        "name" in org_header
        and "contact_name" not in org_header
        and "contact_phone" not in org_header
    )
    cla_export = client_for(cla_bria).get("/civic/export/organisations.xlsx")
    ws = load_workbook(io.BytesIO(cla_export.content))["organisations"]
    values = [c.value for row in ws.iter_rows() for c in row]
    assert "Awa Demo" in values  # identity.view: sealed fields included, and audited
    assert AuditEvent.objects.filter(
        action="identity.reveal", actor=cla_bria, object_type="civic.organisations"
    ).exists()
    assert AuditEvent.objects.filter(action="export", actor=analyst).exists()


def test_pages_and_messages_are_in_french_by_default(demo_data: None, analyst, settings) -> None:
    from django.utils import translation

    from sauti.civic.xlsx import RowError

    settings.LANGUAGE_CODE = "fr"
    page = client_for(analyst).get("/civic/").content.decode()
    assert "Société civile, autorités et dialogue" in page and "chefs formés" in page
    with translation.override("fr"):
        assert (
            str(RowError("activities", 3, "start", "x"))
            == "feuille activities, ligne 3, colonne start: x"
        )


def test_organisation_support_and_cvr_forms(units: dict, cla_bria, analyst) -> None:
    client = client_for(cla_bria)
    assert client.get("/civic/organisations/new/").status_code == 200
    refused = client.post(
        "/civic/organisations/new/",
        {
            "name": "Femmes de Bria",
            "kind": "WOMEN_ASSOCIATION",
            "admin_unit": units["CF521"].pk,
            "iati_org_type": "22",
            "legal_status": "INFORMAL",
            "contact_name": "Awa",
        },
    )
    assert (
        refused.status_code == 400 and not Organisation.objects.exists()
    )  # contact without consent
    response = client.post(
        "/civic/organisations/new/",
        {
            "name": "Femmes de Bria",
            "kind": "WOMEN_ASSOCIATION",
            "admin_unit": units["CF521"].pk,
            "iati_org_type": "22",
            "legal_status": "INFORMAL",
            "themes": ["WOMEN", "PEACE_RECONCILIATION"],
            "led_by_women": "on",
            "contact_name": "Awa Contact",
            "contact_phone": "+23670000001",
            "contact_consent": "on",
        },
    )
    assert response.status_code == 302
    org = Organisation.objects.get()
    assert org.theme_list == ["PEACE_RECONCILIATION", "WOMEN"] and org.contacts.count() == 1
    client.post(
        f"/civic/organisations/{org.pk}/support",
        {"kind": "TRAINING", "given_on": "2026-03-01", "description": "Formation"},
    )
    assert org.support.count() == 1
    assert client_for(analyst).post(f"/civic/organisations/{org.pk}/support", {}).status_code == 403

    response = client.post(
        "/civic/cvr/new/",
        {
            "title": "CVR Bria",
            "admin_unit": units["CF521"].pk,
            "lines": ["CASH_FOR_WORK"],
            "target_beneficiaries": 100,
            "target_women_share": 30,
            "implementing_partner": org.pk,
        },
    )
    assert response.status_code == 302
    project = CVRProject.objects.get()
    url = f"/civic/cvr/{project.pk}/update"
    client.post(url, {"action": "status", "status": "TRAINING"})  # skipping a step is refused
    client.post(url, {"action": "status", "status": "APPROVED"})
    client.post(url, {"action": "beneficiaries", "YOUTH_AT_RISK_F": 12, "YOUTH_AT_RISK_M": 20})
    client.post(
        url,
        {
            "action": "weapons",
            "collected_on": "2026-04-01",
            "w_RIFLE": 3,
            "ammunition_rounds": 40,
            "explosives": 0,
        },
    )
    project.refresh_from_db()
    assert project.status == "APPROVED"
    page = client.get(f"/civic/cvr/{project.pk}/").content.decode()
    assert 'data-count="beneficiaries">32<' in page and 'data-count="weapons">3<' in page


def test_authority_history_page(demo_data: None, analyst) -> None:
    from sauti.civic.models import TraditionalAuthority

    authority = TraditionalAuthority.objects.first()
    page = client_for(analyst).get(f"/civic/authorities/{authority.pk}/").content.decode()
    assert (
        page.count("data-participation") == 1
        and "Chef" not in page.split("<main")[1].split("Trainings")[0]
    )


def test_network_membership_and_status_and_engagement_from_the_pages(
    units: dict, cla_bria, cla_ndele
) -> None:
    import datetime as dt

    from sauti.civic import services

    net = services.network_create(
        ref="N", name="Obs", kind="OBSERVATORY", admin_unit=units["CF52"], min_members=2
    )
    orgs = [
        services.organisation_create(
            ref=f"O{i}", name=f"O{i}", kind="ASSOCIATION", admin_unit=units["CF521"]
        )
        for i in range(2)
    ]
    far = services.organisation_create(
        ref="FAR", name="Far", kind="ASSOCIATION", admin_unit=units["CF511"]
    )
    client = client_for(cla_bria)
    url = f"/civic/networks/{net.pk}/update"
    client.post(url, {"action": "join", "organisation": orgs[0].pk, "date": "2026-01-01"})
    client.post(url, {"action": "status", "status": "ACTIVE"})  # refused: 1 member, 2 needed
    net.refresh_from_db()
    assert net.status == "FORMING"
    client.post(url, {"action": "join", "organisation": orgs[1].pk, "date": "2026-01-02"})
    client.post(
        url, {"action": "join", "organisation": far.pk}
    )  # out of this CLA's areas: not added
    client.post(url, {"action": "status", "status": "ACTIVE"})
    net.refresh_from_db()
    assert net.status == "ACTIVE" and net.memberships.count() == 2
    m = net.memberships.get(organisation=orgs[0])
    client.post(url, {"action": "leave", "membership": m.pk, "date": "2026-03-01"})
    m.refresh_from_db()
    assert m.left_on == dt.date(2026, 3, 1)
    assert (
        client_for(cla_ndele).post(url, {"action": "status", "status": "INACTIVE"}).status_code
        == 404
    )
    client.post(f"/civic/organisations/{orgs[1].pk}/engagement", {"engagement": "PROFILED"})
    client.post(
        f"/civic/organisations/{orgs[1].pk}/engagement", {"engagement": "PARTNER"}
    )  # skipping: refused
    orgs[1].refresh_from_db()
    assert orgs[1].engagement == "PROFILED"


def test_activities_export_reads_back_through_the_import(demo_data: None, analyst) -> None:
    """Exports use the import columns: a handover file rebuilds the same figures (DP-13)."""
    from sauti.civic import imports, selectors

    before = selectors.civic_summary(analyst)["participants"]
    data = client_for(analyst).get("/civic/export/activities.xlsx").content
    Activity.objects.all().delete()
    importer = make_user("ca.handover", "CA_OFFICER", ["CF"])
    imports.import_workbook("activities", data, importer)
    after = selectors.civic_summary(analyst)["participants"]
    assert after == before and after["total"] > 0
