"""Finding the place text in a free message (before the gazetteer resolver sees it).

Heuristics, in order of trust: a capitalised name after a preposition or an attack verb ("à Ndah",
"near Bunia", "ont attaqué Ouadda", "na Kiwanja"); any other capitalised name that does not open
the message; a lower-case word after a place marker in SMS spelling ("a ouadda", "vers ippy").
Among the candidates the first named wins — the first place in an alert is, in practice, where
the event is. Actors, weekdays, time words and country names are never places.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from sauti.alerts.parsing.normalise import basic
from sauti.alerts.parsing.numbers import NUMBER_WORDS

_CAP = r"[A-ZÀ-Ý][\w'’\-]+"
_PREP = (
    r"(?:à|a|au|aux|vers|près de|pres de|proche de|non loin de|sur l'axe|sur l axe|l'axe|axe|village|"
    r"quartier|localité|localite|site de|site|camp de|camp|marché de|dans le village de|de|du|sur|contre|"
    r"near|nr|in|at|around|towards|toward|to|from|frm|of|on|village of|outside|kijiji cha|kwenye|na|"
    r"attaqu(?:é|e|és|ent|er)|attack(?:ed|ing)?|occup(?:é|e|ent)|encercl(?:é|e|ent)|pill(?:é|e|ent)|"
    r"brûl(?:é|e|ent)|burn|took|fled|fleeing|fui|entrés? (?:à|dans)|arrivés? (?:à|au))"
)
_NAME = rf"{_CAP}(?:[ \-](?:{_CAP}|[a-z]{{1,3}}\s{_CAP}))*"
_AFTER_PREP = re.compile(rf"(?<![\w'’]){_PREP}\s+({_NAME})")
_ANY_CAP = re.compile(rf"(?<![\w'’])({_NAME})")
# Words after which a capitalised word is a person, not a place: never take a name for a place
# (a place text is kept in clear; a name must stay sealed in the narrative).
_PERSON_CUE = re.compile(
    r"(?:\b(?:je suis|suis|m appelle|m'appelle|moi|chef|chief|monsieur|mr|mme|madame|mademoiselle|"
    r"nommée?|appelée?|named|called|fils|fille|frère|frere|soeur|sœur|papa|maman|pasteur|abbé|imam|"
    r"maire|mayor|sultan|lamido|docteur|dr|i am|my name is|this is|c est|c'est|ici)\s*,?)$",
    re.IGNORECASE,
)
_LOWER = re.compile(
    r"\b(?:village|quartier|localite|vers|pres de|near|towards|axe|site de|camp de|a|au)\s+"
    r"([a-z][a-z\-]{2,})\b"
)
# Countries: the place of an alert is never a whole neighbouring country ("venus du Tchad").
_COUNTRIES = {
    "tchad",
    "chad",
    "uganda",
    "ouganda",
    "rwanda",
    "burundi",
    "soudan",
    "sudan",
    "cameroun",
    "cameroon",
    "congo",
    "rdc",
    "drc",
    "rca",
    "car",
    "centrafrique",
    "tanzania",
    "tanzanie",
}
# Capitalised words that are not places although they follow a preposition.
_NOT_PLACES = {
    "minusca",
    "monusco",
    "onu",
    "un",
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
    "une",
    "the",
    "we",
    "they",
    "anti",
    "mai",
    "ex",
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
    "bonjour",
    "bonsoir",
    "hello",
    "point",
    "focal",
    "chef",
    "chief",
    "dieu",
    "god",
    "radio",
    "whatsapp",
    "facebook",
    "i",
    "je",
    "on",
    "ici",
    "rien",
    "attaque",
    "attack",
    "a",
    "en",
    "mission",
    "catholique",
    "eglise",
    "ecole",
    "hospital",
    "hopital",
    "market",
    "marche",
    "idp",
    *_COUNTRIES,
}
_TIME_WORDS = {
    "maintenant",
    "mnt",
    "now",
    "hier",
    "demain",
    "aujourd",
    "today",
    "tonight",
    "yesterday",
    "matin",
    "soir",
    "nuit",
    "morning",
    "night",
    "evening",
    "jana",
    "leo",
    "sasa",
    "lelo",
    "lobi",
    "tomorrow",
    "minuit",
    "midi",
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
    "chief",
    "chef",
    "sortie",
    "entree",
    "boutique",
    "mission",
    "limite",
    "cause",
    "peur",
    "tout",
    "tous",
    "cote",
    "maison",
    "maisons",
    "gens",
    "population",
    "personne",
    "personnes",
    "moto",
    "pied",
    "coups",
    "coup",
    "nouveau",
    "plusieurs",
    "beaucoup",
    "ceux",
    "cet",
    "ces",
    "son",
    "ses",
    "leur",
    "leurs",
    "une",
    "un",
    "machette",
    "patrouille",
    "minusca",
    "monusco",
    "onu",
    "fuite",
    "venez",
    "vite",
    "attaquer",
    "attaque",
    "tirer",
    "payer",
    "manger",
    "dormir",
    "partir",
    "nouvelles",
    "recu",
    "secour",
    "secours",
    "ete",
    "eu",
    "fait",
    "dit",
    "vu",
    "tue",
    "pris",
    "peu",
    *_TIME_WORDS,
    *NUMBER_WORDS,
}


def _strip_actor_prefix(words: list[str], is_actor: Callable[[str], bool]) -> list[str]:
    for size in (3, 2, 1):
        if len(words) >= size and is_actor(basic(" ".join(words[:size]))):
            return words[size:]
    return words


def _clean(candidate: str, is_actor: Callable[[str], bool]) -> str:
    words = candidate.strip(" -'’").split()
    changed = True
    while words and changed:
        before = len(words)
        words = _strip_actor_prefix(words, is_actor)
        while words and (basic(words[0]) in _NOT_PLACES or not words[0][0].isupper()):
            words = words[1:]
        while words and (
            basic(words[-1]) in _NOT_PLACES
            or is_actor(basic(words[-1]))
            or not words[-1][0].isupper()
        ):
            words = words[:-1]
        changed = len(words) != before
    text = " ".join(words)
    if not text or is_actor(basic(text)) or basic(text) in _TIME_WORDS:
        return ""
    return text


def find_place_text(
    text: str, is_actor: Callable[[str], bool] = lambda _w: False
) -> tuple[str, float]:
    """The most likely place name in ``text`` (original casing) and a confidence; ("", 0) if none.
    ``is_actor`` tells an armed group's name (``de Sidiki``) from a place."""
    candidates: list[tuple[int, str, float]] = []
    for m in _AFTER_PREP.finditer(text):
        if place := _clean(m.group(1), is_actor):
            candidates.append((m.start(1), place, 0.6))
    for m in _ANY_CAP.finditer(text):
        # Not the first word (capitalised because it opens a sentence), and not a person's name.
        before = text[: m.start()].rstrip()
        if m.start() == 0 or before.endswith((".", "!", "?", ":")) or _PERSON_CUE.search(before):
            continue
        if place := _clean(m.group(1), is_actor):
            candidates.append((m.start(1), place, 0.45))
    if candidates:
        _position, place, confidence = min(candidates, key=lambda c: (c[0], -c[2]))
        return place, confidence
    lowered = basic(text)
    for m in _LOWER.finditer(lowered):
        word = m.group(1)
        if word not in _LOWER_STOP and not is_actor(word):
            return word, 0.35
    return "", 0.0
