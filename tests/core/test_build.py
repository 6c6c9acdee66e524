"""``core.bulk.build`` must make the very object Django's keyword constructor makes: the same
attribute values, the same cached related objects, the same errors."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.db.models import Model
from django.utils import timezone

from sauti.accounts.models import AuditEvent
from sauti.alerts.models import Alert, AlertTransition
from sauti.channels.models import Channel, InboundMessage, OutboundMessage, Reporter
from sauti.channels.services import channel_create, network_create
from sauti.core.bulk import build
from sauti.places.models import AdminUnit
from sauti.warning.models import AreaRisk
from tests.conftest import make_user


def _same(model: type[Model], **values: Any) -> Model:
    """Build both ways; compare everything but defaults that read the clock (each call has its
    own instant: within a second of each other, and both aware)."""
    ours, theirs = build(model, **values), model(**values)
    mine, django = dict(ours.__dict__), dict(theirs.__dict__)
    state, their_state = mine.pop("_state"), django.pop("_state")
    for key, value in list(django.items()):
        if isinstance(value, datetime) and key not in values:
            other = mine.pop(key)
            django.pop(key)
            assert isinstance(other, datetime) and other.tzinfo is not None
            assert abs(other - value) < timedelta(seconds=1)
    assert mine == django
    assert state.fields_cache == their_state.fields_cache
    assert state.adding and state.db == their_state.db
    return ours


@pytest.fixture
def world(units: dict[str, AdminUnit]) -> dict[str, Any]:
    network = network_create("RAC Bria", "CF52")
    channel = channel_create("GENERIC", "Android Bria", "CF52", network=network)
    reporter = Reporter.objects.create(pseudonym="FP-1", area=units["CF52"], network=network)
    return {"unit": units["CF52"], "channel": channel, "reporter": reporter}


@pytest.mark.django_db
def test_the_models_intake_builds_come_out_as_djangos(world: dict[str, Any]) -> None:
    now = timezone.now()
    unsaved = Alert(received_at=now, admin_unit=world["unit"])
    alert = _same(
        Alert,
        received_at=now,
        channel=world["channel"],
        reporter=world["reporter"],
        created_by=None,
        language="fr",
        narrative_sealed="g1.x",
        state="RECEIVED",
        flags=["FUTURE_EVENT"],
        admin_unit=world["unit"],
    )
    assert alert.channel is world["channel"] and alert.reporter_id == world["reporter"].pk
    assert alert.created_by is None  # cached None: no query
    transition = _same(AlertTransition, alert=unsaved, from_state="", to_state="RECEIVED", at=now)
    assert transition.alert is unsaved and transition.alert_id is None
    _same(AuditEvent, action="alert.receive", object_type="alerts.alert", details={"a": 1})
    _same(
        OutboundMessage,
        to_reporter=world["reporter"],
        channel=world["channel"],
        purpose="ACK",
        body="Merci",
        related_alert=unsaved,
        status="QUEUED",
    )
    # By id rather than object, and every default left out.
    _same(InboundMessage, channel_id=world["channel"].pk, external_id="m-1", raw_sealed="g1.y")
    _same(InboundMessage)


@pytest.mark.django_db
def test_one_to_one_and_saving(world: dict[str, Any]) -> None:
    risk = _same(AreaRisk, admin_unit=world["unit"], computed_level="LOW", level="LOW")
    risk.save()
    assert AreaRisk.objects.get(pk=risk.pk).admin_unit_id == world["unit"].pk
    user = make_user("cla.build", "CLA", ["CF52"])
    event = build(AuditEvent, actor=user, action="x.y", object_id="7")
    event.save()
    stored = AuditEvent.objects.get(pk=event.pk)
    assert (stored.actor_id, stored.action, stored.object_id) == (user.pk, "x.y", "7")


@pytest.mark.django_db
def test_mutable_defaults_are_fresh_per_object() -> None:
    first, second = build(InboundMessage), build(InboundMessage)
    assert first.flags == [] and first.flags is not second.flags
    first.flags.append("X")
    assert build(InboundMessage).flags == []


@pytest.mark.django_db
def test_bad_arguments_fail_as_djangos_do(world: dict[str, Any]) -> None:
    with pytest.raises(TypeError, match="'colour'"):
        build(Alert, colour="red")
    with pytest.raises(TypeError):
        Alert(colour="red")
    wrong = re.escape('"Alert.channel" must be a "Channel" instance')
    with pytest.raises(ValueError, match=wrong):
        build(Alert, channel=world["reporter"])
    with pytest.raises(ValueError, match=wrong):
        Alert(channel=world["reporter"])
    assert isinstance(world["channel"], Channel)
