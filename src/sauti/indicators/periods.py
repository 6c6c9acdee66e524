"""Reporting periods written as text: ``2026`` (year), ``2026-Q3`` (quarter), ``2026-09`` (month)."""

from __future__ import annotations

import calendar
import re
from datetime import date

_PERIOD = re.compile(r"^(\d{4})(?:-(0[1-9]|1[0-2])|-Q([1-4]))?$")


class PeriodError(ValueError):
    """The text is not a period Sauti knows."""


def period_bounds(period: str) -> tuple[date, date]:
    """First and last day (inclusive) of a period; PeriodError when the text is not one."""
    m = _PERIOD.match(period.strip())
    if not m:
        raise PeriodError(f"{period!r} is not a period (YYYY, YYYY-Qn or YYYY-MM)")
    year = int(m.group(1))
    if m.group(2):
        month = int(m.group(2))
        return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])
    if m.group(3):
        q = int(m.group(3))
        first, last = 3 * q - 2, 3 * q
        return date(year, first, 1), date(year, last, calendar.monthrange(year, last)[1])
    return date(year, 1, 1), date(year, 12, 31)


def month_of(day: date) -> str:
    return f"{day.year}-{day.month:02d}"


def quarter_of(day: date) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def months_before(day: date, count: int) -> list[str]:
    """The ``count`` months ending with the month of ``day``, oldest first."""
    out = []
    y, m = day.year, day.month
    for _ in range(count):
        out.append(f"{y}-{m:02d}")
        y, m = (y, m - 1) if m > 1 else (y - 1, 12)
    return out[::-1]
