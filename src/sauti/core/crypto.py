"""Sealing of personal data: field encryption with rotatable keys, and keyed lookup hashes.

Values are encrypted with AES-256-GCM under a key derived from the first secret of
``SAUTI_SEAL_KEYS``; every listed secret can decrypt, so a key is rotated by putting a new one
first and running ``sauti keys rotate``. A token is ``g1.<key id>.<base64url(nonce ‖ ciphertext ‖
tag)>``: the key id (a fingerprint, not the key) says which secret opens it, the 96-bit nonce is
random, the tag makes any change to the token fail to open. Tokens written by earlier versions
(Fernet: AES-128-CBC with HMAC-SHA256) still open and are rewritten by ``sauti keys rotate``.
Why the change: a Fernet token costs ~30 µs of Python per value and every SMS seals three at
the webhook; AES-GCM is one call into OpenSSL.

Lookups (is this phone number a known reporter?) use an HMAC of the normalised value, so nobody
needs to decrypt every row and the hash is useless without the key.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from functools import cache

from cryptography.exceptions import InvalidTag
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings

_PREFIX = "g1."


class SealError(Exception):
    """A sealed value could not be opened (wrong key or damaged data)."""


def _fernet_key(secret: str) -> bytes:
    """Derive a Fernet key from a configured secret of any form (tokens of earlier versions)."""
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


@cache
def _aead(keys: tuple[str, ...]) -> tuple[tuple[str, AESGCM], ...]:
    """(key id, cipher) per configured secret, first = current. The key id is a truncated hash
    of the derived key: it tells keys apart and reveals nothing usable about them."""
    ciphers = []
    for secret in keys:
        key = hashlib.sha256(b"sauti-seal-aesgcm:" + secret.encode()).digest()
        kid = hashlib.sha256(b"sauti-seal-kid:" + key).hexdigest()[:8]
        ciphers.append((kid, AESGCM(key)))
    return tuple(ciphers)


def _keys() -> tuple[str, ...]:
    return tuple(settings.SEAL_KEYS)


def seal(value: str) -> str:
    """Encrypt text; returns an ASCII token safe to store in a text column."""
    kid, cipher = _aead(_keys())[0]
    nonce = os.urandom(12)
    sealed = cipher.encrypt(nonce, value.encode("utf-8"), None)
    return f"{_PREFIX}{kid}.{base64.urlsafe_b64encode(nonce + sealed).decode('ascii')}"


def _open_aead(token: str) -> str:
    try:
        kid, body = token[len(_PREFIX) :].split(".", 1)
        data = base64.urlsafe_b64decode(body.encode("ascii"))
    except (ValueError, TypeError) as exc:
        raise SealError("sealed value is damaged") from exc
    for key_id, cipher in _aead(_keys()):
        if key_id == kid:
            try:
                return cipher.decrypt(data[:12], data[12:], None).decode("utf-8")
            except (InvalidTag, ValueError) as exc:
                raise SealError("sealed value is damaged") from exc
    raise SealError("sealed value cannot be opened with the configured keys")


def unseal(token: str) -> str:
    if token.startswith(_PREFIX):
        return _open_aead(token)
    try:
        return _multi(_keys()).decrypt(token.encode("ascii")).decode("utf-8")
    except (InvalidToken, ValueError) as exc:
        raise SealError("sealed value cannot be opened with the configured keys") from exc


def reseal(token: str) -> str:
    """Re-encrypt a token under the current first key (key rotation; old formats too)."""
    return seal(unseal(token))


def lookup_hash(value: str, purpose: str = "phone") -> str:
    """Keyed hash for equality lookups of a normalised value, namespaced by purpose."""
    key = settings.LOOKUP_HASH_KEY.encode()
    return hmac.new(key, f"{purpose}:{value}".encode(), hashlib.sha256).hexdigest()
