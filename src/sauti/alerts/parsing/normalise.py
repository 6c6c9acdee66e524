"""Text normalisation for matching: lower case, no accents, SMS spellings expanded, typos mended."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

from rapidfuzz import fuzz, process

# SMS spellings and abbreviations seen in French and English texting (kept short and unambiguous).
SMS_EXPANSIONS = {
    "ds": "dans",
    "bcp": "beaucoup",
    "pr": "pour",
    "ms": "mais",
    "qd": "quand",
    "kan": "quand",
    "tt": "tout",
    "ki": "qui",
    "ke": "que",
    "ac": "avec",
    "avc": "avec",
    "hom": "hommes",
    "homs": "hommes",
    "hmes": "hommes",
    "auj": "aujourd hui",
    "ajd": "aujourd hui",
    "aujourdhui": "aujourd hui",
    "2main": "demain",
    "dmain": "demain",
    "mnt": "maintenant",
    "mtn": "maintenant",
    "maint": "maintenant",
    "mntnt": "maintenant",
    "vlg": "village",
    "vilage": "village",
    "vllg": "village",
    "qrt": "quartier",
    "nw": "now",
    "2day": "today",
    "2nite": "tonight",
    "2nyt": "tonight",
    "ppl": "people",
    "pple": "people",
    "wid": "with",
    "yday": "yesterday",
    "ystrday": "yesterday",
    "vil": "village",
    "vill": "village",
    "pers": "personnes",
    "prs": "personnes",
    "hr": "heure",
    "hrs": "heures",
}

_APOSTROPHES = str.maketrans({"’": "'", "`": "'", "‘": "'", "´": "'"})
_NON_WORD = re.compile(r"[^a-z0-9:]+")


def strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@lru_cache(maxsize=16384)
def basic(text: str) -> str:
    """Lower case, accents removed, apostrophes and punctuation turned into spaces. Cached: the
    parser asks again and again about the same words (a tenth of a message's parse time)."""
    text = strip_accents(text.translate(_APOSTROPHES).lower())
    text = text.replace("'", " ")
    # Keep clock times such as 14h30 / 14:30 and numbers; everything else non-alphanumeric splits.
    return " ".join(_NON_WORD.sub(" ", text).split())


@lru_cache(maxsize=4)
def _vocab_tuple(vocab: frozenset[str]) -> tuple[str, ...]:
    return tuple(sorted(vocab))


def mend_typos(
    tokens: list[str], vocab: frozenset[str], protected: Iterable[str] = ()
) -> list[str]:
    """Replace a token of five letters or more that is not in ``vocab`` by its closest vocabulary word
    when the two are at least 88% alike (``attaqe`` → ``attaque``; ``menages`` stays, it is not
    ``menaces``)."""
    choices = _vocab_tuple(vocab)
    keep = set(protected)
    out = []
    for tok in tokens:
        if len(tok) >= 5 and tok not in vocab and tok not in keep and not tok.isdigit():
            best = process.extractOne(tok, choices, scorer=fuzz.ratio, score_cutoff=88)
            if best is not None:
                out.append(best[0])
                continue
        out.append(tok)
    return out


def expand_sms(tokens: list[str]) -> list[str]:
    out: list[str] = []
    for tok in tokens:
        out.extend(SMS_EXPANSIONS.get(tok, tok).split())
    return out
