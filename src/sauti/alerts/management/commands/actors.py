"""`sauti actors add NAME --alias A --alias B [--type T]` and `sauti actors list`: the mission's
armed actors and the names reporters use for them, merged over the parser's built-in table."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sauti.accounts import audit
from sauti.alerts.models import Actor
from sauti.alerts.parsing.actors import DEFAULT_ACTORS, clear_cache


class Command(BaseCommand):
    help = "Armed actors and their aliases, used by the alert parser."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        add = sub.add_parser("add", help="Add an actor or add aliases to one.")
        add.add_argument("name")
        add.add_argument(
            "--alias", action="append", default=[], help="A name reporters use (repeat)"
        )
        add.add_argument("--type", default="", help="ACLED actor type, e.g. REBEL_GROUP")
        add.add_argument("--country", default="", help="ISO2 code")
        sub.add_parser("list", help="Built-in and mission actors with their aliases.")

    def handle(self, *args: Any, **opts: Any) -> None:
        if opts["action"] == "list":
            for name, aliases in DEFAULT_ACTORS.items():
                self.stdout.write(f"{name} (built-in): {', '.join(aliases)}")
            for actor in Actor.objects.order_by("name"):
                state = "" if actor.active else " [inactive]"
                self.stdout.write(f"{actor.name} (mission){state}: {', '.join(actor.aliases)}")
            return
        name = opts["name"].strip()
        aliases = [a.strip() for a in opts["alias"] if a.strip()]
        if not name or len(name) > 100 or any(len(a) > 100 for a in aliases):
            raise CommandError("names and aliases must be 1–100 characters")
        actor, created = Actor.objects.get_or_create(
            name=name,
            defaults={"actor_type": opts["type"], "country_iso2": opts["country"].upper()[:2]},
        )
        actor.aliases = sorted({*actor.aliases, *aliases})
        actor.save()
        clear_cache()
        audit.record(
            "object.create" if created else "object.update",
            obj=actor,
            summary=f"actor {name} {'added' if created else 'updated'}",
            details={"aliases": actor.aliases},
        )
        self.stdout.write(f"{actor.name}: {', '.join(actor.aliases) or '(no alias)'}")
