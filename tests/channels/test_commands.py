"""`sauti channels add|list` and `sauti keys rotate`."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings

from sauti.channels.models import Channel, InboundMessage, Reporter, ReporterPhone
from sauti.channels.services import channel_credentials, reporter_by_phone, reporter_enrol
from sauti.core.crypto import unseal
from tests.channels.conftest import post_generic

pytestmark = pytest.mark.django_db


def test_channels_add_prints_inbound_url(units, tmp_path):
    secret = tmp_path / "token"
    secret.write_text("abc123secret\n")
    out = io.StringIO()
    call_command(
        "channels",
        "add",
        "twilio",
        "--name",
        "Twilio Bria",
        "--area",
        "CF52",
        "--secret-file",
        str(secret),
        stdout=out,
    )
    channel = Channel.objects.get()
    assert f"/hooks/{channel.uuid}/" in out.getvalue()
    assert channel_credentials(channel)["auth_token"] == "abc123secret"
    assert "abc123secret" not in channel.credentials_sealed


def test_channels_add_generic_generates_secret(units):
    out = io.StringIO()
    call_command("channels", "add", "generic", "--name", "Android", "--area", "CF51", stdout=out)
    secret = channel_credentials(Channel.objects.get())["secret"]
    assert secret in out.getvalue()
    listing = io.StringIO()
    call_command("channels", "list", stdout=listing)
    assert "GENERIC" in listing.getvalue() and secret not in listing.getvalue()


@pytest.mark.parametrize(
    "args",
    [["twilio", "--name", "T", "--area", "CF52"], ["generic", "--name", "G", "--area", "XX99"]],
)
def test_channels_add_errors(units, args):
    with pytest.raises(CommandError):
        call_command("channels", "add", *args, stdout=io.StringIO())
    assert Channel.objects.count() == 0


def test_keys_rotate_reseals_everything_and_rehashes(client, generic_channel, network, settings):
    reporter_enrol(name="Rotation Test", phones=["+23675000041"], network=network)
    post_generic(
        client, generic_channel, {"from": "+23675000041", "text": "hommes armés à Ndah", "id": "r1"}
    )
    before = ReporterPhone.objects.get().phone_sealed
    old_keys = list(settings.SEAL_KEYS)
    with override_settings(SEAL_KEYS=["a-brand-new-key", *old_keys]):
        call_command("keys", "rotate", stdout=io.StringIO())
        after = ReporterPhone.objects.get().phone_sealed
        assert after != before
    # Only the new key remains: everything still opens.
    with override_settings(SEAL_KEYS=["a-brand-new-key"]):
        assert unseal(ReporterPhone.objects.get().phone_sealed) == "+23675000041"
        assert unseal(Reporter.objects.get().name_sealed) == "Rotation Test"
        assert unseal(InboundMessage.objects.get().raw_sealed)
        assert channel_credentials(Channel.objects.get(pk=generic_channel.pk))["secret"]
    with (
        override_settings(LOOKUP_HASH_KEY="new-hash-key"),
        override_settings(SEAL_KEYS=["a-brand-new-key"]),
    ):
        assert reporter_by_phone("+23675000041") is None
        call_command("keys", "rotate", "--rehash", stdout=io.StringIO())
        assert reporter_by_phone("+23675000041") is not None


def test_keys_rotate_without_old_key_fails_loudly(client, generic_channel):
    post_generic(client, generic_channel, {"from": "+23675000042", "text": "x", "id": "r2"})
    with override_settings(SEAL_KEYS=["unrelated"]), pytest.raises(CommandError):
        call_command("keys", "rotate", stdout=io.StringIO())
