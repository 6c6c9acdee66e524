"""Writes of dialogue processes, their sessions and commitments with follow-up."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sauti.accounts import audit
from sauti.accounts.models import User
from sauti.civic import choices as c
from sauti.civic.models import Activity, Commitment, CommitmentUpdate, DialogueProcess
from sauti.civic.services.activities import activity_add_participants, activity_create
from sauti.civic.services.common import CivicError
from sauti.places.models import AdminUnit


def dialogue_create(
    *,
    title: str,
    parties: list[str],
    admin_unit: AdminUnit,
    actor: User | None = None,
    **fields: Any,
) -> DialogueProcess:
    parties = [p.strip() for p in parties if p.strip()]
    if not title.strip():
        raise CivicError(_("A dialogue process needs a title."))
    if len(parties) < 2:
        raise CivicError(_("A dialogue needs at least two parties."))
    process = DialogueProcess.objects.create(
        title=title.strip(),
        parties="; ".join(parties),
        admin_unit=admin_unit,
        created_by=actor,
        **fields,
    )
    audit.record(
        "object.create", actor=actor, obj=process, summary=f"dialogue process #{process.pk} created"
    )
    return process


def dialogue_set_stage(
    process: DialogueProcess, target: str, *, reason: str = "", actor: User | None = None
) -> DialogueProcess:
    c.check_transition(c.DIALOGUE_TRANSITIONS, process.stage, target, _("Dialogue"))
    if target in ("STALLED", "BROKEN", "CONSOLIDATED") and not reason.strip():
        raise CivicError(_("Give the reason for this stage."))
    previous, process.stage, process.stage_reason = process.stage, target, reason.strip()
    process.save(update_fields=["stage", "stage_reason"])
    audit.record(
        "state.change",
        actor=actor,
        obj=process,
        summary=f"dialogue #{process.pk} {previous} -> {target}",
    )
    return process


def commitment_add(
    process: DialogueProcess,
    *,
    owner_party: str,
    text: str,
    due: dt.date | None = None,
    session: Activity | None = None,
    indicator: str = "",
    actor: User | None = None,
) -> Commitment:
    if not owner_party.strip() or not text.strip():
        raise CivicError(_("A commitment needs who and what."))
    commitment = Commitment.objects.create(
        process=process,
        session=session,
        owner_party=owner_party.strip(),
        text=text.strip(),
        due=due,
        indicator=indicator,
    )
    audit.record(
        "object.create",
        actor=actor,
        obj=commitment,
        summary=f"commitment added to dialogue #{process.pk}",
    )
    return commitment


@transaction.atomic
def commitment_follow_up(
    commitment: Commitment,
    *,
    status: str,
    note: str = "",
    evidence: str = "",
    checked_on: dt.date | None = None,
    actor: User | None = None,
) -> CommitmentUpdate:
    """Record one check of a commitment; its history is kept as CommitmentUpdate rows."""
    if status == c.CommitmentStatus.OVERDUE:
        raise CivicError(_("Overdue is computed from the due date, it cannot be set."))
    if status not in c.CommitmentStatus.values:
        raise CivicError(_("%(v)r is not a commitment status.") % {"v": status})
    checked_on = checked_on or timezone.localdate()
    previous = commitment.status
    if status != previous:
        c.check_transition(c.COMMITMENT_TRANSITIONS, previous, status, _("Commitment"))
    commitment.status = status
    commitment.last_checked = checked_on
    if evidence.strip():
        commitment.evidence = evidence.strip()
    commitment.save(update_fields=["status", "last_checked", "evidence"])
    update = CommitmentUpdate.objects.create(
        commitment=commitment,
        previous_status=previous,
        status=status,
        note=note.strip(),
        checked_on=checked_on,
        by=actor,
    )
    audit.record(
        "state.change",
        actor=actor,
        obj=commitment,
        summary=f"commitment #{commitment.pk} {previous} -> {status}",
    )
    return update


@transaction.atomic
def dialogue_record_session(
    process: DialogueProcess,
    *,
    title: str,
    start: dt.date,
    kind: str = "DIALOGUE_INTERCOMMUNITY",
    people: list[dict[str, Any]] | None = None,
    commitments: list[dict[str, Any]] | None = None,
    actor: User | None = None,
) -> Activity:
    """A dialogue session held: the activity, its named participants and the commitments made there."""
    if kind not in c.DIALOGUE_KINDS:
        raise CivicError(_("A dialogue session must be a dialogue, mediation or forum."))
    count = process.sessions.count() + 1
    session = activity_create(
        ref=f"DLG{process.pk}-S{count}-{start:%Y%m%d}",
        kind=kind,
        range=c.InterventionRange.RANGE_C
        if kind == "DIALOGUE_STATE_COMMUNITY"
        else c.InterventionRange.RANGE_B,
        title=title,
        admin_unit=process.admin_unit,
        start=start,
        status=c.ActivityStatus.HELD,
        dialogue=process,
        actor=actor,
    )
    if people:
        activity_add_participants(session, people, actor=actor)
    for item in commitments or []:
        commitment_add(process, session=session, actor=actor, **item)
    return session
