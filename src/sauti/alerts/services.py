"""Writes of alerts."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from sauti.accounts import audit
from sauti.accounts.models import User
from sauti.alerts.models import Alert
from sauti.places.models import AdminUnit


def _next_reference(unit: AdminUnit, when: datetime) -> str:
    prefix = f"{settings.SAUTI_MISSION_CODE}-{unit.pcode}-{when:%Y}-"
    count = Alert.objects.filter(reference__startswith=prefix).count()
    return f"{prefix}{count + 1:06d}"


@transaction.atomic
def alert_create(
    summary: str,
    admin_unit: AdminUnit,
    *,
    threat_type: str = "OTHER",
    received_at: datetime | None = None,
    actor: User | None = None,
) -> Alert:
    when = received_at or timezone.now()
    alert = Alert.objects.create(
        reference=_next_reference(admin_unit, when),
        summary=summary,
        admin_unit=admin_unit,
        threat_type=threat_type,
        received_at=when,
        created_by=actor,
    )
    audit.record("object.create", actor=actor, obj=alert, summary=f"alert {alert.reference} created")
    return alert
