"""Network health (issue 5 §9): last contact per community alert network and focal point, silent
networks flagged after N days, test pings, and the device registry."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from sauti.accounts import access, audit
from sauti.channels.models import Channel, InboundMessage, Network, Reporter
from sauti.response.models import Device
from sauti.response.roster import duty_holder

# Neutral test text (DP-7): nothing about alerts or the mission.
PING = {
    "fr": "Test du réseau. Merci.",
    "en": "Network test. Thank you.",
    "sw": "Jaribio la mtandao. Asante.",
    "ln": "Komeka ya réseau. Matɔ́ndɔ.",
    "sg": "Test ti réseau. Singîla.",
}


@dataclass
class NetworkHealth:
    network: Network
    last_contact: datetime | None
    silent: bool
    focal_points: list[dict[str, Any]] = field(default_factory=list)
    devices: list[Device] = field(default_factory=list)
    duty: Any = None  # the DutyShift holding the alert phone now (own base or fallback)
    duty_fallback: bool = False


def network_health(user: Any, now: datetime | None = None) -> list[NetworkHealth]:
    """Networks in the user's areas with their last inbound contact (any focal point or channel),
    each focal point's last contact, and a silent flag after SAUTI_SILENT_NETWORK_DAYS."""
    when = now or timezone.now()
    limit = timedelta(days=settings.SAUTI_SILENT_NETWORK_DAYS)
    networks = list(
        access.visible(user, "reporters.view", Network.objects.select_related("area"), "area")
    )
    ids = [n.pk for n in networks]
    by_reporter: dict[int, datetime] = dict(
        InboundMessage.objects.filter(reporter__network__in=ids)
        .values_list("reporter")
        .annotate(last=Max("received_at"))
        .values_list("reporter", "last")
    )
    by_channel: dict[int, datetime] = dict(
        InboundMessage.objects.filter(channel__network__in=ids)
        .values_list("channel__network")
        .annotate(last=Max("received_at"))
        .values_list("channel__network", "last")
    )
    reporters: dict[int, list[Reporter]] = {}
    for reporter in Reporter.objects.filter(network__in=ids, kind=Reporter.Kind.FOCAL_POINT):
        reporters.setdefault(reporter.network_id or 0, []).append(reporter)
    devices: dict[int, list[Device]] = {}
    for device in Device.objects.filter(network__in=ids).select_related("reporter"):
        devices.setdefault(device.network_id, []).append(device)
    out = []
    for network in networks:
        points = [
            {"reporter": r, "last_contact": by_reporter.get(r.pk)}
            for r in reporters.get(network.pk, [])
        ]
        contacts = [by_reporter[r.pk] for r in reporters.get(network.pk, []) if r.pk in by_reporter]
        if by_channel.get(network.pk):
            contacts.append(by_channel[network.pk])
        last = max(contacts) if contacts else None
        duty, fallback = duty_holder(network, when)
        out.append(
            NetworkHealth(
                network=network,
                last_contact=last,
                silent=network.status == Network.Status.ACTIVE
                and (last is None or when - last > limit),
                focal_points=points,
                devices=devices.get(network.pk, []),
                duty=duty,
                duty_fallback=fallback,
            )
        )
    return out


def network_test_ping(network: Network, user: Any) -> int:
    """Queue a neutral test SMS to every ACTIVE focal point of the network who may be contacted
    (outbox); the delivery status of each tells which phones still work. Returns how many."""
    from sauti.channels.outbound import outbound_queue

    access.require(user, "network.manage")
    if not access.in_scope(user, network.area.path):
        raise access.AccessDenied(_("this network is outside your areas"))
    channel = (
        Channel.objects.filter(network=network, active=True, type__in=["TWILIO", "GENERIC"])
        .order_by("id")
        .first()
    )
    if channel is None:
        return 0
    count = 0
    with transaction.atomic():
        for reporter in Reporter.objects.filter(
            network=network,
            kind=Reporter.Kind.FOCAL_POINT,
            status=Reporter.Status.ACTIVE,
            do_not_contact=False,
        ):
            lang = reporter.language if reporter.language in PING else "fr"
            outbound_queue(reporter, channel, "BROADCAST", PING[lang], lang)
            count += 1
        audit.record(
            "network.test_ping",
            actor=user,
            obj=network,
            summary=f"test ping to {count} focal points of {network.name}",
        )
    return count


def device_register(
    network: Network, user: Any, *, kind: str, label: str = "", reporter: Reporter | None = None
) -> Device:
    access.require(user, "network.manage")
    if not access.in_scope(user, network.area.path):
        raise access.AccessDenied(_("this network is outside your areas"))
    if kind not in Device.Kind.values:
        raise ValueError(_("unknown device kind"))
    device = Device.objects.create(
        network=network, reporter=reporter, kind=kind, label=label.strip()[:100]
    )
    audit.record("object.create", actor=user, obj=device, summary=f"device {kind} registered")
    return device
