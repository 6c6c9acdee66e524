"""`sauti keys rotate [--rehash]`: re-encrypt every sealed value under the first SAUTI_SEAL_KEYS key.

Rotation: put the new key first in SAUTI_SEAL_KEYS (keep the old one after it), run this command,
then remove the old key. ``--rehash`` recomputes phone lookup hashes after SAUTI_LOOKUP_HASH_KEY
changed (the old hash key is no longer needed once it has run).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sauti.core.crypto import SealError


class Command(BaseCommand):
    help = "Key management for sealed personal data."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        rotate = sub.add_parser("rotate", help="Re-seal all sealed columns with the first key.")
        rotate.add_argument(
            "--rehash", action="store_true", help="Also recompute phone lookup hashes."
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        from sauti.channels.keys import keys_rotate

        try:
            counts = keys_rotate(rehash=opts["rehash"])
        except SealError as exc:
            raise CommandError(f"{exc}: is the old key still listed in SAUTI_SEAL_KEYS?") from exc
        for label, n in counts.items():
            self.stdout.write(f"{label}: {n}")
        self.stdout.write("done")
