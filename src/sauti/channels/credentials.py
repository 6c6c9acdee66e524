"""Channel credentials: one sealed JSON document per channel (auth token, shared secret, URLs)."""

from __future__ import annotations

import json
from typing import Any

from sauti.channels.models import Channel
from sauti.core.crypto import unseal


def channel_credentials(channel: Channel) -> dict[str, Any]:
    if not channel.credentials_sealed:
        return {}
    data = json.loads(unseal(channel.credentials_sealed))
    return data if isinstance(data, dict) else {}
