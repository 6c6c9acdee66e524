"""Finding the place text in a free message (before the gazetteer resolver sees it)."""

from __future__ import annotations

import re
from collections.abc import Callable

from sauti.alerts.parsing.normalise import basic

_CAP = r"[A-ZÀ-Ý][\w'’\-]+"
_PREP = (
    r"(?:à|a|au|aux|vers|près de|pres de|proche de|non loin de|sur l'axe|sur l axe|l'axe|axe|village|"
    r"quartier|localité|localite|site de|site|camp de|camp|marché de|dans le village de|de|du|"
    r"near|in|at|around|towards|toward|from|village of|outside|kijiji cha|kwenye|"
    r"attaqu(?:é|e|és|ent|er)|attacked|occup(?:é|e|ent)|encercl(?:é|e|ent)|pill(?:é|e|ent)|brûl(?:é|e|ent)|"
    r"entrés? (?:à|dans)|arrivés? (?:à|au))"
)
_CAPITALISED = re.compile(
    rf"(?<![\w'’]){_PREP}\s+({_CAP}(?:[ \-](?:{_CAP}|\d+|[a-z]{{1,3}}\s{_CAP}))*)"
)
_LOWER = re.compile(
    r"\b(?:village|quartier|localite|vers|pres de|near|towards|axe|site de|camp de)\s+([a-z][a-z\-]{2,}(?:\s\d+)?)\b"
)
# Capitalised words that are not places although they follow a preposition.
_NOT_PLACES = {
    "minusca",
    "monusco",
    "onu",
    "faca",
    "fardc",
    "upc",
    "fprc",
    "mpc",
    "cpc",
    "adf",
    "codeco",
    "m23",
    "lundi",
    "mardi",
    "mercredi",
    "jeudi",
    "vendredi",
    "samedi",
    "dimanche",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "il",
    "ils",
    "elles",
    "nous",
    "la",
    "le",
    "les",
    "des",
    "un",
    "une",
    "the",
    "we",
    "they",
    "wagner",
    "anti",
    "seleka",
    "mai",
    "ex",
    "russes",
    "casques",
    "hier",
    "ce",
    "cette",
    "urgent",
    "alerte",
    "alert",
    "svp",
    "merci",
    "please",
    "help",
}
_LOWER_STOP = {
    "le",
    "la",
    "les",
    "des",
    "du",
    "de",
    "notre",
    "nos",
    "mon",
    "our",
    "the",
    "village",
    "quartier",
    "nous",
    "chez",
    "ici",
    "here",
    "there",
    "la-bas",
    "brousse",
    "bush",
    "champ",
    "champs",
    "marche",
    "market",
    "ecole",
    "school",
    "eglise",
    "mosquee",
    "riviere",
    "foret",
    "route",
    "axe",
    "base",
}


def find_place_text(
    text: str, is_actor: Callable[[str], bool] = lambda _w: False
) -> tuple[str, float]:
    """The most likely place name in ``text`` (original casing) and a confidence; ("", 0) if none.
    ``is_actor`` tells an armed group's name (``de Sidiki``) from a place."""
    for m in _CAPITALISED.finditer(text):
        candidate = m.group(1).strip(" -'’")
        words = candidate.split()
        while words and (basic(words[0]) in _NOT_PLACES or is_actor(basic(words[0]))):
            words = words[1:]
        while words and basic(words[-1]) in _NOT_PLACES:
            words = words[:-1]
        if words:
            return " ".join(words), 0.6
    lowered = basic(text)
    for m in _LOWER.finditer(lowered):
        word = m.group(1)
        if word.split()[0] not in _LOWER_STOP:
            return word, 0.35
    return "", 0.0
