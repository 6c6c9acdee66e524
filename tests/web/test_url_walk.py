"""Walk every URL pattern: anonymous requests are refused everywhere except what is meant to be public."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

pytestmark = pytest.mark.django_db

# Pages and endpoints anyone may reach. Gateway webhooks authenticate by signature, not session,
# and are checked separately in tests/channels.
PUBLIC = {
    "health",
    "accounts:login",
    "accounts:login_verify",
    "set_language",
    "javascript-catalog",
    "api:openapi-json",
}
SAMPLE = {"int": "1", "str": "x", "slug": "x", "path": "x", "uuid": str(uuid.uuid4())}


def iter_urls(patterns: list, prefix: str = "", namespace: str = "") -> Iterator[tuple[str, str]]:  # type: ignore[type-arg]
    for pattern in patterns:
        route = str(pattern.pattern).lstrip("^").rstrip("$").replace("\\Z", "")
        if isinstance(pattern, URLResolver):
            ns = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from iter_urls(pattern.url_patterns, prefix + route, ns)
        elif isinstance(pattern, URLPattern):
            path = re.sub(
                r"<(?:(\w+):)?\w+>", lambda m: SAMPLE.get(m.group(1) or "str", "x"), prefix + route
            )
            yield "/" + path, f"{namespace}{pattern.name}" if pattern.name else path


ALL_URLS = sorted(set(iter_urls(get_resolver().url_patterns)))


def refused(response) -> bool:  # type: ignore[no-untyped-def]
    if response.status_code == 302:
        return response["Location"].startswith("/accounts/login/")
    return response.status_code in (401, 403, 404, 405)


def test_walk_covers_the_application() -> None:
    names = {name for _, name in ALL_URLS}
    assert {"alerts:list", "audit_log", "web:home", "api:openapi-json"} <= names
    assert len(ALL_URLS) >= 10


@pytest.mark.parametrize(("path", "name"), [u for u in ALL_URLS if u[1] not in PUBLIC])
def test_anonymous_is_refused(path: str, name: str) -> None:
    client = Client()
    for method in ("get", "post"):
        response = getattr(client, method)(path)
        assert refused(response), (
            f"{method.upper()} {path} ({name}) answered {response.status_code} to anonymous"
        )


@pytest.mark.parametrize(("path", "name"), [u for u in ALL_URLS if u[1] in PUBLIC])
def test_public_urls_answer_without_error(path: str, name: str) -> None:
    response = Client().get(path)
    assert response.status_code < 500


def test_public_pages_reveal_no_records() -> None:
    assert Client().get("/health").json()["status"] == "ok"
    assert Client().get("/api/v1/openapi.json").json()["openapi"].startswith("3.")
