"""Civic records (domain.md §3.6): organisations, networks, authorities, activities, dialogues, CVR.

Every record that can be seen on its own carries an ``admin_unit`` so the area scope of the access
module applies; child records (contacts, memberships, participants, commitments) are reached only
through their scoped parent.
"""

from sauti.civic.models.activities import Activity, Participant, ParticipantCount, RoleCount
from sauti.civic.models.cvr import BeneficiaryCount, CVRProject, WeaponsCollection
from sauti.civic.models.dialogue import Commitment, CommitmentUpdate, DialogueProcess
from sauti.civic.models.organisations import (
    ContactPerson,
    Membership,
    Network,
    Organisation,
    Support,
    TraditionalAuthority,
)

__all__ = [
    "Activity",
    "BeneficiaryCount",
    "CVRProject",
    "Commitment",
    "CommitmentUpdate",
    "ContactPerson",
    "DialogueProcess",
    "Membership",
    "Network",
    "Organisation",
    "Participant",
    "ParticipantCount",
    "RoleCount",
    "Support",
    "TraditionalAuthority",
    "WeaponsCollection",
]
