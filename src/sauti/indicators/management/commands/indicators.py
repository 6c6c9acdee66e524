"""`sauti indicators compute [--period P] [--code C …]`, `list`, `schedule`."""

from __future__ import annotations

from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from sauti.indicators.periods import PeriodError, month_of, quarter_of


class Command(BaseCommand):
    help = "Indicators: compute snapshots, list definitions, schedule the daily computation."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        comp = sub.add_parser("compute", help="Compute and store a snapshot of every indicator.")
        comp.add_argument(
            "--period",
            action="append",
            help="YYYY, YYYY-Qn or YYYY-MM (default: this month and quarter)",
        )
        comp.add_argument("--code", action="append", help="only these indicators")
        sub.add_parser("list", help="List the indicator definitions.")
        tgt = sub.add_parser("target", help="Set the baseline and target of an indicator.")
        tgt.add_argument("code")
        tgt.add_argument("period", help="YYYY, YYYY-Qn or YYYY-MM")
        tgt.add_argument("pcode", help="the area")
        tgt.add_argument("--baseline", type=float)
        tgt.add_argument("--target", type=float)
        sub.add_parser("schedule", help="Queue the daily indicators.compute job.")

    def handle(self, *args: object, **opts: object) -> None:
        from sauti.indicators.registry import REGISTRY
        from sauti.indicators.services import IndicatorError, indicators_compute

        action = opts["action"]
        if action == "list":
            for code, comp in REGISTRY.items():
                self.stdout.write(f"{code:32} {comp.range:8} {comp.unit:8} {comp.name_en}")
            return
        if action == "target":
            from sauti.indicators.services import target_set
            from sauti.places.models import AdminUnit

            area = AdminUnit.objects.filter(pcode=str(opts["pcode"]).upper()).first()
            if area is None:
                raise CommandError(f"unknown area {opts['pcode']!r}")
            try:
                target_set(
                    str(opts["code"]),
                    str(opts["period"]),
                    area,
                    baseline=opts["baseline"],  # type: ignore[arg-type]
                    target=opts["target"],  # type: ignore[arg-type]
                )
            except (PeriodError, IndicatorError) as exc:
                raise CommandError(str(exc)) from None
            self.stdout.write(f"{opts['code']} {opts['period']} {area.pcode}: target set")
            return
        if action == "schedule":
            from sauti.indicators.tasks import schedule_next

            schedule_next(timezone.now() - timedelta(days=1))
            self.stdout.write("indicators.compute queued (then daily)")
            return
        today = timezone.localdate()
        periods = opts["period"] or [month_of(today), quarter_of(today)]
        for period in periods:  # type: ignore[attr-defined]
            try:
                result = indicators_compute(period, codes=opts["code"] or None)  # type: ignore[arg-type]
            except (PeriodError, IndicatorError) as exc:
                raise CommandError(str(exc)) from None
            self.stdout.write(
                f"{period}: {result.snapshots} snapshots, {result.values} values stored"
            )
