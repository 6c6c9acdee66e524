#!/usr/bin/env python3
"""Intake throughput and latency through the real HTTP path, beside a same-run baseline.

Path measured: waitress (as `sauti serve`) → generic SMS-gateway webhook → HMAC check → raw message
stored sealed and committed with its job → parse → place step → alert numbered and saved →
acknowledgement SMS queued (outbox) → 200. Baseline, same server and database: an endpoint that
only inserts the raw body (bench/intake/bench_urls.py).

Phases per database: closed loop (C connections sending back to back) for the sustained rate,
then an open loop offering a fixed rate (default 100/s) for latency; latency in the open loop
runs from each request's scheduled send time, so queueing counts (no coordinated omission).

    python bench/intake/run.py                 # SQLite and PostgreSQL, 10 s per phase
    python bench/intake/run.py --smoke         # tiny: 1.5 s phases, 20/s offered
    python bench/intake/run.py --db sqlite
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import subprocess

from common import PY, Sender, count_pending, django_eval, percentile, prepare, start_server


def closed_loop(
    port: int, channel: dict[str, str], kind: str, seconds: float, concurrency: int, tag: str
) -> dict[str, Any]:
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def worker(n: int) -> None:
        sender = Sender(port, channel)
        rng = random.Random(n)
        i = 0
        while time.monotonic() < stop_at:
            i += 1
            start = time.perf_counter()
            try:
                status, _ = getattr(sender, kind)(f"{tag}-{n}-{i}", rng)
            except OSError:
                status = 0
            took = time.perf_counter() - start
            with lock:
                if 200 <= status < 300:
                    latencies.append(took)
                else:
                    errors[0] += 1

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(concurrency)]
    began = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - began
    return {
        "ok": len(latencies),
        "errors": errors[0],
        "per_second": len(latencies) / elapsed,
        "p50_ms": percentile(latencies, 0.5) * 1000,
        "p99_ms": percentile(latencies, 0.99) * 1000,
    }


def open_loop(
    port: int, channel: dict[str, str], kind: str, seconds: float, rate: float, tag: str
) -> dict[str, Any]:
    total = int(seconds * rate)
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    next_index = [0]
    t0 = time.perf_counter() + 0.2

    def worker(n: int) -> None:
        sender = Sender(port, channel)
        rng = random.Random(1000 + n)
        while True:
            with lock:
                i = next_index[0]
                next_index[0] += 1
            if i >= total:
                return
            scheduled = t0 + i / rate
            delay = scheduled - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            try:
                status, _ = getattr(sender, kind)(f"{tag}-{i}", rng)
            except OSError:
                status = 0
            took = time.perf_counter() - scheduled
            with lock:
                if 200 <= status < 300:
                    latencies.append(took)
                else:
                    errors[0] += 1

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return {
        "offered_per_second": rate,
        "ok": len(latencies),
        "errors": errors[0],
        "p50_ms": percentile(latencies, 0.5) * 1000,
        "p99_ms": percentile(latencies, 0.99) * 1000,
    }


LAG = """
from sauti.channels.models import InboundMessage
rows = list(InboundMessage.objects.filter(external_id__startswith=%r, alert__isnull=False)
            .values_list("stored_at", "alert__created_at"))
lags = sorted((a - s).total_seconds() for s, a in rows)
pick = lambda q: lags[min(len(lags) - 1, round(q * (len(lags) - 1)))] * 1000 if lags else None
print(json.dumps({"alerts": len(rows), "lag_p50_ms": pick(0.5), "lag_p99_ms": pick(0.99)}))
"""


def deferred(
    env: dict[str, str], channel: dict[str, str], args: argparse.Namespace, port: int
) -> dict[str, Any]:
    """SAUTI_INTAKE_INLINE=false: the gateway gets its 2xx once the raw message is committed;
    `sauti worker` processes parse, place, number and acknowledge."""
    env = {**env, "SAUTI_INTAKE_INLINE": "false"}
    server = start_server(env, port)
    workers = [
        subprocess.Popen(
            [PY, "-m", "sauti", "worker", "--poll", "0.05"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(args.workers)
    ]
    try:
        began = time.monotonic()
        accepted = closed_loop(port, channel, "intake", args.seconds, args.concurrency, "d")
        while count_pending(env) > 0 and time.monotonic() - began < 300:
            time.sleep(0.1)
        drained = time.monotonic() - began
        open_ = open_loop(port, channel, "intake", args.seconds, args.rate, "do")
        settle = time.monotonic()
        while count_pending(env) > 0 and time.monotonic() - settle < 120:
            time.sleep(0.1)
        lag = django_eval(env, LAG % "do-")
    finally:
        for proc in [server, *workers]:
            proc.terminate()
        for proc in [server, *workers]:
            proc.wait()
    return {
        "accepted": accepted,
        "alerts_per_second": accepted["ok"] / drained,
        "drain_seconds": drained,
        "open": open_,
        "lag_at_offered_rate": lag,
    }


def run_db(kind: str, args: argparse.Namespace, port: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix=f"sauti-bench-{kind}-") as tmp:
        env, channel = prepare(kind, Path(tmp))
        server = start_server(env, port)
        try:
            closed_loop(port, channel, "intake", 1.0, 2, "warm")  # warm-up (imports, caches)
            result = {
                "baseline_closed": closed_loop(
                    port, channel, "baseline", args.seconds, args.concurrency, "b"
                ),
                "intake_closed": closed_loop(
                    port, channel, "intake", args.seconds, args.concurrency, "i"
                ),
                "baseline_open": open_loop(
                    port, channel, "baseline", args.seconds, args.rate, "bo"
                ),
                "intake_open": open_loop(port, channel, "intake", args.seconds, args.rate, "io"),
            }
        finally:
            server.kill()
            server.wait()
        result["deferred"] = deferred(env, channel, args, port)
    base = result["baseline_closed"]["per_second"]
    result["ratio"] = result["intake_closed"]["per_second"] / base
    result["deferred_ratio"] = result["deferred"]["accepted"]["per_second"] / base
    return result


def _ms(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.0f}"


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--rate", type=float, default=100.0)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--workers", type=int, default=2, help="worker processes in deferred mode")
    parser.add_argument("--smoke", action="store_true")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if args.smoke:
        args.seconds, args.rate, args.concurrency = 1.5, 20.0, 4
    kinds = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    results = {kind: run_db(kind, args, args.port + i) for i, kind in enumerate(kinds)}
    if args.json:
        print(json.dumps(results, indent=2))
    print(
        f"\nIntake bench ({args.seconds:g} s per phase, {args.concurrency} connections closed loop, "
        f"{args.rate:g}/s offered open loop, {args.workers} workers in deferred mode)"
    )
    print(
        "| Database | Mode | Requests/s (closed loop) | Ratio to baseline | p50 / p99 at offered rate (ms) | Alerts/s | Errors |"
    )
    print("|---|---|---|---|---|---|---|")
    for kind, r in results.items():
        b, i, io, bo, d = (
            r["baseline_closed"],
            r["intake_closed"],
            r["intake_open"],
            r["baseline_open"],
            r["deferred"],
        )
        print(
            f"| {kind} | baseline (raw INSERT only) | {b['per_second']:.0f} | 100% | "
            f"{bo['p50_ms']:.1f} / {bo['p99_ms']:.1f} | – | {b['errors'] + bo['errors']} |"
        )
        print(
            f"| {kind} | inline (parse, place, alert, ack before the 2xx) | {i['per_second']:.0f} | {r['ratio']:.0%} | "
            f"{io['p50_ms']:.1f} / {io['p99_ms']:.1f} | {i['per_second']:.0f} | {i['errors'] + io['errors']} |"
        )
        lag = d["lag_at_offered_rate"]
        print(
            f"| {kind} | deferred (2xx after raw commit; workers make the alert) | {d['accepted']['per_second']:.0f} | "
            f"{r['deferred_ratio']:.0%} | {d['open']['p50_ms']:.1f} / {d['open']['p99_ms']:.1f} "
            f"(alert lag {_ms(lag['lag_p50_ms'])} / {_ms(lag['lag_p99_ms'])}, {lag['alerts']} alerts) | "
            f"{d['alerts_per_second']:.0f} | "
            f"{d['accepted']['errors'] + d['open']['errors']} |"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
