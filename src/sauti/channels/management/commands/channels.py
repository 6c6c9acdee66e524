"""`sauti channels add TYPE --name NAME --area PCODE [--secret-file F]`, `sauti channels list`,
`sauti channels purge [--dry-run] [--today YYYY-MM-DD]` (DP-9 retention, ``channels.retention``)
and legal holds that stop it: `sauti channels hold --reporter PSEUDONYM --reason R --by USER`,
`sauti channels unhold HOLD_ID --reason R --by USER`, `sauti channels holds`
(``channels.legal_hold``)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sauti.channels.models import Channel
from sauti.channels.services import ChannelError, channel_create, inbound_urls, status_urls


class Command(BaseCommand):
    help = "Configure intake channels (SMS gateways, missed calls) and print their inbound URLs."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        add = sub.add_parser("add", help="Add a channel and print its inbound URL(s).")
        add.add_argument(
            "type", choices=[t.lower() for t in Channel.Type.values] + list(Channel.Type.values)
        )
        add.add_argument("--name", required=True)
        add.add_argument("--area", required=True, help="P-code of the area the channel serves")
        add.add_argument(
            "--secret-file", help="File holding the Twilio auth token or the shared secret"
        )
        add.add_argument("--account-sid", default="", help="Twilio account SID (outbound SMS)")
        add.add_argument("--from-number", default="", help="Sender number for outbound SMS")
        add.add_argument("--send-url", default="", help="Generic gateway URL for outbound SMS")
        add.add_argument(
            "--webhook-url", default="", help="Public URL the gateway calls, if behind a proxy"
        )
        add.add_argument("--language", default="fr", choices=["fr", "en", "sg", "ln", "sw"])
        add.add_argument(
            "--base-url", default=None, help="Public base URL (default SAUTI_PUBLIC_URL)"
        )
        sub.add_parser("list", help="List channels and their inbound URLs.")
        purge = sub.add_parser(
            "purge",
            help="Erase raw messages, reporter identities and alert narratives kept past DP-9 "
            "and queue the daily run.",
        )
        purge.add_argument("--dry-run", action="store_true", help="Count only; change nothing.")
        purge.add_argument(
            "--today", default="", help="Apply the rule as on this day (YYYY-MM-DD; default today)."
        )

        hold = sub.add_parser(
            "hold", help="Place a legal hold on a reporter: retention erases nothing of theirs."
        )
        hold.add_argument("--reporter", required=True, help="The reporter's pseudonym")
        hold.add_argument("--reason", required=True, help="Why (the case); never a name")
        hold.add_argument("--by", required=True, help="Username of the data protection focal point")
        unhold = sub.add_parser("unhold", help="Lift a legal hold (by its number).")
        unhold.add_argument("hold_id", type=int)
        unhold.add_argument("--reason", required=True)
        unhold.add_argument("--by", required=True)
        sub.add_parser("holds", help="List the legal holds in force.")

    def handle(self, *args: Any, **opts: Any) -> None:
        if opts["action"] in ("hold", "unhold", "holds"):
            self.holds(opts)
            return
        if opts["action"] == "purge":
            self.purge(opts["today"], dry_run=opts["dry_run"])
            return
        if opts["action"] == "list":
            for channel in Channel.objects.select_related("area").order_by("id"):
                urls = " ".join(inbound_urls(channel))
                state = "active" if channel.active else "inactive"
                self.stdout.write(
                    f"{channel.uuid} {channel.type:<11} {channel.area.pcode:<8} {state:<8} {channel.name}  {urls}"
                )
            return
        ctype = opts["type"].upper()
        creds: dict[str, str] = {}
        secret = ""
        if opts["secret_file"]:
            try:
                secret = Path(opts["secret_file"]).read_text(encoding="utf-8").strip()
            except OSError as exc:
                raise CommandError(f"cannot read --secret-file: {exc}") from exc
            if not secret:
                raise CommandError("--secret-file is empty")
        if ctype == "TWILIO":
            creds = {
                "auth_token": secret,
                "account_sid": opts["account_sid"],
                "from_number": opts["from_number"],
            }
        elif secret:
            creds = {"secret": secret}
        if opts["send_url"]:
            creds["send_url"] = opts["send_url"]
        if opts["webhook_url"]:
            creds["webhook_url"] = opts["webhook_url"]
        try:
            channel = channel_create(
                ctype,
                opts["name"],
                opts["area"].upper(),
                credentials=creds,
                default_language=opts["language"],
                address=opts["from_number"],
            )
        except ChannelError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"channel {channel.uuid} ({channel.type}) created for {channel.area.pcode}"
        )
        for url in inbound_urls(channel, opts["base_url"]):
            self.stdout.write(f"inbound URL: {url}")
        for url in status_urls(channel, opts["base_url"]):
            self.stdout.write(f"status URL (delivery reports): {url}")
        if ctype in ("GENERIC", "MISSED_CALL") and not secret:
            from sauti.channels.services import channel_credentials

            self.stdout.write(
                "shared secret (shown once; sign bodies with HMAC-SHA256 in X-Sauti-Signature):"
            )
            self.stdout.write(channel_credentials(channel)["secret"])

    def purge(self, today_text: str, *, dry_run: bool) -> None:
        """Run the three DP-9 rules now, chunk by chunk (each chunk its own short transaction), with
        progress when there is more than one chunk; then queue the daily job."""
        from sauti.channels import retention
        from sauti.channels.tasks import retention_schedule

        today = None
        if today_text:
            try:
                today = dt.date.fromisoformat(today_text)
            except ValueError:
                raise CommandError(
                    f"--today must be a date as YYYY-MM-DD, not {today_text!r}; nothing changed"
                ) from None

        def progress(what: str, done: int, total: int) -> None:
            if total > retention.CHUNK:
                self.stdout.write(f"  {what}: {done} of {total}")

        verb = "would erase" if dry_run else "erased"
        raw = retention.inbound_raw_purge(today=today, dry_run=dry_run, progress=progress)
        self.stdout.write(
            f"raw messages {verb}: {raw.total} — {raw.linked} of alerts closed, merged, rejected "
            f"or referred before {raw.cutoff}, {raw.unlinked} spam or failed messages stored "
            f"before {raw.cutoff} (sender, body and text; metadata kept)"
        )
        ids = retention.reporter_identity_purge(today=today, dry_run=dry_run, progress=progress)
        self.stdout.write(
            f"reporter identities {verb}: {ids.reporters} (exited before {ids.cutoff}) — "
            f"{ids.phones} phone numbers, the sender number of {ids.messages} raw messages; "
            "pseudonyms and alerts kept"
        )
        if ids.undated:
            self.stdout.write(
                f"left alone: {ids.undated} exited reporters with no recorded exit date "
                "(see docs/intake.md, Retention)"
            )
        texts = retention.alert_narrative_purge(today=today, dry_run=dry_run, progress=progress)
        self.stdout.write(
            f"alert narratives {verb}: {texts.alerts} (alerts final before {texts.cutoff}; "
            "type, place, time, counts and summary kept)"
        )
        if dry_run:
            self.stdout.write("dry run: nothing changed")
            return
        day = retention_schedule()
        self.stdout.write(f"daily run queued (channels.retention, next on {day})")

    def holds(self, opts: dict[str, Any]) -> None:
        """Place, lift or list legal holds; every refusal is a clear error and changes nothing."""
        from sauti.accounts.access import AccessDenied
        from sauti.accounts.models import User
        from sauti.channels import legal_hold
        from sauti.channels.models import LegalHold, Reporter

        if opts["action"] == "holds":
            in_force = LegalHold.objects.filter(lifted_at__isnull=True).select_related(
                "reporter", "placed_by"
            )
            for hold in in_force.order_by("id"):
                self.stdout.write(
                    f"#{hold.pk} {hold.reporter.pseudonym} since {hold.placed_at:%Y-%m-%d} "
                    f"by {hold.placed_by.username}: {hold.reason}"
                )
            if not in_force.exists():
                self.stdout.write("no legal hold in force")
            return
        user = User.objects.filter(username=opts["by"], is_active=True).first()
        if user is None:
            raise CommandError(f"no active user {opts['by']!r}; nothing changed")
        try:
            if opts["action"] == "hold":
                reporter = (
                    Reporter.objects.select_related("area")
                    .filter(pseudonym=opts["reporter"])
                    .first()
                )
                if reporter is None:
                    raise CommandError(f"no reporter {opts['reporter']!r}; nothing changed")
                hold = legal_hold.hold_place(user, reporter, opts["reason"])
                self.stdout.write(f"legal hold #{hold.pk} placed on {reporter.pseudonym}")
                return
            erased = legal_hold.hold_lift(user, opts["hold_id"], opts["reason"])
        except LegalHold.DoesNotExist:
            raise CommandError(f"no legal hold #{opts['hold_id']}; nothing changed") from None
        except (AccessDenied, legal_hold.HoldError) as exc:
            raise CommandError(f"{exc}; nothing changed") from None
        self.stdout.write(f"legal hold #{opts['hold_id']} lifted")
        if erased:
            self.stdout.write(
                "consent had been withdrawn during the hold: identity erased now "
                f"({erased['phones']} phone numbers, the sender number of "
                f"{erased['messages']} raw messages)"
            )
