"""The one access module: every read of a scoped record passes through here.

Access = role permission × area scope (domain.md §12, DP-3). Pages, the API, exports and background
jobs call these functions instead of querying scoped models directly, so the rule lives in one
place and is tested branch by branch. A user with no area scope sees nothing: scope is always
explicit (a mission-wide user holds the country's level-0 unit).
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import Model, Q, QuerySet
from django.http import Http404

from sauti.accounts.models import User
from sauti.accounts.roles import roles_with

M = TypeVar("M", bound=Model)
AnyUser = User | AnonymousUser


class AccessDenied(PermissionDenied):
    """The user's role does not allow this action."""


def role_of(user: AnyUser | None) -> str | None:
    """The role of an active, signed-in user; None for anyone else (roles a service names
    itself, outside the permission matrix, are checked against this)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    return getattr(user, "role", None)


def has_perm(user: AnyUser | None, permission: str) -> bool:
    role = role_of(user)
    return role is not None and role in roles_with(permission)


def require(user: AnyUser | None, permission: str) -> None:
    if not has_perm(user, permission):
        raise AccessDenied(f"your role does not allow {permission}")


def area_paths(user: AnyUser | None) -> list[str]:
    """Materialised paths of the admin units the user is scoped to (cached on the user object)."""
    if user is None or not user.is_authenticated:
        return []
    cached = getattr(user, "_sauti_area_paths", None)
    if cached is None:
        cached = list(user.scopes.values_list("admin_unit__path", flat=True))
        user._sauti_area_paths = cached  # type: ignore[attr-defined]
    return cached


def area_q(user: AnyUser | None, field: str) -> Q:
    """A filter matching records whose admin unit (reached by ``field``) lies in the user's areas."""
    paths = area_paths(user)
    if not paths:
        return Q(pk__in=[])
    q = Q()
    for path in paths:
        q |= Q(**{f"{field}__path__startswith": path})
    return q


def visible(
    user: AnyUser | None, permission: str, queryset: QuerySet[M], area_field: str
) -> QuerySet[M]:
    """The records of ``queryset`` the user may see for ``permission``; none if the role lacks it."""
    if not has_perm(user, permission):
        return queryset.none()
    return queryset.filter(area_q(user, area_field))


def get_visible(
    user: AnyUser | None, permission: str, queryset: QuerySet[M], area_field: str, **lookup: Any
) -> M:
    """One record the user may see, else 404 — the same answer whether it is absent or out of scope,
    so that probing ids reveals nothing."""
    require(user, permission)
    obj = visible(user, permission, queryset, area_field).filter(**lookup).first()
    if obj is None:
        raise Http404("not found")
    return obj


def in_scope(user: AnyUser | None, unit_path: str) -> bool:
    return any(unit_path.startswith(p) for p in area_paths(user))
