"""`sauti response_rollup [--months N]`: roll up past months for the metrics page now (the
``response.metrics_rollup`` job then re-runs daily by itself)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Roll up past months of alerts for the response metrics page (and schedule it daily)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--months", type=int, default=13)

    def handle(self, *args: Any, **options: Any) -> None:
        from sauti.response.tasks import metrics_rollup

        if options["months"] < 1:
            from django.core.management.base import CommandError

            raise CommandError("--months must be at least 1")
        result = metrics_rollup(months=options["months"])
        self.stdout.write(f"{result['rows']} roll-up rows")
