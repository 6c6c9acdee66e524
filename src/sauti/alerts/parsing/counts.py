"""Casualty and displacement counts: killed, injured, abducted, displaced.

Token-based: for each count word (``tués``, ``blessés``, ``killed``…) take the nearest number
before it (within five tokens, not across another count word), else a number just after it
(``morts: 3``, ``killed 4``). ``un mort`` counts 1; ``des morts`` or ``plusieurs blessés`` give no
number (the CLA asks on the callback).
"""

from __future__ import annotations

import re

from sauti.alerts.parsing.numbers import word_to_int

COUNT_WORDS: dict[str, re.Pattern[str]] = {
    "killed": re.compile(
        r"^(?:morts?|tue[es]?|tues|tuee?s|decede(?:e|s|es)?|assassine(?:e|s|es)?|cadavres?|corps|abattu(?:e|s|es)?|"
        r"killed|dead|deaths?|bodies|assassinats?|meurtres?|wameuawa|wamekufa|babomi|egorge(?:e|s|es)?|executes?|massacre(?:e|s|es)?)$"
    ),
    "injured": re.compile(r"^(?:blesse(?:e|s|es)?|injured|wounded|hurt|injuries|wamejeruhiwa)$"),
    "abducted": re.compile(
        r"^(?:enleve(?:e|s|es)?|kidnappe(?:e|s|es)?|otages?|abducted|kidnapped|hostages?|wametekwa|"
        r"disparu(?:e|s|es)?|missing|emmene(?:e|s|es)?|enlevements?|kidnappings?|abductions?|rapts?)$"
    ),
    "displaced": re.compile(
        r"^(?:deplace(?:e|s|es)?|displaced|fled|fui|fuient|fuite|fleeing|refugie(?:e|s|es)?|refugees?|"
        r"wamekimbia|wakimbizi|deplacements?)$"
    ),
}
# Words between a number and its count word that do not break the link.
_FILLERS = {
    "personnes",
    "personne",
    "civils",
    "civil",
    "people",
    "persons",
    "civilians",
    "femmes",
    "femme",
    "enfants",
    "enfant",
    "hommes",
    "homme",
    "men",
    "women",
    "children",
    "child",
    "villageois",
    "habitants",
    "menages",
    "familles",
    "families",
    "households",
    "eleves",
    "commercants",
    "et",
    "ont",
    "a",
    "ete",
    "sont",
    "were",
    "have",
    "been",
    "are",
    "was",
    "par",
    "les",
    "des",
    "de",
    "environ",
    "about",
    "around",
    "plus",
    "more",
    "than",
    "au",
    "moins",
    "least",
    "at",
    "dont",
    "watu",
    "bato",
    "pers",
    "jeunes",
    "agriculteurs",
    "eleveurs",
    "bergers",
    "chasseurs",
    "motos",
    "taximen",
    "paysans",
    "deja",
    "already",
    "se",
    "retrouves",
    "gravement",
    "seriously",
    "egalement",
    "also",
    "la",
    "population",
    "en",
    "on",
    "compte",
    "signale",
    "reported",
}
# Numbers that describe the attackers, not the victims: "12 hommes armés tués" still counts.
_STOP = {"armes", "arme", "armed", "gunmen", "rebelles", "rebels", "elements"}


def extract_counts(tokens: list[str]) -> dict[str, int | None]:
    """Counts found in ``tokens`` (normalised); a key is None when the message gives no number."""
    kinds: list[str | None] = []
    for tok in tokens:
        kind = None
        for key, pattern in COUNT_WORDS.items():
            if pattern.match(tok):
                kind = key
                break
        kinds.append(kind)
    result: dict[str, int | None] = dict.fromkeys(COUNT_WORDS)
    indices = [i for i, kind in enumerate(kinds) if kind is not None]
    # "killed 4, abducted 2": when the first count word has its number after it, read every
    # count word that way, so a number is not taken by the next count word too.
    forward_style = (
        bool(indices)
        and _backward(tokens, kinds, indices[0]) is None
        and (_forward(tokens, indices[0]) is not None)
    )
    for i in indices:
        kind = kinds[i]
        if kind is None or result[kind] is not None:
            continue
        if forward_style:
            number = _forward(tokens, i)
        else:
            number = _backward(tokens, kinds, i)
            if number is None:
                number = _forward(tokens, i)
        if number is not None:
            result[kind] = number
    return result


def _backward(tokens: list[str], kinds: list[str | None], i: int) -> int | None:
    for j in range(i - 1, max(i - 7, -1), -1):
        tok = tokens[j]
        if kinds[j] is not None or tok in _STOP:
            return None
        value = word_to_int(tok)
        if value is not None:
            # "vingt cinq" / "twenty five", "cent cinquante"
            prev = word_to_int(tokens[j - 1]) if j > 0 else None
            if prev is not None and prev in (20, 30, 40, 50, 60, 100):
                return prev + value if value < prev else prev * value
            return value
        if tok not in _FILLERS and len(tok) > 2:
            return None
    return None


def _forward(tokens: list[str], i: int) -> int | None:
    for j in range(i + 1, min(i + 3, len(tokens))):
        if tokens[j] in ("un", "une", "one", "a"):
            continue
        value = word_to_int(tokens[j])
        if value is not None:
            return value
    return None
