"""`sauti channels add TYPE --name NAME --area PCODE [--secret-file F]` and `sauti channels list`."""

from __future__ import annotations

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

    def handle(self, *args: Any, **opts: Any) -> None:
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
