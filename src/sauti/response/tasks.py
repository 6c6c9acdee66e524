"""Background jobs of the response app: thin, load by id and call a service.

``response.escalate`` is queued by every transition for the minute its new deadline falls due
(one job per minute, by dedupe key), so deadlines are checked on time without a scheduler; the
worker's lease makes a crashed scan run again."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone

from sauti.core.jobs import job
from sauti.response.models import Notification
from sauti.response.services import escalate_due


@job("response.escalate")
def escalate() -> dict[str, Any]:
    return escalate_due(timezone.now())


@job("response.notify")
def notify(notification_id: int) -> dict[str, Any]:
    """Email one in-app notification to its user (at least once; marked so a retry after success
    does not send it again)."""
    note = Notification.objects.select_related("user").get(pk=notification_id)
    if note.emailed_at is not None or not note.user.email:
        return {"emailed": False}
    send_mail(
        f"[Sauti] {note.kind}",
        note.text,
        getattr(settings, "DEFAULT_FROM_EMAIL", None),
        [note.user.email],
    )
    Notification.objects.filter(pk=note.pk).update(emailed_at=timezone.now())
    return {"emailed": True}
