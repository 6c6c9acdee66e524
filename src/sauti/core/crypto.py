"""Sealing of personal data: field encryption with rotatable keys, and keyed lookup hashes.

Values are encrypted with Fernet (AES-128-CBC with HMAC-SHA256) under the first key of
``SAUTI_SEAL_KEYS``; every listed key can decrypt, so a key is rotated by putting a new one first
and running ``sauti keys rotate``. Lookups (is this phone number a known reporter?) use an HMAC
of the normalised value, so nobody needs to decrypt every row and the hash is useless without
the key.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings


class SealError(Exception):
    """A sealed value could not be opened (wrong key or damaged data)."""


def _fernet_key(secret: str) -> bytes:
    """Derive a Fernet key from a configured secret of any form."""
    try:
        raw = base64.urlsafe_b64decode(secret.encode())
        if len(raw) == 32:
            return secret.encode()
    except (ValueError, TypeError):
        pass
    digest = hashlib.sha256(b"sauti-seal:" + secret.encode()).digest()
    return base64.urlsafe_b64encode(digest)


@cache
def _multi(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(_fernet_key(k)) for k in keys])


def _current() -> MultiFernet:
    return _multi(tuple(settings.SEAL_KEYS))


def seal(value: str) -> str:
    """Encrypt text; returns an ASCII token safe to store in a text column."""
    return _current().encrypt(value.encode("utf-8")).decode("ascii")


def unseal(token: str) -> str:
    try:
        return _current().decrypt(token.encode("ascii")).decode("utf-8")
    except (InvalidToken, ValueError) as exc:
        raise SealError("sealed value cannot be opened with the configured keys") from exc


def reseal(token: str) -> str:
    """Re-encrypt a token under the current first key (key rotation)."""
    try:
        return _current().rotate(token.encode("ascii")).decode("ascii")
    except InvalidToken as exc:
        raise SealError("sealed value cannot be opened with the configured keys") from exc


def lookup_hash(value: str, purpose: str = "phone") -> str:
    """Keyed hash for equality lookups of a normalised value, namespaced by purpose."""
    key = settings.LOOKUP_HASH_KEY.encode()
    return hmac.new(key, f"{purpose}:{value}".encode(), hashlib.sha256).hexdigest()
