"""`sauti worker`: claim and run background jobs from the database until stopped."""

from __future__ import annotations

import signal
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections

from sauti.core import jobs

# Each intake batch has a fixed cost (its claim, a dozen reads, short transactions) beside about
# a millisecond per alert: in-process on SQLite 1.7–1.8 ms of CPU per alert at 10 a batch,
# 0.95–1.02 at 50. A worker that claims again as soon as it is done takes what arrived meanwhile,
# a handful under 400 SMS a second, and spends on fixed costs CPU the web server then lacks
# (docs/performance.md). Waiting 50 ms after a partial batch lets the next one fill; an alert
# waits at most that much longer, well under an idle poll.
LINGER = 0.05
MAX_WAIT = 60.0  # seconds: a longer poll or linger leaves SMS waiting for their alerts


class Command(BaseCommand):
    help = "Run background jobs claimed from the database (no broker needed)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--once", action="store_true", help="Run ready jobs, then exit.")
        parser.add_argument(
            "--poll",
            type=float,
            default=0.2,
            help="Seconds between polls when idle (an SMS waits at most this long for its alert).",
        )
        parser.add_argument(
            "--linger",
            type=float,
            default=LINGER,
            help="Seconds to wait after a turn that took some messages but not a full batch, so "
            "that a steady stream is taken in fuller batches (0: never wait).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        for name in ("poll", "linger"):
            if not 0 <= options[name] <= MAX_WAIT:
                raise CommandError(f"--{name} must be between 0 and {MAX_WAIT:g} seconds")
        stop = {"now": False}

        def request_stop(signum: int, frame: Any) -> None:
            stop["now"] = True

        signal.signal(signal.SIGTERM, request_stop)
        signal.signal(signal.SIGINT, request_stop)
        worker = jobs.worker_id()
        self.stdout.write(
            f"worker {worker} started; handlers: {', '.join(sorted(jobs.handlers()))}"
        )
        while not stop["now"]:
            if not options["once"]:
                close_old_connections()  # long-running: drop connections the server closed
            try:
                turn = jobs.pumps_turn()
                claimed = jobs.job_claim(worker)
            except Exception as exc:  # database busy or briefly unreachable: wait and retry
                if options["once"]:
                    raise CommandError(f"claim failed: {exc}") from exc
                self.stderr.write(f"claim failed: {exc}")
                time.sleep(options["poll"])
                continue
            if claimed is None:
                if turn.handled:
                    if not turn.backlog and not options["once"] and options["linger"] > 0:
                        time.sleep(options["linger"])
                    continue
                if options["once"]:
                    if jobs.pumps_settle():
                        continue
                    break
                time.sleep(options["poll"])
                continue
            done = jobs.job_run(claimed)
            self.stdout.write(f"{done.name}#{done.pk}: {done.status} (attempt {done.attempts})")
        jobs.pumps_settle()  # sends under way are finished and recorded
        self.stdout.write("worker stopped")
