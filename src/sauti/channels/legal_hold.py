"""Legal holds (DP-9: reporter identities are erased "at once on withdrawal of consent unless a
legal hold applies"; the retention rules yield to a hold too).

A hold is placed on a reporter by the data protection focal point, with a reason, and lifted by
them, with a reason. While one is in force:

- ``retention`` erases neither the reporter's identity (name, numbers) nor their raw messages;
- a withdrawal of consent (``services.reporter_withdraw_consent``) still makes the reporter
  EXITED and never contacted again, but the erasure waits: it is done when the last hold on the
  reporter is lifted, at once, and audited then.

Every placing and lifting is audited (``retention.hold_place``, ``retention.hold_lift``) with
the hold's id, the pseudonym and the reasons — never a name or a number.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from sauti.accounts import access, audit
from sauti.accounts.models import AuditEvent, User
from sauti.accounts.roles import Role
from sauti.channels.models import LegalHold, Reporter
from sauti.core.text import clean_text

REASON_MAX = 500
A_PLACE = "retention.hold_place"
A_LIFT = "retention.hold_lift"
A_ERASE_AFTER = "reporter.identity_erase"
WITHDRAW_ACTION = "reporter.withdraw_consent"
PLACER_ROLES = frozenset({Role.DPO_FOCAL})


class HoldError(ValueError):
    """A hold that cannot be placed or lifted as asked (bad reason, already lifted): nothing
    changed."""


def may_hold(user: access.AnyUser | None) -> bool:
    """Whether the user places and lifts holds (the data protection focal point)."""
    return access.role_of(user) in PLACER_ROLES


def held_reporter_ids() -> QuerySet[LegalHold, int]:
    """The reporters with a hold in force, as a subquery for the retention rules."""
    return LegalHold.objects.filter(lifted_at__isnull=True).values_list("reporter_id", flat=True)


def is_held(reporter: Reporter) -> bool:
    return LegalHold.objects.filter(reporter=reporter, lifted_at__isnull=True).exists()


def _clean_reason(reason: str, what: str) -> str:
    return clean_text(
        reason,
        REASON_MAX,
        error=HoldError,
        too_long=_("Keep the reason under %(n)s characters."),
        required=(
            _("a reason is required to place a legal hold")
            if what == "place"
            else _("a reason is required to lift a legal hold")
        ),
    )


def _check(user: User, reporter: Reporter) -> None:
    if not may_hold(user):
        raise access.AccessDenied(_("only the data protection focal point places or lifts holds"))
    if not access.in_scope(user, reporter.area.path):
        raise access.AccessDenied(_("this reporter is outside your areas"))


def hold_place(
    user: User, reporter: Reporter, reason: str, *, request: HttpRequest | None = None
) -> LegalHold:
    """Place a hold on ``reporter``; raises ``AccessDenied`` (not the DPO, or outside their
    areas) or ``HoldError`` (bad reason) and then changes nothing."""
    _check(user, reporter)
    text = _clean_reason(reason, "place")
    with transaction.atomic():
        hold = LegalHold.objects.create(reporter=reporter, reason=text, placed_by=user)
        audit.record(
            A_PLACE,
            actor=user,
            obj=reporter,
            request=request,
            summary=f"legal hold #{hold.pk} placed on {reporter.pseudonym}",
            details={"hold": hold.pk, "reporter": reporter.pseudonym, "reason": text},
        )
    return hold


def hold_lift(
    user: User, hold_id: int, reason: str, *, request: HttpRequest | None = None
) -> dict[str, Any]:
    """Lift a hold. If it was the reporter's last one and they withdrew consent while held, their
    identity is erased now (as the withdrawal would have done). Raises ``LegalHold.DoesNotExist``,
    ``AccessDenied`` or ``HoldError`` (bad reason, lifted already) and then changes nothing.
    Returns what was erased (empty when nothing was)."""
    from sauti.channels import retention

    hold = LegalHold.objects.select_related("reporter__area").get(pk=hold_id)
    _check(user, hold.reporter)
    text = _clean_reason(reason, "lift")
    reporter = hold.reporter
    erased: dict[str, Any] = {}
    with transaction.atomic():
        lifted = LegalHold.objects.filter(pk=hold.pk, lifted_at__isnull=True).update(
            lifted_at=timezone.now(), lifted_by=user, lift_reason=text
        )
        if lifted != 1:
            raise HoldError(_("legal hold #%(n)s was lifted already") % {"n": hold.pk})
        audit.record(
            A_LIFT,
            actor=user,
            obj=reporter,
            request=request,
            summary=f"legal hold #{hold.pk} on {reporter.pseudonym} lifted",
            details={"hold": hold.pk, "reporter": reporter.pseudonym, "reason": text},
        )
        if not is_held(reporter) and _withdrew_while_held(reporter):
            erased = retention.reporter_identity_erase([reporter.pk])
            audit.record(
                A_ERASE_AFTER,
                actor=user,
                obj=reporter,
                request=request,
                summary=f"identity of {reporter.pseudonym} erased: consent was withdrawn "
                "during a legal hold, now lifted",
                details={"hold": hold.pk, "reporter": reporter.pseudonym, **erased},
            )
    return erased


def _withdrew_while_held(reporter: Reporter) -> bool:
    """Whether the reporter's latest withdrawal of consent was kept from erasure by a hold, and
    their identity is still stored."""
    latest = (
        AuditEvent.objects.filter(
            action=WITHDRAW_ACTION,
            object_type=Reporter._meta.label_lower,
            object_id=str(reporter.pk),
        )
        .order_by("-at", "-id")
        .values_list("details", flat=True)
        .first()
    )
    if not latest or not latest.get("held"):
        return False
    fresh = Reporter.objects.get(pk=reporter.pk)
    return fresh.status == Reporter.Status.EXITED and (
        bool(fresh.name_sealed) or fresh.phones.exists()
    )
