"""Reads of the gazetteer. Admin units themselves are not sensitive; records placed in them are."""

from __future__ import annotations

from django.db.models import QuerySet

from sauti.places.models import AdminUnit


def admin_units_by_pcodes(pcodes: list[str]) -> tuple[list[AdminUnit], list[str]]:
    """Units for the given P-codes, and the P-codes that were not found."""
    found = {u.pcode: u for u in AdminUnit.objects.filter(pcode__in=pcodes)}
    return [found[p] for p in pcodes if p in found], [p for p in pcodes if p not in found]


def admin_units_inside(unit: AdminUnit) -> QuerySet[AdminUnit]:
    return AdminUnit.objects.filter(path__startswith=unit.path)
