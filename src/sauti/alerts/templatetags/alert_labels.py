"""Labels for alert codes in pages: the translated threat type and state, never the raw code."""

from __future__ import annotations

from django import template

from sauti.alerts.taxonomy import THREAT_LABELS
from sauti.alerts.workflow import AlertState

register = template.Library()


@register.filter
def threat_label(code: str) -> str:
    return str(THREAT_LABELS.get(code, code))


@register.filter
def state_label(code: str) -> str:
    try:
        return str(AlertState(code).label)
    except ValueError:
        return code
