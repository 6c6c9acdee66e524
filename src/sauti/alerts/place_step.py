"""The place step of intake: hand the place text to the gazetteer resolver when it is installed.

The resolver (``sauti.places.resolver.resolve``) is optional here: without it, or when it fails,
the text is kept and the alert stays in the channel's area, so an alert is never lost for want of a
place. A resolved place outside the country is ignored.
"""

from __future__ import annotations

import logging
from contextlib import nullcontext
from dataclasses import dataclass, field
from typing import Any

from django.db import DatabaseError, connection, transaction

from sauti.places.models import AdminUnit

log = logging.getLogger(__name__)


@dataclass
class PlaceOutcome:
    admin_unit: AdminUnit | None = None
    candidates: list[dict[str, Any]] = field(default_factory=list)
    score: float = 0.0
    precision: str = ""


def _resolver() -> Any:
    try:
        from sauti.places.resolver import resolve
    except ImportError:
        return None
    return resolve


@dataclass
class PlaceBatch:
    """What the alerts of one intake batch share: the resolver with its gazetteer checked once
    (instead of one read per alert), and the admin units already looked up."""

    resolve: Any = None
    units: dict[str, AdminUnit | None] = field(default_factory=dict)


def place_batch() -> PlaceBatch:
    try:
        from sauti.places.resolver import index_current
    except ImportError:
        return PlaceBatch()
    try:
        return PlaceBatch(resolve=index_current().resolve)
    except DatabaseError:
        log.warning("place resolver unavailable; keeping place texts", exc_info=True)
        return PlaceBatch()


def _unit(pcode: str, batch: PlaceBatch | None) -> AdminUnit | None:
    if batch is None:
        return AdminUnit.objects.filter(pcode=pcode).first()
    if pcode not in batch.units:
        batch.units[pcode] = AdminUnit.objects.filter(pcode=pcode).first()
    return batch.units[pcode]


def resolve_place(
    text: str, *, country: str, area: AdminUnit | None, batch: PlaceBatch | None = None
) -> PlaceOutcome:
    """Candidates for ``text`` and the admin unit of the best one (None if unresolved)."""
    resolve = batch.resolve if batch is not None else _resolver()
    if not text or resolve is None:
        return PlaceOutcome()
    try:
        # On PostgreSQL a failed statement aborts the transaction: read inside a savepoint so a
        # resolver error cannot spoil the intake. SQLite has no such state: skip two statements.
        guard = (
            transaction.atomic()
            if connection.vendor == "postgresql" and connection.in_atomic_block
            else nullcontext()
        )
        with guard:
            resolution = resolve(text, country=country or None, areas=(area.pcode,) if area else ())
            data = resolution.as_dict() if hasattr(resolution, "as_dict") else dict(resolution)
    except (DatabaseError, LookupError, ValueError, TypeError, AttributeError):
        log.warning("place resolver failed; keeping the place text", exc_info=True)
        return PlaceOutcome()
    candidates = [c for c in data.get("candidates", []) if isinstance(c, dict)][:5]
    outcome = PlaceOutcome(
        candidates=candidates,
        score=float(data.get("score") or 0.0),
        precision=data.get("precision") or "",
    )
    if data.get("status") != "resolved":
        return outcome
    pcodes: list[str] = []
    place = data.get("place") or {}
    if place.get("pcode") and place.get("type") != "locality":
        pcodes.append(place["pcode"])
    pcodes += [
        a["pcode"]
        for a in sorted(data.get("admin", []), key=lambda a: -int(a.get("level") or 0))
        if a.get("pcode")
    ]
    for pcode in pcodes:
        unit = _unit(pcode, batch)
        if unit is not None and (not country or unit.country_iso2 == country):
            outcome.admin_unit = unit
            break
    if not outcome.candidates and place:
        outcome.candidates = [{**place, "score": outcome.score}]
    return outcome
