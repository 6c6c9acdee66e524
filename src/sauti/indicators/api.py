"""Indicator and export endpoints: definitions, current values in the caller's areas, exports
(inline, or a background job for large ones) and export job status."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema, Status

from sauti.accounts import access
from sauti.indicators import selectors
from sauti.indicators.models import IndicatorDefinition, IndicatorValue
from sauti.interop.datasets import ExportError
from sauti.interop.service import ExportRequest, export_bytes

router = Router(tags=["indicators"])


class DefinitionOut(Schema):
    code: str
    name_en: str
    name_fr: str
    range: str
    unit: str
    framework: str
    disaggregations: list[str]
    frequency: str
    owner: str
    version: int
    description: str


class ValueOut(Schema):
    code: str
    period: str
    pcode: str
    disaggregation: str
    value: float | None
    n: int | None
    suppressed: bool
    definition_version: int


class ExportIn(Schema):
    kind: str
    format: str
    area: str = ""
    period: str = ""
    detail: bool = False
    unsuppressed: bool = False
    background: bool = False


class JobOut(Schema):
    id: int
    status: str
    progress: float
    rows: int | None = None
    download: str | None = None


class ErrorOut(Schema):
    detail: str


@router.get("/definitions", response=list[DefinitionOut], summary="Indicator definitions")
def definitions(request: HttpRequest) -> list[IndicatorDefinition]:
    access.require(request.auth, "indicators.view")  # type: ignore[attr-defined]
    return list(IndicatorDefinition.objects.all())


@router.get(
    "/values",
    response=list[ValueOut],
    summary="Current indicator values in the caller's areas (small cells flagged, not hidden)",
)
def values(
    request: HttpRequest, period: str, pcode: str = "", code: str = ""
) -> list[dict[str, Any]]:
    user = request.auth  # type: ignore[attr-defined]
    access.require(user, "indicators.view")
    snaps = selectors.snapshots_visible_to(user).filter(period=period)
    if pcode:
        snaps = snaps.filter(area__pcode=pcode)
    if code:
        snaps = snaps.filter(definition__code=code)
    rows = IndicatorValue.objects.filter(snapshot__in=snaps).select_related(
        "snapshot__definition", "snapshot__area"
    )
    return [
        {
            "code": v.snapshot.definition.code,
            "period": v.snapshot.period,
            "pcode": v.snapshot.area.pcode,
            "disaggregation": v.disaggregation_key,
            "value": v.value,
            "n": v.n,
            "suppressed": v.suppressed,
            "definition_version": v.snapshot.definition_version,
        }
        for v in rows.order_by("snapshot__definition__code", "snapshot__area__path", "id")[:5000]
    ]


@router.post(
    "/exports",
    response={200: None, 202: JobOut, 400: ErrorOut},
    summary="Export alerts, organisations, activities or indicators (xlsx, hxl, geojson, pdf)",
)
def export(request: HttpRequest, body: ExportIn) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    req = ExportRequest(
        body.kind,
        body.format,
        area=body.area,
        unsuppressed=body.unsuppressed,
        detail=body.detail,
        period=body.period,
    )
    try:
        if body.background:
            from sauti.interop.jobs import export_enqueue

            job = export_enqueue(user, req)
            return Status(202, {"id": job.pk, "status": job.status, "progress": job.progress})
        data, result = export_bytes(user, req, request=request)
    except ExportError as exc:
        return Status(400, {"detail": str(exc)})
    response = HttpResponse(data, content_type=result.content_type)
    response["Content-Disposition"] = f'attachment; filename="{result.filename}"'
    response["X-Sauti-Export-Id"] = result.watermark
    return response


@router.get("/exports/{job_id}", response=JobOut, summary="Status of a background export")
def export_status(request: HttpRequest, job_id: int) -> dict[str, Any]:
    from django.http import Http404
    from django.urls import reverse

    from sauti.core.models import Job

    job = Job.objects.filter(pk=job_id, name="exports.run").first()
    if job is None or job.payload.get("user_id") != request.auth.pk:  # type: ignore[attr-defined]
        raise Http404("not found")
    done = job.status == Job.Status.DONE
    return {
        "id": job.pk,
        "status": job.status,
        "progress": job.progress,
        "rows": job.result.get("rows") if done else None,
        "download": reverse("indicators:export_download", args=[job.pk]) if done else None,
    }
