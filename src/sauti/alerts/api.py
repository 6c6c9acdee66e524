"""Alert endpoints of the HTTP API."""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate

from sauti.accounts import access
from sauti.alerts import selectors
from sauti.alerts.models import Alert

router = Router(tags=["alerts"])


class AlertOut(Schema):
    id: int
    reference: str
    summary: str
    threat_type: str
    state: str
    admin_pcode: str
    received_at: datetime

    @staticmethod
    def resolve_admin_pcode(obj: Alert) -> str:
        return obj.admin_unit.pcode


@router.get("", response=list[AlertOut], summary="Alerts the caller may see")
@paginate(LimitOffsetPagination)
def list_alerts(request: HttpRequest):  # type: ignore[no-untyped-def]
    access.require(request.auth, "alerts.view")  # type: ignore[attr-defined]
    return selectors.alerts_visible_to(request.auth)  # type: ignore[attr-defined]


@router.get("/{alert_id}", response=AlertOut, summary="One alert")
def get_alert(request: HttpRequest, alert_id: int) -> Alert:
    return selectors.alert_get(request.auth, alert_id)  # type: ignore[attr-defined]
