"""Early-warning thresholds, per mission, read from the environment (documented in .env.example)."""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured

from sauti import env


def _number(name: str, default: float, *, minimum: float, maximum: float) -> float:
    """A decimal from the environment; a loud error when it is not a number in range."""
    value = env.raw(name)
    if value is None or value == "":
        return default
    try:
        number = float(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name}={value!r} is not a number") from exc
    if not minimum <= number <= maximum:
        raise ImproperlyConfigured(f"{name}={value!r} must be between {minimum} and {maximum}")
    return number


# A week is flagged when P(count >= observed | the area's own baseline) is below this.
POISSON_P = _number("SAUTI_WARNING_POISSON_P", 0.01, minimum=1e-9, maximum=0.5)
# ... and at least this many alerts/events were counted (no flag on 1 against 0.1 expected).
MIN_COUNT = env.integer("SAUTI_WARNING_MIN_COUNT", 3, minimum=1)
# Weeks of history forming an area's baseline (before the week examined).
BASELINE_WEEKS = env.integer("SAUTI_WARNING_BASELINE_WEEKS", 26, minimum=4)
# CUSUM: allowance k and decision threshold h, both in multiples of the baseline's deviation.
CUSUM_K = _number("SAUTI_WARNING_CUSUM_K", 0.5, minimum=0.0, maximum=5.0)
CUSUM_H = _number("SAUTI_WARNING_CUSUM_H", 4.0, minimum=0.5, maximum=50.0)
