"""Helpers shared by the civic services."""

from __future__ import annotations

import re
import unicodedata

from sauti.core.crypto import lookup_hash


class CivicError(ValueError):
    """Bad input for a civic write; the message says what to fix. Nothing was changed."""


def normalise_name(name: str) -> str:
    """Case-, accent- and spacing-insensitive form of a person's name, for the keyed hash only."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", " ", text.casefold()).strip()


def person_hash(name: str, extra: str = "") -> str:
    """Keyed hash that links the same person across lists without storing the name in clear."""
    return lookup_hash(f"{normalise_name(name)}|{extra}", purpose="civic-person")
