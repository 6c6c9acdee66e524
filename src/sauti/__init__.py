"""Sauti: community engagement for sustaining peace in UN peacekeeping missions."""

__version__ = "0.1.0"
