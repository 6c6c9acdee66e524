"""POST/GET /api/v1/alerts: idempotent submission, parsed fields with confidences, area scope."""

from __future__ import annotations

import pytest

from sauti.accounts.services import token_create
from sauti.alerts.models import Alert
from sauti.channels.models import InboundMessage

pytestmark = pytest.mark.django_db

FIELDS = {"id", "state", "threat_type", "place", "occurred_at", "actors", "counts", "confidence"}


def auth(user) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {token_create(user)}"}


def test_post_returns_alert_with_parsed_fields(client, cla_bria):
    headers = auth(cla_bria)
    body = {
        "text": "Hier soir des hommes armés de l'UPC ont attaqué Ndah, 2 morts et 5 blessés",
        "country": "CF",
        "area": "CF52",
    }
    response = client.post(
        "/api/v1/alerts",
        body,
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="k-1",
        **headers,
    )
    assert response.status_code == 201, response.content
    data = response.json()
    assert FIELDS <= set(data)
    assert data["counts"] == {"killed": 2, "injured": 5, "abducted": None, "displaced": None}
    assert data["actors"] == ["UPC"]
    assert data["place"]["text"] == "Ndah"
    assert set(data["confidence"]) == {"threat_type", "place", "occurred_at", "actors", "counts"}
    assert data["threat_type"] in ("KILLING", "ARMED_ATTACK_ONGOING")
    assert data["occurred_at"] is not None

    again = client.post(
        "/api/v1/alerts",
        body,
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="k-1",
        **headers,
    )
    assert again.status_code == 200 and again.json()["id"] == data["id"]
    assert Alert.objects.count() == 1 and InboundMessage.objects.count() == 1

    listed = client.get("/api/v1/alerts", **headers).json()
    assert listed["count"] == 1 and FIELDS <= set(listed["items"][0])
    one = client.get(f"/api/v1/alerts/{data['id']}", **headers)
    assert one.status_code == 200 and one.json()["reference"] == data["reference"]


def test_same_key_from_another_user_is_another_alert(client, cla_bria, units):
    from tests.conftest import make_user

    other = make_user("ca.bria", "CA_OFFICER", ["CF52"])
    body = {"text": "hommes armés à Ndah", "country": "CF", "area": "CF52"}
    for user in (cla_bria, other):
        client.post(
            "/api/v1/alerts",
            body,
            content_type="application/json",
            HTTP_IDEMPOTENCY_KEY="same",
            **auth(user),
        )
    assert Alert.objects.count() == 2


def test_out_of_scope_alert_is_404_and_not_listed(client, cla_bria, cla_ndele):
    body = {"text": "hommes armés à Ndah", "country": "CF", "area": "CF52"}
    created = client.post(
        "/api/v1/alerts", body, content_type="application/json", **auth(cla_bria)
    ).json()
    headers = auth(cla_ndele)
    assert client.get(f"/api/v1/alerts/{created['id']}", **headers).status_code == 404
    assert client.get("/api/v1/alerts", **headers).json()["count"] == 0


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"text": "   ", "country": "CF"}, 400),
        ({"text": "x", "country": "ZZ"}, 400),
        ({"text": "x", "country": "CF", "area": "CD54"}, 400),
        ({"country": "CF"}, 422),
        ({"text": "x" * 5000, "country": "CF"}, 400),
    ],
)
def test_bad_input_is_4xx_and_changes_nothing(client, cla_bria, body, status):
    response = client.post(
        "/api/v1/alerts", body, content_type="application/json", **auth(cla_bria)
    )
    assert response.status_code == status
    assert Alert.objects.count() == 0 and InboundMessage.objects.count() == 0


def test_roles_without_create_get_403(client, analyst):
    response = client.post(
        "/api/v1/alerts",
        {"text": "x", "country": "CF"},
        content_type="application/json",
        **auth(analyst),
    )
    assert response.status_code == 403


def test_anonymous_is_401(client, units):
    assert (
        client.post(
            "/api/v1/alerts", {"text": "x", "country": "CF"}, content_type="application/json"
        ).status_code
        == 401
    )


def test_list_query_count_is_constant(client, cla_bria, django_assert_max_num_queries):
    headers = auth(cla_bria)
    for i in range(5):
        client.post(
            "/api/v1/alerts",
            {"text": f"hommes armés à Ndah {i}", "country": "CF", "area": "CF52"},
            content_type="application/json",
            **headers,
        )
    with django_assert_max_num_queries(6):
        assert client.get("/api/v1/alerts", **headers).json()["count"] == 5


def test_sender_in_api_becomes_public_reporter_sealed(client, cla_bria):
    body = {
        "text": "hommes armés à Ndah",
        "country": "CF",
        "area": "CF52",
        "sender": "+23675000077",
    }
    data = client.post(
        "/api/v1/alerts", body, content_type="application/json", **auth(cla_bria)
    ).json()
    assert data["reporter"].startswith("PUB-CF52-")
    assert "75000077" not in str(data)
