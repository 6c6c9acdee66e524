"""Export throughput: N alerts to HXL CSV and to XLSX, rows per second, beside a same-run baseline
(Python's csv module writing the same rows, no HXL row, no formula guard).

Two sources:
  memory  the de-identified alert rows (the columns of ``sauti.interop.datasets.alerts_detail``)
          generated once, then written by each writer in turn: the writers alone;
  db      the same number of alerts stored in a fresh SQLite database and exported end to end
          by ``sauti.interop.service.export_run`` (query, scope, rows, writer, audit) — what
          ``sauti export alerts --detail`` and the background job do.

    python bench/export/run.py                    # 500,000 rows, memory and db
    python bench/export/run.py --smoke --json     # 5,000 rows, for the test suite
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "src"))

THREATS = ["ARMED_MOVEMENT", "KILLING", "ABDUCTION", "LOOTING_DESTRUCTION", "DISPLACEMENT"]
STATES = ["RECEIVED", "TRIAGED", "TRANSMITTED", "CLOSED"]
UNITS = [("CF52", "CF521"), ("CF51", "CF511"), ("CF43", "CF431"), ("CF42", "CF421")]


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def rows(n: int, seed: int = 8) -> list[list[Any]]:
    rng = random.Random(seed)
    start = date(2025, 1, 1)
    days = [start + timedelta(days=i) for i in range(365)]
    iso = [(d.isoformat(), f"{d.isocalendar()[0]}-W{d.isocalendar()[1]:02d}") for d in days]
    out = []
    for i in range(n):
        day, week = iso[rng.randrange(365)]
        adm1, adm2 = UNITS[rng.randrange(len(UNITS))]
        out.append(
            [
                f"CF-2025-{i:07d}",
                day,
                week,
                THREATS[rng.randrange(len(THREATS))],
                STATES[rng.randrange(len(STATES))],
                "GENERIC",
                adm1,
                adm2,
                adm2,
            ]
        )
    return out


def timed(label: str, n: int, fn: Any) -> dict[str, Any]:
    t0 = time.perf_counter()
    fn()
    s = time.perf_counter() - t0
    log(f"  {label:28} {n:>9,} rows  {s:7.2f} s  {n / s:>10,.0f} rows/s")
    return {"seconds": round(s, 3), "rows_per_s": round(n / s)}


def memory_run(n: int, tmp: Path) -> dict[str, Any]:
    from sauti.interop.datasets import ALERT_DETAIL_COLUMNS
    from sauti.interop.hxl import write_hxl_csv
    from sauti.interop.table import Table
    from sauti.interop.xlsx import write_xlsx

    data = rows(n)
    names = [c.name for c in ALERT_DETAIL_COLUMNS]

    def baseline() -> None:
        with (tmp / "base.csv").open("w", newline="") as fh:
            w = csv.writer(fh, lineterminator="\n")
            w.writerow(names)
            for r in data:
                w.writerow(r)

    def hxl() -> None:
        table = Table("bench", ALERT_DETAIL_COLUMNS, iter(data), watermark="bench")
        with (tmp / "hxl.csv").open("w", newline="", encoding="utf-8") as fh:
            write_hxl_csv(table, fh)

    def xlsx() -> None:
        table = Table("bench", ALERT_DETAIL_COLUMNS, iter(data), watermark="bench")
        with (tmp / "out.xlsx").open("wb") as fh:
            write_xlsx(table, fh)

    log(f"memory: {n:,} rows")
    out = {"baseline_csv": timed("baseline csv module", n, baseline)}
    out["hxl_csv"] = timed("HXL CSV (interop.hxl)", n, hxl)
    out["xlsx"] = timed("XLSX (interop.xlsx)", n, xlsx)
    out["hxl_vs_baseline"] = round(
        out["hxl_csv"]["rows_per_s"] / out["baseline_csv"]["rows_per_s"], 3
    )
    out["xlsx_vs_baseline"] = round(
        out["xlsx"]["rows_per_s"] / out["baseline_csv"]["rows_per_s"], 3
    )
    return out


def db_run(n: int, tmp: Path) -> dict[str, Any]:
    os.environ["SAUTI_ENV"] = "test"
    os.environ["SAUTI_DATA_DIR"] = str(tmp / "data")
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sauti.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from sauti.accounts.services import user_create
    from sauti.alerts.models import Alert
    from sauti.interop.service import ExportRequest, export_run
    from sauti.places.models import AdminUnit
    from sauti.places.services import admin_unit_upsert

    call_command("migrate", verbosity=0)
    admin_unit_upsert("CF", "CAR", 0, None)
    for adm1, adm2 in UNITS:
        admin_unit_upsert(adm1, adm1, 1, "CF")
        admin_unit_upsert(adm2, adm2, 2, adm1)
    user = user_create("bench", "ANALYST", areas=["CF"], password=None, check_password=False)
    units = {u.pcode: u for u in AdminUnit.objects.filter(level=2)}
    t0 = time.perf_counter()
    base = timezone.now() - timedelta(days=365)
    rng = random.Random(8)
    batch = []
    for r in rows(n):
        batch.append(
            Alert(
                reference=r[0],
                summary="synthetic",
                admin_unit=units[r[7]],
                threat_type=r[3],
                state=r[4],
                received_at=base + timedelta(minutes=rng.randrange(525_600)),
            )
        )
        if len(batch) == 20_000:
            Alert.objects.bulk_create(batch)
            batch = []
    Alert.objects.bulk_create(batch)
    log(f"db: {n:,} alerts stored in {time.perf_counter() - t0:.1f} s")
    out: dict[str, Any] = {}
    for fmt, label in (("hxl", "HXL CSV end to end"), ("xlsx", "XLSX end to end")):
        path = tmp / f"db.{fmt}"

        def run(fmt: str = fmt, path: Path = path) -> None:
            with path.open("wb") as fh:
                result = export_run(user, ExportRequest("alerts", fmt, detail=True), fh)
            assert result.rows == n, result.rows

        out[fmt] = timed(label, n, run)

    def baseline() -> None:
        qs = Alert.objects.values_list(
            "reference", "received_at", "threat_type", "state", "channel__type", "admin_unit__path"
        ).order_by("received_at", "id")
        with (tmp / "dbbase.csv").open("w", newline="") as fh:
            w = csv.writer(fh, lineterminator="\n")
            for row in qs.iterator(chunk_size=5000):
                w.writerow(row)

    out["baseline_csv"] = timed("baseline query + csv", n, baseline)
    out["hxl_vs_baseline"] = round(out["hxl"]["rows_per_s"] / out["baseline_csv"]["rows_per_s"], 3)
    connection.close()
    return out


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=500_000)
    parser.add_argument("--smoke", action="store_true", help="5,000 rows")
    parser.add_argument("--source", choices=("memory", "db", "both"), default="both")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    n = 5_000 if args.smoke else args.rows
    result: dict[str, Any] = {"rows": n, "python": sys.version.split()[0]}
    with tempfile.TemporaryDirectory(prefix="sauti-export-bench-") as d:
        tmp = Path(d)
        os.environ["SAUTI_ENV"] = "test"
        os.environ["SAUTI_DATA_DIR"] = str(tmp / "data")
        os.environ.pop("DATABASE_URL", None)
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sauti.settings")
        import django

        django.setup()
        if args.source in ("memory", "both"):
            result["memory"] = memory_run(n, tmp)
        if args.source in ("db", "both"):
            result["db"] = db_run(n, tmp)
    if args.json:
        print(json.dumps(result))
    else:
        print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
