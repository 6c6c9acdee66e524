"""The HTTP API at /api/v1/: token authentication for machines, session for pages.

The OpenAPI 3 schema is served at /api/v1/openapi.json and committed as docs/openapi.json;
`sauti openapi --check` fails when they differ (CI runs it).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI, Schema
from ninja.security import HttpBearer, SessionAuth

from sauti import __version__
from sauti.accounts.models import User
from sauti.accounts.services import token_authenticate


class TokenAuth(HttpBearer):
    """`Authorization: Bearer sauti_…` — tokens from `sauti users token USERNAME`."""

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        return token_authenticate(token)


class ActiveSessionAuth(SessionAuth):
    """Session cookie of a signed-in user (pages using htmx); CSRF is checked."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = super().authenticate(request, key)
        from sauti.accounts.services import requires_two_factor

        if user and requires_two_factor(user) and not user.totp_enabled:
            return None
        return user


api = NinjaAPI(
    title="Sauti API",
    version=__version__,
    description="Community alert networks, early warning, civil society and indicators.",
    urls_namespace="api",
    auth=[TokenAuth(), ActiveSessionAuth()],
    docs_url=None,
    openapi_url="/openapi.json",
)


class ErrorOut(Schema):
    detail: str


@api.exception_handler(PermissionDenied)
def permission_denied(request: HttpRequest, exc: Exception) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc) or "permission denied"}, status=403)


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
    return api.create_response(request, {"detail": "not found"}, status=404)


class MeOut(Schema):
    username: str
    role: str
    areas: list[str]


@api.get("/me", response=MeOut, tags=["accounts"], summary="The caller's role and areas")
def me(request: HttpRequest) -> dict[str, Any]:
    user: User = request.auth  # type: ignore[attr-defined]
    return {
        "username": user.username,
        "role": user.role,
        "areas": list(user.scopes.values_list("admin_unit__pcode", flat=True)),
    }


def _register_routers() -> None:
    from sauti.alerts.api import router as alerts_router

    api.add_router("/alerts", alerts_router)
    from sauti.channels.api import callbacks_router
    from sauti.channels.api import router as reporters_router

    api.add_router("/reporters", reporters_router)
    api.add_router("/callbacks", callbacks_router)
    from sauti.places.api import router as places_router

    api.add_router("/places", places_router)
    from sauti.civic.api import router as civic_router

    api.add_router("/civic", civic_router)
    from sauti.agreements.api import router as agreements_router

    api.add_router("/agreements", agreements_router)
    from sauti.warning.api import router as warning_router

    api.add_router("/warning", warning_router)
    from sauti.indicators.api import router as indicators_router

    api.add_router("/indicators", indicators_router)


_register_routers()
