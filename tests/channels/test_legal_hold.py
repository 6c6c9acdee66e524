"""Legal holds (DP-9 "unless a legal hold applies", docs/intake.md "Retention"): while a hold is in
force the retention rules erase neither the reporter's identity nor their raw messages, and a
withdrawal of consent waits for the lift, which erases at once. Only the data protection focal
point places and lifts holds, with reasons; every step is audited without a name or number; bad
input changes nothing."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from sauti.accounts.access import AccessDenied
from sauti.accounts.models import AuditEvent
from sauti.channels import legal_hold, retention
from sauti.channels.legal_hold import HoldError, hold_lift, hold_place
from sauti.channels.models import LegalHold, Reporter, ReporterPhone
from sauti.channels.services import reporter_withdraw_consent
from tests.conftest import make_user

from .test_retention import (
    DIGITS,
    NAME,
    PHONE,
    _alert_message,
    _audit_text,
    _erased,
    _exited,
    _focal,
    _sms,
)

pytestmark = pytest.mark.django_db


def _state() -> tuple:
    return (
        list(LegalHold.objects.values()),
        AuditEvent.objects.filter(action__startswith="retention.hold").count(),
    )


def test_a_hold_keeps_identity_and_messages_past_retention(client, generic_channel, network, dpo):
    reporter = _focal(network)
    message = _alert_message(client, generic_channel, "h1", "CLOSED", 91, sender=PHONE)
    other = _alert_message(client, generic_channel, "h2", "CLOSED", 91)
    _exited(reporter, 395)
    hold = hold_place(dpo, reporter, "court order 2026/114, case of the Ndah attack")
    assert retention.inbound_raw_purge().total == 1  # the other sender's message only
    assert _erased(other) and not _erased(message)
    assert retention.reporter_identity_purge().reporters == 0
    reporter.refresh_from_db()
    assert reporter.name_sealed and reporter.phones.count() == 1
    # Lifted: the next runs apply the rules as usual.
    assert hold_lift(dpo, hold.pk, "case closed by the board of inquiry") == {}
    assert retention.inbound_raw_purge().total == 1 and _erased(message)
    assert retention.reporter_identity_purge().reporters == 1
    reporter.refresh_from_db()
    assert reporter.name_sealed == "" and not reporter.phones.exists()


def test_withdrawal_under_a_hold_waits_for_the_lift(
    client, generic_channel, network, dpo, cla_bria
):
    reporter = _focal(network)
    message = _sms(client, generic_channel, "w1", PHONE, "Hommes armés à Ndah ce matin")
    first = hold_place(dpo, reporter, "instruction of the legal adviser, 3 Dec")
    second = hold_place(dpo, reporter, "national inquiry request")
    assert reporter_withdraw_consent(reporter, cla_bria, "asked by phone to stop") == {}
    reporter.refresh_from_db()
    assert reporter.status == "EXITED" and reporter.do_not_contact  # never contacted again
    assert reporter.name_sealed and ReporterPhone.objects.filter(reporter=reporter).exists()
    event = AuditEvent.objects.get(action="reporter.withdraw_consent")
    assert event.details["held"] is True and "legal hold" in event.summary
    assert hold_lift(dpo, first.pk, "adviser's instruction withdrawn") == {}  # one left
    assert Reporter.objects.get(pk=reporter.pk).name_sealed
    erased = hold_lift(dpo, second.pk, "inquiry closed")
    assert erased == {"phones": 1, "messages": 1}
    reporter.refresh_from_db()
    assert reporter.name_sealed == "" and not reporter.phones.exists()
    assert _erased(message) is False  # the text waits for the raw rule; the number is gone
    assert AuditEvent.objects.filter(action="reporter.identity_erase").count() == 1
    assert NAME not in _audit_text() and DIGITS not in _audit_text()


def test_lifting_a_hold_without_a_withdrawal_erases_nothing(network, dpo):
    reporter = _focal(network)
    hold = hold_place(dpo, reporter, "inquiry")
    assert hold_lift(dpo, hold.pk, "done") == {}
    reporter.refresh_from_db()
    assert reporter.name_sealed and reporter.phones.count() == 1


def test_placing_and_lifting_are_audited(network, dpo):
    reporter = _focal(network)
    hold = hold_place(dpo, reporter, "inquiry 7")
    hold_lift(dpo, hold.pk, "closed")
    placed = AuditEvent.objects.get(action=legal_hold.A_PLACE)
    lifted = AuditEvent.objects.get(action=legal_hold.A_LIFT)
    assert placed.actor == dpo and placed.details == {
        "hold": hold.pk,
        "reporter": reporter.pseudonym,
        "reason": "inquiry 7",
    }
    assert lifted.details["reason"] == "closed"
    hold.refresh_from_db()
    assert hold.lifted_by == dpo and hold.lift_reason == "closed" and hold.lifted_at


@pytest.mark.parametrize("role", ["CLA", "CA_OFFICER", "JOC_OFFICER", "ADMIN"])
def test_only_the_dpo_places_or_lifts(network, dpo, role, units):
    reporter = _focal(network)
    user = make_user(f"u.{role.lower()}", role, ["CF"])
    before = _state()
    with pytest.raises(AccessDenied):
        hold_place(user, reporter, "inquiry")
    assert _state() == before
    hold = hold_place(dpo, reporter, "inquiry")
    before = _state()
    with pytest.raises(AccessDenied):
        hold_lift(user, hold.pk, "done")
    assert _state() == before


def test_a_dpo_outside_the_reporters_area_is_refused(network, units):
    reporter = _focal(network)
    far = make_user("dpo.ndele", "DPO_FOCAL", ["CF51"])
    with pytest.raises(AccessDenied):
        hold_place(far, reporter, "inquiry")
    assert not LegalHold.objects.exists()


@pytest.mark.parametrize(
    "reason",
    ["", "   ", "x" * 501, "case\x00 7", "a\x1b[31m red"],
    ids=["empty", "blank", "long", "nul", "escape"],
)
def test_bad_reasons_change_nothing(network, dpo, reason):
    reporter = _focal(network)
    before = _state()
    with pytest.raises(HoldError):
        hold_place(dpo, reporter, reason)
    assert _state() == before
    hold = hold_place(dpo, reporter, "inquiry")
    before = _state()
    with pytest.raises(HoldError):
        hold_lift(dpo, hold.pk, reason)
    assert _state() == before


def test_lifting_twice_is_refused_and_changes_nothing(network, dpo):
    hold = hold_place(dpo, _focal(network), "inquiry")
    hold_lift(dpo, hold.pk, "done")
    before = _state()
    with pytest.raises(HoldError):
        hold_lift(dpo, hold.pk, "again")
    assert _state() == before


def test_command_places_lists_and_lifts(network, dpo):
    reporter = _focal(network)
    out = io.StringIO()
    call_command(
        "channels",
        "hold",
        "--reporter",
        reporter.pseudonym,
        "--reason",
        "inquiry 9",
        "--by",
        "dpo",
        stdout=out,
    )
    hold = LegalHold.objects.get()
    assert f"legal hold #{hold.pk} placed on {reporter.pseudonym}" in out.getvalue()
    out = io.StringIO()
    call_command("channels", "holds", stdout=out)
    assert f"#{hold.pk} {reporter.pseudonym}" in out.getvalue() and "inquiry 9" in out.getvalue()
    out = io.StringIO()
    call_command(
        "channels", "unhold", str(hold.pk), "--reason", "closed", "--by", "dpo", stdout=out
    )
    assert "lifted" in out.getvalue()
    out = io.StringIO()
    call_command("channels", "holds", stdout=out)
    assert "no legal hold in force" in out.getvalue()


@pytest.mark.parametrize(
    "args, message",
    [
        (["hold", "--reporter", "FP-NOPE", "--reason", "x", "--by", "dpo"], "no reporter"),
        (["hold", "--reporter", "{reporter}", "--reason", "x", "--by", "ghost"], "no active user"),
        (
            ["hold", "--reporter", "{reporter}", "--reason", " ", "--by", "dpo"],
            "reason is required",
        ),
        (
            ["hold", "--reporter", "{reporter}", "--reason", "x", "--by", "cla.bria"],
            "data protection",
        ),
        (["unhold", "999999", "--reason", "x", "--by", "dpo"], "no legal hold #999999"),
    ],
)
def test_command_refusals_are_clear_and_change_nothing(network, dpo, cla_bria, args, message):
    reporter = _focal(network)
    before = _state()
    with translation.override("en"), pytest.raises(CommandError, match=message):
        call_command("channels", *[a.replace("{reporter}", reporter.pseudonym) for a in args])
    assert _state() == before


def test_the_reporter_page_shows_a_hold_in_force(network, dpo, cla_bria):
    from tests.conftest import client_for

    reporter = _focal(network)
    url = f"/channels/reporters/{reporter.pk}/"
    page = client_for(cla_bria)
    assert 'id="legal-hold"' not in page.get(url).content.decode()
    hold = hold_place(dpo, reporter, "inquiry 12")
    english = page.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f"#{hold.pk} in force since" in english and "(dpo)" in english
    assert "inquiry 12" not in english  # the reason stays in the audit log
    french = page.get(url, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Conservation légale" in french and "en vigueur depuis" in french
    hold_lift(dpo, hold.pk, "closed")
    assert 'id="legal-hold"' not in page.get(url).content.decode()


# --- the page (the data protection focal point's) -------------------------------------------------


def test_the_dpo_places_and_lifts_from_the_reporter_page(network, dpo):
    from tests.conftest import client_for

    reporter = _focal(network)
    client = client_for(dpo)
    page = client.get(f"/channels/reporters/{reporter.pk}/").content.decode()
    assert 'id="hold-form"' in page
    done = client.post(
        f"/channels/reporters/{reporter.pk}/hold/",
        {"hold_reason": "court order 2026/114"},
        follow=True,
        HTTP_ACCEPT_LANGUAGE="en",
    )
    hold = LegalHold.objects.get()
    assert f"Legal hold #{hold.pk} placed" in done.content.decode()
    assert f'data-hold="{hold.pk}"' in done.content.decode()
    done = client.post(
        f"/channels/holds/{hold.pk}/lift/",
        {"lift_reason": "case closed"},
        follow=True,
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert f"Legal hold #{hold.pk} lifted" in done.content.decode()
    hold.refresh_from_db()
    assert hold.lifted_by == dpo and hold.lift_reason == "case closed"


def test_page_refusals_change_nothing(network, dpo, cla_bria, units):
    from tests.conftest import client_for

    reporter = _focal(network)
    cla = client_for(cla_bria)
    assert 'id="hold-form"' not in cla.get(f"/channels/reporters/{reporter.pk}/").content.decode()
    before = _state()
    answer = cla.post(f"/channels/reporters/{reporter.pk}/hold/", {"hold_reason": "x"})
    assert answer.status_code == 403 and 'id="hold-error"' in answer.content.decode()
    answer = client_for(dpo).post(f"/channels/reporters/{reporter.pk}/hold/", {"hold_reason": " "})
    assert answer.status_code == 400 and 'id="hold-error"' in answer.content.decode()
    assert _state() == before
    hold = hold_place(dpo, reporter, "inquiry")
    before = _state()
    assert cla.post(f"/channels/holds/{hold.pk}/lift/", {"lift_reason": "x"}).status_code == 403
    far = client_for(make_user("dpo.ndele", "DPO_FOCAL", ["CF51"]))
    assert far.post(f"/channels/holds/{hold.pk}/lift/", {"lift_reason": "x"}).status_code == 404
    assert far.post("/channels/holds/999999/lift/", {"lift_reason": "x"}).status_code == 404
    assert _state() == before
