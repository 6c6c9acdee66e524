"""Small-cell suppression for anything that leaves Sauti (DP-10).

Primary: a count from 1 to N-1 (N = ``SAUTI_SMALL_CELL_THRESHOLD``) is shown as ``<N``.
Complementary: when a total is shown and exactly one of its parts is hidden, the part could be
recovered by subtraction, so the smallest other non-zero part is hidden too (shown as ``x``).
Zero is shown: it says nothing about a person. A percentage whose denominator is below N is
hidden (``<N`` in its n, value ``x``).
"""

from __future__ import annotations

from django.conf import settings

HIDDEN = "x"


def threshold() -> int:
    return int(settings.SAUTI_SMALL_CELL_THRESHOLD)


def is_small(n: int | float | None, limit: int | None = None) -> bool:
    limit = threshold() if limit is None else limit
    return n is not None and 0 < n < limit


def small_label(limit: int | None = None) -> str:
    return f"<{threshold() if limit is None else limit}"


def suppress_group(
    parts: dict[str, int], total: int | None = None, limit: int | None = None
) -> tuple[dict[str, int | str], int | str | None]:
    """Suppress a set of counts that add up to ``total``: returns shown parts and shown total."""
    limit = threshold() if limit is None else limit
    shown: dict[str, int | str] = {
        k: small_label(limit) if is_small(v, limit) else v for k, v in parts.items()
    }
    shown_total: int | str | None = total
    if total is not None and is_small(total, limit):
        shown_total = small_label(limit)
    hidden = [k for k, v in parts.items() if is_small(v, limit)]
    if len(hidden) == 1 and total is not None and not is_small(total, limit):
        others = sorted(
            (v, k) for k, v in parts.items() if k not in hidden and v > 0 and not is_small(v, limit)
        )
        if others:
            shown[others[0][1]] = HIDDEN
        else:
            shown_total = HIDDEN
    return shown, shown_total
