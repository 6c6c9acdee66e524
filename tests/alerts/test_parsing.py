"""Parser units: short code, time expressions, counts, actors, and that it never raises."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from sauti.alerts.parsing import parse
from sauti.alerts.parsing.actors import default_actor_table
from sauti.alerts.parsing.shortcode import parse_shortcode

NOW = datetime(2026, 3, 18, 9, 30, tzinfo=ZoneInfo("Africa/Bangui"))
ACTORS = default_actor_table()


def p(text: str):
    return parse(text, now=NOW, actors=ACTORS)


@pytest.mark.parametrize(
    ("text", "place", "threat"),
    [
        ("ALERTE Ndah ATT 3 morts", "Ndah", "ARMED_ATTACK_ONGOING"),
        ("alerte ndah att", "ndah", "ARMED_ATTACK_ONGOING"),
        ("ALERTE*Ouadda Djallé*MVT*texte", "Ouadda Djallé", "ARMED_MOVEMENT"),
        ("ALERTE#Sam Ouandja#enl#", "Sam Ouandja", "ABDUCTION"),
        ("ALERTE ATT Mbrès tirs", "Mbrès", "ARMED_ATTACK_ONGOING"),
        ("ALERT Sam Ouandja KIL 2 dead", "Sam Ouandja", "KILLING"),
        ("ALERTE, Bria, ARMED_CLASH, combats", "Bria", "ARMED_CLASH"),
        ("alrt bria men demain", "bria", "ARMED_ATTACK_IMMINENT"),
    ],
)
def test_shortcode_forgiving(text, place, threat):
    parsed = p(text)
    assert parsed.shortcode and parsed.place_text == place and parsed.threat_type == threat
    assert parsed.confidence["threat_type"] >= 0.9


@pytest.mark.parametrize(
    "text", ["ALERTE", "alerte générale à Bria: hommes armés", "Alertez la MINUSCA"]
)
def test_not_a_shortcode(text):
    assert parse_shortcode(text) is None or not parse_shortcode(text).place.lower().startswith("la")


@pytest.mark.parametrize(
    ("text", "code", "precision", "hour"),
    [
        ("hier soir à Ndah", "YESTERDAY_EVENING", "HOURS", 19),
        ("ce matin", "THIS_MORNING", "HOURS", 7),
        ("last night", "LAST_NIGHT", "HOURS", 23),
        ("hier vers 22h", "YESTERDAY@22:00", "EXACT", 22),
        ("il y a 2 heures", "HOURS_AGO:2", "HOURS", 7),
        ("3 days ago", "DAYS_AGO:3", "DAY", 9),
        ("maintenant", "NOW", "EXACT", 9),
        ("demain", "TOMORROW", "DAY", 12),
        ("lundi", "WEEKDAY:lun", "DAY", 12),
        ("at 5pm", "CLOCK@17:00", "EXACT", 17),
    ],
)
def test_time_expressions(text, code, precision, hour):
    parsed = p(text)
    assert parsed.time is not None
    assert (parsed.time.code, parsed.time.precision, parsed.time.occurred_at.hour) == (
        code,
        precision,
        hour,
    )


def test_yesterday_is_the_previous_local_day():
    assert p("hier soir").time.occurred_at.date().isoformat() == "2026-03-17"
    assert p("demain").time.future


def test_no_time_gives_none_and_low_confidence():
    parsed = p("hommes armés à Ndah")
    assert parsed.time is None and parsed.confidence["occurred_at"] < 0.5


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("3 morts et 2 blessés", {"killed": 3, "injured": 2}),
        ("trois tués, un blessé", {"killed": 3, "injured": 1}),
        ("vingt cinq personnes enlevées", {"abducted": 25}),
        ("killed 4, abducted 2", {"killed": 4, "abducted": 2}),
        ("200 ménages déplacés", {"displaced": 200}),
        ("12 hommes armés ont tué 2 civils", {"killed": 2}),
        ("des morts et plusieurs blessés", {}),
    ],
)
def test_counts(text, expected):
    counts = p(text).counts
    assert {k: v for k, v in counts.items() if v is not None} == expected


def test_actor_aliases_and_mission_table(db):
    assert p("les russes et les FACA à Bria").actors == ["Wagner", "FACA"]
    assert p("mayi-mayi et wazalendo").actors == ["Mai-Mai"]
    from sauti.alerts.models import Actor
    from sauti.alerts.parsing import actors as actors_module

    Actor.objects.create(name="Siriri", aliases=["siriri", "sirri"])
    actors_module.clear_cache()
    assert parse("les siriri à Baboua", now=NOW).actors == ["Siriri"]
    actors_module.clear_cache()


@pytest.mark.parametrize(
    "text",
    [
        "",
        " ",
        "\x00\x01",
        "é" * 5000,
        "ALERTE",
        "ALERTE * * *",
        "999999999999 morts",
        "🙂🙂 attaque",
        "hier hier hier 25h61",
    ],
)
def test_never_raises(text):
    parsed = p(text)
    assert parsed.threat_type


def test_actors_command_adds_mission_aliases(db):
    import io

    from django.core.management import call_command

    call_command(
        "actors", "add", "Siriri", "--alias", "siriri", "--alias", "sirri", stdout=io.StringIO()
    )
    assert parse("les sirri à Baboua", now=NOW).actors == ["Siriri"]
    out = io.StringIO()
    call_command("actors", "list", stdout=out)
    assert (
        "Siriri (mission): siriri, sirri" in out.getvalue() and "UPC (built-in)" in out.getvalue()
    )
    from sauti.alerts.parsing import actors as actors_module

    actors_module.clear_cache()
