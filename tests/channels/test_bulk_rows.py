"""Intake writes its rows with ``core.bulk.insert_many``, whose short path must send the driver
exactly what Django's own ``get_db_prep_save`` would, for every model and value intake writes."""

from __future__ import annotations

import sys
from collections import Counter
from datetime import datetime
from typing import Any

import pytest
from django.db import connections
from django.utils import timezone

from sauti.accounts.models import AuditEvent
from sauti.alerts.models import Alert, AlertTransition
from sauti.channels.models import Channel, InboundMessage, OutboundMessage, Reporter
from sauti.core import bulk
from sauti.core.models import Job

from .conftest import post_generic, post_twilio, twilio_params


def _plain(value: Any) -> Any:
    # psycopg's Jsonb wrapper has no equality of its own: compare what it wraps.
    if hasattr(value, "obj") and hasattr(value, "dumps"):
        return ("json", value.obj)
    return value


def _django_rows(objs: list[Any], alias: str) -> list[list[Any]]:
    db = connections[alias]
    fields, _ = bulk._encoders(type(objs[0]), alias)
    rows = []
    for o in objs:
        # As Model.save does first: a related object saved after its assignment gives its id.
        o._prepare_related_fields_for_save(operation_name="save")
        rows.append([_plain(f.get_db_prep_save(f.pre_save(o, True), db)) for f in fields])
    return rows


@pytest.fixture
def compared(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """Every batch ``insert_many`` sends is checked against the ORM's conversion, including rows
    encoded beforehand (``encode_rows``, with the ``later`` fields filled at the insert); the
    models seen."""
    seen: Counter[str] = Counter()
    real = bulk.insert_many

    def checked(objs: Any, *, rows: Any = None, later: Any = ()) -> None:
        if objs:
            expected = _django_rows(list(objs), "default")
            sent = [list(r) for r in rows] if rows is not None else bulk.encode_rows(objs)
            if rows is not None and later:
                bulk._fill_later(objs, sent, later, "default")
            assert [[_plain(v) for v in row] for row in sent] == expected
            seen[type(objs[0]).__name__] += len(objs)
        real(objs, rows=rows, later=later)

    # Patched where intake's modules imported it, and in core.bulk itself.
    for name, module in list(sys.modules.items()):
        if name.startswith("sauti.") and getattr(module, "insert_many", None) is real:
            monkeypatch.setattr(module, "insert_many", checked)
    return seen


@pytest.mark.django_db(transaction=True)
def test_intake_rows_match_the_orm(
    client: Any,
    generic_channel: Channel,
    twilio_channel: Channel,
    missed_channel: Channel,
    compared: Counter[str],
) -> None:
    for n, (sender, text) in enumerate(
        [
            ("+23675000101", "Hommes armés à Ndah ce matin, 3 morts"),
            ("+23675000102", "ALERTE Bria ENL 2 enfants enlevés hier soir"),
            ("+23675000101", "Tension entre éleveurs et agriculteurs à Kouango"),
            ("+23675000103", ""),  # empty: a callback task, no acknowledgement
        ]
    ):
        post_generic(client, generic_channel, {"from": sender, "text": text, "id": f"g{n}"})
    post_twilio(client, twilio_channel, twilio_params(sid="SM" + "b" * 32))
    post_generic(client, missed_channel, {"from": "+23675000104", "id": "beep-1"})
    assert InboundMessage.objects.filter(processing_state="LINKED").count() == 6
    for model in ("Alert", "AlertTransition", "AuditEvent", "OutboundMessage", "Reporter"):
        assert compared[model] >= 1, model
    assert compared["ReporterPhone"] == 5
    # The values encoded before the alerts existed got their alerts' ids at the insert.
    alerts = set(Alert.objects.values_list("pk", flat=True))
    assert len(alerts) == 6
    acks = OutboundMessage.objects.filter(purpose="ACK")
    assert acks.count() == 4
    assert {m.related_alert_id for m in acks} <= alerts
    assert set(AlertTransition.objects.values_list("alert_id", flat=True)) == alerts
    received = AuditEvent.objects.filter(action="alert.receive")
    assert {int(e.object_id) for e in received} == alerts
    # And the links, built before the transaction too.
    for message in InboundMessage.objects.select_related("alert"):
        assert message.alert_id in alerts and message.reporter_id is not None
        assert message.alert.reporter_id == message.reporter_id
        assert message.language_detected == message.alert.language[:5]
        assert message.locked_until is None and message.error == ""


@pytest.mark.django_db
def test_fields_left_for_later_must_be_fields() -> None:
    job = Job(name="x", payload={})
    with pytest.raises(ValueError, match="no such fields: nope"):
        bulk.encode_rows([job], later=("nope",))


@pytest.mark.django_db
def test_values_off_the_short_path_take_djangos_own(compared: Counter[str], units: Any) -> None:
    """A naive datetime, a JSON scalar, a number given as text: converted as the ORM does."""
    with pytest.warns(RuntimeWarning):
        job = Job(
            name="x",
            payload="just a string",
            run_after=datetime(2026, 1, 1, 12, 0),  # naive: Django warns, takes it as local
            max_attempts="3",  # type: ignore[misc]
        )
        bulk.insert_many([job])
    job.refresh_from_db()
    assert job.payload == "just a string"
    assert job.max_attempts == 3
    assert job.run_after == timezone.make_aware(datetime(2026, 1, 1, 12, 0))
    assert compared["Job"] == 1


@pytest.mark.django_db
def test_a_foreign_key_saved_after_assignment_gets_its_id(units: Any) -> None:
    reporter = Reporter(pseudonym="FP-TEST1", kind="PUBLIC", area=units["CF52"], languages=["fr"])
    alert = Alert(
        reporter=reporter,
        admin_unit=units["CF52"],
        received_at=timezone.now(),
        state_changed_at=timezone.now(),
        reference="TEST-1",
    )
    bulk.insert_many([reporter])  # saved after the assignment above
    bulk.insert_many([alert])
    assert Alert.objects.get(pk=alert.pk).reporter_id == reporter.pk


@pytest.mark.django_db
def test_an_unsaved_related_object_is_refused(units: Any) -> None:
    alert = Alert(admin_unit=units["CF52"], received_at=timezone.now(), reference="TEST-2")
    row = AlertTransition(alert=alert, from_state="", to_state="RECEIVED", at=timezone.now())
    with pytest.raises(ValueError, match="unsaved related object 'alert'"):
        bulk.insert_many([row])
    assert not AlertTransition.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_execute_many_is_one_transaction_outside_a_callers(generic_channel):
    """Outside a transaction each row's statement would commit alone (on SQLite, a write lock
    and a WAL append per row): ``execute_many`` runs its rows in one, so they all apply or,
    when one fails, none does."""
    from django.db import IntegrityError, connection, transaction

    jobs = [Job.objects.create(name="test.record", payload={"n": n}) for n in range(3)]
    table = connection.ops.quote_name(Job._meta.db_table)
    sql = f"UPDATE {table} SET attempts = %s, name = %s WHERE id = %s"  # noqa: S608
    rows = [[7, "test.record", j.pk] for j in jobs]
    rows[-1][1] = None  # NOT NULL: the last row fails
    # Django's error, or on PostgreSQL the driver's own (the rows go through a psycopg cursor).
    with pytest.raises((IntegrityError, connection.Database.IntegrityError)):
        bulk.execute_many(sql, rows)
    assert not connection.in_atomic_block
    assert sorted(Job.objects.values_list("attempts", flat=True)) == [0, 0, 0]
    rows[-1][1] = "test.record"
    bulk.execute_many(sql, rows)
    assert sorted(Job.objects.values_list("attempts", flat=True)) == [7, 7, 7]
    with transaction.atomic():  # inside a caller's: its transaction, no savepoint of its own
        bulk.execute_many(sql, [[9, "test.record", jobs[0].pk]])
        assert connection.savepoint_ids == []
    assert Job.objects.get(pk=jobs[0].pk).attempts == 9


@pytest.mark.django_db(transaction=True)
def test_a_message_linked_meanwhile_is_left_out_with_its_rows(
    client: Any, generic_channel: Channel, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A processor whose lease ran out while it prepared its batch finds a message linked by
    another: its staged alert, transition, event and acknowledgement (encoded beforehand, in
    step) are all left out, and the others are written whole."""
    from sauti.alerts.services import short_reference
    from sauti.channels import intake

    for n in range(3):
        post_generic(
            client,
            generic_channel,
            {"from": f"+2367500020{n}", "text": f"Tirs à Ndah ({n})", "id": f"race{n}"},
            process=False,
        )
    ids = sorted(InboundMessage.objects.values_list("pk", flat=True))
    real_stage = intake._stage

    def stage_then_lose_one(common: Any) -> Any:
        staged = real_stage(common)
        InboundMessage.objects.filter(pk=ids[1]).update(processing_state="LINKED")  # another's
        return staged

    monkeypatch.setattr(intake, "_stage", stage_then_lose_one)
    assert intake.process_ids(ids) == []
    alerts = set(Alert.objects.values_list("pk", flat=True))
    assert len(alerts) == 2
    linked = InboundMessage.objects.filter(pk__in=[ids[0], ids[2]])
    assert {m.alert_id for m in linked} == alerts
    assert InboundMessage.objects.get(pk=ids[1]).alert_id is None
    assert set(AlertTransition.objects.values_list("alert_id", flat=True)) == alerts
    assert {int(e.object_id) for e in AuditEvent.objects.filter(action="alert.receive")} == alerts
    acks = OutboundMessage.objects.filter(purpose="ACK").select_related("related_alert")
    assert sorted(m.related_alert_id for m in acks) == sorted(alerts)
    for ack in acks:  # each row is its own alert's: the reporter's, with its reference
        assert ack.to_reporter_id == ack.related_alert.reporter_id
        assert short_reference(ack.related_alert.reference) in ack.body
