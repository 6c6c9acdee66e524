"""Alert services: human-set fields are locked, references are unique, re-parse keeps locks."""

from __future__ import annotations

import pytest
from django.utils import timezone

from sauti.alerts.models import Alert
from sauti.alerts.services import (
    AlertError,
    alert_receive,
    alert_reparse,
    alert_set_fields,
    reference_next,
)

pytestmark = pytest.mark.django_db


def test_human_value_is_never_overwritten_by_reparse(units, cla_bria):
    text = "hommes armés à Ndah, 2 morts"
    alert = alert_receive(text=text, area=units["CF52"], received_at=timezone.now())
    assert alert.threat_type == "KILLING"
    alert_set_fields(alert, {"threat_type": "ARMED_CLASH", "counts": {"killed": 3}}, actor=cla_bria)
    alert = alert_reparse(Alert.objects.get(pk=alert.pk), text)
    assert alert.threat_type == "ARMED_CLASH" and alert.counts["killed"] == 3
    assert alert.confidence["threat_type"] == 1.0
    assert set(alert.locked_fields) == {"threat_type", "counts"}
    assert alert.place_text == "Ndah"  # unlocked fields are re-parsed


@pytest.mark.parametrize(
    "changes",
    [
        {"threat_type": "NOPE"},
        {"counts": {"killed": -1}},
        {"counts": {"dead": 1}},
        {"reference": "x"},
        {"actors": "UPC"},
    ],
)
def test_bad_changes_refused(units, cla_bria, changes):
    alert = alert_receive(text="x", area=units["CF52"], received_at=timezone.now())
    with pytest.raises(AlertError):
        alert_set_fields(alert, changes, actor=cla_bria)


def test_references_are_sequential_per_admin1_and_year(units):
    now = timezone.now()
    refs = [reference_next(units["CF521"], now) for _ in range(3)]
    assert refs[0].startswith(f"MINUSCA-CF52-{now:%Y}-") and refs[0].endswith("000001")
    assert len(set(refs)) == 3 and refs[2].endswith("000003")
    assert reference_next(units["CF51"], now).endswith("000001")


def test_narrative_is_sealed_and_summary_neutral(units):
    alert = alert_receive(
        text="Le chef Kossi dit: hommes armés à Ndah",
        area=units["CF52"],
        received_at=timezone.now(),
    )
    assert "Kossi" not in alert.narrative_sealed and "Kossi" not in alert.summary
