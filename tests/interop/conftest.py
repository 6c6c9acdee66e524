"""The small world of the indicators tests, reused for exports."""

from tests.indicators.conftest import english, world  # noqa: F401
