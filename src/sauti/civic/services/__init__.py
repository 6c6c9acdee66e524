"""Writes of the civic app (``<entity>_<verb>``), split by subject; every write is audited.

Bad input raises ``CivicError`` (a message for people, nothing changed); a forbidden state change
raises ``TransitionError`` (HTTP 409 in the API).
"""

from sauti.civic.choices import TransitionError
from sauti.civic.services.activities import (
    AggregateInput,
    activity_add_participants,
    activity_create,
    activity_recount,
    activity_set_counts,
    activity_set_status,
    aggregate_columns,
    aggregate_errors,
)
from sauti.civic.services.common import CivicError, person_hash
from sauti.civic.services.cvr import (
    cvr_project_create,
    cvr_project_set_beneficiaries,
    cvr_project_set_status,
    weapons_collection_record,
)
from sauti.civic.services.dialogue import (
    commitment_add,
    commitment_follow_up,
    dialogue_create,
    dialogue_record_session,
    dialogue_set_stage,
)
from sauti.civic.services.organisations import (
    authorities_upsert_many,
    authority_upsert,
    contact_add,
    contact_reveal,
    membership_add,
    membership_end,
    network_composition,
    network_create,
    network_set_status,
    organisation_create,
    organisation_set_engagement,
    support_record,
)

__all__ = [
    "AggregateInput",
    "CivicError",
    "TransitionError",
    "activity_add_participants",
    "activity_create",
    "activity_recount",
    "activity_set_counts",
    "activity_set_status",
    "aggregate_columns",
    "aggregate_errors",
    "authorities_upsert_many",
    "authority_upsert",
    "commitment_add",
    "commitment_follow_up",
    "contact_add",
    "contact_reveal",
    "cvr_project_create",
    "cvr_project_set_beneficiaries",
    "cvr_project_set_status",
    "dialogue_create",
    "dialogue_record_session",
    "dialogue_set_stage",
    "membership_add",
    "membership_end",
    "network_composition",
    "network_create",
    "network_set_status",
    "organisation_create",
    "organisation_set_engagement",
    "person_hash",
    "support_record",
    "weapons_collection_record",
]
