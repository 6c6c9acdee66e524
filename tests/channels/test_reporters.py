"""Reporter identities: shown only to identity.view roles in scope, every reveal audited."""

from __future__ import annotations

import pytest

from sauti.accounts.models import AuditEvent
from sauti.channels.models import Reporter
from sauti.channels.services import ChannelError, reporter_enrol
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

NAME = "Synthétique Focal"


@pytest.fixture
def focal(network) -> Reporter:
    return reporter_enrol(
        name=NAME, phones=["+23675000021"], network=network, languages=["sg", "fr"]
    )


def test_cla_in_scope_reveals_with_reason_and_it_is_audited(focal, cla_bria):
    client = client_for(cla_bria)
    page = client.get(f"/channels/reporters/{focal.pk}/")
    assert page.status_code == 200 and focal.pseudonym in page.content.decode()
    assert NAME not in page.content.decode()
    refused = client.post(f"/channels/reporters/{focal.pk}/", {"reason": ""})
    assert (
        refused.status_code == 400
        and not AuditEvent.objects.filter(action="identity.reveal").exists()
    )
    shown = client.post(f"/channels/reporters/{focal.pk}/", {"reason": "callback about alert"})
    body = shown.content.decode()
    assert shown.status_code == 200 and NAME in body and "+23675000021" in body
    event = AuditEvent.objects.get(action="identity.reveal")
    assert event.actor == cla_bria and event.details == {"reason": "callback about alert"}
    assert NAME not in str(event.summary) + str(event.details)


def test_dpo_may_reveal(focal, dpo):
    assert (
        NAME
        in client_for(dpo)
        .post(f"/channels/reporters/{focal.pk}/", {"reason": "DP review"})
        .content.decode()
    )


@pytest.mark.parametrize("persona", ["cla_ndele", "analyst", "admin_user", "joc"])
def test_others_cannot_reveal(focal, persona, request):
    user = request.getfixturevalue(persona)
    response = client_for(user).post(f"/channels/reporters/{focal.pk}/", {"reason": "curious"})
    assert response.status_code in (403, 404)
    assert not AuditEvent.objects.filter(action="identity.reveal").exists()


def test_list_shows_pseudonyms_in_scope_only(focal, cla_bria, cla_ndele):
    assert focal.pseudonym in client_for(cla_bria).get("/channels/reporters/").content.decode()
    assert focal.pseudonym not in client_for(cla_ndele).get("/channels/reporters/").content.decode()


def test_public_reporter_becomes_focal_point_keeping_pseudonym(client, generic_channel, network):
    from tests.channels.conftest import post_generic

    post_generic(
        client, generic_channel, {"from": "+23675000031", "text": "hommes armés à Ndah", "id": "p1"}
    )
    public = Reporter.objects.get()
    enrolled = reporter_enrol(name="Nouveau", phones=["+23675000031"], network=network)
    assert enrolled.pk == public.pk and enrolled.pseudonym == public.pseudonym
    assert enrolled.kind == Reporter.Kind.FOCAL_POINT
    with pytest.raises(ChannelError):
        reporter_enrol(name="Doublon", phones=["+23675000031"], network=network)


def test_bad_phone_refused(network):
    with pytest.raises(ChannelError):
        reporter_enrol(name="X", phones=["abc"], network=network)


def test_callback_page_lists_pending_in_scope(client, missed_channel, cla_bria, cla_ndele):
    from tests.channels.conftest import post_generic

    post_generic(client, missed_channel, {"from": "+23675000081", "call_id": "cb1"}, as_json=False)
    mine = client_for(cla_bria).get("/channels/callbacks/").content.decode()
    assert "PUB-CF52-" in mine and "75000081" not in mine
    assert "PUB-CF52-" not in client_for(cla_ndele).get("/channels/callbacks/").content.decode()
