"""What the early-warning app does: run the detectors over the weekly signals, compute risk
levels, record overrides (audited) and hotspot tiers, notify subscribers when a level is crossed."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from sauti.accounts import access, audit
from sauti.alerts.taxonomy import THREAT_LABELS
from sauti.core.jobs import job_enqueue
from sauti.places.models import AdminUnit
from sauti.warning import conf
from sauti.warning.detectors import baseline_expected, cusum, poisson_sf
from sauti.warning.models import (
    RISK_ORDER,
    AreaRisk,
    Event,
    Flag,
    HotspotTier,
    Notification,
    PeriodKind,
    RiskLevel,
    RiskOverride,
    SignalCount,
    SourceKind,
    Subscription,
)
from sauti.warning.signals import signals_sync_alerts, week_start


class WarningError(ValueError):
    """A warning write was refused; the message says why. Nothing was changed."""


def flag_explain(flag: Flag, unit_name: str) -> str:
    """The flag in words and numbers, in the reader's language."""
    noun = _("alerts") if flag.detector.startswith("alerts") else _("events")
    threat = str(THREAT_LABELS.get(flag.threat_type, flag.threat_type)).lower()
    return _(
        "%(observed)d %(noun)s of %(threat)s in %(place)s in the week of %(week)s, "
        "%(expected).1f expected (P = %(p).2g)"
    ) % {
        "observed": flag.observed,
        "noun": noun,
        "threat": threat,
        "place": unit_name,
        "week": flag.week_start.isoformat(),
        "expected": flag.expected,
        "p": flag.score,
    }


def _contributors(unit: AdminUnit, threat: str, week: date, kind: str) -> list[int]:
    end = week + timedelta(days=7)
    if kind == SourceKind.ALERTS:
        from sauti.alerts.models import Alert

        alerts = Alert.objects.filter(
            admin_unit__path__startswith=unit.path, threat_type=threat
        ).filter(
            Q(occurred_at__date__gte=week, occurred_at__date__lt=end)
            | Q(occurred_at__isnull=True, received_at__date__gte=week, received_at__date__lt=end)
        )
        # Days are the mission's days, as in the signal counts.
        with timezone.override(ZoneInfo(settings.SAUTI_MISSION_TIME_ZONE)):
            return list(alerts.order_by("id").values_list("id", flat=True)[:500])
    events = Event.objects.filter(
        Q(admin1=unit) | Q(admin2=unit) | Q(admin3=unit),
        threat_type=threat,
        occurred_on__gte=week,
        occurred_on__lt=end,
    )
    return list(events.order_by("id").values_list("id", flat=True)[:500])


def detect_run(week: date | None = None) -> list[Flag]:
    """Flag the (area, threat, source) cells of ``week`` (default: the current week) whose count
    is surprising against the area's own baseline (Poisson), or whose CUSUM trend alarms."""
    signals_sync_alerts()
    week = week_start(week or timezone.localdate())
    first = week - timedelta(weeks=conf.BASELINE_WEEKS)
    rows = SignalCount.objects.filter(
        period=PeriodKind.WEEK, period_start__gte=first, period_start__lte=week
    ).values_list("admin_unit_id", "threat_type", "source_kind", "period_start", "count")
    cells: dict[tuple[int, str, str], np.ndarray] = defaultdict(
        lambda: np.zeros(conf.BASELINE_WEEKS + 1)
    )
    for unit_id, threat, kind, start, count in rows:
        cells[(unit_id, threat, kind)][(start - first).days // 7] += count
    keys = [k for k, v in cells.items() if v[-1] >= conf.MIN_COUNT]
    if not keys:
        return []
    levels = dict(AdminUnit.objects.filter(id__in={k[0] for k in cells}).values_list("id", "level"))
    # Prior rate: the mean weekly count of the same threat and source over areas of the same level.
    pooled: dict[tuple[int, str, str], list[float]] = defaultdict(list)
    for (unit_id, threat, kind), series in cells.items():
        pooled[(levels[unit_id], threat, kind)].append(series[:-1].mean())
    n_units = dict(
        AdminUnit.objects.values("level").annotate(n=Count("id")).values_list("level", "n")
    )
    history = np.array([cells[k][:-1] for k in keys])
    observed = np.array([cells[k][-1] for k in keys])
    prior = np.array(
        [
            sum(pooled[(levels[k[0]], k[1], k[2])]) / max(n_units.get(levels[k[0]], 1), 1)
            for k in keys
        ]
    )
    expected = baseline_expected(history, prior, prior_weeks=4.0)
    p = poisson_sf(observed, expected)
    _s, alarm = cusum(
        np.column_stack([history[:, -7:], observed]), expected, conf.CUSUM_K, conf.CUSUM_H
    )
    units = AdminUnit.objects.in_bulk({k[0] for k in keys})
    flags = []
    with transaction.atomic():
        for i, (unit_id, threat, kind) in enumerate(keys):
            surprising = p[i] < conf.POISSON_P
            trending = bool(alarm[i, -1])
            if not (surprising or trending):
                continue
            detector = ("alerts" if kind == SourceKind.ALERTS else "events") + (
                "_poisson" if surprising else "_cusum"
            )
            ids = _contributors(units[unit_id], threat, week, kind)
            flag, _created = Flag.objects.update_or_create(
                admin_unit_id=unit_id,
                threat_type=threat,
                week_start=week,
                detector=detector,
                defaults={
                    "observed": float(observed[i]),
                    "expected": round(float(expected[i]), 3),
                    "score": float(p[i]),
                    "explanation": "",
                    "alert_ids": ids if kind == SourceKind.ALERTS else [],
                    "event_ids": ids if kind == SourceKind.EVENTS else [],
                },
            )
            flag.explanation = flag_explain(flag, units[unit_id].name)
            flag.save(update_fields=["explanation"])
            flags.append(flag)
    return flags


def level_from_score(score: int) -> str:
    """domain.md §6.3: likelihood × impact (1–25) → LOW ≤4, MEDIUM 5–9, HIGH 10–16, CRITICAL ≥17."""
    if score >= 17:
        return RiskLevel.CRITICAL
    if score >= 10:
        return RiskLevel.HIGH
    if score >= 5:
        return RiskLevel.MEDIUM
    return RiskLevel.LOW


def risk_assess(unit: AdminUnit, week: date) -> tuple[int, int, list[str]]:
    """(likelihood 1–5, impact 1–5, reasons) for an area from the last four weeks of signals, this
    week's flags and the officers' hotspot tier."""
    since = week - timedelta(weeks=3)
    recent = SignalCount.objects.filter(
        admin_unit=unit, period=PeriodKind.WEEK, period_start__gte=since, period_start__lte=week
    ).aggregate(n=Sum("count"), deaths=Sum("fatalities"))
    n, deaths = recent["n"] or 0, recent["deaths"] or 0
    flags = list(Flag.objects.filter(admin_unit=unit, week_start=week))
    tier = HotspotTier.objects.filter(admin_unit=unit).values_list("tier", flat=True).first()
    likelihood, impact, reasons = 1, 1, []
    if n:
        likelihood += 1
        reasons.append(_("%(n)d alerts or events in the last four weeks") % {"n": n})
    if flags:
        likelihood += 1 + (len(flags) > 1)
        reasons.append(_("%(n)d detector flag(s) this week") % {"n": len(flags)})
    if tier == "MUST":
        likelihood += 1
        impact += 1
        reasons.append(_("hotspot tier MUST"))
    elif tier == "SHOULD":
        impact += 1
        reasons.append(_("hotspot tier SHOULD"))
    impact += 1 if n else 0
    impact += (deaths > 0) + (deaths >= 5) + (deaths >= 20)
    if deaths:
        reasons.append(_("%(n)d deaths in the last four weeks") % {"n": deaths})
    return min(likelihood, 5), min(impact, 5), reasons


def risk_update(week: date | None = None) -> list[Notification]:
    """Recompute every level 1–3 area's risk level, apply overrides, notify subscribers of areas
    whose level rose to or past their chosen level; returns the notifications created."""
    week = week_start(week or timezone.localdate())
    today = timezone.localdate()
    overrides = {
        o.admin_unit_id: o
        for o in RiskOverride.objects.filter(active=True)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=today))
        .order_by("created_at")
    }
    candidates = set(
        SignalCount.objects.filter(
            period=PeriodKind.WEEK, period_start__gte=week - timedelta(weeks=3)
        ).values_list("admin_unit_id", flat=True)
    )
    candidates |= set(HotspotTier.objects.values_list("admin_unit_id", flat=True))
    candidates |= set(overrides) | set(AreaRisk.objects.values_list("admin_unit_id", flat=True))
    notes: list[Notification] = []
    with transaction.atomic():
        for unit in AdminUnit.objects.filter(id__in=candidates, level__in=(1, 2, 3)):
            likelihood, impact, reasons = risk_assess(unit, week)
            computed = level_from_score(likelihood * impact)
            level = overrides[unit.id].level if unit.id in overrides else computed
            if unit.id in overrides:
                reasons.append(_("override: %(reason)s") % {"reason": overrides[unit.id].reason})
            old = AreaRisk.objects.filter(admin_unit=unit).first()
            old_level = old.level if old else RiskLevel.LOW
            AreaRisk.objects.update_or_create(
                admin_unit=unit,
                defaults={
                    "computed_level": computed,
                    "level": level,
                    "score": likelihood * impact,
                    "reasons": reasons,
                    "updated_at": timezone.now(),
                },
            )
            if RISK_ORDER[RiskLevel(level)] > RISK_ORDER[RiskLevel(old_level)]:
                notes += _notify(unit, old_level, level)
    return notes


def _notify(unit: AdminUnit, old: str, new: str) -> list[Notification]:
    notes = []
    for sub in Subscription.objects.select_related("admin_unit", "user"):
        if not unit.path.startswith(sub.admin_unit.path):
            continue
        threshold = RISK_ORDER[RiskLevel(sub.min_level)]
        if RISK_ORDER[RiskLevel(old)] < threshold <= RISK_ORDER[RiskLevel(new)]:
            if access.has_perm(sub.user, "warning.view") and access.in_scope(sub.user, unit.path):
                note = Notification.objects.create(
                    user=sub.user, admin_unit=unit, old_level=old, new_level=new
                )
                # Outbox: the e-mail job is queued in the same transaction as the notification.
                job_enqueue("warning.notify", {"notification_id": note.id})
                notes.append(note)
    return notes


def risk_override(
    user: Any,
    unit: AdminUnit,
    level: str,
    reason: str,
    *,
    valid_until: date | None = None,
    request: Any = None,
) -> RiskOverride:
    """Set an area's risk level by hand; the reason is required and the change is audited."""
    access.require(user, "warning.override")
    if not access.in_scope(user, unit.path):
        raise WarningError(_("%(place)s is outside your areas") % {"place": unit.name})
    if level not in RiskLevel.values:
        raise WarningError(_("unknown risk level %(level)r") % {"level": level})
    reason = (reason or "").strip()
    if len(reason) < 10:
        raise WarningError(_("give the reason for the override (at least 10 characters)"))
    with transaction.atomic():
        RiskOverride.objects.filter(admin_unit=unit, active=True).update(active=False)
        override = RiskOverride.objects.create(
            admin_unit=unit, level=level, reason=reason, created_by=user, valid_until=valid_until
        )
        risk = AreaRisk.objects.filter(admin_unit=unit).first()
        previous = risk.level if risk else None
        AreaRisk.objects.update_or_create(
            admin_unit=unit,
            defaults={
                "level": level,
                "computed_level": risk.computed_level if risk else RiskLevel.LOW,
                "updated_at": timezone.now(),
            },
        )
        audit.record(
            "warning.override",
            actor=user,
            obj=override,
            summary=f"risk level of {unit.pcode} set to {level}",
            details={"pcode": unit.pcode, "from": previous, "to": level, "reason": reason},
            request=request,
        )
    return override


def hotspot_tier_set(user: Any, unit: AdminUnit, tier: str, note: str = "") -> HotspotTier:
    access.require(user, "warning.override")
    if not access.in_scope(user, unit.path):
        raise WarningError(_("%(place)s is outside your areas") % {"place": unit.name})
    obj, _created = HotspotTier.objects.update_or_create(
        admin_unit=unit,
        defaults={"tier": tier, "note": note, "set_by": user, "set_at": timezone.now()},
    )
    audit.record(
        "warning.tier", actor=user, obj=obj, summary=f"hotspot tier of {unit.pcode}: {tier}"
    )
    return obj


def subscribe(user: Any, unit: AdminUnit, min_level: str = RiskLevel.HIGH) -> Subscription:
    access.require(user, "warning.view")
    if not access.in_scope(user, unit.path):
        raise WarningError(_("%(place)s is outside your areas") % {"place": unit.name})
    sub, _created = Subscription.objects.update_or_create(
        user=user, admin_unit=unit, defaults={"min_level": min_level}
    )
    return sub
