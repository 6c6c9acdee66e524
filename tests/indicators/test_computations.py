"""Each indicator equals the value counted by hand from the small world of conftest.py."""

from __future__ import annotations

from typing import Any

import pytest

from sauti.indicators.registry import REGISTRY, Cell
from sauti.indicators.services import IndicatorError, compute_cells
from sauti.places.models import AdminUnit

pytestmark = pytest.mark.django_db


def cells(
    code: str, pcode: str, period: str = "2026-03"
) -> dict[str, tuple[float | None, int | None]]:
    unit = AdminUnit.objects.get(pcode=pcode)
    return {k: (c.value, c.n) for k, c in compute_cells(code, unit, period).items()}


def test_registry_spans_the_three_ranges_with_at_least_ten_indicators() -> None:
    assert len(REGISTRY) >= 10
    assert {c.range for c in REGISTRY.values()} == {"RANGE_A", "RANGE_B", "RANGE_C"}


def test_alerts_received_by_threat_and_channel(world: dict[str, Any]) -> None:
    got = cells("ALERTS_RECEIVED", "CF521")
    assert got[""] == (3, 3)  # A1, A2, A3 (31 March 10:00 included); A4 is in February
    assert got["threat_type=KILLING"] == (2, 2)
    assert got["threat_type=ABDUCTION"] == (1, 1)
    assert got["channel=GENERIC"] == (2, 2)
    assert got["channel=DIRECT"] == (1, 1)
    assert cells("ALERTS_RECEIVED", "CF")[""] == (4, 4)
    assert cells("ALERTS_RECEIVED", "CF521", "2026-02")[""] == (1, 1)
    assert cells("ALERTS_RECEIVED", "CF521", "2026-Q1")[""] == (4, 4)


def test_can_active_and_focal_points(world: dict[str, Any]) -> None:
    assert cells("CAN_ACTIVE", "CF521")[""] == (1, 1)  # dormant network left out
    assert cells("CAN_ACTIVE", "CF511")[""] == (0, 0)  # its only alert came without a network
    fp = cells("FP_ACTIVE", "CF521")
    assert fp[""] == (2, 2)  # suspended and public reporters left out
    assert fp["network=CAN Bria"] == (2, 2)
    assert cells("FP_ACTIVE", "CF")[""] == (3, 3)


def test_civil_society(world: dict[str, Any]) -> None:
    assert cells("CSO_ENGAGED", "CF521")[""] == (
        2,
        2,
    )  # planned and January activities do not count
    assert cells("CSO_WOMEN_LED_PCT", "CF521")[""] == (50.0, 2)
    assert cells("CSO_ENGAGED", "CF")[""] == (3, 3)
    assert cells("CSO_WOMEN_LED_PCT", "CF")[""] == (66.7, 3)


def test_participants(world: dict[str, Any]) -> None:
    got = cells("PARTICIPANTS", "CF521")
    assert got[""] == (20, 20)
    assert got["sex=F"] == (9, 9) and got["sex=M"] == (9, 9) and got["sex=UNKNOWN"] == (2, 2)
    assert got["age_band=18_29"] == (11, 11)
    assert cells("PARTICIPANTS_WOMEN_PCT", "CF521")[""] == (45.0, 20)
    assert cells("PARTICIPANTS_YOUTH_2250_PCT", "CF521")[""] == (55.0, 20)
    assert cells("PARTICIPANTS", "CF")[""] == (28, 28)


def test_activities_by_range(world: dict[str, Any]) -> None:
    got = cells("ACTIVITIES_BY_RANGE", "CF521")
    assert got[""] == (2, 2)
    assert got["range=RANGE_A"] == (1, 1) and got["range=RANGE_C"] == (1, 1)
    assert got["kind=TRAINING"] == (1, 1)


def test_chiefs_trained_by_sex(world: dict[str, Any]) -> None:
    got = cells("CHIEFS_TRAINED", "CF521")
    assert got == {"": (4, 4), "sex=F": (1, 1), "sex=M": (3, 3)}  # the dialogue's chiefs excluded
    assert cells("CHIEFS_TRAINED", "CF")[""] == (6, 6)


def test_observatories_and_commitments(world: dict[str, Any]) -> None:
    assert cells("OBSERVATORIES_ACTIVE", "CF521")[""] == (1, 1)
    assert cells("COMMITMENTS_DONE_PCT", "CF521")[""] == (33.3, 3)
    assert cells("COMMITMENTS_DONE_PCT", "CF511")[""] == (None, 0)


def test_agreement_implementation(world: dict[str, Any]) -> None:
    got = cells("AGREEMENT_IMPLEMENTATION_PCT", "CF52")
    # latest up to 31 March: security 1 (February, not January's 3; April's 3 is later), governance 2
    assert got[""] == (50.0, 2)
    assert got["theme=SECURITY"] == (33.3, 1)
    assert got["theme=GOVERNANCE"] == (66.7, 1)
    assert cells("AGREEMENT_IMPLEMENTATION_PCT", "CF52", "2026-04")[""] == (83.3, 2)


def test_cvr(world: dict[str, Any]) -> None:
    got = cells("CVR_BENEFICIARIES", "CF521")
    assert got[""] == (50, 50) and got["sex=F"] == (20, 20)
    assert cells("CVR_WOMEN_PCT", "CF521")[""] == (40.0, 50)
    weapons = cells("WEAPONS_COLLECTED", "CF521")
    assert weapons == {"": (5, 5), "type=AK": (4, 4), "type=PISTOL": (1, 1)}
    assert cells("CVR_BENEFICIARIES", "CF511")[""] == (0, 0)


def test_unknown_code_and_bad_period(units: dict[str, AdminUnit]) -> None:
    with pytest.raises(IndicatorError):
        compute_cells("NOPE", units["CF"], "2026-03")
    with pytest.raises(ValueError, match="not a period"):
        compute_cells("ALERTS_RECEIVED", units["CF"], "2026-13")


def test_cell_is_value_and_n() -> None:
    assert Cell(1.0, 1).n == 1


def test_alert_response_indicators_from_milestones(world: dict[str, Any]) -> None:
    from datetime import timedelta

    from sauti.alerts.models import Alert

    def at(ref: str) -> Any:
        return Alert.objects.get(reference=ref).received_at

    # A1 transmitted after 30 min and responded; A2 after 90 min, decided; A3 referred, not
    # transmitted; A4 (February) closed in March with feedback; A2 closed in March without.
    Alert.objects.filter(reference="A1").update(
        transmitted_at=at("A1") + timedelta(minutes=30), responded_at=at("A1") + timedelta(hours=5)
    )
    Alert.objects.filter(reference="A2").update(
        transmitted_at=at("A2") + timedelta(minutes=90),
        decided_at=at("A2") + timedelta(hours=2),
        closed_at=at("A2") + timedelta(days=1),
    )
    Alert.objects.filter(reference="A3").update(state="REFERRED")
    Alert.objects.filter(reference="A4").update(
        feedback_at=at("A4") + timedelta(days=10), closed_at=at("A4") + timedelta(days=11)
    )
    assert cells("ALERTS_ADDRESSED_PCT", "CF521")[""] == (100.0, 3)
    assert cells("ALERTS_ADDRESSED_PCT", "CF")[""] == (75.0, 4)  # Ndélé's A5 not addressed
    assert cells("FEEDBACK_GIVEN_PCT", "CF521")[""] == (50.0, 2)
    median = cells("MEDIAN_TIME_TO_TRANSMIT", "CF521")
    assert median[""] == (60.0, 2)  # (30 + 90) / 2
    assert median["p90"] == (84.0, 2)  # 30 + 0.9 × 60
    assert cells("MEDIAN_TIME_TO_TRANSMIT", "CF511")[""] == (None, 0)
