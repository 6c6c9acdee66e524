"""Retention (DP-9): raw messages 90 days after their alert's final state (spam and failed ones
90 days after storage), reporter identities 12 months after EXITED or at once on withdrawal of
consent. Erased rows keep their metadata and hold no sealed value; the audit log has counts only."""

from __future__ import annotations

import datetime as dt
import io
import itertools
import json
from typing import Any
from unittest import mock

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import override_settings
from django.utils import timezone, translation

from sauti.accounts.models import AuditEvent
from sauti.alerts.models import Alert
from sauti.channels import retention
from sauti.channels.gateways import InboundValue
from sauti.channels.models import Channel, InboundMessage, OutboundMessage, Reporter, ReporterPhone
from sauti.channels.outbound import outbound_drain, outbound_queue
from sauti.channels.services import (
    ChannelError,
    inbound_store,
    reporter_enrol,
    reporter_identity,
    reporter_withdraw_consent,
)
from sauti.channels.tasks import retention_run
from sauti.core.crypto import seal, unseal
from sauti.core.jobs import run_pending
from sauti.core.models import Job
from tests.conftest import client_for

from .conftest import post_generic

pytestmark = pytest.mark.django_db

NAME = "Théodule Zanga-Mbéré"
PHONE = "+23675000777"
DIGITS = "75000777"
ERASED = "identity erased under the retention rule"
RAW_FIELDS = ("sender_hash", "sender_sealed", "raw_sealed", "text_sealed")
GATEWAY = "sauti.channels.gateways.generic.http_post"
_SENDERS = itertools.count(1)


def _ago(days: int) -> dt.datetime:
    return timezone.now() - dt.timedelta(days=days)


def _sms(client: Any, channel: Channel, key: str, sender: str, text: str) -> InboundMessage:
    post_generic(client, channel, {"from": sender, "text": text, "id": key})
    return InboundMessage.objects.get(channel=channel, external_id=key)


def _alert_message(
    client: Any, channel: Channel, key: str, state: str, days: int, sender: str = ""
) -> InboundMessage:
    """A message whose alert entered ``state`` ``days`` ago."""
    sender = sender or f"+23675{next(_SENDERS):06d}"
    message = _sms(client, channel, key, sender, f"Hommes armés à Ndah ce matin ({key})")
    assert message.alert_id is not None
    Alert.objects.filter(pk=message.alert_id).update(state=state, state_changed_at=_ago(days))
    return message


def _unlinked(channel: Channel, key: str, state: str, days: int) -> InboundMessage:
    """A stored message that never became an alert (spam, failed), stored ``days`` ago."""
    value = InboundValue(sender=PHONE, text=f"publicité {key}", external_id=key)
    message = inbound_store(channel, value, raw={"body": f"from={PHONE}&text=x", "headers": {}})
    InboundMessage.objects.filter(pk=message.message.pk).update(
        processing_state=state, stored_at=_ago(days)
    )
    return message.message


def _raw_row(pk: int) -> dict[str, str]:
    """The four identifying columns as the database holds them (no ORM in between)."""
    table = connection.ops.quote_name(InboundMessage._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(c) for c in RAW_FIELDS)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns} FROM {table} WHERE id = %s", [pk])  # noqa: S608
        return dict(zip(RAW_FIELDS, cursor.fetchone(), strict=True))


def _erased(message: InboundMessage) -> bool:
    return all(value == "" for value in _raw_row(message.pk).values())


def _exited(reporter: Reporter, days: int, action: str = "reporter.status") -> None:
    """Record that ``reporter`` became EXITED ``days`` ago (the audit event the rule dates by)."""
    Reporter.objects.filter(pk=reporter.pk).update(status=Reporter.Status.EXITED)
    AuditEvent.objects.create(
        action=action,
        object_type="channels.reporter",
        object_id=str(reporter.pk),
        details={"status": "EXITED"},
        at=_ago(days),
    )


def _focal(network: Any, phone: str = PHONE, name: str = NAME) -> Reporter:
    return reporter_enrol(name=name, phones=[phone], network=network)


def _audit_text() -> str:
    return json.dumps(
        list(AuditEvent.objects.values("summary", "details", "object_id", "path", "user_agent")),
        ensure_ascii=False,
        default=str,
    )


# --- raw messages --------------------------------------------------------------------------------


@pytest.mark.parametrize("state", ["CLOSED", "MERGED", "REJECTED", "REFERRED"])
def test_messages_of_alerts_final_91_days_ago_are_erased_89_kept(client, generic_channel, state):
    old = _alert_message(client, generic_channel, "old", state, 91)
    recent = _alert_message(client, generic_channel, "recent", state, 89)
    result = retention.inbound_raw_purge()
    assert (result.linked, result.unlinked) == (1, 0)
    assert _erased(old) and not any(v == "" for v in _raw_row(recent.pk).values())
    kept = InboundMessage.objects.get(pk=old.pk)  # metadata stays
    assert kept.alert_id == old.alert_id and kept.external_id == "old"
    assert kept.processing_state == "LINKED" and kept.reporter_id == old.reporter_id


def test_open_alerts_are_kept_whatever_their_age(client, generic_channel):
    messages = [
        _alert_message(client, generic_channel, f"open-{state}", state, 2000)
        for state in ("RECEIVED", "TRIAGED", "TRANSMITTED", "FEEDBACK_GIVEN")
    ]
    Alert.objects.update(received_at=_ago(2000))
    assert retention.inbound_raw_purge().total == 0
    assert not any(_erased(m) for m in messages)


def test_unlinked_messages_go_by_stored_at(generic_channel):
    spam = _unlinked(generic_channel, "spam-old", "IGNORED_SPAM", 91)
    failed = _unlinked(generic_channel, "failed-old", "FAILED", 91)
    spam_recent = _unlinked(generic_channel, "spam-new", "IGNORED_SPAM", 89)
    waiting = _unlinked(generic_channel, "stored-old", "STORED", 400)  # still to process
    erroring = _unlinked(generic_channel, "error-old", "ERROR", 400)  # will be retried
    result = retention.inbound_raw_purge()
    assert (result.linked, result.unlinked) == (0, 2)
    assert _erased(spam) and _erased(failed)
    assert not any(_erased(m) for m in (spam_recent, waiting, erroring))


def test_dry_run_changes_nothing_and_counts_the_same(client, generic_channel):
    old = _alert_message(client, generic_channel, "old", "CLOSED", 91)
    _unlinked(generic_channel, "spam-old", "IGNORED_SPAM", 91)
    before = _raw_row(old.pk)
    events = AuditEvent.objects.count()
    dry = retention.inbound_raw_purge(dry_run=True)
    assert _raw_row(old.pk) == before and AuditEvent.objects.count() == events
    real = retention.inbound_raw_purge()
    assert (dry.linked, dry.unlinked) == (real.linked, real.unlinked) == (1, 1)


def test_a_second_run_erases_nothing_more(client, generic_channel):
    _alert_message(client, generic_channel, "old", "CLOSED", 91)
    _unlinked(generic_channel, "spam-old", "IGNORED_SPAM", 91)
    assert retention.inbound_raw_purge().total == 2
    assert retention.inbound_raw_purge().total == 0
    assert retention.inbound_raw_purge(dry_run=True).total == 0


def test_chunks_and_limit(generic_channel):
    InboundMessage.objects.bulk_create(
        InboundMessage(
            channel=generic_channel,
            external_id=f"bulk-{i}",
            stored_at=_ago(100),
            sender_hash=f"h{i}",
            sender_sealed=seal(PHONE),
            raw_sealed=seal("{}"),
            text_sealed=seal("x"),
            processing_state="IGNORED_SPAM",
        )
        for i in range(7)
    )
    seen: list[tuple[int, int]] = []
    first = retention.inbound_raw_purge(
        chunk=2, limit=5, progress=lambda what, done, total: seen.append((done, total))
    )
    assert first.unlinked == 5 and first.more
    assert seen == [(2, 7), (4, 7), (5, 7)]
    rest = retention.inbound_raw_purge(chunk=2, limit=5)
    assert rest.unlinked == 2 and not rest.more
    assert InboundMessage.objects.exclude(raw_sealed="").count() == 0


# --- reporter identities -------------------------------------------------------------------------


def test_reporters_exited_13_months_ago_are_erased_11_kept_active_kept(network):
    old = _focal(network, "+23675000801", "Ancien Point Focal")
    recent = _focal(network, "+23675000802", "Récent Point Focal")
    active = _focal(network, "+23675000803", "Actif Point Focal")
    undated = _focal(network, "+23675000804", "Sans Date")
    back = _focal(network, "+23675000805", "Revenu Puis Reparti")
    _exited(old, 395)
    _exited(recent, 335)
    # Exited long ago, then active again: the status field is not EXITED, nothing happens.
    AuditEvent.objects.create(
        action="reporter.status",
        object_type="channels.reporter",
        object_id=str(active.pk),
        details={"status": "EXITED"},
        at=_ago(800),
    )
    Reporter.objects.filter(pk=undated.pk).update(status=Reporter.Status.EXITED)  # no event
    _exited(back, 800)  # EXITED long ago, ACTIVE again since, EXITED again outside the app
    AuditEvent.objects.create(
        action="reporter.status",
        object_type="channels.reporter",
        object_id=str(back.pk),
        details={"status": "ACTIVE"},
        at=_ago(30),
    )
    result = retention.reporter_identity_purge()
    assert (result.reporters, result.phones, result.undated) == (1, 1, 2)
    old.refresh_from_db()
    assert old.name_sealed == "" and not old.phones.exists()
    assert old.pseudonym.startswith("FP-") and old.status == "EXITED"
    for kept in (recent, active, undated, back):
        kept.refresh_from_db()
        assert kept.name_sealed and kept.phones.count() == 1
    assert retention.reporter_identity_purge().reporters == 0  # idempotent


def test_identity_purge_dry_run_counts_the_same(client, generic_channel, network):
    reporter = _focal(network)
    _sms(client, generic_channel, "fp1", PHONE, "Hommes armés à Ndah")
    _exited(reporter, 395)
    dry = retention.reporter_identity_purge(dry_run=True)
    assert Reporter.objects.get(pk=reporter.pk).name_sealed and ReporterPhone.objects.count() == 1
    real = retention.reporter_identity_purge()
    assert (
        (dry.reporters, dry.phones, dry.messages) == (real.reporters, real.phones, 1) == (1, 1, 1)
    )


def test_withdrawal_erases_at_once(client, generic_channel, network, cla_bria):
    reporter = _focal(network)
    message = _sms(client, generic_channel, "fp1", PHONE, "Hommes armés à Ndah ce matin")
    assert message.reporter_id == reporter.pk
    with pytest.raises(ChannelError):
        reporter_withdraw_consent(reporter, cla_bria, "  ")
    counts = reporter_withdraw_consent(reporter, cla_bria, "asked by phone to stop")
    assert counts == {"phones": 1, "messages": 1}
    reporter.refresh_from_db()
    assert reporter.status == "EXITED" and reporter.do_not_contact
    assert reporter.name_sealed == "" and not ReporterPhone.objects.exists()
    row = _raw_row(message.pk)
    # The number (sealed, hashed, and inside the request body) is gone; the text waits for the
    # raw-message rule, 90 days after the alert closes.
    assert row["sender_hash"] == row["sender_sealed"] == row["raw_sealed"] == ""
    assert unseal(row["text_sealed"]) == "Hommes armés à Ndah ce matin"
    event = AuditEvent.objects.get(action="reporter.withdraw_consent")
    assert event.actor == cla_bria and event.details["status"] == "EXITED"
    assert Alert.objects.filter(pk=message.alert_id).exists()  # alerts stay
    assert NAME not in _audit_text() and DIGITS not in _audit_text()
    # The 12-month rule then finds nothing to do, and no undated reporter.
    again = retention.reporter_identity_purge(today=timezone.localdate() + dt.timedelta(days=400))
    assert (again.reporters, again.undated) == (0, 0)


def test_an_erased_number_texting_again_is_a_new_public_reporter(client, generic_channel, network):
    reporter = _focal(network)
    _exited(reporter, 395)
    retention.reporter_identity_purge()
    message = _sms(client, generic_channel, "again", PHONE, "Tirs entendus à Bria")
    fresh = Reporter.objects.get(pk=message.reporter_id)
    assert fresh.pk != reporter.pk and fresh.kind == "PUBLIC"
    assert fresh.pseudonym != reporter.pseudonym and fresh.phones.count() == 1


def test_reveal_of_an_erased_identity_says_so_and_is_audited(network, cla_bria):
    reporter = _focal(network)
    reporter_withdraw_consent(reporter, cla_bria, "moved away")
    page = client_for(cla_bria).post(
        f"/channels/reporters/{reporter.pk}/", {"reason": "callback about alert"}
    )
    # The mission's default language: the notice is translated.
    assert page.status_code == 200 and "identité effacée" in page.content.decode()
    event = AuditEvent.objects.filter(action="identity.reveal").get()
    assert event.actor == cla_bria and event.details == {
        "reason": "callback about alert",
        "erased": True,
    }
    with translation.override("en"):
        shown = reporter_identity(Reporter.objects.get(pk=reporter.pk), actor=cla_bria, reason="x")
    assert shown["erased"] and shown["notice"] == ERASED and shown["phones"] == []
    assert AuditEvent.objects.filter(action="identity.reveal").count() == 2


def test_reveal_of_a_live_identity_is_unchanged(network, cla_bria):
    shown = reporter_identity(_focal(network), actor=cla_bria, reason="x")
    assert shown["name"] == NAME and shown["phones"] == [PHONE] and not shown["erased"]


def test_sms_to_a_withdrawn_reporter_are_not_sent(client, generic_channel, network, cla_bria):
    reporter = _focal(network)
    _sms(client, generic_channel, "fp1", PHONE, "Hommes armés à Ndah ce matin")
    ack = OutboundMessage.objects.get(to_reporter=reporter)
    assert ack.status == "QUEUED"  # queued before the withdrawal
    reporter_withdraw_consent(reporter, cla_bria, "asked to stop")
    with mock.patch(GATEWAY) as gateway:
        outbound_drain()
        later = outbound_queue(reporter, generic_channel, "FEEDBACK", "Merci", "fr")
    gateway.assert_not_called()
    ack.refresh_from_db()
    assert ack.status == "FAILED" and "no phone number" in ack.error
    assert later.status == "SUPPRESSED"


# --- audit, keys, raw rows -----------------------------------------------------------------------


def test_runs_are_audited_with_counts_and_no_personal_data(client, generic_channel, network):
    reporter = _focal(network)
    message = _sms(client, generic_channel, "fp1", PHONE, f"Je suis {NAME}, attaque à Ndah")
    Alert.objects.filter(pk=message.alert_id).update(state="CLOSED", state_changed_at=_ago(91))
    _exited(reporter, 395)
    retention.inbound_raw_purge()
    retention.reporter_identity_purge()
    raw, ids = (
        AuditEvent.objects.filter(action="retention.purge", object_type=t).get()
        for t in ("channels.inboundmessage", "channels.reporter")
    )
    assert raw.details["linked"] == 1 and raw.details["unlinked"] == 0
    assert ids.details["reporters"] == 1 and ids.details["phones"] == 1
    assert raw.actor is None and raw.object_id == "" and ids.object_id == ""
    text = _audit_text()
    for needle in (NAME, "Zanga", DIGITS, PHONE):
        assert needle not in text


def test_keys_rotate_after_a_purge(client, generic_channel, network, settings):
    gone = _focal(network)
    kept = _focal(network, "+23675000900", "Toujours Là")
    old = _alert_message(client, generic_channel, "old", "CLOSED", 91, sender=PHONE)
    live = _alert_message(client, generic_channel, "live", "TRIAGED", 91, sender="+23675000900")
    _exited(gone, 395)
    retention.inbound_raw_purge()
    retention.reporter_identity_purge()
    with override_settings(SEAL_KEYS=["a-brand-new-key", *settings.SEAL_KEYS]):
        out = io.StringIO()
        call_command("keys", "rotate", "--rehash", stdout=out)
        assert "done" in out.getvalue()
    with override_settings(SEAL_KEYS=["a-brand-new-key"]):
        assert unseal(Reporter.objects.get(pk=kept.pk).name_sealed) == "Toujours Là"
        assert unseal(InboundMessage.objects.get(pk=live.pk).text_sealed)
    assert _erased(old) and Reporter.objects.get(pk=gone.pk).name_sealed == ""


def test_purged_rows_hold_no_sealed_value(client, generic_channel, network):
    reporter = _focal(network)
    message = _alert_message(client, generic_channel, "fp1", "CLOSED", 91, sender=PHONE)
    spam = _unlinked(generic_channel, "spam", "IGNORED_SPAM", 91)
    _exited(reporter, 395)
    retention.inbound_raw_purge()
    retention.reporter_identity_purge()
    for pk in (message.pk, spam.pk):
        assert _raw_row(pk) == dict.fromkeys(RAW_FIELDS, "")
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT name_sealed FROM {connection.ops.quote_name(Reporter._meta.db_table)} "  # noqa: S608
            "WHERE id = %s",
            [reporter.pk],
        )
        assert cursor.fetchone() == ("",)
        cursor.execute(
            f"SELECT COUNT(*) FROM {connection.ops.quote_name(ReporterPhone._meta.db_table)} "  # noqa: S608
            "WHERE reporter_id = %s",
            [reporter.pk],
        )
        assert cursor.fetchone() == (0,)


# --- the command and the job ---------------------------------------------------------------------


def test_command_prints_counts_and_queues_the_daily_run(client, generic_channel, network):
    _alert_message(client, generic_channel, "old", "CLOSED", 91)
    _unlinked(generic_channel, "spam", "IGNORED_SPAM", 91)
    _exited(_focal(network), 395)
    out = io.StringIO()
    call_command("channels", "purge", "--dry-run", stdout=out)
    text = out.getvalue()
    assert "raw messages would erase: 2" in text and "reporter identities would erase: 1" in text
    assert "nothing changed" in text
    assert not Job.objects.filter(name="channels.retention").exists()
    out = io.StringIO()
    call_command("channels", "purge", stdout=out)
    text = out.getvalue()
    assert "raw messages erased: 2 — 1 of alerts" in text and "1 spam or failed" in text
    assert "reporter identities erased: 1" in text and "1 phone numbers" in text
    assert "daily run queued" in text
    assert Job.objects.filter(name="channels.retention", status="QUEUED").count() == 1
    call_command("channels", "purge", stdout=io.StringIO())
    assert Job.objects.filter(name="channels.retention").count() == 1  # one per day


def test_command_today_moves_the_cutoff(client, generic_channel):
    message = _alert_message(client, generic_channel, "recent", "CLOSED", 89)
    out = io.StringIO()
    later = (timezone.localdate() + dt.timedelta(days=5)).isoformat()
    call_command("channels", "purge", "--today", later, stdout=out)
    assert "raw messages erased: 1" in out.getvalue() and _erased(message)


@pytest.mark.parametrize("bad", ["2026-13-01", "yesterday", "01/02/2026"])
def test_command_rejects_a_malformed_today_and_changes_nothing(client, generic_channel, bad):
    message = _alert_message(client, generic_channel, "old", "CLOSED", 91)
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("channels", "purge", "--today", bad, stdout=io.StringIO())
    assert not _erased(message)
    assert not AuditEvent.objects.filter(action="retention.purge").exists()
    assert not Job.objects.filter(name="channels.retention").exists()


def test_command_shows_progress_over_several_chunks(generic_channel):
    InboundMessage.objects.bulk_create(
        InboundMessage(
            channel=generic_channel,
            external_id=f"bulk-{i}",
            stored_at=_ago(100),
            sender_sealed=seal(PHONE),
            raw_sealed=seal("{}"),
            processing_state="FAILED",
        )
        for i in range(retention.CHUNK + 10)
    )
    out = io.StringIO()
    call_command("channels", "purge", stdout=out)
    text = out.getvalue()
    assert f"raw messages: {retention.CHUNK} of {retention.CHUNK + 10}" in text
    assert f"raw messages erased: {retention.CHUNK + 10}" in text


def test_job_works_a_backlog_off_in_short_jobs_and_requeues_itself(
    generic_channel, network, monkeypatch
):
    for i in range(5):
        _unlinked(generic_channel, f"spam-{i}", "IGNORED_SPAM", 91)
    _exited(_focal(network), 395)
    monkeypatch.setattr(retention, "CHUNK", 2)
    result = retention_run()
    assert result["raw_unlinked"] == 2 and result["reporters"] == 1 and result["more"]
    run_pending()  # the continuations, at once; tomorrow's run waits for tomorrow
    assert InboundMessage.objects.exclude(raw_sealed="").count() == 0
    done = Job.objects.filter(name="channels.retention", status="DONE")
    assert sum(j.result["raw_unlinked"] for j in done) == 3
    tomorrow = Job.objects.get(name="channels.retention", status="QUEUED")
    assert tomorrow.run_after > timezone.now() and tomorrow.payload == {}
