"""The demo's shared password, printed by `sauti demo`. Kept apart so printing needs no Django."""

DEMO_PASSWORD = "sauti-demo-2026"  # noqa: S105 - printed on purpose; demo mode only
