"""Civic and agreement demo data: synthetic organisations, trainings, a dialogue, a CVR project and
APPR-RCA with coded provisions. Names of people are invented (DP-16). Idempotent and fast.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from sauti.accounts.models import User
from sauti.civic import services
from sauti.civic.models import Activity, Network, Organisation
from sauti.places.models import AdminUnit

ORG_NAMES = [
    ("ASSOCIATION", "Association pour la paix de {p}"),
    ("WOMEN_ASSOCIATION", "Femmes leaders de {p}"),
    ("YOUTH_ASSOCIATION", "Jeunesse unie de {p}"),
    ("RELIGIOUS_ORG", "Plateforme des confessions religieuses de {p}"),
    ("MEDIA_COMMUNITY_RADIO", "Radio communautaire de {p}"),
    ("COOPERATIVE", "Coopérative agricole de {p}"),
    ("VICTIMS_ASSOCIATION", "Association des victimes de {p}"),
    ("DISABILITY_ORG", "Handicap et solidarité {p}"),
]
FIRST = [
    "Awa",
    "Jean",
    "Mariam",
    "Paul",
    "Clarisse",
    "Abdel",
    "Nadia",
    "Serge",
    "Fatimé",
    "Didier",
    "Rose",
    "Ali",
]


def _units() -> dict[str, AdminUnit]:
    return {
        u.pcode: u
        for u in AdminUnit.objects.filter(
            pcode__in=["CF", "CF52", "CF521", "CF51", "CF511", "CF43", "CF431"]
        )
    }


@transaction.atomic
def load() -> dict[str, Any]:
    units = _units()
    if len(units) < 7:
        return {}
    actor = User.objects.filter(username="cla.bria").first()
    if not Organisation.objects.filter(ref="DEMO-ORG-00").exists():
        _organisations(units, actor)
        _activities(units, actor)
        _dialogue_and_cvr(units, actor)
        from sauti.agreements.demo import load as load_agreements

        load_agreements(units)
    return {
        "organisations": Organisation.objects.count(),
        "observatories": Network.objects.filter(kind="OBSERVATORY").count(),
        "activities": Activity.objects.count(),
    }


def _organisations(units: dict[str, AdminUnit], actor: User | None) -> None:
    obs = services.network_create(
        ref="DEMO-OBS-HK",
        name="Observatoire de la paix de la Haute-Kotto",
        kind="OBSERVATORY",
        admin_unit=units["CF52"],
        min_members=21,
        min_women_share=20,
        created_on=dt.date(2025, 6, 1),
        actor=actor,
    )
    places = [("CF521", "Bria"), ("CF52", "Haute-Kotto"), ("CF511", "Ndélé"), ("CF431", "Bambari")]
    for i in range(26):
        pcode, place = (
            places[0] if i < 14 else places[1] if i < 22 else places[2] if i < 24 else places[3]
        )
        kind, name = ORG_NAMES[i % len(ORG_NAMES)]
        org = services.organisation_create(
            ref=f"DEMO-ORG-{i:02d}",
            name=name.format(p=place) + (f" {i // 8 + 1}" if i >= 8 else ""),
            kind=kind,
            admin_unit=units[pcode],
            themes=[
                "PEACE_RECONCILIATION",
                "WOMEN" if kind == "WOMEN_ASSOCIATION" else "GOVERNANCE",
            ],
            led_by_women=kind == "WOMEN_ASSOCIATION" or i % 4 == 3,
            led_by_youth=kind == "YOUTH_ASSOCIATION",
            membership_count=20 + 7 * i,
            legal_status="RECOGNISED_LOCALLY",
            actor=actor,
        )
        if pcode.startswith("CF52") and i < 22:
            services.membership_add(
                obs, org, joined_on=dt.date(2025, 6, 1) + dt.timedelta(days=7 * i), actor=actor
            )
        if i < 3:
            services.contact_add(
                org,
                name=f"{FIRST[i]} Demo",
                phone=f"+2367500{i:04d}",
                position="Présidente",
                sex="F" if i % 2 == 0 else "M",
                consent=True,
                actor=actor,
            )
            services.support_record(
                org,
                kind="TRAINING",
                given_on=dt.date(2026, 2, 10),
                description="Formation en gestion associative",
                actor=actor,
            )
    services.network_set_status(obs, "ACTIVE", actor=actor)


def _activities(units: dict[str, AdminUnit], actor: User | None) -> None:
    agg = services.AggregateInput(
        total=40,
        grid={("F", "30_59"): 12, ("M", "30_59"): 22, ("M", "60_PLUS"): 6},
        disability={"YES": 2, "NO": 38},
        roles={("CHIEF", "F"): 12, ("CHIEF", "M"): 28},
    )
    for ref, pcode, start in [
        ("DEMO-TRN-1", "CF521", dt.date(2026, 2, 3)),
        ("DEMO-TRN-2", "CF511", dt.date(2026, 3, 9)),
    ]:
        act = services.activity_create(
            ref=ref,
            kind="TRAINING",
            range="RANGE_C",
            title=f"Formation des chefs sur la prévention des conflits ({units[pcode].name})",
            admin_unit=units[pcode],
            start=start,
            end=start + dt.timedelta(days=3),
            status="REPORTED",
            organiser="Affaires civiles",
            funding="BUDGET",
            actor=actor,
        )
        services.activity_set_counts(act, agg, actor=actor)
    act = services.activity_create(
        ref="DEMO-TRN-3",
        kind="TRAINING",
        range="RANGE_C",
        title="Formation des autorités locales sur l'alerte précoce (Bambari)",
        admin_unit=units["CF431"],
        start=dt.date(2026, 4, 14),
        status="HELD",
        organiser="Affaires civiles",
        actor=actor,
    )
    people = [
        {
            "name": f"{FIRST[i]} Chef{i}",
            "sex": "F" if i % 3 == 0 else "M",
            "age_band": "30_59" if i % 4 else "18_29",
            "role": "CHIEF",
            "authority": services.authority_upsert(
                name=f"{FIRST[i]} Chef{i}",
                title="CHEF_DE_VILLAGE",
                sex="F" if i % 3 == 0 else "M",
                admin_unit=units["CF431"],
                recognised_by_state=True,
                actor=actor,
            ),
        }
        for i in range(12)
    ]
    services.activity_add_participants(act, people, actor=actor)


def _dialogue_and_cvr(units: dict[str, AdminUnit], actor: User | None) -> None:
    process = services.dialogue_create(
        title="Dialogue intercommunautaire éleveurs–agriculteurs de Bria",
        parties=["Éleveurs peuls", "Agriculteurs goula"],
        admin_unit=units["CF521"],
        facilitators="Affaires civiles, comité local de paix",
        started_on=dt.date(2026, 1, 20),
        grievances="Destruction de champs par les troupeaux; couloirs de transhumance non respectés.",
        actor=actor,
    )
    for stage in ("CONSULTATIONS", "DIALOGUE"):
        services.dialogue_set_stage(process, stage, actor=actor)
    services.dialogue_record_session(
        process,
        title="Première session conjointe",
        start=dt.date(2026, 3, 12),
        actor=actor,
        people=[
            {
                "name": f"{FIRST[i]} Dialogue{i}",
                "sex": "F" if i % 2 else "M",
                "age_band": "18_29" if i < 4 else "30_59",
                "role": "YOUTH" if i < 4 else "CHIEF",
                "community": "Éleveurs peuls" if i % 2 else "Agriculteurs goula",
                "consent": True,
            }
            for i in range(10)
        ],
        commitments=[
            {
                "owner_party": "Éleveurs peuls",
                "text": "Respecter les couloirs de transhumance balisés",
                "due": dt.date(2026, 5, 1),
            },
            {
                "owner_party": "Agriculteurs goula",
                "text": "Libérer l'accès au point d'eau de Ndiffa",
                "due": dt.date(2026, 4, 15),
            },
            {
                "owner_party": "Autorités locales",
                "text": "Installer un comité mixte de gestion des conflits",
                "due": dt.date(2026, 12, 31),
            },
        ],
    )
    first = process.commitments.order_by("due").first()
    if first:
        services.commitment_follow_up(
            first, status="DONE", note="Constat du comité local", actor=actor
        )
    partner = Organisation.objects.filter(ref="DEMO-ORG-02").first()
    project = services.cvr_project_create(
        ref="DEMO-CVR-1",
        title="Réduction de la violence communautaire à Bria — formation professionnelle",
        admin_unit=units["CF521"],
        implementing_partner=partner,
        budget=250000,
        start=dt.date(2025, 11, 1),
        end=dt.date(2026, 10, 31),
        lines=["VOCATIONAL_TRAINING", "WEAPONS_COLLECTION", "CASH_FOR_WORK"],
        target_beneficiaries=300,
        actor=actor,
    )
    for status in ("APPROVED", "BENEFICIARY_SELECTION", "TRAINING"):
        services.cvr_project_set_status(project, status, actor=actor)
    services.cvr_project_set_beneficiaries(
        project,
        {
            ("EX_COMBATANT_NOT_DDR_ELIGIBLE", "M"): 96,
            ("EX_COMBATANT_NOT_DDR_ELIGIBLE", "F"): 14,
            ("YOUTH_AT_RISK", "M"): 80,
            ("YOUTH_AT_RISK", "F"): 45,
            ("WOMAN_VULNERABLE", "F"): 40,
            ("COMMUNITY_MEMBER", "M"): 25,
        },
        actor=actor,
    )
    services.weapons_collection_record(
        project,
        collected_on=dt.date(2026, 1, 15),
        weapons={"RIFLE": 12, "HUNTING_RIFLE": 31, "GRENADE": 9},
        ammunition_rounds=740,
        explosives=9,
        handed_to="Commission nationale DDR",
        actor=actor,
    )
