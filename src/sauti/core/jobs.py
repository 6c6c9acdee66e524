"""The job queue: enqueue, claim, run, retry with back-off.

Claiming uses a conditional UPDATE (``WHERE id = ? AND status IN (ready states)``), which is
atomic on SQLite and PostgreSQL alike, so several workers never run one job twice. A worker that
dies holds its job only until its lease expires; another worker then takes it again. Handlers
must therefore be idempotent.
"""

from __future__ import annotations

import logging
import os
import socket
import sys
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from sauti.core.models import Job

log = logging.getLogger(__name__)

Handler = Callable[..., Any]
_HANDLERS: dict[str, Handler] = {}


def job(name: str) -> Callable[[Handler], Handler]:
    """Register a function as the handler of jobs named ``name``."""

    def register(func: Handler) -> Handler:
        if name in _HANDLERS and _HANDLERS[name] is not func:
            raise ValueError(f"job handler {name!r} registered twice")
        _HANDLERS[name] = func
        return func

    return register


def handlers() -> dict[str, Handler]:
    return dict(_HANDLERS)


Pump = Callable[[int], int]
Settle = Callable[[], int]
BatchSize = Callable[[], int]
_PUMPS: dict[str, Pump] = {}
_SETTLE: dict[str, Settle] = {}
_BATCH: dict[str, BatchSize] = {}


def job_pump(
    name: str, *, settle: Settle | None = None, batch: BatchSize | None = None
) -> Callable[[Pump], Pump]:
    """Register a source of work that keeps its own queue (intake's raw-message table): the
    worker calls ``pump(limit)`` on every turn; it returns how many items it handled.

    ``settle``: for a pump that leaves work under way between turns (SMS being sent on threads):
    waits for it and records it; the worker calls it before it stops, and ``run_pending`` before
    it reports the queue empty.

    ``batch``: the most the pump takes in one turn (its ``limit`` is never more). A turn that
    fills it tells the worker more is waiting (``Turn.backlog``); one that does not lets the
    worker wait a little for more (``sauti worker --linger``)."""

    def register(func: Pump) -> Pump:
        if name in _PUMPS and _PUMPS[name] is not func:
            raise ValueError(f"job pump {name!r} registered twice")
        _PUMPS[name] = func
        if settle is not None:
            _SETTLE[name] = settle
        if batch is not None:
            _BATCH[name] = batch
        return func

    return register


def pumps_settle() -> int:
    """Finish the work the pumps left under way; items handled."""
    handled = 0
    for name, settle in _SETTLE.items():
        try:
            handled += settle()
        except Exception:
            log.error("job pump %s failed to settle:\n%s", name, error_summary())
    return handled


@dataclass(frozen=True)
class Turn:
    """What one turn of the pumps did: items handled in all, and whether a pump took all it
    could (its batch, else the turn's limit): then more is probably waiting."""

    handled: int
    backlog: bool


def pumps_turn(limit: int = 200) -> Turn:
    """One turn of every pump. A pump that raises is logged (type and frames only) and the
    others still run."""
    handled, backlog = 0, False
    for name, pump in _PUMPS.items():
        size = min(limit, _BATCH[name]()) if name in _BATCH else limit
        try:
            done = pump(size)
        except Exception:
            log.error("job pump %s failed:\n%s", name, error_summary())
            continue
        handled += done
        backlog = backlog or done >= size
    return Turn(handled, backlog)


def pumps_run(limit: int = 200) -> int:
    """One turn of every pump; items handled in all."""
    return pumps_turn(limit).handled


def job_enqueue(
    name: str,
    payload: dict[str, Any] | None = None,
    *,
    run_after: Any = None,
    dedupe_key: str | None = None,
    max_attempts: int | None = None,
) -> Job:
    """Queue a job. Call inside the transaction that makes it necessary (outbox pattern)."""
    if name not in _HANDLERS:
        raise ValueError(f"no job handler named {name!r}")
    fields = {
        "name": name,
        "payload": payload or {},
        "run_after": run_after or timezone.now(),
        "max_attempts": max_attempts or settings.SAUTI_JOB_MAX_ATTEMPTS,
    }
    if dedupe_key:
        existing, _created = Job.objects.get_or_create(dedupe_key=dedupe_key, defaults=fields)
        return existing
    return Job.objects.create(**fields)


def job_enqueue_deduped(name: str, runs: list[tuple[Any, str]]) -> None:
    """Queue one job per (run_after, dedupe_key) unless a job with that key exists, in one
    statement (``INSERT … ON CONFLICT DO NOTHING``). For hot paths that queue a few scheduled
    jobs per batch (intake's escalation scans): ``job_enqueue``'s get-or-create costs a read, a
    savepoint and a write per job."""
    if name not in _HANDLERS:
        raise ValueError(f"no job handler named {name!r}")
    if not runs:
        return
    attempts = settings.SAUTI_JOB_MAX_ATTEMPTS
    Job.objects.bulk_create(
        [
            Job(name=name, payload={}, run_after=run_after, dedupe_key=key, max_attempts=attempts)
            for run_after, key in runs
        ],
        ignore_conflicts=True,
    )


def worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _ready_q(now: Any) -> Q:
    ready = Q(status__in=[Job.Status.QUEUED, Job.Status.FAILED], run_after__lte=now)
    expired = Q(status=Job.Status.RUNNING, locked_until__lt=now)
    return ready | expired


def job_claim(worker: str | None = None) -> Job | None:
    """Claim the next ready job, or None. Safe with many workers on SQLite and PostgreSQL."""
    worker = worker or worker_id()
    for _ in range(5):
        now = timezone.now()
        candidate = (
            Job.objects.filter(_ready_q(now))
            .order_by("run_after", "id")
            .values_list("id", flat=True)
            .first()
        )
        if candidate is None:
            return None
        lease = now + timedelta(seconds=settings.SAUTI_JOB_LEASE_SECONDS)
        won = Job.objects.filter(Q(id=candidate) & _ready_q(now)).update(
            status=Job.Status.RUNNING, locked_by=worker, locked_until=lease
        )
        if won:
            return Job.objects.get(id=candidate)
    return None


def backoff(attempts: int) -> timedelta:
    """Delay before retry number ``attempts``: 5 s, 10 s, 20 s … capped at one hour."""
    return timedelta(seconds=min(5 * 2 ** max(attempts - 1, 0), 3600))


def error_summary() -> str:
    """The current exception's type and stack frames, without its message.

    Exception messages can carry what a job was processing (a sender's number, a message text),
    and job rows and logs are not encrypted (DP-16), so only the type and where it happened are kept.
    """
    exc_type, _exc, tb = sys.exc_info()
    frames = traceback.extract_tb(tb, limit=12)
    lines = [f"{exc_type.__module__}.{exc_type.__qualname__}" if exc_type else "unknown error"]
    lines += [f"  {f.filename.rsplit('/sauti/', 1)[-1]}:{f.lineno} in {f.name}" for f in frames]
    return "\n".join(lines)[:4000]


def job_run(claimed: Job) -> Job:
    """Run a claimed job and record the outcome; a failure is recorded, never raised."""
    handler = _HANDLERS.get(claimed.name)
    claimed.attempts += 1
    try:
        if handler is None:
            raise LookupError(f"no handler registered for job {claimed.name!r}")
        with transaction.atomic():
            result = handler(**claimed.payload)
        claimed.status = Job.Status.DONE
        claimed.result = result if isinstance(result, dict) else {"value": result}
        claimed.progress = 1.0
        claimed.finished_at = timezone.now()
        claimed.last_error = ""
    except Exception:
        claimed.last_error = error_summary()
        if claimed.attempts >= claimed.max_attempts:
            claimed.status = Job.Status.DEAD
            claimed.finished_at = timezone.now()
            log.error("job %s gave up after %s attempts", claimed, claimed.attempts)
        else:
            claimed.status = Job.Status.FAILED
            claimed.run_after = timezone.now() + backoff(claimed.attempts)
            log.warning("job %s failed (attempt %s), retrying", claimed, claimed.attempts)
    claimed.locked_by = ""
    claimed.locked_until = None
    claimed.save()
    return claimed


def job_progress(job_id: int, fraction: float) -> None:
    """Report progress (0..1) of a running job, shown on pages that poll it."""
    Job.objects.filter(id=job_id).update(progress=max(0.0, min(1.0, fraction)))


def run_pending(limit: int = 1000, worker: str | None = None) -> int:
    """Run pumps and ready jobs until none is left (or ``limit``); how many items ran. Tests use it."""
    ran = 0
    while ran < limit:
        pumped = pumps_run()
        claimed = job_claim(worker)
        if claimed is None:
            pumped += 0 if pumped else pumps_settle()
            if pumped:
                ran += pumped
                continue
            break
        job_run(claimed)
        ran += 1 + pumped
    return ran
