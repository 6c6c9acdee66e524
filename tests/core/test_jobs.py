"""Background jobs claimed from the database: retries with back-off, no double run, no blocking."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from sauti.core import jobs
from sauti.core.models import Job

pytestmark = pytest.mark.django_db

CALLS: list[Any] = []


@jobs.job("test.record")
def _record(value: int) -> dict[str, int]:
    CALLS.append(value)
    return {"doubled": value * 2}


@jobs.job("test.explode")
def _explode() -> None:
    raise RuntimeError("gateway down for +23672000001")


@pytest.fixture(autouse=True)
def _clear() -> None:
    CALLS.clear()


def test_enqueue_claim_run() -> None:
    job = jobs.job_enqueue("test.record", {"value": 21})
    assert jobs.run_pending() == 1
    job.refresh_from_db()
    assert job.status == Job.Status.DONE and job.result == {"doubled": 42} and CALLS == [21]


def test_unknown_handler_is_refused_at_enqueue() -> None:
    with pytest.raises(ValueError, match="no job handler"):
        jobs.job_enqueue("test.nope")


def test_failing_job_retries_with_backoff_and_does_not_block_others() -> None:
    bad = jobs.job_enqueue("test.explode", max_attempts=3)
    good = jobs.job_enqueue("test.record", {"value": 1})
    jobs.run_pending()
    bad.refresh_from_db()
    good.refresh_from_db()
    assert good.status == Job.Status.DONE
    assert bad.status == Job.Status.FAILED and bad.attempts == 1
    # The error names the type and the place, never the message (it may hold personal data).
    assert bad.last_error.startswith("builtins.RuntimeError") and "test_jobs.py" in bad.last_error
    assert "+236" not in bad.last_error and "gateway down" not in bad.last_error
    assert bad.run_after > timezone.now() + timedelta(
        seconds=3
    )  # backed off, not immediately retried
    # Make it due again twice: the third failure gives up.
    for expected in (Job.Status.FAILED, Job.Status.DEAD):
        Job.objects.filter(pk=bad.pk).update(run_after=timezone.now())
        jobs.run_pending()
        bad.refresh_from_db()
        assert bad.status == expected
    assert bad.attempts == 3


def test_backoff_grows_and_is_capped() -> None:
    assert [jobs.backoff(n).total_seconds() for n in (1, 2, 3)] == [5, 10, 20]
    assert jobs.backoff(50).total_seconds() == 3600


def test_a_claimed_job_is_not_claimed_twice() -> None:
    jobs.job_enqueue("test.record", {"value": 1})
    first = jobs.job_claim("worker-a")
    assert first is not None
    assert jobs.job_claim("worker-b") is None  # the only job is leased to worker-a


def test_expired_lease_is_taken_over() -> None:
    """A worker killed mid-job loses its lease; another worker runs the job again."""
    jobs.job_enqueue("test.record", {"value": 7})
    claimed = jobs.job_claim("worker-a")
    assert claimed is not None
    Job.objects.filter(pk=claimed.pk).update(locked_until=timezone.now() - timedelta(seconds=1))
    again = jobs.job_claim("worker-b")
    assert again is not None and again.pk == claimed.pk and again.locked_by == "worker-b"


def test_dedupe_key_makes_enqueue_idempotent() -> None:
    a = jobs.job_enqueue("test.record", {"value": 1}, dedupe_key="ack:42")
    b = jobs.job_enqueue("test.record", {"value": 1}, dedupe_key="ack:42")
    assert a.pk == b.pk and Job.objects.count() == 1


def test_worker_command_runs_ready_jobs() -> None:
    jobs.job_enqueue("test.record", {"value": 3})
    jobs.job_enqueue("test.record", {"value": 4}, run_after=timezone.now() + timedelta(hours=1))
    call_command("worker", "--once", "--poll", "0")
    assert CALLS == [3]
    assert Job.objects.filter(status=Job.Status.QUEUED).count() == 1


def test_deduped_enqueue_is_one_statement_and_never_touches_an_existing_job(
    django_assert_num_queries,
) -> None:
    later = timezone.now() + timedelta(hours=1)
    first = jobs.job_enqueue("test.record", {"value": 1}, run_after=later, dedupe_key="k:1")
    with django_assert_num_queries(1):
        jobs.job_enqueue_deduped(
            "test.record", [(later + timedelta(minutes=5), "k:1"), (later, "k:2"), (later, "k:3")]
        )
    assert Job.objects.count() == 3
    kept = Job.objects.get(dedupe_key="k:1")
    assert (kept.pk, kept.run_after, kept.payload) == (first.pk, first.run_after, {"value": 1})
    jobs.job_enqueue_deduped("test.record", [(later, "k:2")])  # a retry adds nothing
    assert Job.objects.count() == 3
    with pytest.raises(ValueError, match="no job handler"):
        jobs.job_enqueue_deduped("no.such.job", [(later, "k:9")])


class _Stop(Exception):
    pass


def test_worker_lingers_after_a_partial_batch_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """A steady stream is taken in fuller batches: after a turn that took some items but not a
    full batch the worker waits ``--linger``; after a full batch it goes on at once; with
    nothing to do it waits ``--poll``."""
    from sauti.core.management.commands import worker

    handed = iter([3, 5, 0])  # partial, full (the batch is 5), nothing
    sleeps: list[float] = []

    def pump(limit: int) -> int:
        assert limit == 5  # the pump's own batch, not the worker's default limit
        return next(handed)

    def sleep(seconds: float) -> None:
        sleeps.append(seconds)
        if len(sleeps) == 2:
            raise _Stop

    monkeypatch.setattr(jobs, "_PUMPS", {"test.stream": pump})
    monkeypatch.setattr(jobs, "_BATCH", {"test.stream": lambda: 5})
    monkeypatch.setattr(jobs, "_SETTLE", {})
    monkeypatch.setattr(worker.time, "sleep", sleep)
    # A long-running worker drops stale connections each turn; the test's own must stay.
    monkeypatch.setattr(worker, "close_old_connections", lambda: None)
    with pytest.raises(_Stop):
        call_command("worker", "--poll", "0.7", "--linger", "0.03")
    assert sleeps == [0.03, 0.7]  # after the partial turn, none after the full one, then idle


def test_pumps_turn_reports_backlog_and_survives_a_failing_pump(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken(limit: int) -> int:
        raise RuntimeError("queue table missing")

    monkeypatch.setattr(jobs, "_PUMPS", {"a": broken, "b": lambda limit: limit, "c": lambda _: 1})
    monkeypatch.setattr(jobs, "_BATCH", {"b": lambda: 7})
    turn = jobs.pumps_turn(limit=200)
    assert turn == jobs.Turn(handled=8, backlog=True)  # b filled its batch of 7
    monkeypatch.setattr(jobs, "_PUMPS", {"c": lambda _: 1})
    assert jobs.pumps_turn(limit=200) == jobs.Turn(handled=1, backlog=False)
    assert jobs.pumps_run() == 1


@pytest.mark.parametrize("option", ["--poll", "--linger"])
@pytest.mark.parametrize("value", ["-1", "61", "nan"])
def test_worker_refuses_a_wait_out_of_range(option: str, value: str) -> None:
    jobs.job_enqueue("test.record", {"value": 5})
    with pytest.raises(CommandError, match=f"{option} must be between 0 and 60 seconds"):
        call_command("worker", "--once", option, value)
    assert CALLS == []  # nothing ran
