"""Dashboards (mission, field office, base), drill-down to the records behind a number, the map
data, and exports from the pages (inline when small, a background job with progress when large)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sauti.accounts import access
from sauti.accounts.models import User
from sauti.core.models import Job
from sauti.indicators import selectors
from sauti.indicators.models import Unit
from sauti.indicators.periods import PeriodError, month_of, months_before, period_bounds
from sauti.interop.datasets import ExportError
from sauti.interop.pdf import map_svg, shade
from sauti.interop.service import ExportRequest, export_bytes
from sauti.places.models import AdminUnit
from sauti.warning.maps import svg_bars

SERIES_CODES = ("ALERTS_RECEIVED", "PARTICIPANTS")
DRILL = {
    "ALERTS_RECEIVED": "alerts",
    "ACTIVITIES_BY_RANGE": "activities",
    "PARTICIPANTS": "activities",
    "PARTICIPANTS_WOMEN_PCT": "activities",
    "PARTICIPANTS_YOUTH_2250_PCT": "activities",
    "CHIEFS_TRAINED": "activities",
    "CSO_ENGAGED": "activities",
}
DRILL_PERMISSION = {"alerts": "alerts.view", "activities": "civic.view"}


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _pick(request: HttpRequest, user: User) -> tuple[list[AdminUnit], AdminUnit, str]:
    """The areas the user may pick, the chosen one (404 outside the scope) and the period."""
    access.require(user, "indicators.view")
    areas = selectors.areas_for(user)
    if not areas:
        raise Http404("no area")
    pcode = request.GET.get("area", "")
    area = next((a for a in areas if a.pcode == pcode), None) if pcode else areas[0]
    if area is None:
        raise Http404("not found")
    period = request.GET.get("period", "") or month_of(timezone.localdate())
    try:
        period_bounds(period)
    except PeriodError:
        raise Http404("no such period") from None
    return areas, area, period


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    areas, area, period = _pick(request, user)
    rows = selectors.dashboard(user, area, period)
    lang = get_language() or "en"
    for row in rows:
        cells = [c for c in row["cells"] if c.value is not None]
        row["name"] = row["definition"].name(lang)
        drill = DRILL.get(row["definition"].code)
        # a link only where the user may read those records themselves
        row["drill"] = drill if drill and access.has_perm(user, DRILL_PERMISSION[drill]) else None
        if row["definition"].unit == Unit.COUNT and cells:
            top = sorted(cells, key=lambda c: -(c.value or 0))[:10]
            row["chart"] = svg_bars(
                [c.disaggregation_key.split("=", 1)[-1] for c in top],
                [(row["name"], "#1f4e79", [float(c.value or 0) for c in top])],
                width=520,
                height=170,
            )
    months = months_before(period_bounds(period)[1], 12)
    series = [
        svg_bars(
            [m[2:] for m in months],
            [(code, "#b03a2e", selectors.series(user, area, code, months))],
            width=640,
            height=180,
        )
        for code in SERIES_CODES
    ]
    children = selectors.children_totals(user, area, "ALERTS_RECEIVED", period)
    return render(
        request,
        "indicators/dashboard.html",
        {
            "areas": areas,
            "area": area,
            "period": period,
            "periods": selectors.periods_available(user),
            "rows": rows,
            "series": series,
            "map_svg": map_svg([(u, int(v), int(v)) for u, v in children]),
            "threshold": settings.SAUTI_SMALL_CELL_THRESHOLD,
            "can_export_unsuppressed": access.has_perm(user, "exports.personal"),
        },
    )


@login_required
def map_data(request: HttpRequest) -> JsonResponse:
    """GeoJSON of the units below the area, shaded by ALERTS_RECEIVED (properties as the shared
    map script expects)."""
    user = _user(request)
    _areas, area, period = _pick(request, user)
    children = selectors.children_totals(user, area, "ALERTS_RECEIVED", period)
    top = max([v for _u, v in children] + [0])
    from sauti.interop.geojson import feature_collection

    rows = [
        (
            unit,
            {"risk_label": f"{int(value)}", "colour": shade(value, top), "value": value},
        )
        for unit, value in children
    ]
    return JsonResponse(feature_collection(rows), content_type="application/geo+json")


@login_required
def records(request: HttpRequest, kind: str) -> HttpResponse:
    """The records behind a number, read with the user's own access (never the computing reader)."""
    user = _user(request)
    _areas, area, period = _pick(request, user)
    items: list[Any]
    if kind == "alerts":
        access.require(user, "alerts.view")
        items = list(selectors.alerts_behind(user, area, period)[:500])
    elif kind == "activities":
        access.require(user, "civic.view")
        items = list(selectors.activities_behind(user, area, period)[:500])
    else:
        raise Http404("no such records")
    return render(
        request,
        "indicators/records.html",
        {"kind": kind, "items": items, "area": area, "period": period},
    )


def _request_from(request: HttpRequest) -> ExportRequest:
    p = request.POST
    return ExportRequest(
        kind=p.get("kind", ""),
        fmt=p.get("format", ""),
        area=p.get("area", ""),
        unsuppressed=p.get("unsuppressed") == "1",
        detail=p.get("detail") == "1",
        period=p.get("period", ""),
    )


@login_required
@require_POST
def export(request: HttpRequest) -> HttpResponse:
    """Small exports download at once; large ones (``background=1``, or alert rows above
    SAUTI_EXPORT_INLINE_MAX_ROWS) become a job whose page shows progress and the link."""
    user = _user(request)
    req = _request_from(request)
    try:
        if request.POST.get("background") == "1" or _large(user, req):
            from sauti.interop.jobs import export_enqueue

            job = export_enqueue(user, req)
            return redirect("indicators:export_job", job_id=job.pk)
        data, result = export_bytes(user, req, request=request)
    except ExportError as exc:
        return HttpResponse(str(exc), status=400, content_type="text/plain; charset=utf-8")
    response = HttpResponse(data, content_type=result.content_type)
    response["Content-Disposition"] = f'attachment; filename="{result.filename}"'
    return response


def _large(user: User, req: ExportRequest) -> bool:
    if req.kind != "alerts" or not req.detail:
        return False
    from sauti.alerts.selectors import alerts_visible_to

    limit = settings.SAUTI_EXPORT_INLINE_MAX_ROWS
    return alerts_visible_to(user, "alerts.export")[:limit].count() >= limit


def _own_job(request: HttpRequest, job_id: int) -> Job:
    job = Job.objects.filter(pk=job_id, name="exports.run").first()
    if job is None or job.payload.get("user_id") != _user(request).pk:
        raise Http404("not found")  # someone else's export: the same answer as none
    return job


@login_required
def export_job(request: HttpRequest, job_id: int) -> HttpResponse:
    job = _own_job(request, job_id)
    template = (
        "indicators/export_job_status.html"
        if request.headers.get("HX-Request")
        else "indicators/export_job.html"
    )
    return render(request, template, {"job": job, "percent": int(100 * job.progress)})


@login_required
def export_download(request: HttpRequest, job_id: int) -> FileResponse:
    from sauti.interop.jobs import export_job_file

    job = _own_job(request, job_id)
    path = export_job_file(job)
    if path is None:
        raise Http404(_("the export is not ready"))
    return FileResponse(
        path.open("rb"),
        as_attachment=True,
        filename=job.result.get("filename", path.name),
        content_type=job.result.get("content_type", "application/octet-stream"),
    )
