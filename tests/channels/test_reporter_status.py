"""A focal point's lifecycle (domain.md §4.3, docs/intake.md "Reporters"): the roles that make each
change, in their areas, with a reason, audited as the event the retention rule dates an exit by;
SMS stop outside ACTIVE; the reporter page's status and withdrawal forms, with bad, stale and
forbidden input answered clearly and changing nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from sauti.accounts.access import AccessDenied
from sauti.accounts.models import AuditEvent
from sauti.channels import retention
from sauti.channels.models import OutboundMessage, Reporter, ReporterPhone
from sauti.channels.outbound import outbound_queue
from sauti.channels.reporter_status import (
    StatusConflict,
    StatusError,
    allowed_statuses,
    reporter_set_status,
)
from tests.conftest import client_for, make_user

from .test_retention import DIGITS, NAME, _audit_text, _focal

pytestmark = pytest.mark.django_db
S = Reporter.Status


def _snapshot(reporter: Reporter) -> tuple:
    row = Reporter.objects.get(pk=reporter.pk)
    return (
        row.status,
        row.name_sealed,
        row.do_not_contact,
        ReporterPhone.objects.filter(reporter=reporter).count(),
        AuditEvent.objects.filter(object_id=str(reporter.pk)).count(),
    )


def test_the_lifecycle_in_order(network, cla_bria):
    reporter = _focal(network)
    Reporter.objects.filter(pk=reporter.pk).update(status=S.PROPOSED)
    reporter.refresh_from_db()
    for target in (S.ASSESSED, S.CONSENTED, S.TRAINED, S.ACTIVE, S.SUSPENDED, S.ACTIVE, S.EXITED):
        reporter_set_status(cla_bria, reporter, target, f"step to {target}")
        assert Reporter.objects.get(pk=reporter.pk).status == target
    events = AuditEvent.objects.filter(action="reporter.status").order_by("id")
    assert [e.details["status"] for e in events][-2:] == ["ACTIVE", "EXITED"]
    assert events.last().details == {
        "status": "EXITED",
        "previous_status": "ACTIVE",
        "reason": "step to EXITED",
    }
    assert allowed_statuses(cla_bria, reporter) == []  # EXITED is final


def test_an_exit_starts_the_12_month_rule(network, cla_bria):
    reporter = _focal(network)
    reporter_set_status(cla_bria, reporter, S.EXITED, "moved to Bangui")
    assert retention.reporter_identity_purge().reporters == 0  # not 12 months yet
    later = timezone.localdate() + dt.timedelta(days=366)
    assert retention.reporter_identity_purge(today=later).reporters == 1
    reporter.refresh_from_db()
    assert reporter.name_sealed == "" and not reporter.phones.exists()


def test_suspending_stops_sms(network, cla_bria, generic_channel, monkeypatch):
    reporter = _focal(network)
    reporter_set_status(cla_bria, reporter, S.SUSPENDED, "phone taken at a roadblock")
    reporter.refresh_from_db()
    message = outbound_queue(reporter, generic_channel, "FEEDBACK", "Merci", "fr")
    assert message.status == OutboundMessage.Status.SUPPRESSED


def test_the_ca_officer_assesses_and_suspends_only(network, units):
    ca = make_user("ca.bria", "CA_OFFICER", ["CF52"])
    reporter = _focal(network)
    assert [code for code, _label in allowed_statuses(ca, reporter)] == ["SUSPENDED"]
    before = _snapshot(reporter)
    with pytest.raises(AccessDenied):
        reporter_set_status(ca, reporter, S.EXITED, "moved")
    assert _snapshot(reporter) == before
    reporter_set_status(ca, reporter, S.SUSPENDED, "threatened")
    assert Reporter.objects.get(pk=reporter.pk).status == S.SUSPENDED


@pytest.mark.parametrize("role", ["POC_OFFICER", "DPO_FOCAL", "JOC_OFFICER", "ANALYST"])
def test_other_roles_change_nothing(network, units, role):
    user = make_user(f"u.{role.lower()}", role, ["CF"])
    reporter = _focal(network)
    assert allowed_statuses(user, reporter) == []
    before = _snapshot(reporter)
    with pytest.raises(AccessDenied):
        reporter_set_status(user, reporter, S.SUSPENDED, "x")
    assert _snapshot(reporter) == before


@pytest.mark.parametrize(
    "status, reason, error",
    [
        ("ACTIVE", "already active", StatusConflict),
        ("PROPOSED", "backwards", StatusConflict),
        ("GONE", "unknown", StatusError),
        ("SUSPENDED", "", StatusError),
        ("SUSPENDED", "   ", StatusError),
        ("SUSPENDED", "x" * 201, StatusError),
        ("SUSPENDED", "a\x00b", StatusError),
    ],
)
def test_bad_changes_are_refused_and_change_nothing(network, cla_bria, status, reason, error):
    reporter = _focal(network)
    before = _snapshot(reporter)
    with pytest.raises(error):
        reporter_set_status(cla_bria, reporter, status, reason)
    assert _snapshot(reporter) == before


# --- the page ------------------------------------------------------------------------------------


def _page(client, reporter: Reporter, **headers: str) -> str:
    return client.get(f"/channels/reporters/{reporter.pk}/", **headers).content.decode()


def test_the_cla_changes_the_status_from_the_page(network, cla_bria):
    reporter = _focal(network)
    client = client_for(cla_bria)
    page = _page(client, reporter)
    assert 'id="reporter-status"' in page and 'value="SUSPENDED"' in page
    done = client.post(
        f"/channels/reporters/{reporter.pk}/status/",
        {"status": "SUSPENDED", "status_reason": "phone lost"},
        follow=True,
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert done.status_code == 200 and "is now Suspended" in done.content.decode()
    assert Reporter.objects.get(pk=reporter.pk).status == S.SUSPENDED


@pytest.mark.parametrize(
    "form, code",
    [
        ({"status": "SUSPENDED", "status_reason": ""}, 400),
        ({"status": "BOGUS", "status_reason": "x"}, 400),
        ({"status": "ACTIVE", "status_reason": "stale page"}, 409),
    ],
)
def test_bad_forms_answer_with_the_error_and_change_nothing(network, cla_bria, form, code):
    reporter = _focal(network)
    before = _snapshot(reporter)
    answer = client_for(cla_bria).post(f"/channels/reporters/{reporter.pk}/status/", form)
    assert answer.status_code == code and 'id="status-error"' in answer.content.decode()
    assert _snapshot(reporter) == before


def test_a_poc_officer_sees_no_form_and_is_refused(network, units):
    poc = make_user("poc.bria", "POC_OFFICER", ["CF52"])
    reporter = _focal(network)
    client = client_for(poc)
    assert 'id="reporter-status"' not in _page(client, reporter)
    before = _snapshot(reporter)
    answer = client.post(
        f"/channels/reporters/{reporter.pk}/status/", {"status": "EXITED", "status_reason": "x"}
    )
    assert answer.status_code == 403 and _snapshot(reporter) == before
    answer = client.post(
        f"/channels/reporters/{reporter.pk}/withdraw/",
        {"withdraw_reason": "x", "confirm": "yes"},
    )
    assert answer.status_code == 403 and _snapshot(reporter) == before


def test_outside_the_users_areas_is_404(network, cla_ndele):
    reporter = _focal(network)
    before = _snapshot(reporter)
    client = client_for(cla_ndele)
    for path, form in (
        ("status", {"status": "EXITED", "status_reason": "x"}),
        ("withdraw", {"withdraw_reason": "x", "confirm": "yes"}),
    ):
        assert client.post(f"/channels/reporters/{reporter.pk}/{path}/", form).status_code == 404
    assert _snapshot(reporter) == before


def test_the_withdrawal_from_the_page_needs_a_reason_and_the_box(network, cla_bria):
    reporter = _focal(network)
    client = client_for(cla_bria)
    url = f"/channels/reporters/{reporter.pk}/withdraw/"
    before = _snapshot(reporter)
    for form in ({"withdraw_reason": "", "confirm": "yes"}, {"withdraw_reason": "asked"}):
        answer = client.post(url, form)
        assert answer.status_code == 400 and 'id="withdraw-error"' in answer.content.decode()
        assert _snapshot(reporter) == before
    done = client.post(
        url,
        {"withdraw_reason": "asked by phone", "confirm": "yes"},
        follow=True,
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert "Withdrawal of consent recorded" in done.content.decode()
    reporter.refresh_from_db()
    assert reporter.status == S.EXITED and reporter.do_not_contact and reporter.name_sealed == ""
    assert 'id="withdraw-form"' not in _page(client, reporter)  # nothing more to withdraw
    assert NAME not in _audit_text() and DIGITS not in _audit_text()


def test_the_page_in_french(network, cla_bria):
    reporter = _focal(network)
    page = _page(client_for(cla_bria), reporter, HTTP_ACCEPT_LANGUAGE="fr")
    assert "Changer le statut" in page and "Retrait du consentement" in page


def test_two_changes_at_once_make_two_steps_or_one_is_refused(network, cla_bria):
    """The row is read again under its lock: a change made meanwhile makes the second stale."""
    reporter = _focal(network)
    stale = Reporter.objects.get(pk=reporter.pk)  # read while ACTIVE
    reporter_set_status(cla_bria, reporter, S.EXITED, "moved")
    with pytest.raises(StatusConflict):
        reporter_set_status(cla_bria, stale, S.SUSPENDED, "threatened")
    assert Reporter.objects.get(pk=reporter.pk).status == S.EXITED
