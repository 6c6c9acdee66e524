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
    result: dict[str, int | None] = {k: None for k in COUNT_WORDS}
    for i, kind in enumerate(kinds):
        if kind is None or result[kind] is not None:
            continue
        number = None
        for j in range(i - 1, max(i - 7, -1), -1):
            tok = tokens[j]
            if kinds[j] is not None or tok in _STOP:
                break
            value = word_to_int(tok)
            if value is not None:
                number = value
                # "vingt cinq" / "twenty five", "cent cinquante"
                if (
                    j > 0
                    and (prev := word_to_int(tokens[j - 1])) is not None
                    and prev in (20, 30, 40, 50, 60, 100)
                ):
                    number = prev + value if value < prev else prev * value
                break
            if tok not in _FILLERS and len(tok) > 2:
                break
        if number is None:
            for j in range(i + 1, min(i + 3, len(tokens))):
                value = (
                    word_to_int(tokens[j]) if tokens[j] not in ("un", "une", "one", "a") else None
                )
                if value is not None:
                    number = value
                    break
        if number is not None:
            result[kind] = number
    return result
