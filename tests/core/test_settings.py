"""Settings come from the environment and fail loudly on bad values."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from sauti import env


def test_boolean(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("X_FLAG", "yes")
    assert env.boolean("X_FLAG", False) is True
    monkeypatch.setenv("X_FLAG", "flase")
    with pytest.raises(ImproperlyConfigured, match="X_FLAG='flase' is not a boolean"):
        env.boolean("X_FLAG", False)


def test_integer_bounds(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("X_N", "12")
    assert env.integer("X_N", 1, minimum=1, maximum=20) == 12
    monkeypatch.setenv("X_N", "0")
    with pytest.raises(ImproperlyConfigured, match="below the minimum"):
        env.integer("X_N", 1, minimum=1)
    monkeypatch.setenv("X_N", "ten")
    with pytest.raises(ImproperlyConfigured, match="not an integer"):
        env.integer("X_N", 1)


def test_file_variant(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    secret = tmp_path / "secret"
    secret.write_text("s3cret\n")
    monkeypatch.delenv("X_SECRET", raising=False)
    monkeypatch.setenv("X_SECRET_FILE", str(secret))
    assert env.raw("X_SECRET") == "s3cret"
    monkeypatch.setenv("X_SECRET", "other")
    with pytest.raises(ImproperlyConfigured, match="either X_SECRET or X_SECRET_FILE"):
        env.raw("X_SECRET")
    monkeypatch.delenv("X_SECRET")
    monkeypatch.setenv("X_SECRET_FILE", str(tmp_path / "missing"))
    with pytest.raises(ImproperlyConfigured, match="cannot be read"):
        env.raw("X_SECRET")


def test_choices(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("X_MODE", "prod")
    with pytest.raises(ImproperlyConfigured, match="not one of"):
        env.string("X_MODE", "demo", choices=("demo", "production"))


def _settings_error(tmp_path: Path, **overrides: str) -> str:
    """Import the settings in a fresh interpreter with the given environment; return stderr."""
    environment = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("SAUTI_", "DATABASE_URL", "SECRET_KEY"))
    }
    environment.update({"SAUTI_DATA_DIR": str(tmp_path), **overrides})
    result = subprocess.run(
        [sys.executable, "-c", "import sauti.settings"],
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    return result.stderr if result.returncode else ""


def test_production_requires_secrets(tmp_path: Path) -> None:
    err = _settings_error(tmp_path, SAUTI_ENV="production", SAUTI_ALLOWED_HOSTS="sauti.example")
    assert "SECRET_KEY (or SECRET_KEY_FILE) is required" in err


def test_production_requires_allowed_hosts(tmp_path: Path) -> None:
    err = _settings_error(
        tmp_path,
        SAUTI_ENV="production",
        SECRET_KEY="x" * 50,
        SAUTI_SEAL_KEYS="k",
        SAUTI_LOOKUP_HASH_KEY="h",
    )
    assert "SAUTI_ALLOWED_HOSTS is required" in err


def test_bad_database_url_and_time_zone(tmp_path: Path) -> None:
    assert "DATABASE_URL" in _settings_error(
        tmp_path, SAUTI_ENV="demo", DATABASE_URL="mysql://x@y/z"
    )
    assert "not a known time zone" in _settings_error(
        tmp_path, SAUTI_ENV="demo", SAUTI_TIME_ZONE="Mars/Olympus"
    )
    assert _settings_error(tmp_path, SAUTI_ENV="demo") == ""


def test_demo_generates_and_keeps_secrets(tmp_path: Path) -> None:
    assert _settings_error(tmp_path, SAUTI_ENV="demo") == ""
    first = (tmp_path / "secret_key").read_text()
    assert _settings_error(tmp_path, SAUTI_ENV="demo") == ""
    assert (tmp_path / "secret_key").read_text() == first
    assert oct((tmp_path / "seal_keys").stat().st_mode)[-3:] == "600"
