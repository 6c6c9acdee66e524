"""Background jobs of intake: thin, load by id and call a service.

``channels.retention`` applies DP-9 (``channels.retention``) and queues its next run for the next
day, so once started (``sauti channels purge`` starts it) it repeats daily; the dedupe key keeps
one per day."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django.utils import timezone

from sauti.channels import break_glass, callbacks, intake, outbound, retention, services
from sauti.core.jobs import job, job_enqueue, job_pump

RETENTION_HOUR = time(3, 0)  # local time: after the night's indicators (02:00), before the day


@job("channels.process_inbound")
def process_inbound(inbound_id: int) -> dict[str, Any]:
    """Jobs queued per message by earlier versions; intake now drains the raw table itself."""
    message = services.inbound_process(inbound_id)
    return {"state": message.processing_state, "alert": message.alert_id}


@job_pump("channels.intake", batch=lambda: intake.batch_size())
def drain_intake(limit: int) -> int:
    """Stored raw messages become alerts, a batch at a time (``channels.intake``); their
    acknowledgements start on the sending pool at once, recorded by the pump below."""
    return intake.intake_drain(min(limit, intake.batch_size()), send_acks=True)


@job_pump("channels.outbound", settle=outbound.outbound_settle)
def drain_outbound(limit: int) -> int:
    """Queued SMS (acknowledgements, feedback, broadcasts) are sent, a batch at a time, on
    threads: the worker records them on a later turn and never waits for a gateway."""
    return outbound.outbound_pump(min(limit, outbound.BATCH))


@job(callbacks.RETRY_JOB)
def callback_retry(alert: int, since: str, round: int = 0) -> dict[str, Any]:
    """The retry window after an UNREACHABLE callback round (``callbacks.callback_retry``)."""
    reopened = callbacks.callback_retry(alert, since)
    return {"reopened": reopened is not None, "round": round}


@job(break_glass.EXPIRE_JOB)
def break_glass_expire(grant: int) -> dict[str, Any]:
    """At a grant's expiry time: every approved grant past its time is recorded ``EXPIRED``."""
    return {"grant": grant, "expired": break_glass.reveal_expire_due()}


@job(break_glass.NOTICE_JOB)
def break_glass_notice(grant: int, user: int, step: str) -> dict[str, Any]:
    """E-mail one CLA of the reporter's line about a break-glass request or approval."""
    return {"emailed": break_glass.break_glass_email(grant, user, step)}


@job("channels.send_outbound")
def send_outbound(outbound_id: int) -> dict[str, Any]:
    """Jobs queued per message by earlier versions; the pump above now sends from the table."""
    return {"status": outbound.outbound_send(outbound_id)}


def retention_schedule(after: datetime | None = None) -> date:
    """Queue tomorrow's retention run (once per day whatever the number of callers); its day."""
    day = timezone.localdate(after) + timedelta(days=1)
    run_after = timezone.make_aware(datetime.combine(day, RETENTION_HOUR))
    job_enqueue("channels.retention", {}, run_after=run_after, dedupe_key=f"retention:{day}")
    return day


@job("channels.retention")
def retention_run(today: str = "") -> dict[str, Any]:
    """Erase raw messages, reporter identities and alert narratives past DP-9, one chunk of each per job.

    A job runs inside one transaction (``core.jobs.job_run``), which on SQLite holds the write
    lock from its start: a backlog (the first run on an old database) is therefore worked off one
    chunk per job, each job queueing the next at once with the same ``today``, so webhooks wait
    at most one chunk. Tomorrow's run is queued by every job (one per day, by dedupe key)."""
    day = date.fromisoformat(today) if today else timezone.localdate()
    raw = retention.inbound_raw_purge(today=day, limit=retention.CHUNK)
    ids = retention.reporter_identity_purge(today=day, limit=retention.CHUNK)
    texts = retention.alert_narrative_purge(today=day, limit=retention.CHUNK)
    if raw.more or ids.more or texts.more:
        job_enqueue("channels.retention", {"today": day.isoformat()})
    retention_schedule()
    return {
        "today": day.isoformat(),
        "raw_linked": raw.linked,
        "raw_unlinked": raw.unlinked,
        "reporters": ids.reporters,
        "phones": ids.phones,
        "sender_numbers": ids.messages,
        "undated": ids.undated,
        "narratives": texts.alerts,
        "more": raw.more or ids.more or texts.more,
    }
