"""The reporter page's two forms: change the focal point's status (``reporter_status``) and record
a withdrawal of consent (``services.reporter_withdraw_consent``). Both post here and come back
to the page: with a message on success, with the error (400, 403 or 409) and nothing changed
otherwise."""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sauti.accounts import access
from sauti.accounts.models import User
from sauti.channels import reporter_status, selectors, services
from sauti.channels.views import reporter_page


@login_required
@require_POST
def reporter_status_change(request: HttpRequest, reporter_id: int) -> HttpResponse:
    reporter = selectors.reporter_get(request.user, reporter_id)
    try:
        reporter_status.reporter_set_status(
            cast(User, request.user),
            reporter,
            request.POST.get("status", ""),
            request.POST.get("status_reason", ""),
            request=request,
        )
    except reporter_status.StatusConflict as exc:
        return reporter_page(request, reporter, status=409, status_error=str(exc))
    except reporter_status.StatusError as exc:
        return reporter_page(request, reporter, status=400, status_error=str(exc))
    except access.AccessDenied as exc:
        return reporter_page(request, reporter, status=403, status_error=str(exc))
    messages.success(
        request,
        _("%(pseudonym)s is now %(status)s.")
        % {"pseudonym": reporter.pseudonym, "status": reporter.get_status_display()},
    )
    return redirect("channels:reporter_detail", reporter_id=reporter.pk)


@login_required
@require_POST
def reporter_withdraw(request: HttpRequest, reporter_id: int) -> HttpResponse:
    reporter = selectors.reporter_get(request.user, reporter_id)
    if not reporter_status.may_withdraw(request.user, reporter):
        return reporter_page(
            request,
            reporter,
            status=403,
            withdraw_error=_("Your role does not record withdrawals of consent."),
        )
    try:
        reason = reporter_status.clean_reason(request.POST.get("withdraw_reason", ""))
    except reporter_status.StatusError as exc:
        return reporter_page(request, reporter, status=400, withdraw_error=str(exc))
    if request.POST.get("confirm") != "yes":
        return reporter_page(
            request,
            reporter,
            status=400,
            withdraw_error=_("Tick the box to confirm: the erasure cannot be undone."),
        )
    services.reporter_withdraw_consent(reporter, cast(User, request.user), reason, request=request)
    messages.success(
        request,
        _("Withdrawal of consent recorded for %(pseudonym)s.") % {"pseudonym": reporter.pseudonym},
    )
    return redirect("channels:reporter_detail", reporter_id=reporter.pk)
