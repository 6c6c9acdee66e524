"""Break-glass reveal pages (DP-6). Thin: ``channels.break_glass`` decides and scopes.

- ``/channels/reveal-requests/``: the DPO's queue (approve or refuse), the requester's own
  requests, the grants on reporters of the CLA line's areas (their notice), and a box to find a
  reporter by pseudonym or alert reference (a JOC officer sees those, not reporter pages).
- ``/channels/reporters/<id>/break-glass/``: one reporter, the request form and the user's
  requests on them.
- ``/channels/reveal-requests/<id>/``: one grant; while approved, the requester's "Reveal"
  button shows the identity once per click, each click audited.

Bad input answers 400, a request in the wrong state 409, an expired approval 410; nothing is
written then. Pages that show an identity are never cached.
"""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from sauti.accounts import access
from sauti.accounts.models import User
from sauti.channels import break_glass
from sauti.channels.models import RevealGrant

LIST_LIMIT = 50


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)  # login_required: never anonymous here


def _queue(request: HttpRequest, *, error: str = "", status: int = 200) -> HttpResponse:
    user = _user(request)
    pending = list(break_glass.grants_pending_for(user)) if break_glass.may_decide(user) else []
    in_areas: list[RevealGrant] = []
    if break_glass.may_decide(user) or access.has_perm(user, "identity.view"):
        in_areas = list(
            break_glass.grants_visible_to(user)
            .filter(access.area_q(user, "reporter__area"))
            .exclude(pk__in=[g.pk for g in pending])
            .order_by("-created_at", "-id")[:LIST_LIMIT]
        )
    mine = list(
        break_glass.grants_visible_to(user)
        .filter(requested_by=user)
        .order_by("-created_at", "-id")[:LIST_LIMIT]
    )
    return render(
        request,
        "channels/reveal_requests.html",
        {
            "pending": pending,
            "in_areas": in_areas,
            "mine": mine,
            "can_decide": break_glass.may_decide(user),
            "can_request": break_glass.may_request(user),
            "find": request.GET.get("find", "")[:60],
            "note_max": break_glass.NOTE_MAX,
            "error": error,
            "now": timezone.now(),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET"])
def reveal_requests(request: HttpRequest) -> HttpResponse:
    """The requests page; with ``?find=`` it goes to the reporter a pseudonym or an alert
    reference names (404 on this page when nothing in the user's sight matches)."""
    user = _user(request)
    if not break_glass.may_use_page(user):
        raise access.AccessDenied(_("Your role has no identity requests."))
    break_glass.reveal_expire_due(request=request)
    find = request.GET.get("find", "").strip()
    if find and break_glass.may_request(user):
        reporter = break_glass.reporter_find(user, find)
        if reporter is not None:
            return redirect("channels:reveal_request", reporter_id=reporter.pk)
        return _queue(
            request,
            error=_("No reporter or alert with this pseudonym or reference in your areas."),
            status=404,
        )
    return _queue(request)


@login_required
@require_http_methods(["POST"])
def reveal_decide(request: HttpRequest, grant_id: int) -> HttpResponse:
    """The DPO's approve or refuse: back to the queue, or the queue with the error."""
    user = _user(request)
    if not break_glass.may_decide(user):
        raise access.AccessDenied(_("Only the data protection focal point decides these requests."))
    decision = request.POST.get("decision", "")
    if decision not in ("approve", "refuse"):
        return _queue(request, error=_("Choose approve or refuse."), status=400)
    try:
        grant = break_glass.reveal_decide(
            user, grant_id, decision == "approve", request.POST.get("note", ""), request=request
        )
    except break_glass.GrantConflict as exc:
        return _queue(request, error=str(exc), status=409)
    except break_glass.GrantError as exc:
        return _queue(request, error=str(exc), status=400)
    if grant.status == RevealGrant.Status.APPROVED:
        messages.success(
            request,
            _("Approved: %(user)s may open the identity of %(reporter)s for 24 hours.")
            % {"user": grant.requested_by.username, "reporter": grant.reporter.pseudonym},
        )
    else:
        messages.success(
            request,
            _("Refused: the identity of %(reporter)s stays closed to %(user)s.")
            % {"user": grant.requested_by.username, "reporter": grant.reporter.pseudonym},
        )
    return redirect("channels:reveal_requests")


@login_required
@require_http_methods(["GET", "POST"])
def reveal_request(request: HttpRequest, reporter_id: int) -> HttpResponse:
    """One reporter seen by a requester: the form to ask, and their requests on this reporter."""
    user = _user(request)
    reporter = break_glass.reporter_for_request(user, reporter_id)
    status, error, reason = 200, "", ""
    if request.method == "POST":
        reason = request.POST.get("reason", "")
        try:
            grant = break_glass.reveal_request(user, reporter.pk, reason, request=request)
        except break_glass.GrantConflict as exc:
            status, error = 409, str(exc)
        except break_glass.GrantError as exc:
            status, error = 400, str(exc)
        else:
            messages.success(
                request,
                _(
                    "Request sent to the data protection focal point. You will find the "
                    "decision here."
                ),
            )
            return redirect("channels:reveal_grant", grant_id=grant.pk)
    break_glass.reveal_expire_due(request=request)
    mine = list(
        RevealGrant.objects.filter(reporter=reporter, requested_by=user)
        .select_related("decided_by")
        .order_by("-created_at", "-id")[:LIST_LIMIT]
    )
    has_open = any(
        g.status in (RevealGrant.Status.REQUESTED, RevealGrant.Status.APPROVED) for g in mine
    )
    return render(
        request,
        "channels/reveal_request.html",
        {
            "reporter": reporter,
            "direct": break_glass.direct_reveal_allowed(user, reporter),
            "can_view_reporter": access.has_perm(user, "reporters.view"),
            "mine": mine,
            "has_open": has_open,
            "reason": reason[: break_glass.REASON_MAX + 1],
            "reason_max": break_glass.REASON_MAX,
            "error": error,
        },
        status=status,
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def reveal_grant(request: HttpRequest, grant_id: int) -> HttpResponse:
    """One grant: its status for the requester, the DPO and the CLA line; a POST by the
    requester of an approved grant shows the identity once (audited)."""
    user = _user(request)
    break_glass.reveal_expire_due(request=request)
    grant = break_glass.grant_get(user, grant_id)
    identity: dict[str, Any] | None = None
    status, error = 200, ""
    if request.method == "POST":
        try:
            identity = break_glass.reveal_with_grant(user, grant.pk, request=request)
        except access.AccessDenied as exc:
            status, error = 403, str(exc)
        except break_glass.GrantExpired as exc:
            status, error = 410, str(exc)
        except break_glass.GrantConflict as exc:
            status, error = 409, str(exc)
        grant = break_glass.grant_get(user, grant_id)  # as it is now
    is_requester = grant.requested_by_id == user.pk
    return render(
        request,
        "channels/reveal_grant.html",
        {
            "grant": grant,
            "identity": identity,
            "is_requester": is_requester,
            "can_reveal": is_requester and break_glass.usable(grant),
            "needs_two_factor": is_requester and not user.totp_enabled,
            "can_decide": break_glass.may_decide(user)
            and not is_requester
            and grant.status == RevealGrant.Status.REQUESTED,
            "note_max": break_glass.NOTE_MAX,
            "error": error,
        },
        status=status,
    )
