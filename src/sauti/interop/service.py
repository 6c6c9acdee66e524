"""Running an export: who asks, for which area, in which format; suppression; the audit record.

Rules (DP-10): sealed fields are never columns; small cells are suppressed unless the user holds
``exports.personal`` *and* asks for unsuppressed figures; the export is audited with requester,
filter, class, row count and a watermark id, which is written into the file too.
"""

from __future__ import annotations

import io
import json
import uuid
from dataclasses import dataclass
from typing import IO, Any

from django.http import HttpRequest
from django.utils import timezone

from sauti.accounts import access, audit
from sauti.accounts.models import User
from sauti.accounts.roles import Role
from sauti.interop import datasets
from sauti.interop.datasets import KINDS, LEFT_OUT, PERMISSION, Dataset, ExportError
from sauti.interop.suppression import is_small, small_label, threshold
from sauti.places.models import AdminUnit

FORMATS = ("xlsx", "hxl", "geojson", "pdf")
CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "hxl": "text/csv; charset=utf-8",
    "geojson": "application/geo+json",
    "pdf": "application/pdf",
}
EXTENSIONS = {"xlsx": "xlsx", "hxl": "csv", "geojson": "geojson", "pdf": "pdf"}


@dataclass
class ExportRequest:
    kind: str
    fmt: str
    area: str = ""
    unsuppressed: bool = False
    detail: bool = False
    period: str = ""


@dataclass
class ExportResult:
    rows: int
    watermark: str
    classification: str
    filename: str
    content_type: str
    suppressed: bool


def system_user() -> User:
    """The reader for ``sauti export`` run without --user: an analyst's rights over the whole
    mission (the level-0 units), never personal data nor unsuppressed cells."""
    user = User(username="cli", role=Role.ANALYST, is_active=True)
    user._sauti_area_paths = list(  # type: ignore[attr-defined]
        AdminUnit.objects.filter(level=0).values_list("path", flat=True)
    )
    return user


def validate(user: Any, req: ExportRequest) -> AdminUnit | None:
    """Check kind, format, permission and area before anything is read; raise ExportError /
    AccessDenied with a message naming what is wrong."""
    if req.kind not in KINDS:
        raise ExportError(f"unknown export kind {req.kind!r} (one of: {', '.join(KINDS)})")
    if req.fmt not in FORMATS:
        raise ExportError(f"unknown format {req.fmt!r} (one of: {', '.join(FORMATS)})")
    access.require(user, PERMISSION[req.kind])
    if req.unsuppressed and not access.has_perm(user, "exports.personal"):
        raise access.AccessDenied("your role does not allow unsuppressed exports")
    if not req.area:
        return None
    unit = AdminUnit.objects.filter(pcode=req.area.strip().upper()).first()
    if unit is None:
        raise ExportError(f"unknown area {req.area!r}")
    if not access.in_scope(user, unit.path):
        raise ExportError(f"area {unit.pcode} is outside your areas")
    return unit


def build(user: Any, req: ExportRequest, area: AdminUnit | None) -> Dataset:
    suppress = not req.unsuppressed
    if req.kind == "alerts":
        if req.detail:
            return datasets.alerts_detail(user, area)
        return datasets.alerts_aggregated(user, area, suppress)
    if req.kind == "incidents":
        return datasets.incidents(user, area)
    if req.kind == "organisations":
        return datasets.organisations(user, area)
    if req.kind == "activities":
        return datasets.activities(user, area, suppress)
    return datasets.indicators(user, area, suppress, req.period)


def _shown(counts: dict[str, int], suppress: bool) -> dict[str, Any]:
    if not suppress:
        return dict(counts)
    return {k: small_label() if is_small(v) else v for k, v in counts.items()}


def _geo(ds: Dataset, suppress: bool, meta: dict[str, Any]) -> tuple[bytes, int]:
    from sauti.interop.geojson import feature_collection

    units = {u.pcode: u for u in AdminUnit.objects.filter(pcode__in=list(ds.by_unit))}
    shown = _shown(ds.by_unit, suppress)
    rows = [(units[p], {"count": shown[p]}) for p in sorted(units)]
    fc = feature_collection(rows, meta)
    return json.dumps(fc, ensure_ascii=False).encode(), len(fc["features"])


def _pdf(ds: Dataset, suppress: bool, meta: dict[str, Any], rows: list[list[Any]]) -> bytes:
    from sauti.interop import pdf

    units = {u.pcode: u for u in AdminUnit.objects.filter(pcode__in=list(ds.by_unit))}
    shown_units = _shown(ds.by_unit, suppress)
    shown_cats = _shown(ds.by_category, suppress)
    html = pdf.report_html(
        {
            "meta": meta,
            "table": ds.table,
            "rows": rows[:200],
            "more_rows": max(len(rows) - 200, 0),
            "chart_svg": pdf.bars_svg(shown_cats, ds.category_label),
            "map_svg": pdf.map_svg(
                [(units[p], shown_units[p], ds.by_unit[p]) for p in sorted(units)]
            ),
            "by_unit": sorted((p, units[p].name, shown_units[p]) for p in units),
        }
    )
    return pdf.write_pdf(html)


def export_run(
    user: Any,
    req: ExportRequest,
    out: IO[bytes],
    *,
    request: HttpRequest | None = None,
    progress: Any = None,
) -> ExportResult:
    """Write the export to ``out`` and audit it. Nothing is written or audited on bad input."""
    area = validate(user, req)
    ds = build(user, req, area)
    watermark = uuid.uuid4().hex[:12]
    suppressed = not req.unsuppressed
    table = ds.table
    table.watermark = watermark
    if not suppressed:
        table.classification = "CONFIDENTIAL"
    table.notes = [
        f"Left out: {LEFT_OUT.get(req.kind, '')}.",
        f"Small cells: counts from 1 to {threshold() - 1} shown as '{small_label()}', and one more "
        "cell hidden ('x') where a total would reveal them."
        if suppressed
        else "Small cells NOT suppressed (exports.personal): handle as CONFIDENTIAL.",
    ]
    meta = {
        "title": table.title,
        "classification": table.classification,
        "watermark": watermark,
        "area": area.pcode if area else "",
        "generated": timezone.now().isoformat(timespec="seconds"),
        "requested_by": getattr(user, "username", ""),
        "notes": table.notes,
    }
    if req.fmt == "hxl":
        text = io.TextIOWrapper(out, encoding="utf-8", newline="")
        from sauti.interop.hxl import write_hxl_csv

        rows = write_hxl_csv(table, text, progress)
        text.flush()
        text.detach()
    elif req.fmt == "xlsx":
        from sauti.interop.xlsx import write_xlsx

        rows = write_xlsx(table, out, progress)
    elif req.fmt == "geojson":
        data, rows = _geo(ds, suppressed, meta)
        out.write(data)
    else:
        all_rows = list(table.rows)
        out.write(_pdf(ds, suppressed, meta, all_rows))
        rows = len(all_rows)
    filename = (
        f"sauti-{req.kind}-{area.pcode if area else 'all'}-"
        f"{timezone.localdate():%Y%m%d}-{watermark}.{EXTENSIONS[req.fmt]}"
    )
    audit.record(
        "export",
        actor=user if getattr(user, "pk", None) else None,
        actor_username=getattr(user, "username", ""),
        object_type=f"export.{req.kind}",
        object_id=watermark,
        request=request,
        summary=f"{req.kind} exported as {req.fmt} ({rows} rows, {table.classification})",
        details={
            "kind": req.kind,
            "format": req.fmt,
            "area": area.pcode if area else "",
            "scope": list(access.area_paths(user)),
            "period": req.period,
            "detail": req.detail,
            "classification": table.classification,
            "rows": rows,
            "watermark": watermark,
            "suppressed": suppressed,
            "threshold": threshold(),
        },
    )
    return ExportResult(
        rows, watermark, table.classification, filename, CONTENT_TYPES[req.fmt], suppressed
    )


def export_bytes(user: Any, req: ExportRequest, **kw: Any) -> tuple[bytes, ExportResult]:
    buf = io.BytesIO()
    result = export_run(user, req, buf, **kw)
    return buf.getvalue(), result


__all__ = ["ExportError", "ExportRequest", "ExportResult", "export_bytes", "export_run"]
