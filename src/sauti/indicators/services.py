"""Writes of the indicators app: definitions from the registry, and snapshots of computed values."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from sauti.indicators import computations, computations_response  # noqa: F401 - fill the registry
from sauti.indicators.models import (
    IndicatorDefinition,
    IndicatorSnapshot,
    IndicatorTarget,
    IndicatorValue,
    Unit,
)
from sauti.indicators.periods import period_bounds
from sauti.indicators.registry import REGISTRY, Cells, Context
from sauti.interop.suppression import is_small
from sauti.places.models import AdminUnit

DEFAULT_LEVELS = (0, 1, 2)


class IndicatorError(ValueError):
    """Bad input to an indicator service (unknown code, period, area)."""


def _fields(comp: Any) -> dict[str, Any]:
    return {
        "name_en": comp.name_en,
        "name_fr": comp.name_fr,
        "range": comp.range,
        "framework": comp.framework,
        "unit": comp.unit,
        "disaggregations": list(comp.disaggregations),
        "frequency": comp.frequency,
        "owner": comp.owner,
        "description": comp.description,
    }


@transaction.atomic
def definitions_sync() -> dict[str, IndicatorDefinition]:
    """Create the registry's definitions; a changed definition gets a new version number (values
    already stored keep the version they were computed under)."""
    out = {}
    for code, comp in REGISTRY.items():
        fields = _fields(comp)
        definition, created = IndicatorDefinition.objects.get_or_create(code=code, defaults=fields)
        if not created and any(getattr(definition, k) != v for k, v in fields.items()):
            for k, v in fields.items():
                setattr(definition, k, v)
            definition.version += 1
            definition.updated_at = timezone.now()
            definition.save()
        out[code] = definition
    return out


def compute_cells(code: str, area: AdminUnit, period: str) -> Cells:
    """Compute one indicator for one area and period without storing it (tests, previews)."""
    if code not in REGISTRY:
        raise IndicatorError(f"unknown indicator {code!r}")
    start, end = period_bounds(period)
    return REGISTRY[code].func(Context(area=area, start=start, end=end))


@dataclass
class ComputeResult:
    period: str
    snapshots: int
    values: int


def indicators_compute(
    period: str,
    *,
    codes: list[str] | None = None,
    areas: list[AdminUnit] | None = None,
    levels: tuple[int, ...] = DEFAULT_LEVELS,
) -> ComputeResult:
    """Compute and store a snapshot per indicator and area (mission, field offices, bases by
    default). Earlier snapshots of the same key stay, marked not current: history as reported."""
    start, end = period_bounds(period)
    unknown = sorted(set(codes or []) - set(REGISTRY))
    if unknown:
        raise IndicatorError(f"unknown indicator(s): {', '.join(unknown)}")
    definitions = definitions_sync()
    targets = areas if areas is not None else list(AdminUnit.objects.filter(level__in=levels))
    snapshots = values = 0
    now = timezone.now()
    for code in codes or list(REGISTRY):
        definition = definitions[code]
        comp = REGISTRY[code]
        for area in targets:
            cells = comp.func(Context(area=area, start=start, end=end))
            with transaction.atomic():
                IndicatorSnapshot.objects.filter(
                    definition=definition, period=period, area=area, current=True
                ).update(current=False)
                snap = IndicatorSnapshot.objects.create(
                    definition=definition,
                    definition_version=definition.version,
                    period=period,
                    period_start=start,
                    period_end=end,
                    area=area,
                    computed_at=now,
                )
                IndicatorValue.objects.bulk_create(
                    IndicatorValue(
                        snapshot=snap,
                        disaggregation_key=key,
                        value=cell.value,
                        n=cell.n,
                        suppressed=is_small(cell.n)
                        if comp.unit in (Unit.COUNT, Unit.PERCENT)
                        else False,
                    )
                    for key, cell in cells.items()
                )
            snapshots += 1
            values += len(cells)
    return ComputeResult(period, snapshots, values)


def target_set(
    code: str, period: str, area: AdminUnit, *, baseline: float | None, target: float | None
) -> IndicatorTarget:
    period_bounds(period)
    definition = definitions_sync().get(code)
    if definition is None:
        raise IndicatorError(f"unknown indicator {code!r}")
    obj, _ = IndicatorTarget.objects.update_or_create(
        definition=definition,
        period=period,
        area=area,
        defaults={"baseline": baseline, "target": target},
    )
    return obj


def indicators_ensure_current() -> dict[str, int]:
    """Compute this month and quarter unless already stored, and queue the daily job (the demo
    loader calls this, so loading twice duplicates nothing)."""
    from sauti.indicators.periods import month_of, quarter_of
    from sauti.indicators.tasks import schedule_next

    today = timezone.localdate()
    done = {}
    for period in (month_of(today), quarter_of(today)):
        if not IndicatorSnapshot.objects.filter(period=period).exists():
            done[period] = indicators_compute(period).snapshots
    schedule_next()
    return done
