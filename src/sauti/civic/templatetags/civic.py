"""Template helpers for the civic and agreements pages."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def get(mapping: Any, key: Any) -> Any:
    """``{{ dict|get:key }}`` — 0 for a missing count, so tables never show blanks for zero."""
    if mapping is None:
        return 0
    try:
        return mapping.get(key, 0)
    except AttributeError:
        return 0


@register.filter
def pct(part: Any, whole: Any) -> float:
    try:
        return round(100 * float(part) / float(whole), 1) if whole else 0.0
    except (TypeError, ValueError):
        return 0.0
