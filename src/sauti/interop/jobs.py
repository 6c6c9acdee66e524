"""Large exports as background jobs: the file is written under the data folder, progress goes to
the job row (polled by the page), and only the user who asked may download it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings

from sauti.accounts.models import User
from sauti.core.jobs import job_enqueue, job_progress
from sauti.core.models import Job
from sauti.interop.service import EXTENSIONS, ExportRequest, export_run, validate


def export_dir() -> Path:
    path = Path(settings.DATA_DIR) / "exports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def export_enqueue(user: User, req: ExportRequest) -> Job:
    """Check the request now (a bad one is refused at once), then queue it."""
    validate(user, req)
    job = job_enqueue(
        "exports.run",
        {
            "job_id": 0,
            "user_id": user.pk,
            "kind": req.kind,
            "fmt": req.fmt,
            "area": req.area,
            "detail": req.detail,
            "period": req.period,
            "unsuppressed": req.unsuppressed,
        },
        max_attempts=3,
    )
    job.payload["job_id"] = job.pk
    job.save(update_fields=["payload"])
    return job


def export_file_run(
    job_id: int,
    user_id: int,
    kind: str,
    fmt: str,
    area: str,
    detail: bool,
    period: str,
    unsuppressed: bool,
) -> dict[str, Any]:
    user = User.objects.get(pk=user_id, is_active=True)
    req = ExportRequest(
        kind, fmt, area=area, unsuppressed=unsuppressed, detail=detail, period=period
    )
    path = export_dir() / f"job-{job_id}.{EXTENSIONS[fmt]}"
    tmp = path.with_name(path.name + ".part")
    estimate = 1000

    def progress(rows: int) -> None:
        nonlocal estimate
        estimate = max(estimate, rows * 2)
        job_progress(job_id, min(0.95, rows / estimate))

    with tmp.open("wb") as fh:
        result = export_run(user, req, fh, progress=progress)
    tmp.replace(path)
    return {
        "file": path.name,
        "filename": result.filename,
        "content_type": result.content_type,
        "rows": result.rows,
        "watermark": result.watermark,
        "user_id": user_id,
    }


def export_job_file(job: Job) -> Path | None:
    name = (job.result or {}).get("file")
    if job.status != Job.Status.DONE or not name:
        return None
    path = export_dir() / name
    return path if path.exists() else None


KEEP_HOURS = 24


def exports_cleanup(now: float | None = None, keep_hours: int = KEEP_HOURS) -> int:
    """Delete export files older than ``keep_hours`` (minimisation: a download link is for the day
    it was asked; the audit record stays). Returns how many files were removed."""
    import time

    limit = (now if now is not None else time.time()) - keep_hours * 3600
    removed = 0
    for path in export_dir().iterdir():
        if path.is_file() and path.stat().st_mtime < limit:
            path.unlink(missing_ok=True)
            removed += 1
    return removed
