"""Writing to the audit log. Every service that changes data or reveals sealed fields calls this."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from django.db.models import Model
from django.http import HttpRequest

from sauti.accounts.models import AuditEvent, User
from sauti.core.bulk import build, insert_many


def client_ip(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    # Behind the mission's reverse proxy the address comes in X-Forwarded-For (first hop).
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    candidate = forwarded.split(",")[0].strip() if forwarded else request.META.get("REMOTE_ADDR")
    return candidate or None


def event(
    action: str,
    *,
    actor: Any = None,
    obj: Model | None = None,
    object_type: str = "",
    object_id: str | int = "",
    summary: str = "",
    details: dict[str, Any] | None = None,
    request: HttpRequest | None = None,
    actor_username: str = "",
) -> AuditEvent:
    """One audit event, not yet saved: for ``record_many``. ``actor`` may be a user, None
    (system) or an anonymous user."""
    user = actor if isinstance(actor, User) else None
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
    return build(
        AuditEvent,
        actor=user,
        actor_username=actor_username or (user.username if user else ""),
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        summary=summary[:500],
        details=details or {},
        ip=client_ip(request),
        user_agent=(request.META.get("HTTP_USER_AGENT", "")[:300] if request else ""),
        path=(request.path[:300] if request else ""),
    )


def record(action: str, **kwargs: Any) -> AuditEvent:
    """Append one audit event (the arguments of ``event``)."""
    created = event(action, **kwargs)
    created.save(force_insert=True)
    return created


def record_many(
    events: list[AuditEvent],
    *,
    rows: list[list[Any]] | None = None,
    later: Collection[str] = (),
) -> None:
    """Append many events in one statement (intake records one per alert of a batch); ``rows``
    and ``later`` as ``core.bulk.insert_many`` takes them (values encoded beforehand)."""
    insert_many(events, rows=rows, later=later)
