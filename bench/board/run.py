#!/usr/bin/env python3
"""Response board and metrics at scale: N synthetic alerts (default 1,000,000) in PostgreSQL, then
the board's first page (open alerts by priority, as the JOC officer polls it every few seconds)
and the metrics page (median and P90 of six steps, per area, base or month) timed through the real
views with Django's test client, with the number of queries each one makes.

    python bench/board/run.py                       # 1,000,000 alerts, PostgreSQL
    python bench/board/run.py --alerts 200000
    python bench/board/run.py --smoke --json        # 3,000 alerts, SQLite, for a quick check
    python bench/board/run.py --reuse               # measure again on the generated database

The generator (``generate``) writes alerts as the workflow leaves them: three years of alerts,
most closed with every milestone stamped (recorded, transmitted, acknowledged, decided,
responded, feedback), ~2% still open in various states with deadlines, spread over the CAR's
admin units with realistic step durations (log-normal around the §4.1 targets).

PostgreSQL: SAUTI_BENCH_PG_URL, default postgres://postgres@127.0.0.1:5432/sauti_board_bench
(dropped and re-created).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
PG_URL = "postgres://postgres@127.0.0.1:5432/sauti_board_bench"


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def _pg_recreate(url: str) -> None:
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(base + "/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


def generate(n_alerts: int, seed: int = 7) -> dict[str, Any]:
    """Admin units (1 country, 16 prefectures, 4 sub-prefectures each) and ``n_alerts`` alerts."""
    import random
    from datetime import UTC, datetime, timedelta

    from sauti.alerts.models import Alert
    from sauti.alerts.taxonomy import DEFAULT_PRIORITY
    from sauti.alerts.workflow import OPEN_STATES, AlertState
    from sauti.places.services import admin_unit_upsert

    rng = random.Random(seed)
    admin_unit_upsert("CF", "République centrafricaine", 0, None)
    leaves = []
    for i in range(1, 17):
        a1 = f"CF{i + 10}"
        unit1 = admin_unit_upsert(a1, f"Préfecture {i}", 1, "CF")
        unit1.centroid_lat, unit1.centroid_lon = 3 + i * 0.4, 15 + i * 0.6
        unit1.save()
        for j in range(1, 5):
            unit2 = admin_unit_upsert(f"{a1}{j}", f"Sous-préfecture {i}.{j}", 2, a1)
            unit2.centroid_lat, unit2.centroid_lon = 3 + i * 0.4 + j * 0.05, 15 + i * 0.6
            unit2.save()
            leaves.append(unit2)
    threats = list(DEFAULT_PRIORITY)
    open_states = sorted(OPEN_STATES)
    now = datetime.now(UTC)
    start = now - timedelta(days=3 * 365)
    span = (now - start).total_seconds()
    batch: list[Alert] = []
    counters: dict[str, int] = {}
    t0 = time.perf_counter()

    def minutes(target: float) -> timedelta:
        return timedelta(minutes=rng.lognormvariate(0, 0.8) * target)

    for n in range(n_alerts):
        unit = leaves[rng.randrange(len(leaves))]
        threat = threats[rng.randrange(len(threats))]
        priority = DEFAULT_PRIORITY[threat]
        received = start + timedelta(seconds=rng.random() * span)
        recent = (now - received) < timedelta(days=3)
        is_open = recent or rng.random() < 0.01
        prefix = f"MINUSCA-{unit.pcode[:4]}-{received:%Y}-"
        counters[prefix] = counters.get(prefix, 0) + 1
        alert = Alert(
            reference=f"{prefix}{counters[prefix]:06d}",
            summary=f"{threat} — synthetic",
            admin_unit=unit,
            threat_type=threat,
            received_at=received,
            created_at=received,
            priority=priority,
            state_changed_at=received,
            occurred_at=received,
        )
        scale = {"P1": 1, "P2": 4, "P3": 24, "P4": 48}[priority]
        alert.recorded_at = received + minutes(5 * scale)
        alert.transmitted_at = alert.recorded_at + minutes(5 * scale)
        alert.acknowledged_at = alert.transmitted_at + minutes(8 * scale)
        alert.decided_at = alert.acknowledged_at + minutes(10 * scale)
        alert.responded_at = alert.decided_at + minutes(60 * scale) if rng.random() < 0.85 else None
        alert.feedback_at = (alert.responded_at or alert.decided_at) + minutes(12 * 60)
        alert.closed_at = alert.feedback_at + minutes(60)
        alert.state = AlertState.CLOSED
        if is_open:
            alert.state = open_states[rng.randrange(len(open_states))]
            alert.due_at = received + timedelta(minutes=30 * scale)
            alert.due_step = "ACK"
            alert.feedback_at = alert.closed_at = None
            if alert.state in (AlertState.RECEIVED, AlertState.CALLBACK_PENDING):
                alert.recorded_at = alert.transmitted_at = alert.acknowledged_at = None
                alert.decided_at = alert.responded_at = None
        batch.append(alert)
        if len(batch) == 20000:
            Alert.objects.bulk_create(batch)
            batch = []
            if (n + 1) % 200000 == 0:
                log(f"  {n + 1:,} alerts in {time.perf_counter() - t0:.0f} s")
    if batch:
        Alert.objects.bulk_create(batch)
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return {"alerts": n_alerts, "generate_s": round(time.perf_counter() - t0, 1)}


def child(n_alerts: int, repeats: int) -> dict[str, Any]:
    """Runs in its own process (Django settings are per process)."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from sauti.accounts.models import User
    from sauti.alerts.models import Alert
    from tests.conftest import make_user

    call_command("migrate", verbosity=0)
    if Alert.objects.exists():  # --reuse: measure the alerts a previous run generated
        result: dict[str, Any] = {"alerts": Alert.objects.count(), "generate_s": None}
    else:
        result = generate(n_alerts)
    from sauti.response.tasks import metrics_rollup

    t = time.perf_counter()
    metrics_rollup(months=13)  # what the nightly job does
    result["rollup_13_months_s"] = round(time.perf_counter() - t, 1)
    log(f"  roll-up of 13 months: {result['rollup_13_months_s']} s")
    User.objects.filter(username__in=["joc.bench", "cla.bench"]).delete()
    joc = make_user("joc.bench", "JOC_OFFICER", ["CF"])
    cla = make_user("cla.bench", "CLA", ["CF15"])
    pages = {
        "board_joc": (joc, "/response/rows/"),
        "board_joc_full_page": (joc, "/response/"),
        "board_cla": (cla, "/response/rows/"),
        "board_filtered": (joc, "/response/rows/?threat_type=KILLING&area=CF15"),
        "metrics_area_joc": (joc, "/response/metrics/?by=area"),
        "metrics_month_joc": (joc, "/response/metrics/?by=month"),
        "metrics_area_cla": (cla, "/response/metrics/?by=area"),
    }
    for name, (user, url) in pages.items():
        client = Client()
        client.force_login(user)
        assert client.get(url).status_code == 200, url  # warm-up
        times = []
        with CaptureQueriesContext(connection) as ctx:
            client.get(url)
        queries = len(ctx)
        for _ in range(repeats):
            t = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - t) * 1000)
            assert response.status_code == 200
        times.sort()
        result[name] = {
            "p50_ms": round(statistics.median(times), 1),
            "p95_ms": round(times[max(0, int(len(times) * 0.95) - 1)], 1),
            "max_ms": round(times[-1], 1),
            "queries": queries,
        }
        log(f"  {name}: {result[name]}")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--alerts", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=40)
    parser.add_argument("--smoke", action="store_true", help="3,000 alerts on SQLite")
    parser.add_argument("--json", action="store_true")
    parser.add_argument(
        "--reuse", action="store_true", help="keep the PostgreSQL database of a previous run"
    )
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.alerts, args.repeats)))
        return
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(
            os.environ,
            SAUTI_ENV="test",
            SAUTI_DATA_DIR=tmp,
            PYTHONPATH=f"{ROOT}:{ROOT / 'src'}",
            DJANGO_SETTINGS_MODULE="sauti.settings",
            SAUTI_LOG_LEVEL="WARNING",
        )
        env.pop("DATABASE_URL", None)
        alerts, repeats = args.alerts, args.repeats
        if args.smoke:
            alerts, repeats = 3000, 5
            db = "sqlite"
        else:
            url = os.environ.get("SAUTI_BENCH_PG_URL", PG_URL)
            if not args.reuse:
                _pg_recreate(url)
            env["DATABASE_URL"] = url
            db = "postgresql"
        log(f"{db}: {alerts:,} alerts")
        out = subprocess.run(
            [
                sys.executable,
                __file__,
                "--child",
                "--alerts",
                str(alerts),
                "--repeats",
                str(repeats),
            ],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
        if out.returncode != 0:
            log(out.stderr[-4000:])
            raise SystemExit(out.returncode)
        log(out.stderr[-3000:])
        result = {"db": db, **json.loads(out.stdout.strip().splitlines()[-1])}
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        for key, value in result.items():
            print(f"{key:24} {value}")


if __name__ == "__main__":
    main()
