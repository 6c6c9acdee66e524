"""Callback tasks after missed calls (docs/intake.md "Callbacks"): each outcome, retries and their
due time, UNREACHABLE after the last attempt or a wrong number, closed tasks, area scope, roles,
hostile form input, audit events and transitions, the pages, and two CLAs at the same moment."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.http import Http404
from django.test import Client
from django.utils import timezone, translation

from sauti.accounts.access import AccessDenied
from sauti.accounts.models import AuditEvent, User
from sauti.alerts.models import Alert, AlertTransition
from sauti.alerts.workflow import AlertState, alert_transition
from sauti.channels import callbacks, conf
from sauti.channels.callbacks import CallbackClosed, CallbackError, callback_record
from sauti.channels.models import CallbackTask, Channel
from sauti.places.models import AdminUnit
from tests.channels.conftest import post_generic
from tests.conftest import client_for, make_user

pytestmark = pytest.mark.django_db
S = AlertState
NOW = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
PHONE = "+23675000441"


@pytest.fixture(autouse=True)
def _english():
    """Messages are asserted in English (the mission default is French; see the French test)."""
    with translation.override("en"):
        yield


@pytest.fixture
def ca_bria(units: dict[str, AdminUnit]) -> User:
    return make_user("ca.bria", "CA_OFFICER", ["CF52"])


def beep(channel: Channel, phone: str = PHONE, call_id: str = "call-1") -> CallbackTask:
    """A missed call through the gateway webhook and intake, as in production."""
    with translation.override("en"):  # a request leaves its language active; keep the test's
        post_generic(Client(), channel, {"from": phone, "call_id": call_id}, as_json=False)
    return CallbackTask.objects.select_related("alert").filter(outcome="PENDING").latest("id")


@pytest.fixture
def task(missed_channel: Channel) -> CallbackTask:
    return beep(missed_channel)


def snapshot(task: CallbackTask) -> tuple:
    """Everything an attempt may change, to prove a refused one changed nothing."""
    row = CallbackTask.objects.get(pk=task.pk)
    alert = Alert.objects.get(pk=task.alert_id)
    return (
        row.outcome,
        row.attempts,
        row.due_at,
        row.closed_at,
        alert.state,
        alert.threat_type,
        AlertTransition.objects.filter(alert=alert).count(),
        AuditEvent.objects.count(),
    )


def attempts_audited(task: CallbackTask) -> list[dict]:
    return [e.details for e in callbacks.callback_attempts(task)]


# ---------------------------------------------------------------- outcomes


def test_reached_closes_task_and_records_alert_as_a_logged_call(task, cla_bria):
    result = callback_record(
        task.pk,
        cla_bria,
        "REACHED",
        "  called back, spoke to the focal point  ",
        fields={"threat_type": "ARMED_MOVEMENT", "place": "Ndah"},
        now=NOW,
    )
    assert result.closed and result.alert_state == S.RECORDED
    task.refresh_from_db()
    assert (task.outcome, task.attempts, task.closed_at) == ("REACHED", 1, NOW)
    alert = Alert.objects.get(pk=task.alert_id)
    assert alert.state == S.RECORDED and alert.recorded_at == NOW
    assert alert.threat_type == "ARMED_MOVEMENT" and alert.place_text == "Ndah"
    assert {"threat_type", "place"} <= set(alert.locked_fields)
    last = alert.transitions.order_by("id").last()
    assert (last.from_state, last.to_state, last.by, last.reason) == (
        "CALLBACK_PENDING",
        "RECORDED",
        cla_bria,
        "callback reached the reporter",
    )
    event = AuditEvent.objects.get(action="callback.attempt")
    assert event.actor == cla_bria and event.object_id == str(task.pk)
    assert event.details["outcome"] == "REACHED" and event.details["closed"] is True
    assert event.details["note"] == "called back, spoke to the focal point"
    assert (event.details["alert_from"], event.details["alert_to"]) == (
        "CALLBACK_PENDING",
        "RECORDED",
    )
    assert AuditEvent.objects.filter(action="alert.transition", object_id=str(alert.pk)).exists()


@pytest.mark.parametrize("outcome", ["NO_ANSWER", "NUMBER_OFF"])
def test_failed_attempt_counts_and_is_due_again(task, cla_bria, outcome):
    transitions = AlertTransition.objects.count()
    result = callback_record(task.pk, cla_bria, outcome, now=NOW)
    assert not result.closed and result.alert_state == S.CALLBACK_PENDING
    task.refresh_from_db()
    assert (task.outcome, task.attempts, task.closed_at) == ("PENDING", 1, None)
    assert task.due_at == NOW + timedelta(minutes=15)
    assert AlertTransition.objects.count() == transitions  # the alert stays where it is
    assert attempts_audited(task) == [
        {
            "outcome": outcome,
            "attempt": 1,
            "note": "",
            "closed": False,
            "due_at": (NOW + timedelta(minutes=15)).isoformat(),
            "alert": task.alert.reference,
            "alert_from": "CALLBACK_PENDING",
            "alert_to": "CALLBACK_PENDING",
            "fields": [],
        }
    ]


def test_retry_delay_is_configurable(task, cla_bria, monkeypatch):
    monkeypatch.setattr(conf, "CALLBACK_RETRY_MINUTES", 7)
    callback_record(task.pk, cla_bria, "NO_ANSWER", now=NOW)
    task.refresh_from_db()
    assert task.due_at == NOW + timedelta(minutes=7)


def test_fields_given_on_a_failed_attempt_are_ignored(task, cla_bria):
    callback_record(task.pk, cla_bria, "NO_ANSWER", fields={"threat_type": "KILLING"}, now=NOW)
    alert = Alert.objects.get(pk=task.alert_id)
    assert alert.threat_type != "KILLING" and "threat_type" not in (alert.locked_fields or [])


def test_max_attempts_make_the_alert_unreachable(task, cla_bria):
    for minutes, outcome in ((0, "NO_ANSWER"), (15, "NUMBER_OFF")):
        callback_record(task.pk, cla_bria, outcome, now=NOW + timedelta(minutes=minutes))
    result = callback_record(
        task.pk, cla_bria, "NO_ANSWER", "3rd try", now=NOW + timedelta(minutes=30)
    )
    assert result.closed and result.alert_state == S.UNREACHABLE
    task.refresh_from_db()
    assert (task.outcome, task.attempts) == ("NO_ANSWER", 3)
    assert task.closed_at == NOW + timedelta(minutes=30)
    alert = Alert.objects.get(pk=task.alert_id)
    assert alert.state == S.UNREACHABLE
    last = alert.transitions.order_by("id").last()
    # UNREACHABLE is the system's step (workflow table); the CLA is named in the reason.
    assert (last.from_state, last.to_state, last.by) == ("CALLBACK_PENDING", "UNREACHABLE", None)
    assert "3 callback attempts failed" in last.reason and "cla.bria" in last.reason
    assert [d["outcome"] for d in attempts_audited(task)] == [
        "NO_ANSWER",
        "NUMBER_OFF",
        "NO_ANSWER",
    ]
    assert [d["closed"] for d in attempts_audited(task)] == [False, False, True]
    assert callbacks.callbacks_open(cla_bria).count() == 0


def test_max_attempts_is_configurable(task, cla_bria, monkeypatch):
    monkeypatch.setattr(conf, "CALLBACK_MAX_ATTEMPTS", 1)
    assert callback_record(task.pk, cla_bria, "NUMBER_OFF", now=NOW).alert_state == S.UNREACHABLE


def test_wrong_number_closes_at_once_and_alert_is_unreachable(task, cla_bria):
    result = callback_record(task.pk, cla_bria, "WRONG_NUMBER", "a stranger answered", now=NOW)
    assert result.closed and result.alert_state == S.UNREACHABLE
    task.refresh_from_db()
    assert (task.outcome, task.attempts, task.closed_at) == ("WRONG_NUMBER", 1, NOW)
    last = Alert.objects.get(pk=task.alert_id).transitions.order_by("id").last()
    assert (last.to_state, last.by) == ("UNREACHABLE", None) and "wrong number" in last.reason


def test_alert_moved_on_by_hand_closes_task_without_a_second_transition(task, cla_bria):
    alert_transition(task.alert, S.RECORDED, cla_bria, "recorded from the alert page")
    transitions = AlertTransition.objects.count()
    result = callback_record(task.pk, cla_bria, "REACHED", fields={"place": "Ndah"}, now=NOW)
    assert result.closed and result.alert_state == S.RECORDED
    assert AlertTransition.objects.count() == transitions
    assert Alert.objects.get(pk=task.alert_id).place_text != "Ndah"  # left as it was
    assert attempts_audited(task)[0]["fields"] == []
    assert CallbackTask.objects.get(pk=task.pk).outcome == "REACHED"


# ---------------------------------------------------------------- refusals: nothing changed


def test_closed_task_is_refused_and_nothing_changes(task, cla_bria):
    callback_record(task.pk, cla_bria, "REACHED", now=NOW)
    before = snapshot(task)
    for outcome in ("NO_ANSWER", "REACHED", "WRONG_NUMBER"):
        with pytest.raises(CallbackClosed, match="already closed"):
            callback_record(task.pk, cla_bria, outcome, now=NOW + timedelta(minutes=1))
    assert snapshot(task) == before


def test_other_area_task_is_not_found_and_nothing_changes(task, cla_ndele):
    before = snapshot(task)
    with pytest.raises(Http404):
        callback_record(task.pk, cla_ndele, "WRONG_NUMBER", now=NOW)
    with pytest.raises(Http404):
        callbacks.callback_get(cla_ndele, task.pk)
    assert snapshot(task) == before


@pytest.mark.parametrize("persona", ["joc", "analyst", "dpo", "admin_user", "ca_bria"])
def test_roles_that_do_not_call_back_are_refused(task, persona, request):
    user = request.getfixturevalue(persona)
    before = snapshot(task)
    assert not callbacks.may_act(user)
    with pytest.raises(AccessDenied):
        callback_record(task.pk, user, "NO_ANSWER", now=NOW)
    assert snapshot(task) == before


@pytest.mark.parametrize(
    ("outcome", "note", "fields"),
    [
        ("PENDING", "", None),
        ("MAYBE", "", None),
        ("", "", None),
        ("no_answer", "", None),
        ("NO_ANSWER", "x" * (callbacks.NOTE_MAX + 1), None),
        ("REACHED", "", {"threat_type": "NOT_A_TYPE"}),
        ("REACHED", "", {"place": "p" * 201}),
        ("REACHED", "", {"summary": "anything"}),
    ],
)
def test_bad_input_is_refused_and_nothing_changes(task, cla_bria, outcome, note, fields):
    before = snapshot(task)
    with pytest.raises(CallbackError):
        callback_record(task.pk, cla_bria, outcome, note, fields=fields, now=NOW)
    assert snapshot(task) == before


def test_unknown_task_is_not_found(cla_bria):
    with pytest.raises(Http404):
        callback_record(999999, cla_bria, "NO_ANSWER")


# ---------------------------------------------------------------- listing and re-opening


def test_open_list_is_scoped_overdue_first_and_without_closed(missed_channel, cla_bria, cla_ndele):
    first = beep(missed_channel, "+23675000451", "a")
    second = beep(missed_channel, "+23675000452", "b")
    third = beep(missed_channel, "+23675000453", "c")
    CallbackTask.objects.filter(pk=first.pk).update(due_at=NOW + timedelta(hours=1))
    CallbackTask.objects.filter(pk=second.pk).update(due_at=NOW - timedelta(minutes=20))
    callback_record(third.pk, cla_bria, "WRONG_NUMBER")
    assert list(callbacks.callbacks_open(cla_bria)) == [second, first]
    assert list(callbacks.callbacks_open(cla_ndele)) == []


def test_reopen_after_unreachable_makes_a_new_task_on_the_same_alert(task, cla_bria):
    callback_record(task.pk, cla_bria, "WRONG_NUMBER", now=NOW)
    assert callbacks.callback_reopen(task.reporter, now=NOW + timedelta(hours=2)) == task.alert
    alert = Alert.objects.get(pk=task.alert_id)
    assert alert.state == S.CALLBACK_PENDING
    last = alert.transitions.order_by("id").last()
    assert (last.from_state, last.to_state, last.by) == ("UNREACHABLE", "CALLBACK_PENDING", None)
    old, new = CallbackTask.objects.filter(alert=alert).order_by("id")
    assert (old.outcome, old.attempts) == ("WRONG_NUMBER", 1)
    assert (new.outcome, new.attempts, new.closed_at) == ("PENDING", 0, None)
    assert new.due_at == NOW + timedelta(hours=2, minutes=conf.CALLBACK_MINUTES)
    assert callbacks.callback_reopen(task.reporter) is None  # nothing UNREACHABLE any more


def test_a_new_beep_while_unreachable_reopens_the_alert(missed_channel, task, cla_bria):
    callback_record(task.pk, cla_bria, "WRONG_NUMBER", now=timezone.now())
    beep(missed_channel, PHONE, "call-2")
    assert Alert.objects.count() == 1
    assert Alert.objects.get(pk=task.alert_id).state == S.CALLBACK_PENDING
    assert CallbackTask.objects.filter(alert_id=task.alert_id, outcome="PENDING").count() == 1
    beep(missed_channel, PHONE, "call-3")  # joins the reopened task
    assert Alert.objects.count() == 1
    assert CallbackTask.objects.filter(alert_id=task.alert_id).count() == 2


def test_a_beep_long_after_unreachable_opens_a_new_alert(missed_channel, task, cla_bria):
    callback_record(task.pk, cla_bria, "WRONG_NUMBER", now=timezone.now() - timedelta(days=3))
    new = beep(missed_channel, PHONE, "call-2")
    assert Alert.objects.count() == 2 and new.alert_id != task.alert_id
    assert Alert.objects.get(pk=task.alert_id).state == S.UNREACHABLE


# ---------------------------------------------------------------- pages


def url(task: CallbackTask) -> str:
    return f"/channels/callbacks/{task.pk}/"


def test_list_page_shows_pseudonym_never_the_number(
    missed_channel, task, cla_bria, django_assert_max_num_queries
):
    for n in range(4):
        beep(missed_channel, f"+2367500046{n}", f"more-{n}")
    CallbackTask.objects.filter(pk=task.pk).update(due_at=NOW)  # long overdue
    client = client_for(cla_bria)
    client.get("/channels/callbacks/")  # warm the session and the user's areas
    with django_assert_max_num_queries(6):  # not one per row
        page = client.get("/channels/callbacks/", HTTP_ACCEPT_LANGUAGE="en")
    html = page.content.decode()
    assert page.status_code == 200
    assert task.reporter.pseudonym in html and "75000441" not in html
    assert html.count('data-task="') == 5 and "late by" in html
    assert "in 4\xa0minutes" in html or "in 5\xa0minutes" in html  # the others, due in 5 min
    assert html.split('data-task="', 1)[1].split('"', 1)[0] == str(task.pk)  # overdue first
    assert f'href="{url(task)}"' in html
    assert 'href="/channels/callbacks/"' in html  # the navigation entry


def test_navigation_entry_only_for_roles_that_call_back(cla_bria, joc, ca_bria, analyst):
    assert 'href="/channels/callbacks/"' in client_for(cla_bria).get("/").content.decode()
    for user in (joc, ca_bria, analyst):
        assert 'href="/channels/callbacks/"' not in client_for(user).get("/").content.decode()


def test_readers_see_the_queue_without_the_form(task, joc, admin_user):
    html = client_for(joc).get("/channels/callbacks/").content.decode()
    assert task.alert.reference in html and "Record the call" not in html
    detail = client_for(joc).get(url(task))
    assert detail.status_code == 200 and 'name="outcome"' not in detail.content.decode()
    assert client_for(admin_user).get("/channels/callbacks/").status_code == 403
    assert client_for(admin_user).get(url(task)).status_code == 403


def test_detail_page_out_of_scope_is_404(task, cla_ndele):
    assert client_for(cla_ndele).get(url(task)).status_code == 404


def test_post_reached_records_and_goes_to_the_alert(task, cla_bria):
    response = client_for(cla_bria).post(
        url(task), {"outcome": "REACHED", "note": "ok", "threat_type": "KILLING", "place": "Ndah"}
    )
    assert response.status_code == 302
    assert response["Location"] == f"/response/alerts/{task.alert_id}/"
    alert = Alert.objects.get(pk=task.alert_id)
    assert alert.state == S.RECORDED and alert.threat_type == "KILLING"
    event = AuditEvent.objects.get(action="callback.attempt")
    assert event.path == url(task) and event.details["fields"] == ["place", "threat_type"]


def test_post_no_answer_then_history_shows_on_the_page(task, cla_bria):
    client = client_for(cla_bria)
    response = client.post(
        url(task),
        {"outcome": "NO_ANSWER", "note": "rang out"},
        follow=True,
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.redirect_chain == [("/channels/callbacks/", 302)]
    assert "Attempt 1 of 3 recorded" in response.content.decode()
    html = client.get(url(task), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "rang out" in html and "No answer" in html and 'name="outcome"' in html
    assert CallbackTask.objects.get(pk=task.pk).attempts == 1


def test_post_on_closed_task_is_409_and_nothing_changes(task, cla_bria):
    client = client_for(cla_bria)
    client.post(url(task), {"outcome": "WRONG_NUMBER"})
    before = snapshot(task)
    response = client.post(url(task), {"outcome": "NO_ANSWER"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 409 and "already closed" in response.content.decode()
    assert snapshot(task) == before


@pytest.mark.parametrize("persona", ["joc", "analyst", "ca_bria", "dpo"])
def test_post_by_a_role_that_does_not_call_back_is_403(task, persona, request):
    client = client_for(request.getfixturevalue(persona))
    before = snapshot(task)
    response = client.post(url(task), {"outcome": "REACHED"})
    assert response.status_code == 403
    assert snapshot(task) == before


def test_post_from_another_area_is_404(task, cla_ndele):
    before = snapshot(task)
    assert client_for(cla_ndele).post(url(task), {"outcome": "WRONG_NUMBER"}).status_code == 404
    assert snapshot(task) == before


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"note": "no outcome"},
        {"outcome": "MAYBE"},
        {"outcome": "PENDING"},
        {"outcome": "<script>alert(1)</script>"},
        {"outcome": "NO_ANSWER", "note": "x" * 100_000},
        {"outcome": "REACHED", "threat_type": "DROP TABLE"},
        {"outcome": "REACHED", "place": "p" * 5000},
    ],
)
def test_hostile_post_is_400_and_nothing_changes(task, cla_bria, data):
    before = snapshot(task)
    response = client_for(cla_bria).post(url(task), data)
    assert response.status_code == 400
    assert "<script>alert(1)</script>" not in response.content.decode()
    assert snapshot(task) == before


def test_post_without_csrf_token_is_refused(task, cla_bria):
    client = Client(enforce_csrf_checks=True)
    client.force_login(cla_bria)
    before = snapshot(task)
    assert client.post(url(task), {"outcome": "WRONG_NUMBER"}).status_code == 403
    assert snapshot(task) == before
    page = client.get(url(task)).content.decode()
    token = page.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]
    response = client.post(url(task), {"outcome": "WRONG_NUMBER", "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert CallbackTask.objects.get(pk=task.pk).outcome == "WRONG_NUMBER"


def test_get_only_and_post(task, cla_bria):
    assert client_for(cla_bria).put(url(task)).status_code == 405


def test_pages_in_french(task, cla_bria):
    client = client_for(cla_bria)
    client.cookies["django_language"] = "fr"
    client.post(url(task), {"outcome": "NUMBER_OFF"})
    html = client.get(url(task)).content.decode()
    assert "Pas de réponse" in html and "Tentatives faites" in html and "Numéro éteint" in html
    assert "1 sur 3" in html
    assert "Rappels à faire" in client.get("/channels/callbacks/").content.decode()


# ---------------------------------------------------------------- two CLAs at the same moment


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("outcome", "expected_attempts", "expected_errors"),
    [("NO_ANSWER", 2, 0), ("REACHED", 1, 1)],
)
def test_two_clas_at_once_never_lose_or_double_a_count(
    missed_channel, cla_bria, outcome, expected_attempts, expected_errors
):
    task = beep(missed_channel)
    other = make_user("cla.bria2", "CLA", ["CF52"])
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def work(user: User) -> None:
        try:
            barrier.wait()
            callback_record(task.pk, user, outcome)
        except CallbackClosed as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(u,)) for u in (cla_bria, other)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(errors) == expected_errors
    task.refresh_from_db()
    assert task.attempts == expected_attempts
    assert len(callbacks.callback_attempts(task)) == expected_attempts
    recorded = AlertTransition.objects.filter(alert_id=task.alert_id, to_state="RECORDED").count()
    assert recorded == (1 if outcome == "REACHED" else 0)
