"""Normalisation and mention cleaning: pure functions, no database."""

from __future__ import annotations

import pytest

from sauti.places.normalise import clean_mention, normalise


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
