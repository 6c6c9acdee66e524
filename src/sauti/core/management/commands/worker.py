"""`sauti worker`: claim and run background jobs from the database until stopped."""

from __future__ import annotations

import signal
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections

from sauti.core import jobs


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

    def handle(self, *args: Any, **options: Any) -> None:
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
                pumped = jobs.pumps_run()
                claimed = jobs.job_claim(worker)
            except Exception as exc:  # database busy or briefly unreachable: wait and retry
                if options["once"]:
                    raise CommandError(f"claim failed: {exc}") from exc
                self.stderr.write(f"claim failed: {exc}")
                time.sleep(options["poll"])
                continue
            if claimed is None:
                if pumped:
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
