"""The retry window (domain.md §4.1, docs/intake.md "Callbacks"): an alert that went UNREACHABLE
because nobody answered comes back to CALLBACK_PENDING with a new callback task some hours later,
a limited number of times, through a job queued in the same transaction; never after a wrong
number, never when the alert moved on or its reporter asked not to be contacted."""

from __future__ import annotations

from datetime import datetime, timedelta
from unittest import mock

import pytest
from django.utils import timezone

from sauti.accounts.models import User
from sauti.alerts.models import Alert
from sauti.alerts.workflow import AlertState, alert_transition
from sauti.channels import callbacks, conf
from sauti.channels.callbacks import callback_record
from sauti.channels.models import CallbackTask, Channel, Reporter
from sauti.core.jobs import run_pending
from sauti.core.models import Job

from .test_callbacks import PHONE, beep

pytestmark = pytest.mark.django_db
S = AlertState
HOURS = timedelta(hours=conf.CALLBACK_RETRY_AFTER_HOURS)


def _fail_round(task: CallbackTask, cla: User, start: datetime) -> datetime:
    """Three unanswered calls, 15 minutes apart, from ``start``; when the last one was made."""
    when = start
    for i in range(conf.CALLBACK_MAX_ATTEMPTS):
        when = start + timedelta(minutes=15 * i)
        callback_record(task.pk, cla, "NO_ANSWER", now=when)
    return when


def _run_at(when: datetime) -> int:
    with mock.patch("django.utils.timezone.now", return_value=when):
        return run_pending()


def _open_task(alert_id: int) -> CallbackTask | None:
    return CallbackTask.objects.filter(alert_id=alert_id, outcome="PENDING").first()


def test_an_unanswered_round_comes_back_after_the_window(missed_channel: Channel, cla_bria):
    task = beep(missed_channel)
    ended = _fail_round(task, cla_bria, timezone.now())
    alert = Alert.objects.get(pk=task.alert_id)
    assert alert.state == S.UNREACHABLE
    job = Job.objects.get(name=callbacks.RETRY_JOB)
    assert job.run_after == ended + HOURS
    assert "+236" not in str(job.payload)  # the payload names the alert, never the number
    _run_at(ended + HOURS - timedelta(minutes=1))
    assert Alert.objects.get(pk=alert.pk).state == S.UNREACHABLE, "retried before its time"
    _run_at(ended + HOURS + timedelta(seconds=1))
    alert.refresh_from_db()
    assert alert.state == S.CALLBACK_PENDING
    last = alert.transitions.order_by("id").last()
    assert (last.from_state, last.to_state, last.by) == ("UNREACHABLE", "CALLBACK_PENDING", None)
    assert "retry window" in last.reason and "round 2" in last.reason
    new = _open_task(alert.pk)
    assert new is not None and new.pk != task.pk and new.attempts == 0
    assert new.due_at == ended + HOURS + timedelta(seconds=1, minutes=conf.CALLBACK_MINUTES)
    assert callbacks.callbacks_open(cla_bria).filter(pk=new.pk).exists()
    # The job ran once: running the queue again opens nothing more.
    _run_at(ended + HOURS + timedelta(minutes=5))
    assert CallbackTask.objects.filter(alert=alert).count() == 2


def test_rounds_are_limited(missed_channel: Channel, cla_bria):
    task = beep(missed_channel)
    start = timezone.now()
    for _round in range(1 + conf.CALLBACK_RETRY_ROUNDS):
        ended = _fail_round(task, cla_bria, start)
        start = ended + HOURS + timedelta(seconds=1)
        _run_at(start)
        task = _open_task(task.alert_id) or task
    alert = Alert.objects.get(pk=task.alert_id)
    assert alert.state == S.UNREACHABLE, "a round beyond SAUTI_CALLBACK_RETRY_ROUNDS"
    assert CallbackTask.objects.filter(alert=alert).count() == 1 + conf.CALLBACK_RETRY_ROUNDS
    assert Job.objects.filter(name=callbacks.RETRY_JOB).count() == conf.CALLBACK_RETRY_ROUNDS
    _run_at(start + 10 * HOURS)
    assert Alert.objects.get(pk=alert.pk).state == S.UNREACHABLE


def test_no_rounds_when_set_to_zero(missed_channel: Channel, cla_bria, monkeypatch):
    monkeypatch.setattr(conf, "CALLBACK_RETRY_ROUNDS", 0)
    task = beep(missed_channel)
    _fail_round(task, cla_bria, timezone.now())
    assert not Job.objects.filter(name=callbacks.RETRY_JOB).exists()


def test_a_wrong_number_is_never_retried(missed_channel: Channel, cla_bria):
    task = beep(missed_channel)
    callback_record(task.pk, cla_bria, "WRONG_NUMBER", now=timezone.now())
    assert not Job.objects.filter(name=callbacks.RETRY_JOB).exists()


def test_an_alert_that_moved_on_is_left_alone(missed_channel: Channel, cla_bria):
    task = beep(missed_channel)
    ended = _fail_round(task, cla_bria, timezone.now())
    # The reporter beeped again meanwhile: reopened at once, reached and recorded.
    beep(missed_channel, PHONE, "call-2")
    reopened = _open_task(task.alert_id)
    assert reopened is not None
    callback_record(reopened.pk, cla_bria, "REACHED", now=timezone.now())
    _run_at(ended + HOURS + timedelta(seconds=1))
    alert = Alert.objects.get(pk=task.alert_id)
    assert alert.state == S.RECORDED
    assert _open_task(alert.pk) is None


def test_unreachable_again_at_another_time_is_that_times_job(missed_channel: Channel, cla_bria):
    task = beep(missed_channel)
    first_end = _fail_round(task, cla_bria, timezone.now())
    # Reopened by hand (a beep) and unreachable again an hour later: its own job, its own time.
    alert = Alert.objects.get(pk=task.alert_id)
    callbacks.callback_reopen(alert.reporter, now=first_end + timedelta(minutes=30))
    second = _open_task(alert.pk)
    second_end = _fail_round(second, cla_bria, first_end + timedelta(hours=1))
    assert Job.objects.filter(name=callbacks.RETRY_JOB).count() == 2
    _run_at(first_end + HOURS + timedelta(seconds=1))  # the first job: not its time any more
    assert Alert.objects.get(pk=alert.pk).state == S.UNREACHABLE
    _run_at(second_end + HOURS + timedelta(seconds=1))
    assert Alert.objects.get(pk=alert.pk).state == S.CALLBACK_PENDING
    assert CallbackTask.objects.filter(alert=alert, outcome="PENDING").count() == 1


@pytest.mark.parametrize("change", ["do_not_contact", "exited"])
def test_a_reporter_who_asked_not_to_be_contacted_is_not_called_again(
    missed_channel: Channel, cla_bria, change
):
    task = beep(missed_channel)
    ended = _fail_round(task, cla_bria, timezone.now())
    if change == "do_not_contact":
        Reporter.objects.filter(pk=task.reporter_id).update(do_not_contact=True)
    else:
        Reporter.objects.filter(pk=task.reporter_id).update(status=Reporter.Status.EXITED)
    _run_at(ended + HOURS + timedelta(seconds=1))
    assert Alert.objects.get(pk=task.alert_id).state == S.UNREACHABLE
    assert _open_task(task.alert_id) is None


def test_the_job_on_a_deleted_or_unknown_alert_does_nothing(missed_channel: Channel, cla_bria):
    assert callbacks.callback_retry(10**9, timezone.now().isoformat()) is None
    task = beep(missed_channel)
    alert_transition(task.alert, S.RECORDED, cla_bria, "recorded from the alert page")
    assert callbacks.callback_retry(task.alert_id, timezone.now().isoformat()) is None
