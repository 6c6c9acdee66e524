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
from sauti.response.services import escalate_due, transmission_sms_send

BATCH = 500


@job("response.escalate")
def escalate() -> dict[str, Any]:
    """Scan in batches until no overdue alert is left (a backlog after an outage is cleared)."""
    total = {"flagged": 0, "escalated": 0, "seen": 0}
    while True:
        counts = escalate_due(timezone.now(), limit=BATCH)
        for key in total:
            total[key] += counts[key]
        if counts["seen"] < BATCH or counts["flagged"] + counts["escalated"] == 0:
            return total


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


@job("response.metrics_rollup")
def metrics_rollup(months: int = 13) -> dict[str, Any]:
    """Roll up the current month up to last midnight and the ``months`` before it (late
    transitions — feedback given weeks later — change past months, so they are recomputed), then
    queue tomorrow's run (one per day, by dedupe key)."""
    from datetime import timedelta

    from sauti.core.jobs import job_enqueue
    from sauti.response.metrics import _month_start
    from sauti.response.metrics import metrics_rollup as rollup

    now = timezone.now()
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    month = _month_start(now)
    rows = rollup(month, through=midnight)  # the current month up to last midnight
    for _i in range(months):
        month = _month_start(month - timedelta(days=1))
        rows += rollup(month)
    tomorrow = (now + timedelta(days=1)).replace(hour=1, minute=0, second=0, microsecond=0)
    job_enqueue(
        "response.metrics_rollup",
        {"months": 2},
        run_after=tomorrow,
        dedupe_key=f"metrics_rollup:{tomorrow:%Y%m%d}",
    )
    return {"rows": rows}


@job("response.sms_transmission")
def sms_transmission(transmission_id: int) -> dict[str, Any]:
    return {"status": transmission_sms_send(transmission_id)}
