"""`sauti users add|token|list|areas`: manage accounts from the command line."""

from __future__ import annotations

import getpass
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sauti.accounts import services
from sauti.accounts.models import User
from sauti.accounts.roles import Role


class Command(BaseCommand):
    help = "Manage users: add, token, list, areas."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        add = sub.add_parser("add", help="Create a user with a role and area scopes.")
        add.add_argument("username")
        add.add_argument("--role", required=True, choices=Role.values)
        add.add_argument(
            "--area",
            action="append",
            default=[],
            metavar="PCODE",
            help="Admin unit P-code the user may see (repeat for several).",
        )
        add.add_argument("--password-file", type=Path, help="Read the password from this file.")
        add.add_argument("--email", default="")
        token = sub.add_parser("token", help="Print a new API token for a user.")
        token.add_argument("username")
        token.add_argument("--name", default="cli")
        areas = sub.add_parser("areas", help="Replace a user's area scopes.")
        areas.add_argument("username")
        areas.add_argument("--area", action="append", default=[], metavar="PCODE", required=True)
        sub.add_parser("list", help="List users with role and areas.")

    def handle(self, *args: Any, **opts: Any) -> None:
        try:
            getattr(self, f"_{opts['action']}")(opts)
        except services.AccountError as exc:
            raise CommandError(str(exc)) from exc

    def _user(self, username: str) -> User:
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"no user named {username!r}")
        return user

    def _add(self, opts: dict[str, Any]) -> None:
        password: str | None
        if opts["password_file"]:
            try:
                password = opts["password_file"].read_text(encoding="utf-8").strip()
            except OSError as exc:
                raise CommandError(f"cannot read password file: {exc}") from exc
            if not password:
                raise CommandError("the password file is empty")
        elif self.stdin_is_tty():
            password = getpass.getpass("Password: ")
        else:
            password = None  # no password: the user can only use API tokens until one is set
        user = services.user_create(
            opts["username"],
            opts["role"],
            areas=opts["area"],
            password=password,
            email=opts["email"],
        )
        self.stdout.write(
            f"created {user.username} ({user.role}) areas: {', '.join(opts['area']) or '-'}"
        )

    @staticmethod
    def stdin_is_tty() -> bool:
        import sys

        return sys.stdin is not None and sys.stdin.isatty()

    def _token(self, opts: dict[str, Any]) -> None:
        self.stdout.write(services.token_create(self._user(opts["username"]), name=opts["name"]))

    def _areas(self, opts: dict[str, Any]) -> None:
        services.user_set_areas(self._user(opts["username"]), opts["area"])
        self.stdout.write(f"areas of {opts['username']}: {', '.join(opts['area'])}")

    def _list(self, opts: dict[str, Any]) -> None:
        for user in User.objects.order_by("username").prefetch_related("scopes__admin_unit"):
            areas = ",".join(s.admin_unit.pcode for s in user.scopes.all())
            self.stdout.write(
                f"{user.username}\t{user.role}\t{areas}\t2fa={'on' if user.totp_enabled else 'off'}"
            )
