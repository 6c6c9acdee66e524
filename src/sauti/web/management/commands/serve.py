"""`sauti serve`: the production-grade pure-Python WSGI server (waitress), static files included."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Serve Sauti over HTTP with waitress (put a TLS reverse proxy in front in production)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--threads", type=int, default=8)

    def handle(self, *args: Any, **opts: Any) -> None:
        from waitress import serve

        from sauti.wsgi import application

        self.stdout.write(f"serving on http://{opts['host']}:{opts['port']}/")
        serve(
            application,
            host=opts["host"],
            port=opts["port"],
            threads=opts["threads"],
            ident="sauti",
            max_request_body_size=64 * 1024 * 1024,
        )
