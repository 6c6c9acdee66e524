"""The demo shows a real flag that leads, page by page, to the alerts that caused it."""

from __future__ import annotations

import re

from sauti.places.models import AdminUnit
from sauti.warning import demo
from sauti.warning.models import Flag
from tests.conftest import client_for


def test_demo_flag_traces_to_its_alerts(units: dict[str, AdminUnit], cla_ndele) -> None:  # type: ignore[no-untyped-def]
    assert demo.load()["warning flags"] >= 1
    flag = Flag.objects.get(admin_unit__pcode="CF511", detector="alerts_poisson")
    assert flag.observed >= demo.BURST and len(flag.alert_ids) == flag.observed
    client = client_for(cla_ndele)
    page = client.get("/warning/").content.decode()
    assert f'href="/warning/flags/{flag.id}/"' in page
    detail = client.get(f"/warning/flags/{flag.id}/").content.decode()
    linked = {int(i) for i in re.findall(r'href="/alerts/(\d+)/"', detail)}
    assert linked == set(flag.alert_ids)
    alert_page = client.get(f"/alerts/{flag.alert_ids[0]}/")
    assert alert_page.status_code == 200
    assert demo.load() == {"warning flags": Flag.objects.count()}  # idempotent
