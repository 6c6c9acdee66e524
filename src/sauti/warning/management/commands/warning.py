"""`sauti warning import-ucdp PATH`, `import-events PATH`, `detect`, `backtest …`."""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"{value!r} is not a date (YYYY-MM-DD)") from None


def progress_bar(label: str, stream: Any) -> Callable[[int, int], None] | None:
    """A one-line progress bar on a terminal; nothing when the output is a file or a pipe."""
    if not stream.isatty():
        return None

    def show(done: int, total: int) -> None:
        width = 30
        filled = int(width * done / max(total, 1))
        stream.write(f"\r{label} [{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
        if done >= total:
            stream.write("\n")
        stream.flush()

    return show


class Command(BaseCommand):
    help = "Early warning: import events, run the detectors, backtest the risk model."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        ucdp = sub.add_parser("import-ucdp", help="Import a UCDP GED CSV file.")
        ucdp.add_argument("path", type=Path)
        gen = sub.add_parser(
            "import-events",
            help="Import an event CSV: id,date,latitude,longitude,threat_type[,fatalities,description].",
        )
        gen.add_argument("path", type=Path)
        gen.add_argument("--source", help="source name (default: the file name)")
        det = sub.add_parser("detect", help="Run the detectors and update risk levels.")
        det.add_argument("--week", type=_day, help="a day of the week to examine (default: today)")
        bt = sub.add_parser("backtest", help="Backtest the risk model against baselines.")
        bt.add_argument("--events", type=Path, required=True, help="UCDP GED or event CSV")
        bt.add_argument("--train-until", type=_day, required=True)
        bt.add_argument("--test-from", type=_day, required=True)
        bt.add_argument("--test-until", type=_day)
        bt.add_argument("--level", type=int, choices=(1, 2), required=True)
        bt.add_argument("--horizon-weeks", type=int, default=4)
        bt.add_argument("--top-k", type=int, help="areas flagged per week (default: 10%%)")
        bt.add_argument("--json", action="store_true", help="print the report as JSON")

    def handle(self, *args: Any, **opts: Any) -> None:
        action = opts["action"]
        if action in ("import-ucdp", "import-events"):
            self._import(opts["path"], "ucdp" if action == "import-ucdp" else "generic", opts)
        elif action == "detect":
            self._detect(opts)
        else:
            self._backtest(opts)

    def _import(self, path: Path, kind: str, opts: dict[str, Any]) -> None:
        from sauti.warning.importers import EventImportError, import_file

        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        try:
            result = import_file(
                path, kind, source=opts.get("source"), progress=progress_bar("import", sys.stderr)
            )
        except EventImportError as exc:
            raise CommandError(f"{path.name}: {exc} — nothing was imported") from exc
        self.stdout.write(
            f"{result.source}: {result.read} read, {result.created} new, "
            f"{result.read - result.created} already present, {result.unplaced} outside the gazetteer"
        )

    def _detect(self, opts: dict[str, Any]) -> None:
        from sauti.warning.services import detect_run, risk_update

        flags = detect_run(opts.get("week"))
        notes = risk_update(opts.get("week"))
        for flag in flags:
            self.stdout.write(flag.explanation)
        self.stdout.write(f"{len(flags)} flag(s), {len(notes)} notification(s)")

    def _backtest(self, opts: dict[str, Any]) -> None:
        from sauti.places.models import AdminUnit
        from sauti.warning.backtest import BacktestError, UnitShape, backtest_run
        from sauti.warning.importers import EventImportError, parse_generic, parse_ucdp

        path: Path = opts["events"]
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        started = time.perf_counter()
        try:
            head = path.open(encoding="utf-8-sig").readline()
            events = parse_ucdp(path) if "type_of_violence" in head else parse_generic(path)
        except EventImportError as exc:
            raise CommandError(f"{path.name}: {exc}") from exc
        level = opts["level"]
        units = [
            UnitShape(pcode, parent or "", geometry)
            for pcode, parent, geometry in AdminUnit.objects.filter(level=level)
            .exclude(geometry="")
            .values_list("pcode", "parent__pcode", "geometry")
        ]
        try:
            report = backtest_run(
                events,
                units,
                level=level,
                train_until=opts["train_until"],
                test_from=opts["test_from"],
                test_until=opts.get("test_until"),
                horizon=opts["horizon_weeks"],
                top_k=opts.get("top_k"),
                progress=progress_bar("events", sys.stderr),
            )
        except BacktestError as exc:
            raise CommandError(str(exc)) from exc
        report["seconds"] = round(time.perf_counter() - started, 2)
        if opts["json"]:
            self.stdout.write(json.dumps(report, indent=2))
            return
        self.stdout.write(
            f"level {level}: {report['units']} units, {report['test_weeks']} test weeks "
            f"({report['test_from']} – {report['test_until']}), horizon {report['horizon_weeks']} "
            f"weeks, positive rate {report['positive_rate']}, top k = {report['top_k']}"
        )
        k = report["top_k"]
        self.stdout.write(
            f"{'model':<16}{'PR AUC':>8}{'ROC AUC':>9}{'Brier':>8}{'P@k':>7}{'R@k':>7}"
            f"{'onsets flagged':>16}{'lead (wk)':>10}"
        )
        for r in report["results"]:
            self.stdout.write(
                f"{r['model']:<16}{r['pr_auc']:>8.3f}{r['roc_auc']:>9.3f}{r['brier']:>8.3f}"
                f"{r[f'precision_at_{k}']:>7.3f}{r[f'recall_at_{k}']:>7.3f}"
                f"{r['onsets_flagged']:>9}/{r['onsets']:<6}{r['mean_lead_weeks'] or 0:>10}"
            )
