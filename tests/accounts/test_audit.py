"""Audit rows appear for sign-ins and changes, and nothing — ORM or SQL — can change them."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction
from django.test import Client

from sauti.accounts.models import AppendOnlyError, AuditEvent, User
from sauti.places.models import AdminUnit
from tests.conftest import PASSWORD, client_for, make_user

pytestmark = pytest.mark.django_db


def test_sign_in_and_failure_are_audited(analyst: User) -> None:
    client = Client()
    client.post(
        "/accounts/login/", {"username": "analyst", "password": "wrong"}, REMOTE_ADDR="10.0.0.7"
    )
    client.post(
        "/accounts/login/", {"username": "analyst", "password": PASSWORD}, REMOTE_ADDR="10.0.0.7"
    )
    failed = AuditEvent.objects.get(action="auth.login_failed")
    assert failed.actor_username == "analyst" and failed.ip == "10.0.0.7" and failed.actor is None
    ok = AuditEvent.objects.get(action="auth.login")
    assert ok.actor == analyst and ok.path == "/accounts/login/"


def test_user_creation_is_audited_with_actor(admin_user: User) -> None:
    make_user("new.cla", "CLA", ["CF52"])
    event = AuditEvent.objects.filter(
        action="user.create", object_id=str(User.objects.get(username="new.cla").pk)
    ).get()
    assert event.details == {"role": "CLA", "areas": ["CF52"]}


def test_orm_cannot_change_or_delete(analyst: User) -> None:
    event = AuditEvent.objects.filter(action="user.create").first()
    assert event is not None
    event.summary = "tampered"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(summary="tampered")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()


def test_database_refuses_raw_update(analyst: User) -> None:
    event = AuditEvent.objects.first()
    assert event is not None
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE accounts_auditevent SET summary = 'tampered' WHERE id = %s", [event.pk]
        )
    assert AuditEvent.objects.get(pk=event.pk).summary != "tampered"


def test_database_refuses_raw_delete_on_postgresql(analyst: User) -> None:
    if connection.vendor != "postgresql":
        pytest.skip(
            "SQLite: deletion is refused by the application layer only (see migration 0002)"
        )
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM accounts_auditevent")
    assert AuditEvent.objects.exists()


def test_audit_page_for_admin_and_dpo_only(
    admin_user: User, dpo: User, analyst: User, units: dict[str, AdminUnit]
) -> None:
    assert client_for(admin_user).get("/audit/").status_code == 200
    assert client_for(dpo).get("/audit/?action=user").status_code == 200
    assert client_for(analyst).get("/audit/").status_code == 403
    # Reading the audit log is itself audited.
    assert AuditEvent.objects.filter(action="audit.view", actor=dpo).exists()


def test_no_write_method_on_audit_page(admin_user: User) -> None:
    client = client_for(admin_user)
    for method in ("post", "put", "patch", "delete"):
        assert getattr(client, method)("/audit/").status_code in (403, 405)


def test_audit_pages_keep_the_filter(admin_user: User) -> None:
    for i in range(60):
        make_user(f"bulk{i}", "ANALYST", ["CF"])
    html = client_for(admin_user).get("/audit/?action=user.create").content.decode()
    assert "?action=user.create&amp;page=2" in html
