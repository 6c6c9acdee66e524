"""`sauti demo_load`: load the demo mission (idempotent: a second run changes nothing)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Load the demo mission: admin units, users, alerts. Safe to re-run."

    def handle(self, *args: Any, **opts: Any) -> None:
        from sauti.demo.mission import load

        summary = load()
        self.stdout.write("demo mission: " + ", ".join(f"{k} {v}" for k, v in summary.items()))
