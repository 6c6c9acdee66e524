"""Background jobs of the indicators app: thin, call a service.

``indicators.compute`` computes the current month and quarter (or a given period) and queues its
next run for the next day, so once started it repeats daily; the dedupe key keeps one per day.
``exports.run`` writes a large export to the data folder with progress (see interop.jobs)."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from django.utils import timezone

from sauti.core.jobs import job, job_enqueue
from sauti.indicators.periods import month_of, quarter_of


def schedule_next(after: datetime | None = None) -> None:
    """Queue tomorrow's run (once per day whatever the number of callers)."""
    day = timezone.localdate(after) + timedelta(days=1)
    run_after = timezone.make_aware(datetime.combine(day, time(2, 0)))
    job_enqueue("indicators.compute", {}, run_after=run_after, dedupe_key=f"indicators:{day}")


@job("indicators.compute")
def compute(period: str | None = None) -> dict[str, Any]:
    from sauti.indicators.services import indicators_compute

    if period:
        result = indicators_compute(period)
        return {"period": period, "snapshots": result.snapshots}
    from sauti.interop.jobs import exports_cleanup

    today = timezone.localdate()
    done: dict[str, Any] = {
        p: indicators_compute(p).snapshots for p in (month_of(today), quarter_of(today))
    }
    done["export_files_removed"] = exports_cleanup()  # the daily run also clears old downloads
    schedule_next()
    return done


@job("exports.run")
def export_run_job(
    job_id: int,
    user_id: int,
    kind: str,
    fmt: str,
    area: str = "",
    detail: bool = False,
    period: str = "",
    unsuppressed: bool = False,
) -> dict[str, Any]:
    """A large export written to the data folder; the page polls the job and then downloads it.
    Idempotent: a retried job rewrites its own file."""
    from sauti.interop.jobs import export_file_run

    return export_file_run(job_id, user_id, kind, fmt, area, detail, period, unsuppressed)
