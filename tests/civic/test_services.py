"""State machines, composition checks, Washington Group cut-off, overdue commitments, sealing."""

from __future__ import annotations

import datetime as dt

import pytest

from sauti.accounts.models import AuditEvent
from sauti.civic import choices as c
from sauti.civic import services
from sauti.civic.models import ContactPerson
from sauti.core.crypto import unseal


def test_transition_tables_only_name_known_states() -> None:
    for table, enum in (
        (c.ACTIVITY_TRANSITIONS, c.ActivityStatus),
        (c.DIALOGUE_TRANSITIONS, c.DialogueStage),
        (c.CVR_TRANSITIONS, c.CVRStatus),
        (c.NETWORK_TRANSITIONS, c.NetworkStatus),
        (c.ENGAGEMENT_TRANSITIONS, c.Engagement),
    ):
        for source, targets in table.items():
            assert source in enum.values and targets <= set(enum.values)
    assert "OVERDUE" not in c.COMMITMENT_TRANSITIONS  # computed, never stored


def test_activity_lifecycle_and_cancel_needs_reason(units: dict) -> None:
    act = services.activity_create(
        ref="A1",
        kind="WORKSHOP",
        range="RANGE_B",
        title="Atelier",
        admin_unit=units["CF521"],
        start=dt.date(2026, 1, 5),
    )
    with pytest.raises(services.TransitionError):
        services.activity_set_status(act, "VERIFIED")
    with pytest.raises(services.CivicError):
        services.activity_set_status(act, "CANCELLED")
    services.activity_set_status(act, "CANCELLED", reason="insécurité")
    assert act.status == "CANCELLED" and act.cancel_reason == "insécurité"
    with pytest.raises(services.CivicError):
        services.activity_create(
            ref="A2",
            kind="WORKSHOP",
            range="RANGE_D",
            title="x",
            admin_unit=units["CF521"],
            start=dt.date(2026, 1, 5),
        )


def test_observatory_cannot_activate_below_its_rules(units: dict) -> None:
    net = services.network_create(
        ref="OBS",
        name="Obs",
        kind="OBSERVATORY",
        admin_unit=units["CF52"],
        min_members=3,
        min_women_share=30,
    )
    orgs = [
        services.organisation_create(
            ref=f"O{i}",
            name=f"O{i}",
            kind="WOMEN_ASSOCIATION" if i == 0 else "ASSOCIATION",
            admin_unit=units["CF521"],
        )
        for i in range(4)
    ]
    for org in orgs[:2]:
        services.membership_add(net, org, joined_on=dt.date(2026, 1, 1))
    with pytest.raises(services.TransitionError, match="at least 3"):
        services.network_set_status(net, "ACTIVE")
    m = services.membership_add(net, orgs[2], joined_on=dt.date(2026, 1, 1))
    services.network_set_status(net, "ACTIVE")
    comp = services.network_composition(net, dt.date(2026, 6, 1))
    assert (comp.members, comp.womens, comp.ok) == (3, 1, True)
    services.membership_end(m, left_on=dt.date(2026, 3, 1))
    later = services.network_composition(net, dt.date(2026, 6, 1))
    assert later.members == 2 and not later.ok
    assert (
        services.network_composition(net, dt.date(2026, 2, 1)).members == 3
    )  # membership over time
    with pytest.raises(services.CivicError):
        services.membership_add(net, orgs[0], joined_on=dt.date(2026, 4, 1))  # already a member


def test_washington_group_cut_off_and_youth_from_birth_year(units: dict) -> None:
    act = services.activity_create(
        ref="A1",
        kind="TRAINING",
        range="RANGE_C",
        title="F",
        admin_unit=units["CF521"],
        start=dt.date(2026, 1, 5),
        status="HELD",
    )
    services.activity_add_participants(
        act,
        [
            {
                "name": "A",
                "sex": "F",
                "birth_year": 2000,
                "wg_seeing": "SOME",
                "wg_hearing": "NO_DIFFICULTY",
            },
            {"name": "B", "sex": "M", "birth_year": 1960, "wg_walking": "A_LOT"},
            {"name": "C", "sex": "M", "age_band": "12_17"},
        ],
    )
    people = {p.birth_year: p for p in act.participants.all()}
    assert people[2000].age_band == "18_29" and people[2000].disability == "NO"
    assert people[1960].age_band == "60_PLUS" and people[1960].disability == "YES"
    act.refresh_from_db()
    assert (
        act.participants_total,
        act.disability_yes,
        act.disability_no,
        act.disability_unknown,
    ) == (3, 1, 1, 1)
    with pytest.raises(services.CivicError, match="named participant list"):
        services.activity_set_counts(
            act, services.AggregateInput(total=1, grid={("F", "18_29"): 1})
        )


def test_commitment_overdue_is_computed_and_history_kept(units: dict) -> None:
    process = services.dialogue_create(title="D", parties=["A", "B"], admin_unit=units["CF521"])
    with pytest.raises(services.CivicError):
        services.dialogue_create(title="D", parties=["A"], admin_unit=units["CF521"])
    cm = services.commitment_add(process, owner_party="A", text="x", due=dt.date(2026, 1, 1))
    assert cm.effective_status(dt.date(2026, 2, 1)) == "OVERDUE"
    assert cm.effective_status(dt.date(2025, 12, 1)) == "NOT_STARTED"
    services.commitment_follow_up(cm, status="IN_PROGRESS", checked_on=dt.date(2026, 1, 10))
    services.commitment_follow_up(cm, status="DONE", note="fait", checked_on=dt.date(2026, 2, 10))
    assert cm.effective_status(dt.date(2026, 3, 1)) == "DONE"
    assert [(u.previous_status, u.status) for u in cm.updates.order_by("checked_on")] == [
        ("NOT_STARTED", "IN_PROGRESS"),
        ("IN_PROGRESS", "DONE"),
    ]
    with pytest.raises(services.CivicError):
        services.commitment_follow_up(cm, status="OVERDUE")


def test_dialogue_stage_needs_reason_for_endings(units: dict) -> None:
    process = services.dialogue_create(title="D", parties=["A", "B"], admin_unit=units["CF521"])
    with pytest.raises(services.TransitionError):
        services.dialogue_set_stage(process, "AGREEMENT")
    with pytest.raises(services.CivicError):
        services.dialogue_set_stage(process, "STALLED")
    services.dialogue_set_stage(process, "STALLED", reason="insécurité")
    assert AuditEvent.objects.filter(
        action="state.change", object_type="civic.dialogueprocess"
    ).exists()


def test_cvr_status_follows_the_project_cycle(units: dict) -> None:
    project = services.cvr_project_create(
        ref="C1", title="CVR", admin_unit=units["CF521"], lines=["CASH_FOR_WORK"]
    )
    with pytest.raises(services.TransitionError):
        services.cvr_project_set_status(project, "TRAINING")
    services.cvr_project_set_status(project, "APPROVED")
    with pytest.raises(services.CivicError):
        services.weapons_collection_record(
            project, collected_on=dt.date(2026, 1, 1), weapons={"TANK": 1}
        )
    w = services.weapons_collection_record(
        project, collected_on=dt.date(2026, 1, 1), weapons={"RIFLE": 2, "PISTOL": 1}
    )
    assert w.weapons_total == 3


def test_contacts_are_sealed_and_audit_has_no_names(units: dict) -> None:
    org = services.organisation_create(
        ref="O", name="O", kind="ASSOCIATION", admin_unit=units["CF521"]
    )
    services.contact_add(org, name="Mariam Secret", phone="+236 70 11 22 33")
    contact = ContactPerson.objects.get()
    assert "Mariam" not in contact.name_sealed and unseal(contact.name_sealed) == "Mariam Secret"
    assert unseal(contact.phone_sealed) == "+23670112233"
    for event in AuditEvent.objects.all():
        assert "Mariam" not in event.summary and "Mariam" not in str(event.details)


def test_authorities_batch_upsert_links_the_same_person(units: dict) -> None:
    from sauti.civic.models import TraditionalAuthority

    first = services.authorities_upsert_many(
        [
            {"name": "Chef Un", "title": "SULTAN", "sex": "M"},
            {"name": "Cheffe Deux", "title": "MAYOR", "sex": "F"},
        ],
        admin_unit=units["CF521"],
    )
    again = services.authorities_upsert_many(
        [{"name": "  chef   UN ", "title": "SULTAN", "sex": "M"}], admin_unit=units["CF521"]
    )
    assert again[0].pk == first[0].pk and TraditionalAuthority.objects.count() == 2
    assert (
        services.authority_upsert(
            name="Chef Un", title="SULTAN", sex="M", admin_unit=units["CF521"]
        ).pk
        == first[0].pk
    )
