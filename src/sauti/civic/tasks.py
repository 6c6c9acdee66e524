"""Background jobs of the civic app: thin, call a service."""

from __future__ import annotations

from typing import Any

from sauti.civic.services.retention import KEEP_DAYS, participant_names_purge
from sauti.core.jobs import job


@job("civic.purge_participant_names")
def purge_participant_names(keep_days: int | None = None) -> dict[str, Any]:
    return {"erased": participant_names_purge(keep_days=keep_days or KEEP_DAYS)}
