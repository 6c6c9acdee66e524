"""Alert pages: list, detail and export, all scoped through the access module."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from sauti.accounts import access, audit
from sauti.alerts import selectors
from sauti.alerts.exports import alerts_to_hxl_csv


@login_required
def alert_list(request: HttpRequest) -> HttpResponse:
    access.require(request.user, "alerts.view")  # type: ignore[arg-type]
    alerts = selectors.alerts_visible_to(request.user)  # type: ignore[arg-type]
    page = Paginator(alerts, 50).get_page(request.GET.get("page"))
    return render(request, "alerts/list.html", {"page": page, "can_export": access.has_perm(request.user, "alerts.export")})  # type: ignore[arg-type]


@login_required
def alert_detail(request: HttpRequest, alert_id: int) -> HttpResponse:
    alert = selectors.alert_get(request.user, alert_id)  # type: ignore[arg-type]
    return render(request, "alerts/detail.html", {"alert": alert})


@login_required
def alert_export(request: HttpRequest) -> HttpResponse:
    access.require(request.user, "alerts.export")  # type: ignore[arg-type]
    alerts = list(selectors.alerts_visible_to(request.user, "alerts.export"))  # type: ignore[arg-type]
    audit.record("export", actor=request.user, object_type="alerts.alert", request=request,
                 summary=f"alerts exported as HXL CSV ({len(alerts)} rows)",
                 details={"format": "hxl", "rows": len(alerts)})
    response = HttpResponse(alerts_to_hxl_csv(alerts), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="sauti-alerts-{timezone.now():%Y%m%d}.csv"'
    return response
