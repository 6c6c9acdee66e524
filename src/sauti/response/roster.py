"""Duty roster for alert phones: who holds the hotline of which base and when, handover, and the
fallback to another base when a base has nobody on duty (same prefecture first, then anywhere
in the country)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sauti.accounts import access, audit
from sauti.channels.models import Network
from sauti.response.models import DutyShift
from sauti.response.services import ResponseError


def _covering(at: datetime) -> Any:
    return DutyShift.objects.filter(starts_at__lte=at, ends_at__gt=at).select_related(
        "holder", "network", "network__area"
    )


def duty_shift_add(
    network: Network, holder: Any, starts_at: datetime, ends_at: datetime, *, by: Any
) -> DutyShift:
    """Put a person on duty for a base; shifts of one base never overlap."""
    access.require(by, "network.manage")
    if not access.in_scope(by, network.area.path):
        raise access.AccessDenied(_("this network is outside your areas"))
    if ends_at <= starts_at:
        raise ResponseError(_("a shift must end after it starts"))
    if not access.has_perm(holder, "alerts.create"):
        raise ResponseError(_("the alert phone is held by a CLA or a CA officer"))
    with transaction.atomic():
        overlap = DutyShift.objects.select_for_update().filter(
            network=network, starts_at__lt=ends_at, ends_at__gt=starts_at
        )
        if overlap.exists():
            raise ResponseError(_("this shift overlaps another shift of the same base"))
        shift = DutyShift.objects.create(
            network=network, holder=holder, starts_at=starts_at, ends_at=ends_at, created_by=by
        )
        audit.record(
            "duty.add",
            actor=by,
            obj=shift,
            summary=f"{holder.username} on duty for {network.name}",
        )
    return shift


def duty_handover(shift: DutyShift, to: Any, *, by: Any, at: datetime | None = None) -> DutyShift:
    """Hand the alert phone over now: the current shift ends, the new holder's starts."""
    when = at or timezone.now()
    if not shift.starts_at <= when < shift.ends_at:
        raise ResponseError(_("only a shift under way can be handed over"))
    if not access.has_perm(to, "alerts.create"):
        raise ResponseError(_("the alert phone is held by a CLA or a CA officer"))
    access.require(by, "network.manage")
    with transaction.atomic():
        end = shift.ends_at
        DutyShift.objects.filter(pk=shift.pk).update(ends_at=when)
        new = DutyShift.objects.create(
            network=shift.network,
            holder=to,
            starts_at=when,
            ends_at=end,
            handed_over_from=shift,
            created_by=by,
        )
        audit.record(
            "duty.handover",
            actor=by,
            obj=new,
            summary=f"alert phone of {shift.network.name}: {shift.holder} → {to.username}",
        )
    return new


def duty_holder(network: Network, at: datetime | None = None) -> tuple[DutyShift | None, bool]:
    """(shift, is_fallback): the base's own shift at ``at``, else a shift of another base of the
    same prefecture, else of any base in the country; (None, False) when nobody is on duty."""
    when = at or timezone.now()
    own = _covering(when).filter(network=network).first()
    if own is not None:
        return own, False
    parts = [p for p in network.area.path.split("/") if p]
    for depth in (2, 1):
        prefix = "/" + "/".join(parts[:depth]) + "/"
        other = (
            _covering(when)
            .filter(network__area__path__startswith=prefix)
            .exclude(network=network)
            .order_by("network_id")
            .first()
        )
        if other is not None:
            return other, True
    return None, False
