"""Pseudonymous public ids of reporters (FP-CF52-7KQ2M): what pages, exports and logs show
instead of a name or a number."""

from __future__ import annotations

import secrets

from sauti.channels.models import Reporter
from sauti.places.models import AdminUnit

_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"


def _admin1(unit: AdminUnit) -> str:
    parts = [p for p in unit.path.split("/") if p]
    return parts[1] if len(parts) > 1 else parts[0]


def new_pseudonym(kind: str, area: AdminUnit) -> str:
    """Kind, first-level area and 5 random characters (32^5 ≈ 33 million per kind and area)."""
    prefix = (
        "FP"
        if kind == Reporter.Kind.FOCAL_POINT
        else "PUB"
        if kind == Reporter.Kind.PUBLIC
        else kind[:3]
    )
    suffix = "".join(secrets.choice(_ALPHABET) for _ in range(5))
    return f"{prefix}-{_admin1(area)}-{suffix}"
