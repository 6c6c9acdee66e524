"""Retention of participant name lists (DP-9): delete names 24 months after the activity; keep counts."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from sauti.accounts import audit
from sauti.accounts.models import User
from sauti.civic.models import Participant

KEEP_DAYS = 730  # 24 months [proposal in domain.md §12, DP-9; confirm with the records officer]


@transaction.atomic
def participant_names_purge(
    *,
    today: dt.date | None = None,
    keep_days: int = KEEP_DAYS,
    actor: User | None = None,
    dry_run: bool = False,
) -> int:
    """Erase sealed names (and the linking hash) of participants of activities that ended more than
    ``keep_days`` ago. Aggregate figures are untouched. Returns the number of people erased."""
    cutoff = (today or timezone.localdate()) - dt.timedelta(days=keep_days)
    due = Participant.objects.filter(activity__end__lt=cutoff).exclude(name_sealed="")
    count = due.count()
    if count and not dry_run:
        due.update(name_sealed="", person_hash="")
        audit.record(
            "retention.purge",
            actor=actor,
            object_type="civic.participant",
            summary=f"names of {count} participants erased (activities ended before {cutoff})",
            details={"count": count, "cutoff": cutoff.isoformat(), "keep_days": keep_days},
        )
    return count
