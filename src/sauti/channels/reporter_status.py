"""A focal point's lifecycle (domain.md §4.3): PROPOSED → ASSESSED → CONSENTED → TRAINED →
ACTIVE ⇄ SUSPENDED, and EXITED from any of them (final: a person who comes back is enrolled
again).

Each change is made by the roles §4.3 names, in their areas, with a reason, and written as a
``reporter.status`` audit event carrying the new and previous status: the retention rule dates an
exit by it (``retention.exit_times``), so the 12-month erasure of an identity starts from here.
Outbound SMS go to ACTIVE reporters only (``outbound.outbound_messages``), so suspending someone
whose phone was taken stops every message at once. A withdrawal of consent is its own step
(``services.reporter_withdraw_consent``: EXITED and erased at once).
"""

from __future__ import annotations

from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

from sauti.accounts import access, audit
from sauti.accounts.models import User
from sauti.accounts.roles import Role
from sauti.channels.models import Reporter
from sauti.core.text import clean_text

S = Reporter.Status
REASON_MAX = 200
AUDIT_ACTION = "reporter.status"

# Where each status may go (§4.3). EXITED is final.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    S.PROPOSED: (S.ASSESSED, S.EXITED),
    S.ASSESSED: (S.CONSENTED, S.EXITED),
    S.CONSENTED: (S.TRAINED, S.EXITED),
    S.TRAINED: (S.ACTIVE, S.EXITED),
    S.ACTIVE: (S.SUSPENDED, S.EXITED),
    S.SUSPENDED: (S.ACTIVE, S.EXITED),
    S.EXITED: (),
}
# Who may move a reporter into each status (§4.3: the CLA throughout; the CA officer assesses
# and suspends).
ACTORS: dict[str, frozenset[str]] = {
    status: frozenset(
        {Role.CLA, Role.CA_OFFICER} if status in (S.ASSESSED, S.SUSPENDED) else {Role.CLA}
    )
    for status in S.values
}
# Who records a withdrawal of consent from the page (§4.3: consent is the CLA's to record).
WITHDRAW_ROLES = frozenset({Role.CLA})


class StatusError(ValueError):
    """A change that cannot be made as asked (unknown status, bad reason): 400, nothing changed."""


class StatusConflict(StatusError):
    """The change does not follow from the reporter's status now (a stale page): 409."""


def allowed_statuses(user: access.AnyUser | None, reporter: Reporter) -> list[tuple[str, str]]:
    """The statuses this user may move this reporter to now, as (code, label)."""
    role = access.role_of(user)
    return [
        (code, str(S(code).label))
        for code in TRANSITIONS.get(reporter.status, ())
        if role in ACTORS[code]
    ]


def may_withdraw(user: access.AnyUser | None, reporter: Reporter) -> bool:
    return access.role_of(user) in WITHDRAW_ROLES and reporter.status != S.EXITED


def clean_reason(reason: str) -> str:
    return clean_text(
        reason,
        REASON_MAX,
        error=StatusError,
        too_long=_("Keep the reason under %(n)s characters."),
        required=_("Give a reason for the change."),
    )


def reporter_set_status(
    user: User,
    reporter: Reporter,
    status: str,
    reason: str,
    *,
    request: HttpRequest | None = None,
) -> Reporter:
    """Move ``reporter`` (already read in the user's scope) to ``status``. Raises
    ``StatusError`` (400), ``AccessDenied`` (403) or ``StatusConflict`` (409) and then changes
    nothing. The row is locked and its status read again, so two people changing it at once
    make two steps in turn, or the second is refused."""
    if status not in S.values:
        raise StatusError(_("Unknown status."))
    text = clean_reason(reason)
    if access.role_of(user) not in ACTORS[status]:
        raise access.AccessDenied(_("Your role does not make this change."))
    with transaction.atomic():
        locked = Reporter.objects.select_for_update().get(pk=reporter.pk)
        previous = locked.status
        if status not in TRANSITIONS.get(previous, ()):
            raise StatusConflict(
                _("%(pseudonym)s is %(now)s: this change does not follow; reload the page.")
                % {"pseudonym": locked.pseudonym, "now": S(previous).label}
            )
        Reporter.objects.filter(pk=reporter.pk, status=previous).update(status=status)
        reporter.status = status
        audit.record(
            AUDIT_ACTION,
            actor=user,
            obj=reporter,
            request=request,
            summary=f"{reporter.pseudonym}: {previous} → {status}",
            details={"status": status, "previous_status": previous, "reason": text},
        )
    return reporter
