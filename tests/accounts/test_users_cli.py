"""`sauti users add|token|areas|list`: good input works, bad input is refused with a clear error."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from sauti.accounts.models import User
from sauti.places.models import AdminUnit

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("users", *args, stdout=out)
    return out.getvalue()


def test_add_with_password_file_then_sign_in(units: dict[str, AdminUnit], tmp_path: Path) -> None:
    password = tmp_path / "pw"
    password.write_text("a long demo passphrase 42\n")
    out = run(
        "add",
        "cla.x",
        "--role",
        "CLA",
        "--area",
        "CF52",
        "--area",
        "CF51",
        "--password-file",
        str(password),
    )
    assert "created cla.x (CLA)" in out
    user = User.objects.get(username="cla.x")
    assert sorted(user.scopes.values_list("admin_unit__pcode", flat=True)) == ["CF51", "CF52"]
    assert user.check_password("a long demo passphrase 42")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["add", "u1", "--role", "CLA", "--area", "XX99"], "unknown P-code(s): XX99"),
        (["add", "u1", "--role", "KING"], "invalid choice"),
        (["add", "", "--role", "CLA"], "username must be"),
        (["token", "ghost"], "no user named 'ghost'"),
    ],
)
def test_bad_input_is_refused_and_changes_nothing(
    units: dict[str, AdminUnit], args: list[str], message: str
) -> None:
    before = User.objects.count()
    with pytest.raises((CommandError, SystemExit)) as info:
        run(*args)
    if isinstance(info.value, CommandError):
        assert message in str(info.value)
    assert User.objects.count() == before


def test_weak_password_and_duplicate(units: dict[str, AdminUnit], tmp_path: Path) -> None:
    weak = tmp_path / "weak"
    weak.write_text("12345")
    with pytest.raises(CommandError, match=r"(?i)too short|trop court"):
        run("add", "u2", "--role", "ANALYST", "--password-file", str(weak))
    empty = tmp_path / "empty"
    empty.write_text("")
    with pytest.raises(CommandError, match="empty"):
        run("add", "u2", "--role", "ANALYST", "--password-file", str(empty))
    run("add", "u2", "--role", "ANALYST", "--area", "CF")
    with pytest.raises(CommandError, match="already exists"):
        run("add", "u2", "--role", "ANALYST")


def test_token_works_for_the_api(units: dict[str, AdminUnit]) -> None:
    run("add", "machine", "--role", "ANALYST", "--area", "CF43")
    token = run("token", "machine").strip()
    response = Client().get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert response.json()["areas"] == ["CF43"]
    run("areas", "machine", "--area", "CF52")
    assert Client().get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).json()[
        "areas"
    ] == ["CF52"]
    assert "machine\tANALYST\tCF52" in run("list")
