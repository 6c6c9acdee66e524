"""Reporter API: pseudonyms in scope, audited reveal for identity.view roles only, callbacks list."""

from __future__ import annotations

import pytest

from sauti.accounts.models import AuditEvent
from sauti.accounts.services import token_create
from sauti.channels.services import reporter_enrol
from tests.channels.conftest import post_generic

pytestmark = pytest.mark.django_db


def auth(user) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {token_create(user)}"}


def test_reveal_via_api(client, network, cla_bria, cla_ndele, analyst):
    fp = reporter_enrol(name="Api Focal", phones=["+23675000071"], network=network)
    listed = client.get("/api/v1/reporters", **auth(cla_bria)).json()
    assert [r["pseudonym"] for r in listed["items"]] == [fp.pseudonym]
    assert "Api Focal" not in str(listed)
    url = f"/api/v1/reporters/{fp.pk}/identity"
    assert (
        client.post(
            url, {"reason": " "}, content_type="application/json", **auth(cla_bria)
        ).status_code
        == 400
    )
    assert (
        client.post(
            url, {"reason": "x"}, content_type="application/json", **auth(cla_ndele)
        ).status_code
        == 404
    )
    assert (
        client.post(
            url, {"reason": "x"}, content_type="application/json", **auth(analyst)
        ).status_code
        == 403
    )
    assert not AuditEvent.objects.filter(action="identity.reveal").exists()
    shown = client.post(
        url, {"reason": "callback"}, content_type="application/json", **auth(cla_bria)
    )
    assert shown.status_code == 200 and shown.json() == {
        "pseudonym": fp.pseudonym,
        "name": "Api Focal",
        "phones": ["+23675000071"],
        "erased": False,
        "notice": "",
    }
    assert AuditEvent.objects.filter(action="identity.reveal", actor=cla_bria).count() == 1


def test_callbacks_list(client, missed_channel, cla_bria, cla_ndele):
    post_generic(client, missed_channel, {"from": "+23675000072", "call_id": "c1"}, as_json=False)
    items = client.get("/api/v1/callbacks", **auth(cla_bria)).json()["items"]
    assert (
        len(items) == 1
        and items[0]["outcome"] == "PENDING"
        and items[0]["reporter"].startswith("PUB-")
    )
    assert client.get("/api/v1/callbacks", **auth(cla_ndele)).json()["items"] == []
