"""Sign-in: password, TOTP second step, enforced enrolment, throttling, tokens."""

from __future__ import annotations

import pyotp
import pytest
from django.test import Client
from django.utils import timezone

from sauti.accounts.models import AuditEvent, User
from sauti.accounts.services import token_create, totp_begin
from sauti.places.models import AdminUnit
from tests.conftest import PASSWORD, make_user

pytestmark = pytest.mark.django_db


def _login(client: Client, username: str, password: str = PASSWORD, ip: str = "10.1.1.1"):  # type: ignore[no-untyped-def]
    return client.post(
        "/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=ip
    )


def test_role_without_2fa_requirement_signs_in_with_password(units: dict[str, AdminUnit]) -> None:
    make_user("ana", "ANALYST", ["CF"], two_factor=False)
    client = Client()
    response = _login(client, "ana")
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/").status_code == 200


def test_sensitive_role_must_enrol_before_anything_else(units: dict[str, AdminUnit]) -> None:
    make_user("cla.new", "CLA", ["CF52"], two_factor=False)
    client = Client()
    _login(client, "cla.new")
    response = client.get("/alerts/")
    assert response.status_code == 302 and response["Location"] == "/accounts/two-factor/"
    # The API refuses the session too until enrolment is done.
    assert client.get("/api/v1/me").status_code == 401
    page = client.get("/accounts/two-factor/")
    secret = page.context["secret"]
    assert "<svg" in page.content.decode()
    bad = client.post("/accounts/two-factor/", {"code": "000000"})
    assert bad.status_code == 200 and not User.objects.get(username="cla.new").totp_enabled
    ok = client.post("/accounts/two-factor/", {"code": pyotp.TOTP(secret).now()})
    assert ok.status_code == 302
    assert User.objects.get(username="cla.new").totp_enabled
    assert client.get("/alerts/").status_code == 200
    assert AuditEvent.objects.filter(action="auth.2fa_enabled").count() == 1


def test_enrolled_user_needs_the_code(units: dict[str, AdminUnit]) -> None:
    user = make_user("dpo.x", "DPO_FOCAL", ["CF"], two_factor=False)
    secret = totp_begin(user)
    User.objects.filter(pk=user.pk).update(totp_enabled=True)
    client = Client()
    response = _login(client, "dpo.x")
    assert response.status_code == 302 and response["Location"].startswith(
        "/accounts/login/verify/"
    )
    assert client.get("/").status_code == 302  # not signed in yet
    assert client.post("/accounts/login/verify/", {"code": "123456"}).status_code == 401
    code = pyotp.TOTP(secret).now()
    assert client.post("/accounts/login/verify/", {"code": code}).status_code == 302
    assert client.get("/").status_code == 200
    # The same code cannot be replayed in another session.
    other = Client()
    _login(other, "dpo.x")
    assert other.post("/accounts/login/verify/", {"code": code}).status_code == 401


def test_verify_step_without_password_step_goes_back(units: dict[str, AdminUnit]) -> None:
    response = Client().post("/accounts/login/verify/", {"code": "123456"})
    assert response.status_code == 302 and response["Location"] == "/accounts/login/"


def test_throttling_after_repeated_failures(analyst: User, settings) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    for _ in range(settings.SAUTI_LOGIN_MAX_FAILURES):
        assert _login(client, "analyst", "wrong").status_code == 401
    # Even the right password is refused while throttled; the refusal is audited.
    assert _login(client, "analyst").status_code == 429
    assert AuditEvent.objects.filter(action="auth.login_blocked").count() == 1
    # Another user from another address is not affected.
    make_user("other", "ANALYST", ["CF"])
    assert _login(Client(), "other", ip="10.9.9.9").status_code == 302


def test_hostile_login_input(analyst: User) -> None:
    client = Client()
    assert _login(client, "a" * 10_000, "x").status_code == 200  # form error, no crash
    assert _login(client, "analyst\x00", "x").status_code in (200, 401)
    assert client.post("/accounts/login/", {}).status_code == 200
    assert client.get("/accounts/login/?next=https://evil.example/").status_code == 200
    response = client.post(
        "/accounts/login/",
        {"username": "analyst", "password": PASSWORD, "next": "https://evil.example/"},
    )
    assert response["Location"] == "/"  # no open redirect


def test_api_tokens(analyst: User) -> None:
    token = token_create(analyst)
    me = Client().get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200 and me.json() == {
        "username": "analyst",
        "role": "ANALYST",
        "areas": ["CF"],
    }
    assert (
        Client().get("/api/v1/me", headers={"Authorization": "Bearer sauti_wrong"}).status_code
        == 401
    )
    assert (
        Client().get("/api/v1/me", headers={"Authorization": "Bearer " + "x" * 5000}).status_code
        == 401
    )
    analyst.api_tokens.update(revoked_at=timezone.now())
    assert (
        Client().get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    )


def test_logout_is_post_only_and_audited(analyst: User) -> None:
    client = Client()
    _login(client, "analyst")
    assert client.get("/accounts/logout/").status_code == 405
    assert client.post("/accounts/logout/").status_code == 302
    assert AuditEvent.objects.filter(action="auth.logout").exists()
    assert client.get("/").status_code == 302


def test_enrolled_user_cannot_re_enrol_from_a_session(units: dict[str, AdminUnit]) -> None:
    user = make_user("cla.on", "CLA", ["CF52"], two_factor=False)
    totp_begin(user)
    User.objects.filter(pk=user.pk).update(totp_enabled=True)
    sealed = User.objects.get(pk=user.pk).totp_secret_sealed
    client = Client()
    client.force_login(user)
    assert client.get("/accounts/two-factor/")["Location"] == "/"
    assert client.post("/accounts/two-factor/", {"code": "123456"})["Location"] == "/"
    fresh = User.objects.get(pk=user.pk)
    assert fresh.totp_enabled and fresh.totp_secret_sealed == sealed


def test_code_posted_before_any_enrolment_starts_one(units: dict[str, AdminUnit]) -> None:
    make_user("cla.fresh", "CLA", ["CF52"], two_factor=False)
    client = Client()
    _login(client, "cla.fresh")
    response = client.post("/accounts/two-factor/", {"code": "123456"})
    assert response.status_code == 200 and "<svg" in response.content.decode()
    assert not User.objects.get(username="cla.fresh").totp_enabled
