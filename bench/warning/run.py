#!/usr/bin/env python3
"""Early-warning scale: 10,000,000 synthetic events stored as Sauti stores them (the
``warning_event`` table, placed in COD-AB admin units), then

  load     one SQL pass over every event, grouped to (deepest unit, threat, day) cells by the
           database along the covering index ``event_cell``;
  compute  weekly signals per admin unit of levels 1–3 × threat type and the Poisson detector for
           every week, in numpy — and the same computation in pandas on the same loaded arrays,
           in the same run (both must find the same flags);
  update   one new day of events through the real import path (point-in-polygon, insert,
           incremental signal upsert), on top of the stored signals.

Synthetic events keep the real data's statistics: each is a resampled UCDP GED CAR event (its
admin units, threat type and deaths), its date moved by up to ±3 days and its point by ~2 km.

    python bench/warning/run.py                   # 10M events, SQLite and PostgreSQL
    python bench/warning/run.py --db sqlite --events 1000000
    python bench/warning/run.py --smoke --json    # 20,000 events, SQLite, for the test suite

PostgreSQL: DATABASE_URL of a server where the database sauti_warning_bench may be (re)created
(default postgres://postgres@127.0.0.1:5432/sauti_warning_bench).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
DATA = Path("/work/shared/data")
COD = DATA / "cod-ab-caf"
UCDP = DATA / "ucdp-ged-caf-v23.1" / "GEDEvent_v23_1_CAF_to2020.csv"
PG_URL = "postgres://postgres@127.0.0.1:5432/sauti_warning_bench"
THREATS = ["ARMED_CLASH", "KILLING"]


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def _pg_recreate(url: str) -> None:
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(base + "/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


def child(db: str, n_events: int, seed: int) -> dict[str, Any]:
    """Runs in its own process (Django settings are per process)."""
    import django

    django.setup()
    import numpy as np
    from django.core.management import call_command
    from django.db import connection

    from sauti.places.importers import import_paths
    from sauti.places.models import AdminUnit
    from sauti.warning.importers import ParsedEvent, events_import, parse_ucdp, spatial_index

    call_command("migrate", verbosity=0)
    import_paths([COD / f"caf_admin{level}.geojson" for level in (0, 1, 2, 3)])
    units_db = list(
        AdminUnit.objects.filter(level__in=(1, 2, 3)).values_list("id", "path", "level")
    )
    index, ids = spatial_index()
    source = [ev for ev in parse_ucdp(UCDP)]
    placed = []
    for ev in source:
        found = index.locate(ev.lat, ev.lon)
        if 3 in found:
            placed.append((ev, ids[found[1]], ids[found[2]], ids[found[3]]))
    rng = np.random.default_rng(seed)

    # --- generate and store (setup, not timed in the figure) ---
    t0 = time.perf_counter()
    pick = rng.integers(0, len(placed), n_events)
    base_day = np.array([np.datetime64(p[0].day, "D") for p in placed])
    days = base_day[pick] + rng.integers(-3, 4, n_events)
    day_str = np.datetime_as_string(days)
    lat = np.array([p[0].lat for p in placed])[pick] + rng.normal(0, 0.02, n_events)
    lon = np.array([p[0].lon for p in placed])[pick] + rng.normal(0, 0.02, n_events)
    a1 = np.array([p[1] for p in placed])[pick]
    a2 = np.array([p[2] for p in placed])[pick]
    a3 = np.array([p[3] for p in placed])[pick]
    threat = np.array([p[0].threat_type for p in placed])[pick]
    tov = np.array([p[0].type_of_violence for p in placed])[pick]
    deaths = np.array([p[0].fatalities for p in placed])[pick]
    now = "2026-01-01 00:00:00"
    cols = (
        "source, external_id, occurred_on, lat, lon, where_prec, admin1_id, admin2_id, admin3_id, "
        "admin_unit_id, threat_type, type_of_violence, fatalities, description, imported_at"
    )

    def rows(lo: int, hi: int) -> Any:
        for i in range(lo, hi):
            yield (
                "SYNTH", f"{i:010d}", day_str[i], float(lat[i]), float(lon[i]), 1,
                int(a1[i]), int(a2[i]), int(a3[i]), int(a3[i]), threat[i], int(tov[i]),
                int(deaths[i]), "", now,
            )  # fmt: skip

    chunk = 500_000
    raw = connection.cursor().connection  # the driver's own connection: bulk paths
    # Bulk load as a DBA would: secondary indexes dropped, then rebuilt once by sorting.
    with connection.cursor() as cur:
        if db == "sqlite":
            cur.execute("PRAGMA cache_size = -400000")
            cur.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' "
                "AND tbl_name = 'warning_event' AND sql IS NOT NULL AND sql NOT LIKE '%UNIQUE%'"
            )
        else:
            cur.execute(
                "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'warning_event' "
                "AND indexdef NOT LIKE '%UNIQUE%'"
            )
        indexes = cur.fetchall()
        for name, _sql in indexes:
            cur.execute(f'DROP INDEX "{name}"')
    for lo in range(0, n_events, chunk):
        hi = min(lo + chunk, n_events)
        if db == "sqlite":
            raw.executemany(
                f"INSERT INTO warning_event ({cols}) VALUES ({', '.join('?' * 15)})",  # noqa: S608
                rows(lo, hi),
            )
            raw.commit()
        else:
            with raw.cursor() as cur, cur.copy(f"COPY warning_event ({cols}) FROM STDIN") as cp:
                for row in rows(lo, hi):
                    cp.write_row(row)
            raw.commit()
        log(f"  stored {hi:,} / {n_events:,} events")
    with connection.cursor() as cur:
        if db == "postgres":
            cur.execute("SET maintenance_work_mem = '512MB'")
        for _name, sql in indexes:
            cur.execute(sql)
        cur.execute("ANALYZE")
    store_s = time.perf_counter() - t0

    # --- load: one pass over the events, grouped in the database ---
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from core import Cells, Units, compute_numpy, compute_pandas

    t0 = time.perf_counter()
    with connection.cursor() as cur:
        cur.execute(
            "SELECT admin_unit_id, threat_type, occurred_on, COUNT(*), SUM(fatalities) "
            "FROM warning_event WHERE admin_unit_id IS NOT NULL "
            "GROUP BY admin_unit_id, threat_type, occurred_on"
        )
        fetched = cur.fetchall()
    unit_pos = {uid: i for i, (uid, _p, _l) in enumerate(units_db)}
    unit_col, threat_col, day_col, n_col, d_col = zip(*fetched, strict=True)
    cells = Cells(
        unit=np.array([unit_pos[u] for u in unit_col]),
        threat=np.array([THREATS.index(t) for t in threat_col]),
        day=np.array([str(d) for d in day_col], dtype="datetime64[D]").astype(np.int64),
        n=np.array(n_col, dtype=np.float64),
        deaths=np.array(d_col, dtype=np.float64),
    )
    load_s = time.perf_counter() - t0

    # ancestors of every unit, by level, as indexes within the level
    pcode_id = {p.strip("/").split("/")[-1]: uid for uid, p, _l in units_db}
    level_pos: dict[int, dict[int, int]] = {1: {}, 2: {}, 3: {}}
    for uid, _p, level in units_db:
        level_pos[level][uid] = len(level_pos[level])
    by_level = {}
    for level in (1, 2, 3):
        arr = np.full(len(units_db), -1)
        for i, (_uid, path, _l) in enumerate(units_db):
            parts = path.strip("/").split("/")
            if len(parts) > level:
                arr[i] = level_pos[level].get(pcode_id.get(parts[level], -1), -1)
        by_level[level] = arr
    units = Units(
        ids=np.array([u[0] for u in units_db]),
        by_level=by_level,
        n_level={lvl: len(level_pos[lvl]) for lvl in (1, 2, 3)},
    )

    t0 = time.perf_counter()
    mine = compute_numpy(cells, units, len(THREATS))
    compute_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    theirs = compute_pandas(cells, units, len(THREATS))
    pandas_s = time.perf_counter() - t0
    assert mine.events == theirs.events == n_events, (mine.events, theirs.events)
    assert np.array_equal(mine.flag_keys, theirs.flag_keys), "numpy and pandas disagree"

    # --- store the signals once (as the incremental path would have), then add one day ---
    from sauti.warning.signals import signals_sync_alerts, signals_upsert, week_start

    t0 = time.perf_counter()
    from collections import Counter

    weekly: Counter[tuple[int, str, str, Any]] = Counter()
    weekly_deaths: Counter[tuple[int, str, str, Any]] = Counter()
    days_py = cells.day.astype("datetime64[D]").astype(object)
    for i in range(len(cells.n)):
        uid = int(units.ids[cells.unit[i]])
        path = units_db[cells.unit[i]][1].strip("/").split("/")[1:]
        for pcode in path:
            anc = pcode_id[pcode]
            for period, start in (("DAY", days_py[i]), ("WEEK", week_start(days_py[i]))):
                key = (anc, THREATS[cells.threat[i]], period, start)
                weekly[key] += int(cells.n[i])
                weekly_deaths[key] += int(cells.deaths[i])
        del uid
    signals_upsert(
        (u, t, p, s, "EVENTS", n, weekly_deaths[(u, t, p, s)]) for (u, t, p, s), n in weekly.items()
    )
    signals_s = time.perf_counter() - t0
    signal_rows = len(weekly)

    new_day = days.max().astype(object) + __import__("datetime").timedelta(days=1)
    per_day = max(100, n_events // max(int((days.max() - days.min()).astype(int)), 1))
    sample = rng.integers(0, len(placed), per_day)
    parsed = [
        ParsedEvent(
            external_id=f"new-{i}",
            day=new_day,
            lat=placed[j][0].lat,
            lon=placed[j][0].lon,
            threat_type=placed[j][0].threat_type,
            fatalities=placed[j][0].fatalities,
        )
        for i, j in enumerate(sample)
    ]
    signals_sync_alerts()
    t0 = time.perf_counter()
    result = events_import(parsed, "SYNTH")  # the same source: idempotency check included
    update_s = time.perf_counter() - t0
    assert result.created == per_day
    return {
        "db": db,
        "events": n_events,
        "store_s": round(store_s, 2),
        "cells_loaded": len(cells.n),
        "load_s": round(load_s, 3),
        "compute_numpy_s": round(compute_s, 3),
        "compute_pandas_s": round(pandas_s, 3),
        "load_plus_compute_s": round(load_s + compute_s, 3),
        "flags": mine.flags,
        "signal_rows_stored": signal_rows,
        "store_signals_s": round(signals_s, 2),
        "one_day_events": per_day,
        "one_day_update_s": round(update_s, 3),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--events", type=int, default=10_000_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--smoke", action="store_true", help="20,000 events on SQLite")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--child", choices=("sqlite", "postgres"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if not (COD.exists() and UCDP.exists()):
        print(f"needs {COD} and {UCDP}", file=sys.stderr)
        return 2
    if args.child:
        print(json.dumps(child(args.child, args.events, args.seed)))
        return 0
    if args.smoke:
        args.db, args.events = "sqlite", 20_000
    results = []
    for db in ("sqlite", "postgres") if args.db == "both" else (args.db,):
        with tempfile.TemporaryDirectory(prefix="sauti-bench-warning-") as tmp:
            env = dict(os.environ, SAUTI_ENV="test", SAUTI_DATA_DIR=tmp,
                       DJANGO_SETTINGS_MODULE="sauti.settings")  # fmt: skip
            env.pop("DATABASE_URL", None)
            if db == "postgres":
                url = os.environ.get("SAUTI_BENCH_PG_URL", PG_URL)
                _pg_recreate(url)
                env["DATABASE_URL"] = url
            log(f"{db}: {args.events:,} events")
            out = subprocess.run(
                [sys.executable, __file__, "--child", db, "--events", str(args.events),
                 "--seed", str(args.seed)],
                env=env, check=True, capture_output=True, text=True, cwd=ROOT,
            )  # fmt: skip
            sys.stderr.write(out.stderr[-2000:] if out.stderr else "")
            results.append(json.loads(out.stdout.strip().splitlines()[-1]))
    if args.json:
        print(json.dumps(results, indent=2))
        return 0
    for r in results:
        ratio = r["compute_numpy_s"] / max(r["compute_pandas_s"], 1e-9)
        print(
            f"{r['db']:<9} {r['events']:>11,} events  load {r['load_s']:.2f} s  compute "
            f"{r['compute_numpy_s']:.3f} s (pandas {r['compute_pandas_s']:.3f} s, ratio "
            f"{ratio:.2f})  load+compute {r['load_plus_compute_s']:.2f} s  one-day update "
            f"({r['one_day_events']} events) {r['one_day_update_s']:.3f} s  [store "
            f"{r['store_s']:.0f} s]"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
