#!/usr/bin/env python3
"""Intake throughput and latency through the real HTTP path, beside a same-run baseline.

Path measured (the default configuration): waitress (as `sauti serve`) → generic SMS-gateway
webhook → HMAC check → raw message sealed and committed → 200; then `sauti worker` (as `sauti demo`
runs it, default poll) claims stored messages in batches → parse → place step (the places
resolver) → alerts numbered and saved with transitions and audit events → acknowledgement SMS
queued (outbox). Baseline, same server code and database: an endpoint that only inserts the raw
body (bench/intake/bench_urls.py). For comparison, the inline mode (SAUTI_INTAKE_INLINE=true: the
alert is made before the 2xx, one at a time).

Per round and database: baseline, batched intake and inline intake, each on a fresh server, each
with a closed loop (C connections sending back to back) for the sustained rate and then an open
loop offering a fixed rate (default 100/s) for latency, measured from each request's scheduled
send time (queueing counts: no coordinated omission). "Alerts/s" counts alerts made, from the
first request until the last message of the phase is an alert: for batched intake, the time the
workers need to drain counts. The alert lag is stored_at → alert written, at the offered rate.

    python bench/intake/run.py                 # SQLite and PostgreSQL, 3 rounds, 10 s phases
    python bench/intake/run.py --smoke         # tiny: 1 round, 1.5 s phases, 20/s offered
    python bench/intake/run.py --db sqlite --rounds 5
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shlex
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import PY, Sender, count_pending, django_eval, percentile, prepare, start_server

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


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

LINKED = """
from sauti.channels.models import InboundMessage
print(json.dumps(InboundMessage.objects.filter(external_id__startswith=%r, alert__isnull=False).count()))
"""


def _proc_cpu(pid: int) -> float:
    """CPU seconds (user + system) a process has used, from /proc (0 where there is none)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def _box_busy() -> float:
    """CPU seconds the whole machine has been busy (all but idle and I/O wait), from /proc/stat."""
    try:
        fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    except OSError:
        return 0.0
    return (sum(fields[:8]) - fields[3] - fields[4]) / CLOCK_TICKS


def cpu_snapshot(
    server: subprocess.Popen[bytes], workers: list[subprocess.Popen[bytes]]
) -> dict[str, float]:
    times = os.times()
    return {
        "server": _proc_cpu(server.pid),
        "workers": sum(_proc_cpu(w.pid) for w in workers),
        "client": times.user + times.system,
        "box": _box_busy(),
    }


def cpu_per_item(
    before: dict[str, float], after: dict[str, float], items: int, seconds: float
) -> dict[str, float]:
    """Milliseconds of CPU per request (baseline) or alert, by process; "rest" is the machine's
    other busy time: the database server on PostgreSQL, plus whatever else ran (noise)."""
    used = {k: after[k] - before[k] for k in before}
    per = {k: 1000 * v / max(items, 1) for k, v in used.items()}
    per["rest"] = per["box"] - per["server"] - per["workers"] - per["client"]
    per["busy"] = used["box"] / (seconds * (os.cpu_count() or 1))
    return per


def _stop(procs: list[subprocess.Popen[bytes]]) -> None:
    for proc in procs:
        proc.terminate()
    for proc in procs:
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _drain(env: dict[str, str], limit: float = 300) -> None:
    began = time.monotonic()
    while count_pending(env) > 0 and time.monotonic() - began < limit:
        time.sleep(0.05)


def phase(
    mode: str,
    env: dict[str, str],
    channel: dict[str, str],
    args: argparse.Namespace,
    port: int,
    tag: str,
) -> dict[str, Any]:
    """One mode on a fresh server: ``baseline``, ``batched`` (server + workers) or ``inline``."""
    env = {**env, "SAUTI_INTAKE_INLINE": "true" if mode == "inline" else "false"}
    server = start_server(env, port)
    workers = [
        subprocess.Popen(
            [PY, "-m", "sauti", "worker", *shlex.split(args.worker_args)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(args.workers if mode == "batched" else 0)
    ]
    kind = "baseline" if mode == "baseline" else "intake"
    try:
        closed_loop(port, channel, kind, 1.0, 2, f"{tag}w-")  # warm-up (imports, caches)
        _drain(env)
        began = time.monotonic()
        cpu_before = cpu_snapshot(server, workers)
        closed = closed_loop(port, channel, kind, args.seconds, args.concurrency, f"{tag}c-")
        result: dict[str, Any] = {"closed": closed}
        if mode != "baseline":
            _drain(env)
            done = time.monotonic() - began
            cpu_after = cpu_snapshot(server, workers)
            made = django_eval(env, LINKED % f"{tag}c-")
            result["alerts"] = made
            result["alerts_per_second"] = made / done
            result["drain_seconds"] = done - args.seconds
        else:
            done, cpu_after, made = time.monotonic() - began, cpu_snapshot(server, workers), 0
        result["cpu"] = cpu_per_item(cpu_before, cpu_after, made or closed["ok"], done)
        result["open"] = open_loop(port, channel, kind, args.seconds, args.rate, f"{tag}o-")
        if mode != "baseline":
            _drain(env)
            result["lag"] = django_eval(env, LAG % f"{tag}o-")
    finally:
        _stop([server, *workers])
    return result


def run_db(kind: str, args: argparse.Namespace, port: int) -> dict[str, Any]:
    rounds = []
    with tempfile.TemporaryDirectory(prefix=f"sauti-bench-{kind}-") as tmp:
        env, channel = prepare(kind, Path(tmp))
        for r in range(args.rounds):
            one = {
                mode: phase(mode, env, channel, args, port, f"r{r}{mode[0]}")
                for mode in ("baseline", *args.modes)
            }
            base = one["baseline"]["closed"]["per_second"]
            line = f"{kind} round {r + 1}/{args.rounds}: baseline {base:.0f} req/s"
            for mode in args.modes:
                one[f"ratio_{mode}"] = one[mode]["alerts_per_second"] / base
                line += (
                    f"; {mode} {one[mode]['alerts_per_second']:.0f} alerts/s "
                    f"({one[f'ratio_{mode}']:.0%})"
                )
            rounds.append(one)
            print(line, file=sys.stderr, flush=True)
    return {"rounds": rounds}


def _med(values: list[float | None]) -> float:
    kept = [v for v in values if v is not None]
    return statistics.median(kept) if kept else float("nan")


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--rate", type=float, default=100.0)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--workers", type=int, default=1, help="worker processes (batched mode)")
    parser.add_argument(
        "--worker-args", default="", help='extra options of `sauti worker`, e.g. "--linger 0"'
    )
    parser.add_argument(
        "--modes",
        default="batched,inline",
        type=lambda v: [m for m in v.split(",") if m in ("batched", "inline")],
        help="besides the baseline: batched, inline or both (default)",
    )
    parser.add_argument("--smoke", action="store_true")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if args.smoke:
        args.seconds, args.rate, args.concurrency, args.rounds = 1.5, 20.0, 4, 1
    kinds = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    results = {kind: run_db(kind, args, args.port + i) for i, kind in enumerate(kinds)}
    if args.json:
        print(json.dumps(results, indent=2))
    print(
        f"\nIntake bench: medians of {args.rounds} round(s); {args.seconds:g} s phases, "
        f"{args.concurrency} connections closed loop, {args.rate:g}/s offered open loop, "
        f"{args.workers} worker(s) in batched mode"
    )
    print(
        "| Database | Mode | Requests/s (closed loop) | Alerts/s | Alerts/s ÷ baseline | "
        "HTTP p50 / p99 at offered rate (ms) | Alert lag p50 / p99 (ms) | Errors |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for kind, res in results.items():
        rs = res["rounds"]
        for mode, label in (
            ("baseline", "baseline (raw INSERT only)"),
            ("batched", "batched (default: 2xx after raw commit, worker makes alerts)"),
            ("inline", "inline (alert made before the 2xx)"),
        ):
            if mode != "baseline" and mode not in args.modes:
                continue
            req = _med([r[mode]["closed"]["per_second"] for r in rs])
            p50 = _med([r[mode]["open"]["p50_ms"] for r in rs])
            p99 = _med([r[mode]["open"]["p99_ms"] for r in rs])
            errors = sum(r[mode]["closed"]["errors"] + r[mode]["open"]["errors"] for r in rs)
            if mode == "baseline":
                alerts, ratio, lag = "–", "100% (requests)", "–"
            else:
                alerts = f"{_med([r[mode]['alerts_per_second'] for r in rs]):.0f}"
                ratios = [r[f"ratio_{mode}"] for r in rs]
                ratio = f"**{_med(ratios):.0%}** ({', '.join(f'{x:.0%}' for x in ratios)})"
                lag = (
                    f"{_med([r[mode]['lag']['lag_p50_ms'] for r in rs]):.0f} / "
                    f"{_med([r[mode]['lag']['lag_p99_ms'] for r in rs]):.0f}"
                )
            print(
                f"| {kind} | {label} | {req:.0f} | {alerts} | {ratio} | {p50:.1f} / {p99:.1f} | "
                f"{lag} | {errors} |"
            )
    print(
        "\nCPU per request (baseline) or per alert, ms (medians): server / worker(s) / load "
        "generator / rest (the database server on PostgreSQL, plus other noise); machine busy"
    )
    print("| Database | Mode | Server | Worker(s) | Load generator | Rest | Total | Busy |")
    print("|---|---|---|---|---|---|---|---|")
    for kind, res in results.items():
        for mode in ("baseline", *args.modes):
            cpus = [r[mode]["cpu"] for r in res["rounds"]]
            cells = [_med([c[k] for c in cpus]) for k in ("server", "workers", "client", "rest")]
            print(
                f"| {kind} | {mode} | "
                + " | ".join(f"{v:.2f}" for v in cells)
                + f" | {_med([c['box'] for c in cpus]):.2f} | "
                f"{_med([c['busy'] for c in cpus]):.0%} |"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
