"""References stay unique when alerts are received concurrently (threads, real transactions)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, transaction
from django.utils import timezone

from sauti.alerts.models import Alert
from sauti.alerts.services import alert_receive
from sauti.places.models import AdminUnit
from sauti.places.services import admin_unit_upsert


@pytest.mark.django_db(transaction=True)
def test_concurrent_receipts_get_distinct_sequential_references():
    admin_unit_upsert("CF", "RCA", 0)
    admin_unit_upsert("CF52", "Haute-Kotto", 1, "CF")
    area = AdminUnit.objects.get(pcode="CF52")
    errors: list[BaseException] = []

    def work() -> None:
        try:
            for _ in range(8):
                with transaction.atomic():
                    alert_receive(text="hommes armés à Ndah", area=area, received_at=timezone.now())
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    refs = sorted(Alert.objects.values_list("reference", flat=True))
    assert len(refs) == len(set(refs)) == 32
    assert [int(r.rsplit("-", 1)[1]) for r in refs] == list(range(1, 33))
