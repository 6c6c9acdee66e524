"""The handover package (DP-13): when a base or mission closes, what national authorities or the
UN country team may receive for one area, minimised, with a manifest of what was left out and why.

Contents (HXL CSV): organisations, civil-society networks, alert networks (names and status only),
peace-agreement implementation (latest score per provision and region), alerts aggregated by
admin2 and ISO week with small cells suppressed. Never: identities, raw messages, narratives.
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from typing import Any

from django.utils import timezone

from sauti.accounts import access, audit
from sauti.agreements import selectors as agreements
from sauti.channels.models import Network as AlertNetwork
from sauti.civic import selectors as civic
from sauti.interop import datasets
from sauti.interop.hxl import write_hxl_csv
from sauti.interop.service import ExportRequest, validate
from sauti.interop.table import Column, Table

LEFT_OUT = [
    {
        "what": "reporter identities, pseudonyms and phone numbers",
        "why": "DP-2/DP-11: national authorities never receive personal data of reporters; "
        "identities are destroyed at closure (DP-13)",
    },
    {
        "what": "raw inbound messages and call logs",
        "why": "they can contain names and numbers; destroyed, not transferred (DP-9, DP-13)",
    },
    {
        "what": "alert summaries, narratives and place text",
        "why": "free text can point to the source (DP-5, DP-10); alerts are handed over as counts "
        "by admin2 and ISO week only",
    },
    {
        "what": "organisation contact persons; participant and beneficiary names",
        "why": "sealed personal data; contact lists only with each person's consent (DP-13)",
    },
    {
        "what": "counts from 1 to N-1 (and one complementary cell)",
        "why": "small cells could identify people (DP-10)",
    },
]


def _csv(table: Table) -> tuple[bytes, int]:
    buf = io.StringIO()
    n = write_hxl_csv(table, buf)
    return buf.getvalue().encode("utf-8"), n


def handover_write(user: Any, area_pcode: str, out: Path) -> dict[str, Any]:
    area = validate(user, ExportRequest("organisations", "hxl", area=area_pcode))
    assert area is not None
    files: dict[str, tuple[bytes, int]] = {}
    orgs = datasets.organisations(user, area).table
    files["organisations.csv"] = _csv(orgs)
    nets = civic.networks_visible_to(user).filter(admin_unit__path__startswith=area.path)
    files["networks.csv"] = _csv(
        Table(
            "networks",
            [
                Column("ref", "#group+id"),
                Column("name", "#group+name"),
                Column("kind", "#group+type"),
                Column("status", "#status"),
                Column("adm_pcode", "#adm+code"),
            ],
            [[n.ref, n.name, n.kind, n.status, n.admin_unit.pcode] for n in nets.order_by("ref")],
        )
    )
    cans = access.visible(
        user, "alerts.view", AlertNetwork.objects.select_related("area"), "area"
    ).filter(area__path__startswith=area.path)
    files["alert_networks.csv"] = _csv(
        Table(
            "alert networks",
            [
                Column("name", "#group+name"),
                Column("base", "#loc+base"),
                Column("status", "#status"),
                Column("adm_pcode", "#adm+code"),
            ],
            [[n.name, n.base_name, n.status, n.area.pcode] for n in cans.order_by("name")],
        )
    )
    rows = []
    for agreement in agreements.agreements_visible_to(user):
        reports = agreements.reports_visible_to(user, agreement).filter(
            admin_unit__path__startswith=area.path
        )
        for r in agreements.latest_reports(reports):
            rows.append(
                [
                    agreement.short_name,
                    r.provision.article_ref,
                    r.provision.theme,
                    r.admin_unit.pcode,
                    r.period.isoformat(),
                    "" if r.score is None else r.score,
                    "yes" if r.unverifiable else "no",
                ]
            )
    files["agreement_implementation.csv"] = _csv(
        Table(
            "agreement implementation",
            [
                Column("agreement", "#meta+agreement"),
                Column("article", "#meta+article"),
                Column("theme", "#sector"),
                Column("adm_pcode", "#adm+code"),
                Column("period", "#date"),
                Column("score", "#indicator+score+num", numeric=True),
                Column("unverifiable", "#meta+unverifiable"),
            ],
            sorted(rows),
        )
    )
    if access.has_perm(user, "alerts.export"):
        files["alerts_by_admin2_week.csv"] = _csv(
            datasets.alerts_aggregated(user, area, suppress=True).table
        )
    left_out = list(LEFT_OUT)
    if "alerts_by_admin2_week.csv" not in files:
        left_out.append({"what": "alerts", "why": "the requesting user may not export alerts"})
    manifest: dict[str, Any] = {
        "package": "Sauti handover",
        "area": {"pcode": area.pcode, "name": area.name},
        "created": timezone.now().isoformat(timespec="seconds"),
        "created_by": getattr(user, "username", ""),
        "classification": "INTERNAL",
        "files": [{"name": name, "rows": n} for name, (_d, n) in sorted(files.items())],
        "left_out": left_out,
    }
    tmp = out.with_name(out.name + ".part")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, (data, _n) in sorted(files.items()):
            zf.writestr(name, data)
        zf.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=2))
    tmp.replace(out)
    audit.record(
        "export",
        actor=user if getattr(user, "pk", None) else None,
        actor_username=getattr(user, "username", ""),
        object_type="export.handover",
        object_id=area.pcode,
        summary=f"handover package for {area.pcode} ({len(files)} files)",
        details={"area": area.pcode, "files": manifest["files"], "classification": "INTERNAL"},
    )
    return manifest
