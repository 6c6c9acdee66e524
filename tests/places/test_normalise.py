"""Normalisation and mention cleaning: pure functions, no database."""

from __future__ import annotations

import pytest

from sauti.places.normalise import clean_mention, normalise, parse_offset


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("N'Délé", "ndele"),
        ("NDELE", "ndele"),
        ("Mambéré-Kadéï", "mambere kadei"),
        ("  Kaga   Bandoro ", "kaga bandoro"),
        ("Ombella M'Poko", "ombella mpoko"),
        ("Ngaoundaye.", "ngaoundaye"),
        ("Œuvre", "oeuvre"),
        ("", ""),
        ("!!!", ""),
    ],
)
def test_normalise_folds_accents_case_punctuation_and_space(text: str, key: str) -> None:
    assert normalise(text) == key


@pytest.mark.parametrize(
    ("text", "core", "hints", "near"),
    [
        ("à 10 km de Bria, Haute-Kotto", "bria", ["haute kotto"], True),
        ("près de N'Délé", "ndele", [], True),
        ("village de Ndah", "ndah", [], False),
        ("road to Kaga Bandoro", "kaga bandoro", [], True),
        ("Bambari centre", "bambari", [], False),
        ("km 12 Bangui", "bangui", [], True),
        ("Birao town (4 km north of)", "birao", [], True),
        ("Bria dans la Haute-Kotto", "bria", ["haute kotto"], False),
        ("axe Bria-Ippy", "bria ippy", [], True),
        ("near Obo", "obo", [], True),
    ],
)
def test_clean_mention_strips_locatives_and_splits_hints(
    text: str, core: str, hints: list[str], near: bool
) -> None:
    mention = clean_mention(text)
    assert (mention.core, mention.hints, mention.near) == (core, hints, near)


def test_clean_mention_keeps_the_name_when_it_is_only_locative_words() -> None:
    assert clean_mention("Centre Ville").wholes[0] == "centre ville"


@pytest.mark.parametrize(
    ("text", "km", "bearing", "anchor", "road"),
    [
        ("à 10 km au nord-est de Bria", 10.0, 45.0, "bria", False),
        ("à 4,5 km à l'ouest de Bambari", 4.5, 270.0, "bambari", False),
        ("Obo - Djemah road (45 km north of Obo)", 45.0, 0.0, "obo", True),
        ("Sibut - Dekoa road 60 km from Sibut", 60.0, None, "sibut", True),
        ("Birao town (4 km north of)", 4.0, 0.0, "", False),
        ("12 miles south of Juba", 19.308, 180.0, "juba", False),
        ("5 km NO de Bria", 5.0, 315.0, "bria", False),
        ("10 km SW of Bria", 10.0, 225.0, "bria", False),
        ("à 500 m de Bria", 0.5, None, "bria", False),
        ("a 10km de bria sur l'axe Bria-Ippy", 10.0, None, "bria sur laxe bria ippy", True),
    ],
)
def test_parse_offset_reads_distance_direction_and_anchor(
    text: str, km: float, bearing: float | None, anchor: str, road: bool
) -> None:
    offset = parse_offset(text)
    assert offset is not None
    assert (round(offset.km, 3), offset.bearing, offset.anchor, offset.road) == (
        km,
        bearing,
        anchor,
        road,
    )


@pytest.mark.parametrize("text", ["km 12 Bangui", "PK 5", "Bria", "route 2000 km de Bria"])
def test_parse_offset_ignores_what_is_not_a_distance_from_a_place(text: str) -> None:
    assert parse_offset(text) is None
