"""`sauti openapi`: write the API schema, or check that the committed one is current."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

DEFAULT_PATH = Path("docs/openapi.json")


def schema_text() -> str:
    from sauti.api import api

    return json.dumps(api.get_openapi_schema(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


class Command(BaseCommand):
    help = "Write the OpenAPI 3 schema to docs/openapi.json, or --check that it is up to date."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--out", type=Path, default=DEFAULT_PATH)
        parser.add_argument("--check", action="store_true")

    def handle(self, *args: Any, **opts: Any) -> None:
        current = schema_text()
        path: Path = opts["out"]
        if opts["check"]:
            committed = path.read_text(encoding="utf-8") if path.exists() else ""
            if committed != current:
                raise CommandError(
                    f"{path} is out of date: run `sauti openapi` and commit the result"
                )
            self.stdout.write(f"{path} is up to date")
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(current, encoding="utf-8")
        self.stdout.write(f"wrote {path}")
