"""Break-glass identity reveal (domain.md §12, DP-6): opening a reporter's name and numbers for
someone outside the reporter's CLA/CA line, with a reason, the data-protection focal point's
approval, a 24-hour limit and the reporter's CLA told.

The CLA line (``identity.view`` in the reporter's area: CLA, CA officer, DPO) keeps the direct,
audited reveal of the reporter's page (``services.reporter_identity``). Everyone else goes
through a ``RevealGrant``:

1. ``reveal_request``: a requester who can already see the reporter's pseudonym (reporters in
   their areas) or one of the reporter's alerts (alerts in their areas) asks, with a reason.
2. ``reveal_decide``: a DPO_FOCAL whose areas cover the reporter approves or refuses it — never
   their own request. Approval opens the grant for ``GRANT_TTL`` (24 h).
3. ``reveal_with_grant``: the requester alone, while the grant is approved and unexpired, opens
   the identity; each opening is an ``identity.reveal`` audit event like a direct reveal, with
   the grant's id. After the 24 hours the grant is ``EXPIRED`` (``reveal_expire_due``, also run
   lazily by the pages) and opens nothing.

Who may ask (``REQUESTER_ROLES``), chosen from domain.md §2 and DP-3/DP-5: the roles that read
alerts and act on them for protection — JOC duty officers (tasking a response may need to reach
the source), POC officers, and the human rights, child protection and women protection advisers
(referrals) — and CLAs and CA officers for reporters *outside* their own areas (an alert placed
in their area by a reporter of another). Not analysts (DP-3: never identity), administrators
(no implicit identity access), responders and national forces liaisons (DP-5: transmissions
never carry the source), DDR, political affairs or partner users (they do not see alerts).
These roles live here rather than in the permission matrix (``accounts.roles``) because the rule
is "role *and* not already in the CLA line for this reporter", which one permission cannot say.

Notification of "the reporter's CLA": Sauti's in-app notifications (``response.Notification``)
are about one alert and are e-mailed; a grant is about a reporter. So the CLAs whose area scope
covers the reporter's area (the CA officers of the area when no CLA covers it) are named in an
``identity.break_glass_notice`` audit event when a grant is requested and when it is approved,
and they see the open grants on the reporter's page and on the requests page.

Every step is an audit event — ``identity.break_glass_request``, ``…_approve``, ``…_refuse``,
``…_expire``, ``…_notice`` and ``identity.reveal`` — with ids, the pseudonym and the reason,
never the name or a number.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from sauti.accounts import access, audit
from sauti.accounts.models import User
from sauti.accounts.roles import Role
from sauti.alerts.selectors import alerts_visible_to
from sauti.channels import conf, services
from sauti.channels.models import Reporter, RevealGrant
from sauti.core.text import clean_text

Status = RevealGrant.Status

# DP-6: an approval opens the identity for 24 hours.
GRANT_TTL = timedelta(hours=24)
REASON_MAX = 1000
NOTE_MAX = 500

REQUESTER_ROLES: frozenset[str] = frozenset(
    {
        Role.JOC_OFFICER,
        Role.POC_OFFICER,
        Role.HR_OFFICER,
        Role.CP_OFFICER,
        Role.WPA,
        Role.CLA,
        Role.CA_OFFICER,
    }
)
DECIDER_ROLES: frozenset[str] = frozenset({Role.DPO_FOCAL})

# The grant's state machine: a status not listed has no way out.
TRANSITIONS: dict[str, frozenset[str]] = {
    Status.REQUESTED: frozenset({Status.APPROVED, Status.REFUSED}),
    Status.APPROVED: frozenset({Status.EXPIRED}),
}

A_REQUEST = "identity.break_glass_request"
A_APPROVE = "identity.break_glass_approve"
A_REFUSE = "identity.break_glass_refuse"
A_EXPIRE = "identity.break_glass_expire"
A_NOTICE = "identity.break_glass_notice"


class GrantError(ValueError):
    """Bad input (no reason, too long, control characters, direct reveal available): 400."""


class GrantConflict(GrantError):
    """The grant is not in a state that allows this (already decided, not approved): 409."""


class GrantExpired(GrantConflict):
    """The approval's 24 hours are over: 410, ask again."""


# --- who -----------------------------------------------------------------------------------------


def may_request(user: access.AnyUser | None) -> bool:
    """Whether the user's role may ask for a break-glass reveal (see the module docstring)."""
    return access.role_of(user) in REQUESTER_ROLES


def may_decide(user: access.AnyUser | None) -> bool:
    """Whether the user's role decides break-glass requests (DPO_FOCAL, domain.md §2)."""
    return access.role_of(user) in DECIDER_ROLES


def may_use_page(user: access.AnyUser | None) -> bool:
    """Whether the requests page (and its navigation entry) is for this user."""
    return may_request(user) or may_decide(user)


def direct_reveal_allowed(user: access.AnyUser | None, reporter: Reporter) -> bool:
    """The CLA line for this reporter: identity.view and the reporter's area in scope. They use
    the reporter page's reveal; a break-glass grant would only add a needless approval."""
    return access.has_perm(user, "identity.view") and access.in_scope(user, reporter.area.path)


# --- reads ---------------------------------------------------------------------------------------


def reporters_seen_by(user: access.AnyUser | None) -> QuerySet[Reporter]:
    """Reporters whose pseudonym the user can already see: reporters of their areas
    (``reporters.view``) or the source of an alert of their areas (``alerts.view``)."""
    q = Q(pk__in=[])
    if access.has_perm(user, "reporters.view"):
        q |= access.area_q(user, "area")
    if access.has_perm(user, "alerts.view"):
        sources = alerts_visible_to(user).filter(reporter__isnull=False).values("reporter_id")
        q |= Q(pk__in=sources)
    return Reporter.objects.filter(q).select_related("area", "network")


def reporter_for_request(user: access.AnyUser | None, reporter_id: int) -> Reporter:
    """The reporter a requester may ask about: 403 for a role that may not ask, 404 when the
    reporter is absent or out of the user's sight (the same answer, so ids reveal nothing)."""
    if not may_request(user):
        raise access.AccessDenied(_("Your role may not ask for a reporter's identity."))
    reporter = reporters_seen_by(user).filter(pk=reporter_id).first()
    if reporter is None:
        raise Http404("not found")
    return reporter


def reporter_find(user: access.AnyUser | None, text: str) -> Reporter | None:
    """The reporter a requester means by a pseudonym or an alert reference, among those they can
    see; None when nothing visible matches (absent and out of scope look the same)."""
    text = text.strip()[:60]
    if not text or not may_request(user):
        return None
    seen = reporters_seen_by(user)
    found = seen.filter(pseudonym__iexact=text).first()
    if found is None:
        source = alerts_visible_to(user).filter(reference__iexact=text).values("reporter_id")
        found = seen.filter(pk__in=source).first()
    return found


def grants_visible_to(user: access.AnyUser | None) -> QuerySet[RevealGrant]:
    """Grants the user may read: their own requests, and grants on reporters of their areas for
    the DPO and the CLA line (identity.view) — who are told of every break-glass reveal."""
    if access.role_of(user) is None:
        return RevealGrant.objects.none()
    q = Q(requested_by=user)
    if may_decide(user) or access.has_perm(user, "identity.view"):
        q |= access.area_q(user, "reporter__area")
    return RevealGrant.objects.filter(q).select_related(
        "reporter", "reporter__area", "requested_by", "decided_by"
    )


def grant_get(user: access.AnyUser | None, grant_id: int) -> RevealGrant:
    """One grant the user may read, else 404."""
    grant = grants_visible_to(user).filter(pk=grant_id).first()
    if grant is None:
        raise Http404("not found")
    return grant


def grants_pending_for(user: access.AnyUser | None) -> QuerySet[RevealGrant]:
    """The DPO's queue: requests awaiting a decision on reporters of their areas, oldest first."""
    if not may_decide(user):
        return RevealGrant.objects.none()
    return (
        grants_visible_to(user)
        .filter(access.area_q(user, "reporter__area"), status=Status.REQUESTED)
        .order_by("created_at", "id")
    )


def usable(grant: RevealGrant, now: datetime | None = None) -> bool:
    """Approved and within its 24 hours (whatever the sweep has recorded yet)."""
    when = now or timezone.now()
    return (
        grant.status == Status.APPROVED and grant.expires_at is not None and grant.expires_at > when
    )


def reporter_clas(reporter: Reporter) -> list[User]:
    """The reporter's CLA line to notify: active CLAs whose area scope covers the reporter's area
    (a scope on a prefecture covers its sub-prefectures), else the area's CA officers."""
    parts = [p for p in reporter.area.path.split("/") if p]
    covering = ["/" + "/".join(parts[: i + 1]) + "/" for i in range(len(parts))]
    for role in (Role.CLA, Role.CA_OFFICER):
        users = list(
            User.objects.filter(role=role, is_active=True, scopes__admin_unit__path__in=covering)
            .distinct()
            .order_by("username")
        )
        if users:
            return users
    return []


# --- writes --------------------------------------------------------------------------------------


def _clean_text(text: str, limit: int, *, too_long: str, required: str = "") -> str:
    """The text stripped, or ``GrantError`` (``core.text.clean_text``)."""
    return clean_text(text, limit, error=GrantError, too_long=too_long, required=required)


def _notify_clas(
    grant: RevealGrant, step: str, actor: User, request: HttpRequest | None
) -> list[str]:
    """Tell the reporter's CLA line (DP-6): an audit event naming them, and an e-mail to each
    who has an address (a job queued in this transaction, so it goes only if the step is
    committed; ``break_glass_email``); the grant also shows on the reporter's page and on their
    requests page."""
    from sauti.core.jobs import job_enqueue

    clas = reporter_clas(grant.reporter)
    names = [u.username for u in clas]
    for user in clas:
        if user.email:
            job_enqueue(
                NOTICE_JOB,
                {"grant": grant.pk, "user": user.pk, "step": step},
                dedupe_key=f"break-glass-notice:{grant.pk}:{step}:{user.pk}",
            )
    audit.record(
        A_NOTICE,
        actor=actor,
        obj=grant,
        request=request,
        summary=(
            f"break-glass {step} on {grant.reporter.pseudonym}: "
            + (f"CLA line notified ({', '.join(names)})" if names else "no CLA covers this area")
        )[:500],
        details={"grant": grant.pk, "step": step, "notified": names},
    )
    return names


NOTICE_JOB = "channels.break_glass_notice"


def break_glass_email(grant_id: int, user_id: int, step: str) -> bool:
    """E-mail one CLA of the reporter's line that someone outside it asked for, or was granted,
    the reporter's identity: the pseudonym, who asked, the step and where to look — never the
    reason (free text), a name or a number. Whether a message was sent (not for a user gone
    inactive or without an address since)."""
    from django.conf import settings
    from django.core.mail import send_mail

    grant = RevealGrant.objects.select_related("reporter", "requested_by").get(pk=grant_id)
    user = User.objects.filter(pk=user_id, is_active=True).exclude(email="").first()
    if user is None:
        return False
    what = "approved" if step == "approval" else "requested"
    send_mail(
        f"[Sauti] Identity of {grant.reporter.pseudonym}: break-glass {what}",
        (
            f"{grant.requested_by.username} {what} the identity of reporter "
            f"{grant.reporter.pseudonym} (break-glass request #{grant.pk}), outside the CLA "
            "line. The data protection focal point decides; every opening is logged.\n\n"
            f"See the reporter's page: {conf.PUBLIC_URL}/channels/reporters/{grant.reporter_id}/"
        ),
        getattr(settings, "DEFAULT_FROM_EMAIL", None),
        [user.email],
    )
    return True


def reveal_request(
    user: User,
    reporter_id: int,
    reason: str,
    *,
    now: datetime | None = None,
    request: HttpRequest | None = None,
) -> RevealGrant:
    """Ask the DPO to open a reporter's identity for ``user``. Raises ``AccessDenied`` (403: the
    role may not ask), ``Http404`` (the reporter is not in the user's sight), ``GrantError``
    (400: no reason, too long, or the user may reveal directly), ``GrantConflict`` (409: the
    user already has an open grant on this reporter). Nothing is written unless it succeeds."""
    reporter = reporter_for_request(user, reporter_id)
    if direct_reveal_allowed(user, reporter):
        raise GrantError(
            _("You can open this identity on the reporter's page; no approval is needed.")
        )
    reason = _clean_text(
        reason,
        REASON_MAX,
        required=_("Give a reason: why do you need this person's identity?"),
        too_long=_("Keep the reason under %(n)s characters."),
    )
    when = now or timezone.now()
    with transaction.atomic():
        # Lock the reporter so two clicks cannot open two requests side by side.
        Reporter.objects.select_for_update().filter(pk=reporter.pk).first()
        if RevealGrant.objects.filter(reporter=reporter, requested_by=user).open(when).exists():
            raise GrantConflict(
                _("You already have a request on this reporter that is pending or approved.")
            )
        grant = RevealGrant.objects.create(
            reporter=reporter, requested_by=user, reason=reason, created_at=when
        )
        audit.record(
            A_REQUEST,
            actor=user,
            obj=grant,
            request=request,
            summary=f"break-glass reveal of {reporter.pseudonym} requested",
            details={"grant": grant.pk, "reporter": reporter.pseudonym, "reason": reason},
        )
        _notify_clas(grant, "request", user, request)
    return grant


def reveal_decide(
    dpo_user: User,
    grant_id: int,
    approve: bool,
    note: str = "",
    *,
    now: datetime | None = None,
    request: HttpRequest | None = None,
) -> RevealGrant:
    """Approve or refuse a request. Only a DPO_FOCAL (``AccessDenied``, 403), on a reporter of
    their areas (``Http404``), never on their own request (403); a request decided already —
    by them or another DPO — raises ``GrantConflict`` (409) and changes nothing. Approval opens
    the grant until now + ``GRANT_TTL`` and notifies the reporter's CLA line."""
    if not may_decide(dpo_user):
        raise access.AccessDenied(_("Only the data protection focal point decides these requests."))
    grant = grant_get(dpo_user, grant_id)
    if not access.in_scope(dpo_user, grant.reporter.area.path):
        raise Http404("not found")
    if grant.requested_by_id == dpo_user.pk:
        raise access.AccessDenied(_("You cannot decide your own request."))
    note = _clean_text(note, NOTE_MAX, too_long=_("Keep the note under %(n)s characters."))
    when = now or timezone.now()
    target = Status.APPROVED if approve else Status.REFUSED
    with transaction.atomic():
        locked = RevealGrant.objects.select_for_update().get(pk=grant.pk)
        if target not in TRANSITIONS.get(locked.status, frozenset()):
            raise GrantConflict(
                _("This request was already decided (%(status)s).")
                % {"status": locked.get_status_display()}
            )
        update: dict[str, Any] = {
            "status": target,
            "decided_by": dpo_user,
            "decided_at": when,
            "decision_note": note,
            "expires_at": when + GRANT_TTL if approve else None,
        }
        # Conditional on the status read: a second decision can never overwrite the first.
        if RevealGrant.objects.filter(pk=grant.pk, status=locked.status).update(**update) != 1:
            raise GrantConflict(_("This request was decided meanwhile; reload the page."))
        for name, value in update.items():
            setattr(grant, name, value)
        audit.record(
            A_APPROVE if approve else A_REFUSE,
            actor=dpo_user,
            obj=grant,
            request=request,
            summary=(
                f"break-glass reveal of {grant.reporter.pseudonym} "
                f"{'approved' if approve else 'refused'} for {grant.requested_by.username}"
            ),
            details={
                "grant": grant.pk,
                "reporter": grant.reporter.pseudonym,
                "requested_by": grant.requested_by.username,
                "note": note,
                "expires_at": grant.expires_at.isoformat() if grant.expires_at else None,
            },
        )
        if approve:
            _notify_clas(grant, "approval", dpo_user, request)
            _schedule_expiry(grant)
    return grant


EXPIRE_JOB = "channels.break_glass_expire"


def _schedule_expiry(grant: RevealGrant) -> None:
    """Queue the sweep for the moment this grant's time is over (in the approval's transaction),
    so ``EXPIRED`` and its audit event are recorded then, even if nobody opens a page or tries
    a reveal; the reveal checks the time itself either way."""
    from sauti.core.jobs import job_enqueue

    job_enqueue(
        EXPIRE_JOB,
        {"grant": grant.pk},
        run_after=grant.expires_at,
        dedupe_key=f"break-glass-expire:{grant.pk}",
    )


def _expire(grant: RevealGrant, when: datetime, request: HttpRequest | None) -> bool:
    """Record that an approved grant's time is over (once, whoever notices first)."""
    done = (
        RevealGrant.objects.filter(
            pk=grant.pk, status=Status.APPROVED, expires_at__lte=when
        ).update(status=Status.EXPIRED)
        == 1
    )
    if done:
        grant.status = Status.EXPIRED
        audit.record(
            A_EXPIRE,
            obj=grant,
            request=request,
            summary=f"break-glass grant on {grant.reporter.pseudonym} expired",
            details={
                "grant": grant.pk,
                "reporter": grant.reporter.pseudonym,
                "requested_by": grant.requested_by.username,
                "reveals": grant.reveal_count,
                "expires_at": grant.expires_at.isoformat() if grant.expires_at else None,
            },
        )
    return done


def reveal_expire_due(*, now: datetime | None = None, request: HttpRequest | None = None) -> int:
    """Mark every approved grant past its 24 hours ``EXPIRED`` (an audit event each); returns
    how many. The pages run it before they list grants; ``reveal_with_grant`` checks the time
    itself, so a grant never opens late even if nothing ran this."""
    when = now or timezone.now()
    due = RevealGrant.objects.filter(status=Status.APPROVED, expires_at__lte=when).select_related(
        "reporter", "requested_by"
    )
    count = 0
    for grant in due:
        with transaction.atomic():
            count += _expire(grant, when, request)
    return count


def grant_reason(grant: RevealGrant) -> str:
    """The reason recorded on each ``identity.reveal`` made with a grant: the grant's id first,
    so the audit log ties every opening to its approval (the event keeps 200 characters)."""
    return f"break-glass grant #{grant.pk}: {grant.reason}"


def reveal_with_grant(
    user: User,
    grant_id: int,
    *,
    now: datetime | None = None,
    request: HttpRequest | None = None,
) -> dict[str, Any]:
    """The reporter's identity (pseudonym, name, numbers) for the requester of an approved,
    unexpired grant. Every call is an ``identity.reveal`` audit event, as a direct reveal, with
    the grant's id and reason. Raises ``Http404`` (a grant the user may not read, or a reporter
    no longer in their sight), ``AccessDenied`` (403: not the requester, a role that may no
    longer ask, no two-factor sign-in), ``GrantExpired`` (410) and ``GrantConflict`` (409: not
    approved). Opening STRICTLY_CONFIDENTIAL data needs two-factor sign-in (DP-16), as the CLA
    line's roles do."""
    grant = grant_get(user, grant_id)
    if grant.requested_by_id != user.pk:
        raise access.AccessDenied(_("Only the person who asked may use this approval."))
    reporter = reporter_for_request(user, grant.reporter_id)
    if not user.totp_enabled:
        raise access.AccessDenied(
            _("Set up two-factor sign-in before you open a reporter's identity.")
        )
    when = now or timezone.now()
    expired = False
    with transaction.atomic():
        locked = (
            RevealGrant.objects.select_for_update()
            .select_related("reporter", "requested_by")
            .get(pk=grant.pk)
        )
        if locked.status in (Status.APPROVED, Status.EXPIRED) and not usable(locked, when):
            _expire(locked, when, request)  # no-op when the sweep recorded it already
            expired = True
        elif locked.status != Status.APPROVED:
            raise GrantConflict(
                _("This request is not approved (%(status)s).")
                % {"status": locked.get_status_display()}
            )
        else:
            # The direct reveal's own service unseals and audits (``identity.reveal``, the
            # reason and the grant, never the data; an erased identity says so).
            identity = services.reporter_identity(
                reporter,
                actor=user,
                request=request,
                reason=grant_reason(locked),
                details={"grant": locked.pk},
            )
            RevealGrant.objects.filter(pk=locked.pk).update(
                reveal_count=F("reveal_count") + 1, last_revealed_at=when
            )
    if expired:
        # Outside the transaction, so the EXPIRED status and its audit event stay written.
        raise GrantExpired(
            _("This approval expired; it opened the identity for 24 hours. Ask again if needed.")
        )
    return identity
