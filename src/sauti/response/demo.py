"""Demo of the response workflow: the Bria base commander's routing rule (with a synthetic duty
phone), a dozen Haute-Kotto alerts walked through the real state machine with plausible times
(so the board has deadlines and the metrics page has figures), and the nightly roll-up started.
Idempotent: nothing is added twice. Synthetic data only (DP-16)."""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any

from django.utils import timezone

from sauti.accounts.models import User
from sauti.alerts.models import Alert
from sauti.alerts.services import alert_create
from sauti.alerts.workflow import AlertState as S
from sauti.alerts.workflow import alert_transition
from sauti.places.models import AdminUnit
from sauti.response.models import Party, RoutingRule
from sauti.response.services import alert_triage, routing_rule_create

DEMO_MARK = "[demo response]"


def load() -> dict[str, Any]:
    commander = User.objects.filter(username="responder.bria").first()
    cla = User.objects.filter(username="cla.bria").first()
    bria = AdminUnit.objects.filter(pcode="CF521").first()
    area = AdminUnit.objects.filter(pcode="CF52").first()
    if commander is None or cla is None or bria is None or area is None:
        return {}
    if not RoutingRule.objects.filter(responder=commander).exists():
        routing_rule_create(area, Party.BASE_COMMANDER, commander, phone="+236 75 00 09 99")
    if not Alert.objects.filter(summary__startswith=DEMO_MARK).exists():
        rng = random.Random(5)
        now = timezone.now()
        for i in range(12):
            t0 = now - timedelta(days=rng.randint(0, 50), minutes=rng.randint(0, 600))
            if i < 3:
                t0 = now - timedelta(minutes=rng.randint(3, 40))  # still open on the board
            alert = alert_create(
                f"{DEMO_MARK} Hommes armés signalés près de Bria ({i + 1})",
                bria,
                threat_type=rng.choice(["ARMED_MOVEMENT", "ARMED_ATTACK_IMMINENT", "ABDUCTION"]),
                received_at=t0,
                actor=cla,
            )
            t = t0 + timedelta(minutes=rng.randint(3, 12))
            alert_triage(alert, cla, priority=rng.choice(["P1", "P2"]), now=t)
            if i < 2:
                continue
            t += timedelta(minutes=rng.randint(2, 20))
            alert_transition(alert, S.TRANSMITTED, cla, "demo", t)
            if i < 3:
                continue
            steps = [
                (S.ACKNOWLEDGED, commander, rng.randint(2, 40), {}),
                (
                    S.RESPONSE_DECIDED,
                    commander,
                    rng.randint(5, 60),
                    {"response_option": "PATROL_DAY"},
                ),
                (S.RESPONDING, commander, rng.randint(5, 30), {}),
                (S.RESPONDED, commander, rng.randint(20, 180), {}),
                (S.FEEDBACK_GIVEN, cla, rng.randint(60, 2000), {}),
                (S.CLOSED, cla, rng.randint(10, 600), {}),
            ]
            for to, user, minutes, fields in steps:
                t += timedelta(minutes=minutes)
                alert_transition(alert, to, user, "demo", t, fields=fields)
    return {"response demo alerts": Alert.objects.filter(summary__startswith=DEMO_MARK).count()}
