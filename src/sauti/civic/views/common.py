"""Small helpers shared by the civic pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Q
from django.http import HttpRequest

from sauti.accounts import access
from sauti.accounts.models import User
from sauti.places.models import AdminUnit


def user_of(request: HttpRequest) -> User:
    assert isinstance(request.user, User)  # every civic view is login_required
    return request.user


def page_of(request: HttpRequest, items: Any, per_page: int = 50) -> Page:
    return Paginator(items, per_page).get_page(request.GET.get("page"))


def scope_units(user: User, max_level: int = 2) -> list[AdminUnit]:
    """Admin units inside the user's areas, for area filters and forms."""
    paths = access.area_paths(user)
    if not paths:
        return []
    cond = Q()
    for p in paths:
        cond |= Q(path__startswith=p)
    return list(AdminUnit.objects.filter(cond, level__lte=max_level).order_by("path"))


def parse_date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def query_without_page(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()
