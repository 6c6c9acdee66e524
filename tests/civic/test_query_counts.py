"""List pages cost the same number of queries whatever the number of rows."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext

from sauti.civic import services
from tests.conftest import client_for


def make(units: dict, n: int, start: int) -> None:
    for i in range(start, start + n):
        org = services.organisation_create(
            ref=f"O{i}",
            name=f"Org {i}",
            kind="ASSOCIATION",
            admin_unit=units["CF521"],
            themes=["WOMEN"],
        )
        act = services.activity_create(
            ref=f"A{i}",
            kind="TRAINING",
            range="RANGE_C",
            title=f"F {i}",
            admin_unit=units["CF521"],
            start=dt.date(2026, 1, 1),
            status="HELD",
            partners=[org],
        )
        services.activity_set_counts(
            act,
            services.AggregateInput(total=2, grid={("F", "18_29"): 2}, roles={("CHIEF", "F"): 1}),
        )


def queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_list_pages_do_not_grow_with_rows(units: dict, cla_bria) -> None:
    client = client_for(cla_bria)
    make(units, 3, 0)
    small = {
        u: queries(client, u)
        for u in (
            "/civic/organisations/",
            "/civic/activities/",
            "/civic/",
            "/api/v1/civic/activities",
            "/api/v1/civic/organisations",
        )
    }
    make(units, 30, 100)
    large = {u: queries(client, u) for u in small}
    assert large == small
