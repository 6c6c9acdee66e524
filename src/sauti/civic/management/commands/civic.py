"""`sauti civic import PATH --kind organisations|activities|participants --user USERNAME`, templates, purge.

The import runs as the named user, so their role and areas apply exactly as on the web page.
Exit status 1 with one line per error (sheet, row, column) when anything is wrong; nothing imported.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sauti.accounts.access import AccessDenied
from sauti.accounts.models import User
from sauti.civic import exports, imports
from sauti.civic.services.retention import participant_names_purge


class Command(BaseCommand):
    help = "Civic data: import an XLSX workbook, or write a blank template."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser(
            "import", help="Import organisations, activities or participants from XLSX."
        )
        imp.add_argument("path", type=Path)
        imp.add_argument("--kind", required=True, choices=imports.KINDS)
        imp.add_argument("--user", required=True, help="Username whose role and areas apply.")
        imp.add_argument("--dry-run", action="store_true", help="Check every row, import nothing.")
        purge = sub.add_parser(
            "purge", help="Erase participant names kept longer than the retention period."
        )
        purge.add_argument("--dry-run", action="store_true")
        tpl = sub.add_parser("template", help="Write a blank XLSX template.")
        tpl.add_argument("--kind", required=True, choices=imports.KINDS)
        tpl.add_argument("--out", type=Path, required=True)

    def handle(self, *args: Any, **opts: Any) -> None:
        if opts["action"] == "purge":
            n = participant_names_purge(dry_run=opts["dry_run"])
            self.stdout.write(
                f"{'would erase' if opts['dry_run'] else 'erased'} the names of {n} participants"
            )
            return
        if opts["action"] == "template":
            opts["out"].write_bytes(exports.template_xlsx(opts["kind"]))
            self.stdout.write(f"template written to {opts['out']}")
            return
        user = User.objects.filter(username=opts["user"], is_active=True).first()
        if user is None:
            raise CommandError(f"no active user named {opts['user']!r}")
        try:
            data = opts["path"].read_bytes()
        except OSError as exc:
            raise CommandError(f"cannot read {opts['path']}: {exc.strerror}") from exc
        try:
            result = imports.import_workbook(
                opts["kind"], data, user, filename=opts["path"].name, dry_run=opts["dry_run"]
            )
        except AccessDenied as exc:
            raise CommandError(str(exc)) from exc
        except imports.ImportRefused as exc:
            for error in exc.errors:
                self.stderr.write(str(error))
            raise CommandError(f"{len(exc.errors)} error(s); nothing imported") from exc
        verb = "checked (dry run)" if opts["dry_run"] else "imported"
        self.stdout.write(f"{verb}: " + ", ".join(f"{n} {k}" for k, n in result.created.items()))
