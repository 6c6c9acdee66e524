"""Event importers (UCDP, generic CSV) and the incremental signal counts."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from sauti.places.models import AdminUnit
from sauti.warning.models import Event, PeriodKind, SignalCount, SourceKind
from sauti.warning.signals import Occurrence, signals_add, week_start
from tests.warning.conftest import UCDP, need

HEADER = "id,date,latitude,longitude,threat_type,fatalities\n"
NDELE = "8.41,20.65"
BRIA = "6.54,21.99"


def _csv(tmp_path: Path, body: str, name: str = "events.csv") -> Path:
    path = tmp_path / name
    path.write_text(HEADER + body, encoding="utf-8")
    return path


def _cells(pcode: str, period: str = PeriodKind.WEEK) -> dict[tuple[str, str], tuple[int, int]]:
    return {
        (c.threat_type, c.period_start.isoformat()): (c.count, c.fatalities)
        for c in SignalCount.objects.filter(admin_unit__pcode=pcode, period=period)
    }


def test_generic_import_places_events_and_counts_them_once(car_admin: None, tmp_path: Path) -> None:
    path = _csv(
        tmp_path,
        f"a1,2020-03-02,{NDELE},ARMED_CLASH,2\n"
        f"a2,2020-03-04,{NDELE},ARMED_CLASH,0\n"
        f"a3,2020-03-04,{BRIA},KILLING,5\n",
    )
    out = io.StringIO()
    call_command("warning", "import-events", str(path), stdout=out)
    assert "3 new" in out.getvalue()
    ev = Event.objects.get(external_id="a1")
    assert ev.admin1.pcode == "CF51" and ev.admin2.pcode.startswith("CF51")  # type: ignore[union-attr]
    assert _cells("CF51") == {("ARMED_CLASH", "2020-03-02"): (2, 2)}
    assert _cells("CF52", PeriodKind.DAY) == {("KILLING", "2020-03-04"): (1, 5)}
    # the same file again adds nothing
    call_command("warning", "import-events", str(path), stdout=io.StringIO())
    assert Event.objects.count() == 3
    assert _cells("CF51") == {("ARMED_CLASH", "2020-03-02"): (2, 2)}
    # one more day increments the existing week cell
    more = _csv(tmp_path, f"a4,2020-03-05,{NDELE},ARMED_CLASH,1\n", "more.csv")
    call_command("warning", "import-events", str(more), "--source", "events", stdout=io.StringIO())
    assert _cells("CF51") == {("ARMED_CLASH", "2020-03-02"): (3, 3)}


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (f"a1,2020-03-02,{NDELE},ARMED_CLASH,1\na2,2020-13-02,{NDELE},KILLING,0\n", "line 3: date"),
        (f"a1,2020-03-02,{NDELE},NOT_A_THREAT,1\n", "line 2: unknown threat type"),
        ("a1,2020-03-02,north,20.6,KILLING,1\n", "line 2: latitude 'north' is not a number"),
        (f"a1,2020-03-02,{NDELE},KILLING,1\na1,2020-03-03,{NDELE},KILLING,1\n", "twice"),
    ],
)
def test_malformed_file_imports_nothing(db: None, tmp_path: Path, body: str, message: str) -> None:
    with pytest.raises(CommandError, match=message):
        call_command("warning", "import-events", str(_csv(tmp_path, body)), stdout=io.StringIO())
    assert not Event.objects.exists() and not SignalCount.objects.exists()


def test_missing_columns_are_named(db: None, tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("id,date\n1,2020-01-01\n", encoding="utf-8")
    with pytest.raises(CommandError, match=r"missing column.*latitude, longitude, threat_type"):
        call_command("warning", "import-events", str(path), stdout=io.StringIO())


def test_ucdp_import_is_idempotent(car_admin: None) -> None:
    need(UCDP)
    out = io.StringIO()
    call_command("warning", "import-ucdp", str(UCDP), stdout=out)
    created = Event.objects.filter(source="UCDP").count()
    assert created > 1500
    assert Event.objects.filter(type_of_violence=3, threat_type="KILLING").exists()
    total = sum(
        SignalCount.objects.filter(period=PeriodKind.WEEK, admin_unit__level=1).values_list(
            "count", flat=True
        )
    )
    assert total == Event.objects.filter(admin1__isnull=False).count()
    call_command("warning", "import-ucdp", str(UCDP), stdout=out)
    assert Event.objects.count() == created
    assert "0 new" in out.getvalue()


def test_signals_add_increments_in_place(units: dict[str, AdminUnit]) -> None:
    ids = (units["CF52"].id, units["CF521"].id)
    day = date(2024, 5, 8)
    signals_add([Occurrence(ids, "INTERCOMMUNAL_TENSION", day)], SourceKind.ALERTS)
    signals_add([Occurrence(ids, "INTERCOMMUNAL_TENSION", day, 2)] * 2, SourceKind.ALERTS)
    cell = SignalCount.objects.get(
        admin_unit=units["CF521"], period=PeriodKind.WEEK, source_kind=SourceKind.ALERTS
    )
    assert (cell.count, cell.fatalities, cell.period_start) == (3, 4, week_start(day))
    assert week_start(day) == date(2024, 5, 6)
    assert SignalCount.objects.count() == 4  # 2 units × (day, week)
