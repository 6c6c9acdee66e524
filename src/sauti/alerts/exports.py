"""The alert list's quick export: CSV with HXL hashtags, audited by the caller.

It carries the coding only — no reporter, no summary or narrative (free text written from what
reporters said, DP-10) — so no cell holds text a person typed. Larger, aggregated, suppressed and
watermarked exports are `sauti.interop` (`sauti export alerts …`, the indicators page)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from sauti.alerts.models import Alert

COLUMNS = [
    ("reference", "#event+id", lambda a: a.reference),
    ("received_at", "#date+received", lambda a: a.received_at.isoformat()),
    ("threat_type", "#event+type", lambda a: a.threat_type),
    ("state", "#status", lambda a: a.state),
    ("admin_pcode", "#adm+code", lambda a: a.admin_unit.pcode),
    ("admin_name", "#adm+name", lambda a: a.admin_unit.name),
]


def alerts_to_hxl_csv(alerts: Iterable[Alert]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([c[0] for c in COLUMNS])
    writer.writerow([c[1] for c in COLUMNS])
    for alert in alerts:
        writer.writerow([c[2](alert) for c in COLUMNS])
    return out.getvalue()
