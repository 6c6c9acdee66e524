"""Alert narratives (DP-9: "stripped of personal details at closure + 1 year"): the sealed text as
told is emptied a year after the alert reached a final state; its coding stays for trends; open
alerts and alerts of a reporter under a legal hold keep theirs; runs are audited with counts only."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from sauti.accounts.models import AuditEvent
from sauti.alerts.models import Alert
from sauti.channels import retention
from sauti.channels.legal_hold import hold_place
from sauti.channels.tasks import retention_run
from sauti.core.crypto import unseal

from .test_retention import PHONE, _alert_message, _focal

pytestmark = pytest.mark.django_db
TEXT = "Hommes armés à Ndah ce matin"


def _alert(client, channel, key: str, state: str, days: int, sender: str = "") -> Alert:
    message = _alert_message(client, channel, key, state, days, sender=sender)
    return Alert.objects.get(pk=message.alert_id)


def test_narratives_of_alerts_final_a_year_ago_are_emptied_coding_kept(client, generic_channel):
    old = _alert(client, generic_channel, "n1", "CLOSED", 366)
    recent = _alert(client, generic_channel, "n2", "CLOSED", 364)
    open_old = _alert(client, generic_channel, "n3", "TRIAGED", 800)
    coding = (old.threat_type, old.summary, old.place_text, old.counts, old.actors, old.reference)
    result = retention.alert_narrative_purge()
    assert result.alerts == 1
    old.refresh_from_db()
    assert old.narrative_sealed == ""
    assert (
        old.threat_type,
        old.summary,
        old.place_text,
        old.counts,
        old.actors,
        old.reference,
    ) == coding
    for kept in (recent, open_old):
        kept.refresh_from_db()
        assert unseal(kept.narrative_sealed).startswith(TEXT)
    assert retention.alert_narrative_purge().alerts == 0  # idempotent


def test_dry_run_counts_and_changes_nothing(client, generic_channel):
    alert = _alert(client, generic_channel, "n1", "REJECTED", 400)
    events = AuditEvent.objects.count()
    assert retention.alert_narrative_purge(dry_run=True).alerts == 1
    alert.refresh_from_db()
    assert alert.narrative_sealed and AuditEvent.objects.count() == events


def test_a_reporter_under_a_legal_hold_keeps_the_narratives(client, generic_channel, network, dpo):
    reporter = _focal(network)
    held = _alert(client, generic_channel, "n1", "CLOSED", 400, sender=PHONE)
    other = _alert(client, generic_channel, "n2", "CLOSED", 400)
    assert held.reporter_id == reporter.pk
    hold_place(dpo, reporter, "inquiry into the Ndah attack")
    assert retention.alert_narrative_purge().alerts == 1
    held.refresh_from_db()
    other.refresh_from_db()
    assert held.narrative_sealed and other.narrative_sealed == ""


def test_runs_are_audited_with_counts_only(client, generic_channel):
    _alert(client, generic_channel, "n1", "MERGED", 400)
    retention.alert_narrative_purge()
    event = AuditEvent.objects.get(action="retention.purge", object_type="alerts.alert")
    assert event.details["alerts"] == 1 and event.details["rule"] == "DP-9 alert narratives"
    assert TEXT not in str(event.details) and TEXT not in event.summary


def test_command_and_daily_job(client, generic_channel):
    _alert(client, generic_channel, "n1", "CLOSED", 400)
    out = io.StringIO()
    call_command("channels", "purge", "--dry-run", stdout=out)
    assert "alert narratives would erase: 1" in out.getvalue()
    assert Alert.objects.exclude(narrative_sealed="").count() == 1
    result = retention_run()
    assert result["narratives"] == 1
    assert not Alert.objects.exclude(narrative_sealed="").exists()
