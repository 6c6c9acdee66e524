"""Force two-factor enrolment for roles that can see sealed personal data."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from sauti.accounts.services import requires_two_factor

_ALLOWED_PREFIXES = ("/accounts/", "/static/", "/i18n/", "/health", "/api/")


class TwoFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not getattr(user, "totp_enabled", False)
            and requires_two_factor(user)
            and not request.path.startswith(_ALLOWED_PREFIXES)
        ):
            return redirect("accounts:two_factor_setup")
        return self.get_response(request)
