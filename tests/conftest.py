"""Shared test personas and places.

Personas (style.md): a CLA scoped to Haute-Kotto, another CLA scoped to Bamingui-Bangoran (the
"outsider" for the first one's records), a JOC officer for the whole country, an analyst, an
administrator and a data-protection focal point. Passwords are all PASSWORD. Two-factor is
marked enrolled for the roles that require it, so personas can browse without the enrolment detour;
tests of the enrolment itself create their own users.
"""

from __future__ import annotations

import pytest
from django.test import Client

from sauti.accounts.models import User
from sauti.accounts.services import requires_two_factor, user_create
from sauti.places.models import AdminUnit
from sauti.places.services import admin_unit_upsert

PASSWORD = "correct horse battery staple"

UNITS = [
    ("CF", "République centrafricaine", 0, None),
    ("CF51", "Bamingui-Bangoran", 1, "CF"),
    ("CF511", "Ndélé", 2, "CF51"),
    ("CF52", "Haute-Kotto", 1, "CF"),
    ("CF521", "Bria", 2, "CF52"),
    ("CF43", "Ouaka", 1, "CF"),
    ("CF431", "Bambari", 2, "CF43"),
]


@pytest.fixture
def units(db: None) -> dict[str, AdminUnit]:
    for pcode, name, level, parent in UNITS:
        admin_unit_upsert(pcode, name, level, parent)
    return {u.pcode: u for u in AdminUnit.objects.all()}


def make_user(
    username: str, role: str, areas: list[str], *, two_factor: bool | None = None
) -> User:
    """A user with PASSWORD; two-factor marked enrolled where the role requires it (unless told)."""
    user = user_create(username, role, areas=areas, password=PASSWORD, check_password=False)
    if two_factor is None:
        two_factor = requires_two_factor(user)
    if two_factor:
        user.totp_enabled = True  # personas skip enrolment; see tests/accounts for the real flow
        user.save(update_fields=["totp_enabled"])
    return user


@pytest.fixture
def cla_bria(units: dict[str, AdminUnit]) -> User:
    return make_user("cla.bria", "CLA", ["CF52"])


@pytest.fixture
def cla_ndele(units: dict[str, AdminUnit]) -> User:
    return make_user("cla.ndele", "CLA", ["CF51"])


@pytest.fixture
def joc(units: dict[str, AdminUnit]) -> User:
    return make_user("joc", "JOC_OFFICER", ["CF"])


@pytest.fixture
def analyst(units: dict[str, AdminUnit]) -> User:
    return make_user("analyst", "ANALYST", ["CF"])


@pytest.fixture
def admin_user(units: dict[str, AdminUnit]) -> User:
    return make_user("admin", "ADMIN", ["CF"])


@pytest.fixture
def dpo(units: dict[str, AdminUnit]) -> User:
    return make_user("dpo", "DPO_FOCAL", ["CF"])


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client
