"""Exports: HXL read back by libhxl, GeoJSON per RFC 7946, PDF pages with charts, scope and audit,
small-cell suppression, and clear refusals that change nothing."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from sauti.accounts.access import AccessDenied
from sauti.accounts.models import AuditEvent
from sauti.alerts.models import Alert
from sauti.interop.datasets import ExportError
from sauti.interop.service import ExportRequest, export_bytes
from sauti.interop.suppression import suppress_group
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


def hxl_rows(data: bytes) -> list[dict[str, str]]:
    import hxl

    source = hxl.data(
        hxl.input.make_input(io.BytesIO(data), hxl.input.InputOptions(encoding="utf-8"))
    )
    return [
        {c.display_tag: v for c, v in zip(source.columns, row.values, strict=False)}
        for row in source
    ], [c.display_tag for c in source.columns]


def test_suppression_primary_and_complementary(settings: Any) -> None:
    settings.SAUTI_SMALL_CELL_THRESHOLD = 5
    shown, total = suppress_group({"F": 2, "M": 10, "U": 7}, 19)
    assert shown == {"F": "<5", "M": 10, "U": "x"}  # 7 hidden too, else 19-10-7 reveals F=2
    assert total == 19
    shown, total = suppress_group({"F": 2, "M": 3}, 5)
    assert shown == {"F": "<5", "M": "<5"} and total == 5
    shown, total = suppress_group({"F": 0, "M": 12}, 12)
    assert shown == {"F": 0, "M": 12}
    shown, total = suppress_group({"F": 3}, 3)
    assert shown == {"F": "<5"} and total == "<5"


def test_hxl_alerts_read_back_by_libhxl(world: dict[str, Any], joc: Any) -> None:
    data, result = export_bytes(joc, ExportRequest("alerts", "hxl"))
    rows, tags = hxl_rows(data)
    assert tags == ["#adm2+code", "#adm2+name", "#date+week", "#event+type", "#affected+alerts+num"]
    bria_all = [r for r in rows if r["#adm2+code"] == "CF521" and r["#event+type"] == "ALL"]
    assert sum(1 for _ in bria_all) == 4  # four ISO weeks with alerts in Bria
    assert {r["#affected+alerts+num"] for r in rows} <= {"<5", "x"}  # all small
    assert result.suppressed and result.rows == len(rows)
    assert b"synthetic" not in data  # alert summaries are never exported


def test_hxl_alert_detail_has_no_narrative_or_reporter(world: dict[str, Any], joc: Any) -> None:
    data, _ = export_bytes(joc, ExportRequest("alerts", "hxl", detail=True))
    rows, tags = hxl_rows(data)
    assert "#event+id" in tags and "#adm2+code" in tags
    assert len(rows) == 5 and b"synthetic" not in data and b"FP-" not in data


def test_xlsx_organisations_without_sealed_fields(world: dict[str, Any], cla_bria: Any) -> None:
    data, result = export_bytes(cla_bria, ExportRequest("organisations", "xlsx"))
    wb = load_workbook(io.BytesIO(data), read_only=True)
    rows = list(wb["data"].iter_rows(values_only=True))
    assert rows[1][0] == "#org+id"
    assert sorted(r[0] for r in rows[2:]) == ["O1", "O2", "O3"]  # Ndélé's O4 is out of scope
    assert not any("contact" in str(c) for c in rows[0])
    about = {r[0]: r[1] for r in wb["about"].iter_rows(values_only=True) if len(r) > 1}
    assert about["export id"] == result.watermark


def test_activities_suppress_small_participant_counts(world: dict[str, Any], analyst: Any) -> None:
    data, _ = export_bytes(analyst, ExportRequest("activities", "hxl"))
    rows, _tags = hxl_rows(data)
    n1 = next(r for r in rows if r["#activity+id"] == "N1")
    # 1 man is hidden; the 7 women too, else 8 - 7 would reveal him
    assert (n1["#reached+total"], n1["#reached+f"], n1["#reached+m"]) == ("8", "x", "<5")
    t1 = next(r for r in rows if r["#activity+id"] == "T1")
    assert (t1["#reached+total"], t1["#reached+f"], t1["#reached+m"]) == ("10", "x", "<5")


def test_unsuppressed_needs_the_dpo_role_and_is_audited(
    world: dict[str, Any], joc: Any, dpo: Any
) -> None:
    with pytest.raises(AccessDenied):
        export_bytes(joc, ExportRequest("activities", "hxl", unsuppressed=True))
    assert not AuditEvent.objects.filter(action="export").exists()
    _data, result = export_bytes(dpo, ExportRequest("indicators", "hxl", unsuppressed=True))
    assert not result.suppressed and result.classification == "CONFIDENTIAL"
    event = AuditEvent.objects.get(action="export", actor=dpo)
    assert event.details["suppressed"] is False


def test_geojson_rfc7946(world: dict[str, Any], units: Any, joc: Any) -> None:
    from sauti.places.models import AdminUnit

    square = {"type": "Polygon", "coordinates": [[[22, 6], [23, 6], [23, 7], [22, 7], [22, 6]]]}
    AdminUnit.objects.filter(pcode="CF521").update(geometry=json.dumps(square))
    AdminUnit.objects.filter(pcode="CF511").update(centroid_lat=8.5557, centroid_lon=20.9206)
    data, _ = export_bytes(joc, ExportRequest("alerts", "geojson"))
    doc = json.loads(data)
    assert doc["type"] == "FeatureCollection" and "crs" not in doc
    assert {f["properties"]["pcode"] for f in doc["features"]} == {"CF521", "CF511"}
    for f in doc["features"]:
        assert f["type"] == "Feature" and set(f) >= {"geometry", "properties"}
        g = f["geometry"]
        assert g["type"] in ("Point", "Polygon", "MultiPolygon")
        points = (
            [g["coordinates"]]
            if g["type"] == "Point"
            else [p for ring in g["coordinates"] for p in ring]
        )
        for lon, lat in points:
            assert -180 <= lon <= 180 and -90 <= lat <= 90
        if g["type"] == "Polygon":
            for ring in g["coordinates"]:
                assert len(ring) >= 4 and ring[0] == ring[-1]  # closed linear rings
    ndele = next(f for f in doc["features"] if f["properties"]["pcode"] == "CF511")
    assert ndele["geometry"]["coordinates"] == [20.9206, 8.5557]  # longitude first
    assert ndele["properties"]["count"] == "<5"


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils not installed")
def test_pdf_has_chart_and_map_and_renders(
    world: dict[str, Any], analyst: Any, tmp_path: Path
) -> None:
    pytest.importorskip("weasyprint")
    from sauti.interop import service

    captured: dict[str, str] = {}
    real = service.__dict__.get("_pdf")

    def spy(ds: Any, suppress: bool, meta: Any, rows: Any) -> bytes:
        from sauti.interop import pdf

        orig = pdf.report_html

        def keep(ctx: dict[str, Any]) -> str:
            captured["html"] = orig(ctx)
            return captured["html"]

        pdf.report_html = keep  # type: ignore[assignment]
        try:
            return real(ds, suppress, meta, rows)  # type: ignore[misc]
        finally:
            pdf.report_html = orig  # type: ignore[assignment]

    service._pdf = spy  # type: ignore[attr-defined]
    try:
        data, _ = export_bytes(analyst, ExportRequest("activities", "pdf"))
    finally:
        service._pdf = real  # type: ignore[attr-defined]
    assert data.startswith(b"%PDF")
    html = captured["html"]
    assert html.count("<svg") == 2 and "<rect" in html  # bars of the chart drawn
    pdf_path = tmp_path / "r.pdf"
    pdf_path.write_bytes(data)
    subprocess.run(["pdftoppm", "-png", "-r", "40", str(pdf_path), str(tmp_path / "p")], check=True)
    pages = sorted(tmp_path.glob("p*.png"))
    assert pages
    from PIL import Image

    img = Image.open(pages[0]).convert("L")
    w, h = img.size
    # the chart's bars: a band of dark pixels in the upper half of page 1
    dark = sum(img.crop((0, h // 6, w, h // 2)).histogram()[:100])
    assert dark > 50


def test_scoped_user_exports_only_their_area_and_audit_shows_it(
    world: dict[str, Any], cla_bria: Any, tmp_path: Path
) -> None:
    make_user("analyst.hk", "ANALYST", ["CF52"])
    out = tmp_path / "a.csv"
    call_command(
        "export", "alerts", "--format", "hxl", "--out", str(out), "--user", "analyst.hk", "--detail"
    )
    rows = list(csv.reader(out.read_text().splitlines()[3:]))
    assert {r[7] for r in rows} == {"CF521"} and len(rows) == 4
    event = AuditEvent.objects.get(action="export", actor_username="analyst.hk")
    assert event.details["rows"] == 4 and event.details["kind"] == "alerts"
    assert event.details["watermark"] in out.read_text().splitlines()[0]
    with pytest.raises(CommandError, match="outside your areas"):
        call_command(
            "export",
            "alerts",
            "--format",
            "hxl",
            "--out",
            str(out),
            "--user",
            "analyst.hk",
            "--area",
            "CF511",
        )
    with pytest.raises(CommandError, match="invalid choice"):
        call_command("export", "rumours", "--format", "hxl", "--out", str(tmp_path / "i.csv"))
    assert not (tmp_path / "i.csv").exists()
    with pytest.raises(CommandError, match="unknown area"):
        call_command("export", "alerts", "--format", "hxl", "--out", str(out), "--area", "ZZ9")
    assert AuditEvent.objects.filter(action="export").count() == 1
    call_command(
        "export",
        "organisations",
        "--format",
        "xlsx",
        "--out",
        str(out),
        "--area",
        "CF521",
        "--user",
        "analyst.hk",
    )


def test_area_narrows_within_scope(world: dict[str, Any], joc: Any) -> None:
    data, _result = export_bytes(joc, ExportRequest("alerts", "hxl", detail=True, area="CF511"))
    rows, _ = hxl_rows(data)
    assert [r["#adm2+code"] for r in rows] == ["CF511"]
    with pytest.raises(ExportError, match="unknown export kind"):
        export_bytes(joc, ExportRequest("people", "hxl"))


def test_handover_package(world: dict[str, Any], analyst: Any, tmp_path: Path) -> None:
    out = tmp_path / "h.zip"
    call_command("export", "handover", "--area", "CF52", "--out", str(out), "--user", "analyst")
    with zipfile.ZipFile(out) as zf:
        names = set(zf.namelist())
        manifest = json.loads(zf.read("manifest.json"))
        alerts = zf.read("alerts_by_admin2_week.csv").decode()
        everything = b"".join(zf.read(n) for n in names)
    assert {
        "organisations.csv",
        "networks.csv",
        "alert_networks.csv",
        "agreement_implementation.csv",
    } <= names
    assert any("identities" in x["what"] for x in manifest["left_out"])
    assert any("narratives" in x["what"] for x in manifest["left_out"])
    assert "#date+week" in alerts
    assert b"synthetic" not in everything and b"FP-" not in everything
    assert AuditEvent.objects.filter(object_type="export.handover").count() == 1


def test_indicator_export_suppresses_small_cells_with_complements(
    world: dict[str, Any], analyst: Any
) -> None:
    from sauti.indicators.services import indicators_compute
    from sauti.places.models import AdminUnit

    bria = AdminUnit.objects.get(pcode="CF521")
    indicators_compute(
        "2026-03", codes=["CVR_BENEFICIARIES", "CHIEFS_TRAINED", "PARTICIPANTS"], areas=[bria]
    )
    data, _ = export_bytes(analyst, ExportRequest("indicators", "hxl", period="2026-03"))
    rows, _tags = hxl_rows(data)
    got = {
        (r["#indicator+code"], r["#indicator+disaggregation"]): r["#indicator+value+num"]
        for r in rows
    }
    # 50 beneficiaries (20 F, 30 M): nothing small, all shown
    assert got[("CVR_BENEFICIARIES", "total")] == "50"
    assert got[("CVR_BENEFICIARIES", "sex=F")] == "20"
    # 4 chiefs (1 F, 3 M): every count is small
    assert got[("CHIEFS_TRAINED", "total")] == "<5"
    assert got[("CHIEFS_TRAINED", "sex=F")] == "<5" and got[("CHIEFS_TRAINED", "sex=M")] == "<5"
    # 20 participants: 9 F, 9 M, 2 sex unknown → the 2 hidden, and 9 women too (else 20-9-9)
    assert got[("PARTICIPANTS", "total")] == "20"
    assert got[("PARTICIPANTS", "sex=UNKNOWN")] == "<5"
    assert got[("PARTICIPANTS", "sex=F")] == "x" and got[("PARTICIPANTS", "sex=M")] == "9"


def test_old_export_files_are_removed(settings: Any, tmp_path: Path) -> None:
    import os
    import time

    from sauti.interop.jobs import export_dir, exports_cleanup

    settings.DATA_DIR = tmp_path
    old, new = export_dir() / "job-1.csv", export_dir() / "job-2.csv"
    old.write_text("x")
    new.write_text("y")
    day_ago = time.time() - 25 * 3600
    os.utime(old, (day_ago, day_ago))
    assert exports_cleanup() == 1
    assert not old.exists() and new.exists()


def test_incidents_export_is_scoped_and_leaves_out_titles(units: dict, tmp_path: Path) -> None:
    """Incidents: one row per incident with its alert count, in the user's areas only, no title."""
    from sauti.alerts.models import Incident
    from sauti.alerts.services import alert_create

    bria = alert_create("Hommes armés vus à Bria", units["CF521"], threat_type="ARMED_MOVEMENT")
    ndele = alert_create("Tension à Ndélé", units["CF511"], threat_type="INTERCOMMUNAL_TENSION")
    inside = Incident.objects.create(
        title="Secret title from a reporter",
        threat_type="ARMED_MOVEMENT",
        admin_unit=units["CF521"],
        first_alert_at=bria.received_at,
    )
    outside = Incident.objects.create(
        title="Other",
        threat_type="INTERCOMMUNAL_TENSION",
        admin_unit=units["CF511"],
        first_alert_at=ndele.received_at,
    )
    Alert.objects.filter(pk=bria.pk).update(incident=inside)
    Alert.objects.filter(pk=ndele.pk).update(incident=outside)
    make_user("analyst.inc", "ANALYST", ["CF52"])
    out = tmp_path / "incidents.csv"
    call_command(
        "export", "incidents", "--format", "hxl", "--out", str(out), "--user", "analyst.inc"
    )
    text = out.read_text(encoding="utf-8")
    assert "Secret title" not in text
    rows, tags = hxl_rows(out.read_bytes())
    assert "#event+id" in tags and "#meta+alerts+num" in tags
    assert [(r["#event+id"], r["#meta+alerts+num"], r["#adm2+code"]) for r in rows] == [
        (str(inside.pk), "1", "CF521")
    ]
    event = AuditEvent.objects.get(action="export", actor_username="analyst.inc")
    assert event.details["kind"] == "incidents" and event.details["rows"] == 1
