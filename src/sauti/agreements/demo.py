"""Demo: APPR-RCA (6 February 2019) with a few provisions coded per region, and a local pact in Bria.

Article numbers and themes follow the public text loosely; scores are synthetic, for the demo only.
"""

from __future__ import annotations

import datetime as dt

from sauti.agreements import services
from sauti.civic.models import DialogueProcess, Network
from sauti.places.models import AdminUnit

PROVISIONS = [
    (
        "Art. 4",
        "Cessation immédiate des hostilités et de toute forme de violence",
        "DEFENCE_SECURITY",
        "ceasefire",
    ),
    (
        "Art. 5(h)",
        "Libre circulation des personnes et des biens sur l'ensemble du territoire",
        "DEFENCE_SECURITY",
        "free movement",
    ),
    ("Art. 15", "Unités spéciales mixtes de sécurité (USMS)", "DEFENCE_SECURITY", "integration"),
    (
        "Art. 21",
        "Mise en place des comités de mise en œuvre préfectoraux",
        "MONITORING_VERIFICATION",
        "",
    ),
    (
        "Art. 9",
        "Retour de l'autorité de l'État et redéploiement de l'administration",
        "POLITICAL_INSTITUTIONAL",
        "",
    ),
    (
        "Art. 10",
        "Commission vérité, justice, réparation et réconciliation",
        "RECONCILIATION_JUSTICE_HUMANITARIAN",
        "",
    ),
    (
        "Art. 7",
        "Participation des femmes et des jeunes aux mécanismes de mise en œuvre",
        "WOMEN_YOUTH_PARTICIPATION",
        "",
    ),
]
# (region, quarter start) -> scores in PROVISIONS order (None = unverifiable)
SCORES: dict[tuple[str, dt.date], list[int | None]] = {
    ("CF52", dt.date(2025, 10, 1)): [1, 0, 0, 1, 1, 0, 1],
    ("CF52", dt.date(2026, 1, 1)): [2, 1, 1, 2, 1, 1, 2],
    ("CF51", dt.date(2025, 10, 1)): [1, 1, 0, 1, 0, 0, 0],
    ("CF51", dt.date(2026, 1, 1)): [1, 1, 1, 2, 1, None, 1],
    ("CF43", dt.date(2025, 10, 1)): [2, 1, 1, 2, 2, 1, 1],
    ("CF43", dt.date(2026, 1, 1)): [3, 2, 2, 3, 2, 1, 2],
}


def load(units: dict[str, AdminUnit]) -> None:
    appr = services.agreement_create(
        name="Accord politique pour la paix et la réconciliation en République centrafricaine",
        short_name="APPR-RCA",
        admin_unit=units["CF"],
        signed_on=dt.date(2019, 2, 6),
        level="INTRASTATE",
        stage="FRAMEWORK_COMPREHENSIVE",
        conflict_nature="GOVERNMENT",
        agreement_status="MULTIPARTY_SIGNED",
        parties="Gouvernement de la RCA; 14 groupes armés",
        monitoring_bodies="Comité exécutif de suivi; comités préfectoraux",
        tags={
            "ceasefire": True,
            "ddr": True,
            "free_movement": True,
            "justice": True,
            "reconciliation": True,
            "women_gender": True,
            "children_youth": True,
            "state_authority": True,
            "transhumance": True,
        },
    )
    observatory = Network.objects.filter(ref="DEMO-OBS-HK").first()
    if observatory:
        appr.observatories.add(observatory)
    provisions = [
        services.provision_add(appr, article_ref=a, text_excerpt=t, theme=th, subtheme=sub)
        for a, t, th, sub in PROVISIONS
    ]
    for (region, period), scores in SCORES.items():
        for provision, score in zip(provisions, scores, strict=True):
            services.report_code(
                provision,
                admin_unit=units[region],
                period=period,
                source_kind="OBSERVATORY" if region == "CF52" else "MISSION",
                score=score,
                unverifiable=score is None,
                evidence="Rapport trimestriel (démo)",
                observatory=observatory if region == "CF52" else None,
            )
    services.agreement_create(
        name="Pacte local de paix et de réconciliation de Bria",
        short_name="PACTE-BRIA-2026",
        admin_unit=units["CF521"],
        signed_on=dt.date(2026, 4, 2),
        level="INTRASTATE_LOCAL",
        stage="OTHER",
        conflict_nature="INTER_GROUP",
        parent=appr,
        dialogue=DialogueProcess.objects.first(),
        parties="Éleveurs peuls; Agriculteurs goula; autorités locales",
        tags={"free_movement": True, "transhumance": True, "reconciliation": True},
    )
