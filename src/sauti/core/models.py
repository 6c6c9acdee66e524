"""Background jobs, kept in the database so no broker is needed."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Job(models.Model):
    """One unit of background work, claimed by a `sauti worker` process."""

    class Status(models.TextChoices):
        QUEUED = "QUEUED", _("Queued")
        RUNNING = "RUNNING", _("Running")
        DONE = "DONE", _("Done")
        FAILED = "FAILED", _("Failed (will retry)")
        DEAD = "DEAD", _("Dead (gave up)")

    name = models.CharField(max_length=100, db_index=True)
    # Payloads hold ids and plain values only, never personal data (they are not encrypted).
    payload = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    run_after = models.DateTimeField(default=timezone.now)
    attempts = models.PositiveIntegerField(default=0)
    max_attempts = models.PositiveIntegerField(default=8)
    locked_by = models.CharField(max_length=100, blank=True)
    locked_until = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    progress = models.FloatField(default=0.0)
    result = models.JSONField(default=dict, blank=True)
    # A key makes enqueueing idempotent: the same key never creates a second job.
    dedupe_key = models.CharField(max_length=200, null=True, blank=True, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["status", "run_after"], name="job_ready_idx")]
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.name}#{self.pk} {self.status}"
