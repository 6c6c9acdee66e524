"""Reporter and callback endpoints of the HTTP API. Identities only through the audited reveal."""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate

from sauti.accounts import access
from sauti.accounts.models import User
from sauti.channels import selectors, services
from sauti.channels.models import CallbackTask, Reporter

router = Router(tags=["reporters"])


class ErrorOut(Schema):
    detail: str


class ReporterOut(Schema):
    id: int
    pseudonym: str
    kind: str
    status: str
    network: str | None
    area_pcode: str
    languages: list[str]

    @staticmethod
    def resolve_network(obj: Reporter) -> str | None:
        return obj.network.name if obj.network_id and obj.network else None

    @staticmethod
    def resolve_area_pcode(obj: Reporter) -> str:
        return obj.area.pcode


class RevealIn(Schema):
    reason: str


class IdentityOut(Schema):
    pseudonym: str
    name: str
    phones: list[str]
    erased: bool = False  # erased under the retention rule (DP-9): ``notice`` says so
    notice: str = ""


class CallbackOut(Schema):
    id: int
    alert_id: int
    alert_reference: str
    reporter: str
    due_at: datetime
    attempts: int
    outcome: str

    @staticmethod
    def resolve_alert_reference(obj: CallbackTask) -> str:
        return obj.alert.reference

    @staticmethod
    def resolve_reporter(obj: CallbackTask) -> str:
        return obj.reporter.pseudonym


@router.get("", response=list[ReporterOut], summary="Reporters (pseudonyms) in the caller's areas")
@paginate(LimitOffsetPagination)
def list_reporters(request: HttpRequest) -> QuerySet[Reporter]:
    user = request.auth  # type: ignore[attr-defined]
    access.require(user, "reporters.view")
    return selectors.reporters_visible_to(user)


@router.post(
    "/{reporter_id}/identity",
    response={200: IdentityOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="Reveal a reporter's name and numbers (identity.view, in scope, reason required; audited)",
)
def reveal_identity(request: HttpRequest, reporter_id: int, payload: RevealIn) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    access.require(user, "identity.view")
    reason = payload.reason.strip()
    if not reason:
        return Status(400, {"detail": "a reason is required to reveal an identity"})
    reporter = selectors.reporter_get_for_identity(user, reporter_id)
    return services.reporter_identity(
        reporter, actor=cast(User, user), request=request, reason=reason
    )


callbacks_router = Router(tags=["reporters"])


@callbacks_router.get(
    "",
    response=list[CallbackOut],
    summary="Pending callbacks after missed calls, in the caller's areas",
)
@paginate(LimitOffsetPagination)
def list_callbacks(request: HttpRequest) -> QuerySet[CallbackTask]:
    user = request.auth  # type: ignore[attr-defined]
    access.require(user, "alerts.view")
    return selectors.callbacks_visible_to(user).filter(outcome=CallbackTask.Outcome.PENDING)
