"""`sauti export KIND --format xlsx|hxl|geojson|pdf --out PATH [--area PCODE] [--user USERNAME]`
and `sauti export handover --area PCODE --out PATH`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sauti.interop.datasets import KINDS
from sauti.interop.service import FORMATS


class Command(BaseCommand):
    help = (
        "Export alerts, incidents, organisations, activities or indicators; or a handover package."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=[*KINDS, "handover"])
        parser.add_argument("--format", dest="fmt", choices=FORMATS, default="xlsx")
        parser.add_argument("--out", type=Path, required=True)
        parser.add_argument("--area", default="", help="P-code inside the user's areas")
        parser.add_argument("--user", default="", help="export as this user (their areas and role)")
        parser.add_argument("--period", default="", help="indicators: only this period")
        parser.add_argument(
            "--detail", action="store_true", help="alerts: one de-identified row per alert"
        )
        parser.add_argument(
            "--unsuppressed",
            action="store_true",
            help="show small cells (needs exports.personal; audited)",
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        from sauti.accounts.access import AccessDenied
        from sauti.accounts.models import User
        from sauti.interop.datasets import ExportError
        from sauti.interop.service import ExportRequest, export_run, system_user

        if opts["user"]:
            user = User.objects.filter(username=opts["user"], is_active=True).first()
            if user is None:
                raise CommandError(f"no active user named {opts['user']!r}")
        else:
            user = system_user()
        out: Path = opts["out"]
        if not out.parent.exists():
            raise CommandError(f"folder {out.parent} does not exist")
        if opts["kind"] == "handover":
            from sauti.interop.handover import handover_write

            if not opts["area"]:
                raise CommandError("a handover package needs --area PCODE")
            try:
                manifest = handover_write(user, opts["area"], out)
            except (ExportError, AccessDenied) as exc:
                raise CommandError(str(exc)) from None
            self.stdout.write(f"{out}: {len(manifest['files'])} files, manifest.json")
            return
        req = ExportRequest(
            opts["kind"],
            opts["fmt"],
            area=opts["area"],
            unsuppressed=opts["unsuppressed"],
            detail=opts["detail"],
            period=opts["period"],
        )
        tmp = out.with_name(out.name + ".part")
        try:
            with tmp.open("wb") as fh:
                result = export_run(user, req, fh)
        except (ExportError, AccessDenied) as exc:
            tmp.unlink(missing_ok=True)
            raise CommandError(str(exc)) from None
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        tmp.replace(out)
        self.stdout.write(
            f"{out}: {result.rows} rows, {result.classification}, export id {result.watermark}"
        )
