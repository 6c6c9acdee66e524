"""Bad and hostile input: specific 4xx or flagged records, never a 5xx, never a lost alert."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from sauti.alerts.models import Alert
from sauti.channels import conf
from sauti.channels.intake import intake_drain
from sauti.channels.models import InboundMessage, OutboundMessage
from tests.channels.conftest import SECRET, hook_url, post_generic, sign

pytestmark = pytest.mark.django_db


def test_unknown_channel_is_404(client, units):
    response = client.post(f"/hooks/{uuid.uuid4()}/", data=b"{}", content_type="application/json")
    assert response.status_code == 404 and response.json()["detail"] == "unknown channel"


def test_not_a_uuid_is_404(client, units):
    assert (
        client.post("/hooks/not-a-uuid/", data=b"{}", content_type="application/json").status_code
        == 404
    )


def test_get_is_405(client, generic_channel):
    assert client.get(hook_url(generic_channel)).status_code == 405


def test_inactive_channel_is_404(client, generic_channel):
    generic_channel.active = False
    generic_channel.save()
    assert (
        post_generic(
            client, generic_channel, {"from": "+23675000002", "text": "x", "id": "1"}
        ).status_code
        == 404
    )


def test_oversize_body_is_413_and_stores_nothing(client, generic_channel):
    body = json.dumps(
        {"from": "+23675000002", "text": "a" * (conf.HOOK_MAX_BODY + 10), "id": "big"}
    ).encode()
    response = client.post(
        hook_url(generic_channel),
        data=body,
        content_type="application/json",
        HTTP_X_SAUTI_SIGNATURE=sign(body),
    )
    assert response.status_code == 413
    assert InboundMessage.objects.count() == 0


def test_wrong_hmac_is_403(client, generic_channel):
    response = post_generic(
        client, generic_channel, {"from": "+23675000002", "text": "x", "id": "1"}, secret="wrong"
    )
    assert response.status_code == 403
    assert InboundMessage.objects.count() == 0


def test_no_signature_is_403(client, generic_channel):
    response = client.post(
        hook_url(generic_channel),
        data=b'{"from": "+1", "text": "x"}',
        content_type="application/json",
    )
    assert response.status_code == 403


def test_broken_json_is_400(client, generic_channel):
    body = b'{"from": "+23675000002", "text": '
    response = client.post(
        hook_url(generic_channel),
        data=body,
        content_type="application/json",
        HTTP_X_SAUTI_SIGNATURE=sign(body),
    )
    assert response.status_code == 400


def test_json_array_is_400(client, generic_channel):
    body = b"[1, 2]"
    response = client.post(
        hook_url(generic_channel),
        data=body,
        content_type="application/json",
        HTTP_X_SAUTI_SIGNATURE=sign(body),
    )
    assert response.status_code == 400


def test_unsupported_content_type_is_415(client, generic_channel):
    body = b"<sms/>"
    response = client.post(
        hook_url(generic_channel),
        data=body,
        content_type="application/xml",
        HTTP_X_SAUTI_SIGNATURE=sign(body),
    )
    assert response.status_code == 415


def test_missing_sender_is_400(client, generic_channel):
    assert (
        post_generic(client, generic_channel, {"text": "hommes armés", "id": "1"}).status_code
        == 400
    )


def test_broken_encoding_is_stored_and_flagged(client, generic_channel):
    body = b"from=%2B23675000002&id=enc1&text=" + "Hommes armés à Ndah".encode("latin-1")
    response = client.post(
        hook_url(generic_channel),
        data=body,
        content_type="application/x-www-form-urlencoded",
        HTTP_X_SAUTI_SIGNATURE=sign(body),
    )
    assert response.status_code == 200
    intake_drain()
    message = InboundMessage.objects.get()
    assert "BAD_ENCODING" in message.flags
    assert message.alert is not None  # a genuine alert is never lost for its bytes


def test_invalid_utf8_inside_json_is_flagged_not_500(client, generic_channel):
    body = b'{"from": "+23675000002", "id": "enc2", "text": "attaque \xff\xfe en cours"}'
    response = client.post(
        hook_url(generic_channel),
        data=body,
        content_type="application/json",
        HTTP_X_SAUTI_SIGNATURE=sign(body),
    )
    assert response.status_code == 200
    assert "BAD_ENCODING" in InboundMessage.objects.get().flags


def test_empty_text_becomes_callback(client, generic_channel):
    response = post_generic(
        client, generic_channel, {"from": "+23675000002", "text": "   ", "id": "e1"}
    )
    assert response.status_code == 200
    message = InboundMessage.objects.get()
    assert "EMPTY" in message.flags
    assert message.alert.state == "CALLBACK_PENDING"
    assert message.alert.callbacks.count() == 1


def test_flood_from_one_number_is_stored_and_flagged(
    client, generic_channel, settings, monkeypatch
):
    monkeypatch.setattr(conf, "FLOOD_LIMIT", 3)
    for i in range(6):
        assert (
            post_generic(
                client,
                generic_channel,
                {"from": "+23675000002", "text": f"hommes armés à Ndah {i}", "id": f"f{i}"},
            ).status_code
            == 200
        )
    assert InboundMessage.objects.count() == 6  # every message stored
    flagged = [m for m in InboundMessage.objects.all() if "RATE_LIMITED" in m.flags]
    assert len(flagged) == 3
    assert all(m.alert_id is not None for m in flagged)  # attached to the sender's latest alert
    assert Alert.objects.count() == 3


def test_processing_failure_keeps_raw_and_retries_with_backoff(
    client, generic_channel, monkeypatch
):
    from sauti.core.jobs import run_pending

    def boom(*args, **kwargs):
        raise RuntimeError("parser crashed")

    monkeypatch.setattr("sauti.channels.intake.alert_prepare", boom)
    response = post_generic(
        client,
        generic_channel,
        {"from": "+23675000002", "text": "attaque en cours à Ndah", "id": "p1"},
    )
    assert response.status_code == 200  # stored: the gateway must not retry
    message = InboundMessage.objects.get()
    assert message.processing_state == "ERROR" and message.alert is None
    assert message.attempts == 1 and message.locked_until > timezone.now()  # back-off
    assert "crashed" not in message.error  # the exception's text may hold personal data
    monkeypatch.undo()
    run_pending()
    message.refresh_from_db()
    assert message.processing_state == "ERROR", "retried before its back-off ended"
    InboundMessage.objects.update(locked_until=timezone.now() - timedelta(seconds=1))
    run_pending()
    message.refresh_from_db()
    assert (
        message.processing_state == "LINKED" and message.alert.threat_type == "ARMED_ATTACK_ONGOING"
    )
    assert message.locked_until is None


def test_a_message_that_always_fails_ends_failed_for_a_person(
    client, generic_channel, monkeypatch, settings
):
    from sauti.channels.intake import process_ids

    settings.SAUTI_JOB_MAX_ATTEMPTS = 3
    monkeypatch.setattr(
        "sauti.channels.intake.alert_prepare", lambda **k: (_ for _ in ()).throw(KeyError("x"))
    )
    post_generic(client, generic_channel, {"from": "+23675000002", "text": "x y", "id": "f1"})
    message = InboundMessage.objects.get()
    for _ in range(2):
        process_ids([message.pk])
    message.refresh_from_db()
    assert message.processing_state == "FAILED" and message.attempts == 3
    assert intake_drain() == 0  # never claimed again


def test_one_bad_message_does_not_hold_up_its_batch(client, generic_channel, monkeypatch):
    from sauti.alerts import services as alert_services

    real = alert_services.alert_prepare

    def picky(**fields):
        if "poison" in fields["text"]:
            raise ValueError("cannot parse")
        return real(**fields)

    monkeypatch.setattr("sauti.channels.intake.alert_prepare", picky)
    for i, text in enumerate(["attaque à Ndah", "poison", "hommes armés à Bria"]):
        post_generic(
            client,
            generic_channel,
            {"from": f"+2367500010{i}", "text": text, "id": f"b{i}"},
            process=False,
        )
    assert intake_drain() == 3
    states = dict(InboundMessage.objects.values_list("external_id", "processing_state"))
    assert states == {"b0": "LINKED", "b1": "ERROR", "b2": "LINKED"}
    assert Alert.objects.count() == 2


def test_claims_hold_a_lease_and_a_dead_processors_messages_come_back(client, generic_channel):
    from sauti.channels.intake import intake_claim

    post_generic(
        client, generic_channel, {"from": "+23675000002", "text": "a", "id": "l1"}, process=False
    )
    first = intake_claim()
    assert len(first) == 1
    assert intake_claim() == []  # held by the first processor
    # The first processor dies: its lease runs out and the message is taken again.
    InboundMessage.objects.update(locked_until=timezone.now() - timedelta(seconds=1))
    assert intake_claim() == first


def test_a_claim_takes_no_more_than_its_batch(client, generic_channel):
    from sauti.channels.intake import intake_claim

    for i in range(5):
        post_generic(
            client,
            generic_channel,
            {"from": "+23675000002", "text": "a", "id": f"c{i}"},
            process=False,
        )
    first, second, third = intake_claim(2), intake_claim(2), intake_claim(2)
    assert len(first) == len(second) == 2 and len(third) == 1
    assert len(set(first) | set(second) | set(third)) == 5


def test_a_slow_processor_whose_lease_ran_out_makes_no_second_alert(client, generic_channel):
    from sauti.channels import intake

    post_generic(
        client,
        generic_channel,
        {"from": "+23675000002", "text": "attaque à Ndah", "id": "s1"},
        process=False,
    )
    message = InboundMessage.objects.get()
    stale = intake._load([message.pk])  # read by a processor that then stalls past its lease
    assert intake.process_ids([message.pk]) == []  # another processor links it meanwhile
    intake._process(stale)  # the first one wakes up: the state is read again under the lock
    assert Alert.objects.count() == 1 and OutboundMessage.objects.count() == 1


def test_a_stale_batch_writes_only_the_messages_still_to_link(client, generic_channel):
    """Rows staged before the write lock (alerts, transitions, audit events, acknowledgements) are
    dropped for a message another processor linked meanwhile; the others are written whole."""
    from sauti.accounts.models import AuditEvent
    from sauti.alerts.models import AlertTransition
    from sauti.channels import intake

    for n in range(3):
        post_generic(
            client,
            generic_channel,
            {"from": f"+2367500001{n}", "text": "attaque à Ndah", "id": f"b{n}"},
            process=False,
        )
    ids = list(InboundMessage.objects.order_by("id").values_list("pk", flat=True))
    stale = intake._load(ids)
    assert intake.process_ids([ids[1]]) == []  # another processor links the middle one
    intake._process(stale)
    linked = InboundMessage.objects.filter(processing_state="LINKED")
    assert linked.count() == 3 and len({m.alert_id for m in linked}) == 3
    assert Alert.objects.count() == 3 and OutboundMessage.objects.count() == 3
    assert AlertTransition.objects.count() == 3
    assert AuditEvent.objects.filter(action="alert.receive").count() == 3
    assert set(
        AuditEvent.objects.filter(action="alert.receive").values_list("object_id", flat=True)
    ) == {str(pk) for pk in Alert.objects.values_list("pk", flat=True)}


def test_a_linked_message_is_never_processed_twice(client, generic_channel):
    from sauti.channels.intake import process_ids

    post_generic(
        client, generic_channel, {"from": "+23675000002", "text": "attaque à Ndah", "id": "t1"}
    )
    message = InboundMessage.objects.get()
    assert process_ids([message.pk]) == []
    assert Alert.objects.count() == 1 and OutboundMessage.objects.count() == 1


def test_truncates_huge_text_but_keeps_raw(client, generic_channel, monkeypatch):
    monkeypatch.setattr(conf, "MAX_TEXT", 50)
    post_generic(
        client, generic_channel, {"from": "+23675000002", "text": "hommes armés " * 20, "id": "t1"}
    )
    assert "TRUNCATED" in InboundMessage.objects.get().flags


def test_secret_in_query_string(client, generic_channel):
    body = json.dumps({"from": "+23675000002", "text": "x", "id": "q1"})
    response = client.post(
        hook_url(generic_channel) + f"?secret={SECRET}", data=body, content_type="application/json"
    )
    assert response.status_code == 200


def test_control_characters_in_message_id_are_not_a_5xx(client, generic_channel):
    fields = {"from": "+23675000002", "text": "hommes armés\u0000 à Ndah", "id": "nul\u0000id\n"}
    first = post_generic(client, generic_channel, fields)
    again = post_generic(client, generic_channel, fields)
    assert first.status_code == again.status_code == 200
    assert again.json()["duplicate"] is True
    assert InboundMessage.objects.get().external_id == "nulid"


def test_random_hostile_bodies_never_5xx(client, generic_channel, twilio_channel):
    """Seeded fuzz: signed and unsigned bodies of odd shapes on both gateway types."""
    import random

    rng = random.Random(4)
    shapes = [
        lambda: json.dumps({"from": rng.random(), "text": [1, 2], "id": {"a": 1}}).encode(),
        lambda: json.dumps(
            {
                "from": "+2367" + "9" * rng.randint(1, 300),
                "text": "é" * rng.randint(0, 5000),
                "id": "x" * 500,
            }
        ).encode(),
        lambda: json.dumps(
            {"from": "\u202e+236", "text": "\ud83d\ude00 attaque", "id": None}
        ).encode(),
        lambda: bytes(rng.getrandbits(8) for _ in range(rng.randint(0, 400))),
        lambda: b"from=%2B236&text=%FF%FE%00&id=%00",
        lambda: b'{"from": "+23675000002", "text": "' + b"\\u0000" * 50 + b'", "id": "z"}',
        lambda: json.dumps(
            {"from": "+23675000002", "text": "x", "id": "y", "extra": "a" * 1000}
        ).encode(),
    ]
    for i in range(40):
        body = shapes[i % len(shapes)]()
        for ctype in ("application/json", "application/x-www-form-urlencoded", "text/plain"):
            signed = client.post(
                hook_url(generic_channel),
                data=body,
                content_type=ctype,
                HTTP_X_SAUTI_SIGNATURE=sign(body),
            )
            unsigned = client.post(
                hook_url(twilio_channel),
                data=body,
                content_type=ctype,
                HTTP_X_TWILIO_SIGNATURE="bad",
            )
            assert signed.status_code < 500 and unsigned.status_code < 500, (
                i,
                ctype,
                signed.status_code,
            )
