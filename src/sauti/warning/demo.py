"""Demo early-warning data (synthetic, DP-16): a quiet background of alerts in Ndélé over half a
year, then a burst of inter-communal tension this week that the Poisson detector flags; the flag
links to the very alerts that caused it."""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any

from django.utils import timezone

from sauti.warning.models import Flag, HotspotTier, Subscription

BURST = 12
TEXT = "Tension entre éleveurs et agriculteurs signalée à Ndélé (démo)"


def load() -> dict[str, Any]:
    """Idempotent: does nothing once a flag exists."""
    from sauti.accounts.models import User
    from sauti.alerts.services import alert_create
    from sauti.places.models import AdminUnit
    from sauti.warning.services import detect_run, risk_update

    if Flag.objects.exists():
        return {"warning flags": Flag.objects.count()}
    ndele = AdminUnit.objects.filter(pcode="CF511").first()
    if ndele is None:
        return {"warning flags": 0}
    rng = random.Random(7)
    now = timezone.now()
    for week in range(1, 27):  # one alert in about one week in five: the area's own baseline
        if rng.random() < 0.2:
            alert_create(
                TEXT,
                ndele,
                threat_type="INTERCOMMUNAL_TENSION",
                received_at=now - timedelta(weeks=week),
            )
    today = timezone.localdate()
    monday = now - timedelta(days=today.weekday())
    for i in range(BURST):
        when = min(now, monday + timedelta(minutes=30 * (i + 1)))
        alert_create(TEXT, ndele, threat_type="INTERCOMMUNAL_TENSION", received_at=when)
    HotspotTier.objects.get_or_create(admin_unit=ndele, defaults={"tier": "MUST"})
    cla = User.objects.filter(username="cla.ndele").first()
    if cla:
        Subscription.objects.get_or_create(user=cla, admin_unit=ndele.parent or ndele)
    flags = detect_run()
    risk_update()
    return {"warning flags": len(flags)}
