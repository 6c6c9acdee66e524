"""Reading the database directly shows no reporter name or phone number in clear text."""

from __future__ import annotations

import json

import pytest
from django.apps import apps
from django.db import connection, models

from sauti.channels.services import reporter_enrol
from sauti.core.jobs import run_pending
from tests.channels.conftest import post_generic, post_twilio, twilio_params

pytestmark = pytest.mark.django_db(transaction=False)

NAME = "Zéphyrine Kossi-Mbolo"
PHONE_INTL = "+23675123456"
NEEDLES = [NAME, "Kossi-Mbolo", "Zéphyrine", "Zephyrine", "75123456", "75 12 34 56", "23675123456"]


def _all_text(cursor) -> list[tuple[str, str, str]]:
    rows = []
    for model in apps.get_models():
        table = model._meta.db_table
        columns = [
            f.column
            for f in model._meta.concrete_fields
            if isinstance(f, (models.CharField, models.TextField, models.JSONField))
        ]
        if not columns:
            continue
        # Table and column names come from the model registry, not from input.
        cursor.execute(
            f"SELECT {', '.join(connection.ops.quote_name(c) for c in columns)} FROM {connection.ops.quote_name(table)}"  # noqa: S608
        )
        for row in cursor.fetchall():
            for column, value in zip(columns, row, strict=True):
                if value is not None:
                    rows.append(
                        (
                            table,
                            column,
                            value
                            if isinstance(value, str)
                            else json.dumps(value, ensure_ascii=False),
                        )
                    )
    return rows


def test_no_name_or_phone_in_clear_anywhere(
    client, network, twilio_channel, generic_channel, missed_channel, cla_bria
):
    reporter = reporter_enrol(name=NAME, phones=[PHONE_INTL, "+236 75 12 34 57"], network=network)
    post_twilio(
        client,
        twilio_channel,
        twilio_params(body=f"Je suis {NAME}, hommes armés à Ndah", sender=PHONE_INTL),
    )
    post_generic(
        client,
        generic_channel,
        {"from": "075123456", "text": "Attaque en cours à Bria", "id": "a1"},
    )
    post_generic(client, missed_channel, {"from": PHONE_INTL, "call_id": "c1"}, as_json=False)
    from tests.conftest import client_for

    client_for(cla_bria).post(f"/channels/reporters/{reporter.pk}/", {"reason": "callback"})
    run_pending()
    with connection.cursor() as cursor:
        rows = _all_text(cursor)
    assert rows, "nothing read"
    leaks = [(t, c) for t, c, v in rows for needle in NEEDLES if needle in v]
    assert leaks == []
