"""The registry of indicator computations: plain Python over the apps' selectors, no free SQL.

Each computation gets a ``Context`` (an area, a period, and readers scoped to that area) and returns
cells: the total under the empty key and one cell per disaggregation (``sex=F``, ``channel=SMS``).
A count cell's ``n`` is the count; a percentage's ``n`` is its denominator, which decides small-cell
suppression (DP-10). Adding an indicator = one function here + a hand-computed test.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.utils import timezone

from sauti.accounts.models import User
from sauti.accounts.roles import Role, roles_with


@dataclass(frozen=True)
class Cell:
    value: float | None
    n: int | None


Cells = dict[str, Cell]


@dataclass
class Context:
    """Where and when to compute: an admin unit (with everything under it) and a period."""

    area: Any  # places.AdminUnit
    start: date
    end: date  # inclusive
    _readers: dict[str, User] = field(default_factory=dict)

    def reader(self, permission: str) -> User:
        """An unsaved user holding ``permission`` and scoped to the area only, so every read goes
        through the apps' selectors and the access module exactly as a person's would."""
        if permission not in self._readers:
            roles = roles_with(permission)
            role = Role.ANALYST if Role.ANALYST in roles else sorted(roles)[0]
            user = User(username=f"indicators:{self.area.pcode}", role=role, is_active=True)
            user._sauti_area_paths = [self.area.path]  # type: ignore[attr-defined]
            self._readers[permission] = user
        return self._readers[permission]

    @property
    def start_dt(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.start, time.min))

    @property
    def end_dt(self) -> datetime:
        """Exclusive end: midnight after the last day."""
        return timezone.make_aware(datetime.combine(self.end + timedelta(days=1), time.min))


@dataclass(frozen=True)
class Computation:
    code: str
    name_en: str
    name_fr: str
    range: str
    unit: str
    disaggregations: tuple[str, ...]
    func: Callable[[Context], Cells]
    description: str
    framework: str = "CPAS"
    frequency: str = "MONTH"
    owner: str = ""


REGISTRY: dict[str, Computation] = {}


def indicator(
    code: str,
    *,
    en: str,
    fr: str,
    range: str,
    unit: str,
    disaggregations: tuple[str, ...] = (),
    owner: str = "",
    framework: str = "CPAS",
) -> Callable[[Callable[[Context], Cells]], Callable[[Context], Cells]]:
    """Register ``func`` as the computation of ``code``; its docstring is the definition text."""

    def register(func: Callable[[Context], Cells]) -> Callable[[Context], Cells]:
        if code in REGISTRY:
            raise ValueError(f"indicator {code!r} registered twice")
        REGISTRY[code] = Computation(
            code=code,
            name_en=en,
            name_fr=fr,
            range=range,
            unit=unit,
            disaggregations=disaggregations,
            func=func,
            description=" ".join((func.__doc__ or "").split()),
            owner=owner,
            framework=framework,
        )
        return func

    return register


def count(n: int) -> Cell:
    return Cell(float(n), n)


def percent(part: int, whole: int) -> Cell:
    return Cell(round(100 * part / whole, 1) if whole else None, whole)


def counts(prefix: str, values: dict[str, int]) -> Cells:
    return {f"{prefix}={k}": count(v) for k, v in sorted(values.items())}
