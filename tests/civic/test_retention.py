"""DP-9: participant names are erased 24 months after the activity; the figures stay."""

from __future__ import annotations

import datetime as dt
import io

from django.core.management import call_command

from sauti.accounts.models import AuditEvent
from sauti.civic import services
from sauti.civic.models import Participant
from sauti.civic.services.retention import participant_names_purge
from sauti.core.jobs import handlers
from tests.conftest import client_for


def test_old_names_are_erased_counts_kept(units: dict, cla_bria) -> None:
    old = services.activity_create(
        ref="OLD",
        kind="TRAINING",
        range="RANGE_C",
        title="Ancienne",
        admin_unit=units["CF521"],
        start=dt.date(2023, 1, 10),
        status="HELD",
    )
    new = services.activity_create(
        ref="NEW",
        kind="TRAINING",
        range="RANGE_C",
        title="Récente",
        admin_unit=units["CF521"],
        start=dt.date(2026, 1, 10),
        status="HELD",
    )
    services.activity_add_participants(old, [{"name": "Awa Ancienne", "sex": "F", "role": "CHIEF"}])
    services.activity_add_participants(new, [{"name": "Jean Récent", "sex": "M", "role": "CHIEF"}])
    today = dt.date(2026, 6, 1)
    assert participant_names_purge(today=today, dry_run=True) == 1
    assert Participant.objects.exclude(name_sealed="").count() == 2
    assert participant_names_purge(today=today) == 1
    assert participant_names_purge(today=today) == 0  # idempotent
    erased = Participant.objects.get(activity=old)
    assert erased.name_sealed == "" and erased.person_hash == ""
    old.refresh_from_db()
    assert old.participants_total == 1  # figures kept
    assert AuditEvent.objects.filter(action="retention.purge").count() == 1
    page = client_for(cla_bria).post(f"/civic/activities/{old.pk}/", {"reveal": "1"})
    assert "(erased)" in page.content.decode()
    assert client_for(cla_bria).get("/civic/export/participants.xlsx").status_code == 200
    assert "civic.purge_participant_names" in handlers()
    out = io.StringIO()
    call_command("civic", "purge", "--dry-run", stdout=out)
    assert "would erase the names of 0 participants" in out.getvalue()
