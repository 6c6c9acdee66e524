"""The reporter page's legal-hold forms, for the data protection focal point: place a hold with a
reason, lift one with a reason (``legal_hold``). Both post here and come back to the page: with a
message on success, with the error (400, 403) and nothing changed otherwise; a reporter or hold
outside the user's areas is 404."""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sauti.accounts import access
from sauti.accounts.models import User
from sauti.channels import legal_hold, selectors
from sauti.channels.models import LegalHold
from sauti.channels.views import reporter_page


@login_required
@require_POST
def hold_place(request: HttpRequest, reporter_id: int) -> HttpResponse:
    reporter = selectors.reporter_get(request.user, reporter_id)
    try:
        hold = legal_hold.hold_place(
            cast(User, request.user), reporter, request.POST.get("hold_reason", ""), request=request
        )
    except legal_hold.HoldError as exc:
        return reporter_page(request, reporter, status=400, hold_error=str(exc))
    except access.AccessDenied as exc:
        return reporter_page(request, reporter, status=403, hold_error=str(exc))
    messages.success(request, _("Legal hold #%(n)s placed.") % {"n": hold.pk})
    return redirect("channels:reporter_detail", reporter_id=reporter.pk)


@login_required
@require_POST
def hold_lift(request: HttpRequest, hold_id: int) -> HttpResponse:
    hold = LegalHold.objects.filter(pk=hold_id).first()
    if hold is None:
        raise Http404("not found")
    reporter = selectors.reporter_get(request.user, hold.reporter_id)  # scope: 404 outside
    try:
        erased = legal_hold.hold_lift(
            cast(User, request.user), hold.pk, request.POST.get("lift_reason", ""), request=request
        )
    except legal_hold.HoldError as exc:
        return reporter_page(request, reporter, status=400, hold_error=str(exc))
    except access.AccessDenied as exc:
        return reporter_page(request, reporter, status=403, hold_error=str(exc))
    messages.success(request, _("Legal hold #%(n)s lifted.") % {"n": hold.pk})
    if erased:
        messages.info(
            request,
            _("Consent had been withdrawn during the hold: the identity is erased now."),
        )
    return redirect("channels:reporter_detail", reporter_id=reporter.pk)
