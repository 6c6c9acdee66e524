"""Background jobs of the early-warning app: thin, call a service.

``warning.detect`` counts the alerts that arrived since the last run (incrementally), runs the
detectors for the current week and updates risk levels and notifications; queue it on a schedule
(e.g. hourly) or after an import."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone, translation

from sauti.core.jobs import job
from sauti.warning.models import Notification, RiskLevel
from sauti.warning.services import detect_run, risk_update


@job("warning.detect")
def detect(week: str | None = None) -> dict[str, Any]:
    from datetime import date

    day = date.fromisoformat(week) if week else None
    flags = detect_run(day)
    notes = risk_update(day)
    return {"flags": len(flags), "notifications": len(notes)}


@job("warning.notify")
def notify(notification_id: int) -> dict[str, Any]:
    """E-mail one risk-level notification to its officer (at least once; marked so a retry after
    success does not send it again)."""
    note = Notification.objects.select_related("user", "admin_unit").get(pk=notification_id)
    if note.emailed_at is not None or not note.user.email:
        return {"emailed": False}
    language = note.user.preferred_language or settings.LANGUAGE_CODE
    with translation.override(language):
        from django.utils.translation import gettext as _

        text = _("%(place)s rose from %(old)s to %(new)s") % {
            "place": note.admin_unit.name,
            "old": RiskLevel(note.old_level).label,
            "new": RiskLevel(note.new_level).label,
        }
    send_mail(
        f"[Sauti] {text}", text, getattr(settings, "DEFAULT_FROM_EMAIL", None), [note.user.email]
    )
    Notification.objects.filter(pk=note.pk).update(emailed_at=timezone.now())
    return {"emailed": True}
