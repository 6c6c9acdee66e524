"""Response personas: a base commander (responder) and a field-JOC officer with routing rules for
Haute-Kotto, plus the intake channels of tests/channels."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from sauti.accounts.models import User
from sauti.places.models import AdminUnit
from sauti.response.models import Party, RoutingRule
from tests.channels.conftest import generic_channel, network, twilio_channel  # noqa: F401
from tests.conftest import make_user

T0 = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _english():
    """Messages are asserted in English (the mission default is French; see test_pages)."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def commander(units: dict[str, AdminUnit]) -> User:
    user = make_user("cdt.bria", "RESPONDER_UNIT", ["CF52"])
    user.email = "cdt.bria@example.org"
    user.save(update_fields=["email"])
    return user


@pytest.fixture
def field_joc(units: dict[str, AdminUnit]) -> User:
    user = make_user("joc.bria", "JOC_OFFICER", ["CF52"])
    user.email = "joc.bria@example.org"
    user.save(update_fields=["email"])
    return user


@pytest.fixture
def ca_bria(units: dict[str, AdminUnit]) -> User:
    return make_user("ca.bria", "CA_OFFICER", ["CF52"])


@pytest.fixture
def routing(units: dict[str, AdminUnit], commander: User, field_joc: User) -> None:
    RoutingRule.objects.create(area=units["CF52"], party=Party.BASE_COMMANDER, responder=commander)
    RoutingRule.objects.create(area=units["CF"], party=Party.FIELD_JOC, responder=field_joc)
