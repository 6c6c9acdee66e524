"""Demo intake: a community alert network at Bria with an SMS gateway and a missed-call line, three
focal points, and a few messages received through the real intake services. Synthetic only (DP-16):
names are invented and numbers are in a range no operator assigns in CAR (+236 79 99 …)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from sauti.channels.gateways import InboundValue
from sauti.channels.models import Channel, InboundMessage, Network, Reporter
from sauti.channels.services import (
    channel_create,
    inbound_process,
    inbound_store,
    network_create,
    reporter_enrol,
)

FOCAL_POINTS = [
    ("Point focal démo 1", "+23679990001", ["fr", "sg"]),
    ("Point focal démo 2", "+23679990002", ["sg"]),
    ("Demo focal point 3", "+23679990003", ["en"]),
]
MESSAGES = [
    ("+23679990001", "Hommes armés à Ndah ce matin, ils se dirigent vers le marché", 50),
    ("+23679990002", "ALERTE Yalinga ENL 2 enfants enlevés hier soir", 200),
    (
        "+23679990003",
        "Clashes between UPC and anti-balaka near Ouadda since this morning, 2 dead",
        400,
    ),
    ("+23679990099", "Pillage de boutiques à Bria cette nuit", 900),
    ("+23679990001", "", 30),
]


def load() -> dict[str, Any]:
    """Create the demo network once; later calls only report counts."""
    if not Network.objects.filter(name="RAC Bria (démo)").exists():
        network = network_create("RAC Bria (démo)", "CF52", base_name="COB Bria")
        sms = channel_create(
            "GENERIC",
            "SMS Bria (démo)",
            "CF52",
            network=network,
            credentials={"secret": "demo-secret-not-for-production"},
        )
        beep = channel_create(
            "MISSED_CALL",
            "Bip Bria (démo)",
            "CF52",
            network=network,
            credentials={"secret": "demo-secret-not-for-production"},
        )
        for name, phone, languages in FOCAL_POINTS:
            reporter_enrol(name=name, phones=[phone], network=network, languages=languages)
        now = timezone.now()
        for i, (phone, text, minutes) in enumerate(MESSAGES):
            channel: Channel = beep if not text else sms
            value = InboundValue(
                external_id=f"demo-{i}",
                sender=phone,
                text=text,
                kind="MISSED_CALL" if not text else "SMS",
                received_at=now - timedelta(minutes=minutes),
            )
            stored = inbound_store(channel, value, raw={"body": text, "demo": True}, claim=True)
            inbound_process(stored.message.pk)
    return {"reporters": Reporter.objects.count(), "raw messages": InboundMessage.objects.count()}
