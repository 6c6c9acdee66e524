"""Incidents: alerts about one real-world event grouped by a person, with suggestions from place,
time and type similarity, and every link, unlink and merge kept as history (domain.md §4.2)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from sauti.accounts import access, audit
from sauti.alerts.models import Alert, Incident, IncidentEvent
from sauti.alerts.taxonomy import DEFAULT_PRIORITY

WINDOW = timedelta(hours=48)
PERMISSION = "incidents.manage"


class IncidentError(ValueError):
    """A grouping request that cannot be honoured (message for people; nothing changed)."""


def _admin2(path: str) -> str:
    parts = [p for p in path.split("/") if p]
    return "/" + "/".join(parts[:3]) + "/"


def incident_suggestions(alert: Alert, user: Any, limit: int = 5) -> list[tuple[Alert, float]]:
    """Alerts the user may see that may be about the same event, best first: received within
    48 h, in the same admin-2 area; score from type (same type, or same default priority), place
    (same unit) and closeness in time. Never the alert itself or alerts already in its incident."""
    candidates = access.visible(
        user,
        "alerts.view",
        Alert.objects.select_related("admin_unit").filter(
            received_at__gte=alert.received_at - WINDOW,
            received_at__lte=alert.received_at + WINDOW,
            admin_unit__path__startswith=_admin2(alert.admin_unit.path),
        ),
        "admin_unit",
    ).exclude(pk=alert.pk)
    if alert.incident_id:
        candidates = candidates.exclude(incident_id=alert.incident_id)
    scored = []
    for other in candidates[:200]:
        score = 0.0
        if other.threat_type == alert.threat_type:
            score += 0.5
        elif DEFAULT_PRIORITY.get(other.threat_type) == DEFAULT_PRIORITY.get(alert.threat_type):
            score += 0.2
        score += 0.3 if other.admin_unit_id == alert.admin_unit_id else 0.1
        gap = abs((other.received_at - alert.received_at).total_seconds())
        score += 0.2 * (1 - gap / WINDOW.total_seconds())
        scored.append((other, round(score, 3)))
    scored.sort(key=lambda pair: -pair[1])
    return scored[:limit]


def _check(user: Any, alerts: list[Alert]) -> None:
    access.require(user, PERMISSION)
    for alert in alerts:
        if not access.in_scope(user, alert.admin_unit.path):
            raise access.AccessDenied(_("this alert is outside your areas"))


def _event(incident: Incident, kind: str, user: Any, **kw: Any) -> None:
    IncidentEvent.objects.create(incident=incident, kind=kind, by=user, **kw)


@transaction.atomic
def incident_link(alerts: list[Alert], user: Any, reason: str = "") -> Incident:
    """Group alerts into one incident: the incident one of them already has, else a new one."""
    if len(alerts) < 2:
        raise IncidentError(_("choose at least two alerts"))
    _check(user, alerts)
    incidents = {a.incident_id for a in alerts if a.incident_id}
    if len(incidents) > 1:
        raise IncidentError(_("these alerts belong to different incidents: merge the incidents"))
    if incidents:
        incident = Incident.objects.get(pk=incidents.pop())
    else:
        first = min(alerts, key=lambda a: a.received_at)
        incident = Incident.objects.create(
            title=first.summary[:300],
            threat_type=first.threat_type,
            admin_unit=first.admin_unit,
            first_alert_at=first.received_at,
            created_by=user,
        )
        _event(incident, "CREATE", user, reason=reason[:500])
    for alert in alerts:
        if alert.incident_id != incident.pk:
            Alert.objects.filter(pk=alert.pk).update(incident=incident)
            alert.incident = incident
            _event(incident, "LINK", user, alert=alert, reason=reason[:500])
    earliest = min(a.received_at for a in alerts)
    if earliest < incident.first_alert_at:
        Incident.objects.filter(pk=incident.pk).update(first_alert_at=earliest)
    audit.record(
        "incident.link",
        actor=user,
        obj=incident,
        summary=f"incident {incident.pk}: {len(alerts)} alerts linked",
    )
    return incident


@transaction.atomic
def incident_unlink(alert: Alert, user: Any, reason: str) -> None:
    """Take an alert out of its incident (a person's correction; the reason is required)."""
    _check(user, [alert])
    if alert.incident_id is None:
        raise IncidentError(_("this alert is not part of an incident"))
    if not reason.strip():
        raise IncidentError(_("a reason is required"))
    incident = alert.incident
    Alert.objects.filter(pk=alert.pk).update(incident=None)
    alert.incident = None
    assert incident is not None
    _event(incident, "UNLINK", user, alert=alert, reason=reason[:500])
    audit.record(
        "incident.unlink", actor=user, obj=incident, summary=f"alert {alert.reference} unlinked"
    )


@transaction.atomic
def incident_merge(target: Incident, source: Incident, user: Any, reason: str = "") -> Incident:
    """Move every alert of ``source`` into ``target``; ``source`` stays, MERGED, for history."""
    if target.pk == source.pk:
        raise IncidentError(_("an incident cannot be merged into itself"))
    if source.status == Incident.Status.MERGED:
        raise IncidentError(_("this incident was already merged"))
    moved = list(source.alerts.select_related("admin_unit"))
    _check(user, moved or [])
    access.require(user, PERMISSION)
    for unit in (target.admin_unit, source.admin_unit):
        if not access.in_scope(user, unit.path):
            raise access.AccessDenied(_("this incident is outside your areas"))
    Alert.objects.filter(incident=source).update(incident=target)
    Incident.objects.filter(pk=source.pk).update(status=Incident.Status.MERGED, merged_into=target)
    _event(target, "MERGE", user, other=source, reason=reason[:500])
    _event(source, "MERGE", user, other=target, reason=reason[:500])
    audit.record(
        "incident.merge",
        actor=user,
        obj=target,
        summary=f"incident {source.pk} merged into {target.pk} ({len(moved)} alerts)",
    )
    target.refresh_from_db()
    return target
