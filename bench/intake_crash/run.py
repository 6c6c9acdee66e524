#!/usr/bin/env python3
"""Crash test of intake: under concurrent load, kill -9 the server mid-stream, restart it, let the
gateways retry, and check that every request that got a 2xx is stored exactly once.

1. Fresh database, `sauti serve` (waitress) and `sauti worker` started; W threads send signed
   gateway requests with unique message ids as fast as they can, and the worker turns the stored
   messages into alerts in batches meanwhile.
2. After K seconds the server and the worker are killed with SIGKILL (no shutdown, in-flight
   transactions cut, the worker's claimed batch left holding its lease). Requests in flight fail;
   the ids that got a 2xx before the kill are recorded.
3. The server is restarted; every request is sent again, as gateways retry (those that failed) and
   as they sometimes re-deliver (those that succeeded): all must answer 2xx, the re-deliveries as
   duplicates.
4. Once the dead worker's lease has run out (set to 2 s here), `sauti worker --once` processes
   what was cut short; then the database is read: each acknowledged id stored exactly once, every
   stored message linked to exactly one alert.

    python bench/intake_crash/run.py                # SQLite and PostgreSQL
    python bench/intake_crash/run.py --smoke        # tiny
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "intake"))

from common import PY, Sender, django_eval, prepare, start_server

CHECK = """
from collections import Counter
from sauti.channels.models import InboundMessage
from sauti.alerts.models import Alert
ids = json.loads(open(%r).read())
rows = list(InboundMessage.objects.values_list("external_id", "processing_state", "alert_id"))
per_id = Counter(r[0] for r in rows)
acked = ids["acked"]
print(json.dumps({
    "stored": len(rows),
    "acked_missing": [i for i in acked if per_id[i] == 0],
    "acked_duplicated": [i for i in acked if per_id[i] > 1],
    "not_linked": sum(1 for r in rows if r[1] != "LINKED" or r[2] is None),
    "alerts": Alert.objects.count(),
    "alerts_shared": len(rows) - len({r[2] for r in rows if r[2]}),
}))
"""


PROCESSED = """
from sauti.channels.models import InboundMessage
print(json.dumps(InboundMessage.objects.filter(processing_state="LINKED").count()))
"""


def run_db(kind: str, args: argparse.Namespace, port: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix=f"sauti-crash-{kind}-") as tmp:
        env, channel = prepare(kind, Path(tmp))
        env = {**env, "SAUTI_INTAKE_LEASE_SECONDS": "2"}
        server = start_server(env, port, bench_urls=False)
        log = Path(tmp) / "worker.log"
        with log.open("wb") as out:
            processor = subprocess.Popen(
                [PY, "-m", "sauti", "worker"], env=env, stdout=out, stderr=subprocess.DEVNULL
            )
        deadline = time.monotonic() + 60
        while b"started" not in log.read_bytes() and time.monotonic() < deadline:
            time.sleep(0.1)  # the worker is up before the first message
        status: dict[str, int] = {}
        bodies: dict[str, bytes] = {}
        lock = threading.Lock()
        stop = threading.Event()

        def worker(n: int) -> None:
            sender = Sender(port, channel)
            rng = random.Random(n)
            i = 0
            while not stop.is_set():
                i += 1
                msg_id = f"crash-{n}-{i}"
                body = sender.body(msg_id, rng)
                with lock:
                    bodies[msg_id] = body
                try:
                    code, _ = sender.intake(msg_id, rng, body)
                except OSError:
                    code = 0  # connection cut by the kill, before or during the answer
                with lock:
                    status[msg_id] = code
                if code == 0:
                    return  # the server is gone: this "gateway" will retry later

        threads = [threading.Thread(target=worker, args=(n,)) for n in range(args.workers)]
        for t in threads:
            t.start()
        time.sleep(args.kill_after)
        os.kill(processor.pid, signal.SIGKILL)
        os.kill(server.pid, signal.SIGKILL)
        processor.wait()
        server.wait()
        processed_before_kill = django_eval(env, PROCESSED)
        stop.set()
        for t in threads:
            t.join()
        acked = sorted(i for i, c in status.items() if 200 <= c < 300)
        failed = sorted(i for i, c in status.items() if not 200 <= c < 300)
        # Restart; gateways retry what failed and re-deliver what succeeded.
        server = start_server(env, port, bench_urls=False)
        retry_codes: dict[str, int] = {}
        duplicates_answered = 0
        try:
            sender = Sender(port, channel)
            rng = random.Random(0)
            for msg_id in failed + acked:
                code, body = sender.intake(msg_id, rng, bodies[msg_id])
                retry_codes[msg_id] = code
                if msg_id in acked and json.loads(body).get("duplicate"):
                    duplicates_answered += 1
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait()
        time.sleep(2.5)  # the dead worker's lease runs out
        subprocess.run(
            [PY, "-m", "sauti", "worker", "--once", "--poll", "0"],
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        ids_file = Path(tmp) / "ids.json"
        ids_file.write_text(json.dumps({"acked": acked}))
        check = django_eval(env, CHECK % str(ids_file))
    return {
        "sent_before_kill": len(status),
        "acked_before_kill": len(acked),
        "failed_at_kill": len(failed),
        "linked_before_kill": processed_before_kill,
        "retries_not_2xx": sum(1 for c in retry_codes.values() if not 200 <= c < 300),
        "redeliveries_answered_as_duplicate": duplicates_answered,
        **{k: (len(v) if isinstance(v, list) else v) for k, v in check.items()},
    }


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--kill-after", type=float, default=4.0)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--port", type=int, default=8775)
    parser.add_argument("--smoke", action="store_true")
    args = parser.parse_args()
    if args.smoke:
        args.workers, args.kill_after, args.rounds = 3, 1.0, 1
    kinds = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    failures = 0
    print(
        "| Database | Round | Sent before kill | 2xx before kill | Failed at kill | Made alerts before kill (worker) | Retries not 2xx | Re-deliveries answered as duplicate | Stored | 2xx missing | 2xx duplicated | Not linked | Alerts |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for i, kind in enumerate(kinds):
        for r in range(args.rounds):
            res = run_db(kind, args, args.port + i)
            bad = (
                res["acked_missing"]
                + res["acked_duplicated"]
                + res["not_linked"]
                + res["retries_not_2xx"]
            )
            failures += bad
            print(
                f"| {kind} | {r + 1} | {res['sent_before_kill']} | {res['acked_before_kill']} | {res['failed_at_kill']} | "
                f"{res['linked_before_kill']} | {res['retries_not_2xx']} | {res['redeliveries_answered_as_duplicate']} | {res['stored']} | "
                f"{res['acked_missing']} | {res['acked_duplicated']} | {res['not_linked']} | {res['alerts']} |",
                flush=True,
            )
    print("PASS" if failures == 0 else "FAIL")
    return 0 if failures == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
