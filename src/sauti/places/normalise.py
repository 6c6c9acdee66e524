"""Turning a place mention into comparable keys (domain.md §8.2).

``normalise`` folds accents, case, apostrophes, hyphens and spacing, so "N'Délé", "NDELE" and
"n delé" meet on one key. ``clean_mention`` further strips what reporters put around a name —
French and English locatives ("près de", "à 10 km de", "road to", "axe", "km 12", "village de") —
and splits off admin hints ("Bria, Haute-Kotto"). Both are pure functions, cheap enough to run on
every query.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

# Letters that NFKD does not decompose but reporters type in place names.
_SPECIAL = str.maketrans(
    {
        "ß": "ss",
        "æ": "ae",
        "œ": "oe",
        "ø": "o",
        "đ": "d",
        "ł": "l",
        "ı": "i",
        "ŋ": "ng",
        "ɓ": "b",
        "ɗ": "d",
        "ƴ": "y",
    }
)
_NON_ALNUM = re.compile(r"[^a-z0-9]+")
# Apostrophes glue a prefix to a name ("N'Délé" = "Ndélé"); other punctuation separates words.
_APOSTROPHES = re.compile(r"[’'`´ʼ‘]")


def normalise(text: str) -> str:
    """Lower-case ASCII words separated by single spaces; apostrophes removed, punctuation a space."""
    text = unicodedata.normalize("NFKD", text.casefold().translate(_SPECIAL))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = _APOSTROPHES.sub("", text)
    return _NON_ALNUM.sub(" ", text).strip()


def squash(key: str) -> str:
    """The key without spaces: "bangui m poko" and "banguimpoko" compare equal."""
    return key.replace(" ", "")


# Spelling variation of domain.md §8.2: French vs local orthography (ou/w, ch/sh, dj/j, gb/kp),
# doubled letters, silent h, Arabic articles (al-/el-/ad-). Applied to both sides, so only
# the fact that two spellings meet matters, not a "correct" pronunciation.
_PHONETIC_RULES = [
    (re.compile(r"\b(?:al|el|ad|ar|as|an|ash)\s+"), ""),
    (re.compile(r"tch|tsh|sch|ch|sh"), "c"),
    (re.compile(r"dj|dz"), "j"),
    (re.compile(r"gb"), "b"),
    (re.compile(r"kp"), "p"),
    (re.compile(r"ph"), "f"),
    (re.compile(r"qu|q|c(?=[aou])|ck"), "k"),
    (re.compile(r"ou|oo|w"), "u"),
    (re.compile(r"y"), "i"),
    (re.compile(r"ai|ei|ay|ey"), "e"),
    (re.compile(r"h"), ""),
    (re.compile(r"([a-z])\1+"), r"\1"),
    (re.compile(r"\s+"), ""),
]


def phonetic(key: str) -> str:
    """A coarse sound key of a normalised name: "Sam Wandja" and "Sam Ouandja" share "samuanja"."""
    for pattern, replacement in _PHONETIC_RULES:
        key = pattern.sub(replacement, key)
    return key


def is_latin(text: str) -> bool:
    """True when the name is written in Latin script (other scripts cannot match typed SMS here)."""
    for ch in text:
        if ch.isalpha():
            name = unicodedata.name(ch, "")
            if not name.startswith("LATIN"):
                return False
    return True


# Phrases around a place name, on the normalised text. Order matters: longer phrases first.
_NUM = r"(?:\d+(?:[ .]\d+)?)"
_LOCATIVES = [
    rf"\b(?:a|au|environ|env|vers|around|about|some)?\s*{_NUM}\s*(?:km|kms|kilometres?|kilometers?|m|metres?|miles?)\s*(?:au|a l|a|de|du|des|d|from|of|north|south|east|west|nord|sud|est|ouest|ne|nw|se|sw)?\s*(?:(?:nord|sud|est|ouest|north|south|east|west|northeast|northwest|southeast|southwest|nord est|nord ouest|sud est|sud ouest)\s*(?:de|du|d|of)?)?",
    rf"\b(?:pk|km|point kilometrique|mile)\s*{_NUM}\b",
    r"\b(?:pres|aupres|autour|non loin|a cote|a proximite|aux alentours|aux environs|environs|alentours|sortie|entree|a la sortie|a l entree|en direction|direction|du cote)\s*(?:de|du|des|d)?\b",
    r"\b(?:near|nearby|close to|outside|outskirts of|around|towards|toward|in the direction of|north of|south of|east of|west of|on the road to|road to|road from|the road|way to|route to|axis|axe|route|piste|troncon|road|highway|between)\b",
    r"\b(?:village|villages|ville|town|city|quartier|quarter|neighbourhood|neighborhood|localite|locality|camp|site|market|marche|mine|chantier|commune|sous prefecture|prefecture|province|region|area|zone|district|county|territoire|territory|centre|center|centre ville|downtown|base|moba|chef lieu|secteur|groupement|chefferie)\s*(?:de|du|des|d|of)?\b",
    r"\b(?:au nord|au sud|a l est|a l ouest|nord|sud|est|ouest|north|south|east|west|northern|southern|eastern|western|northeast|northwest|southeast|southwest|nord est|nord ouest|sud est|sud ouest|remote|rural|surrounding|vicinity|outlying)\b",
]
_LOCATIVE_RE = [re.compile(p) for p in _LOCATIVES]
# Which of them mean "near" rather than naming the kind of place ("Bangui city" is Bangui itself).
_NEAR = [True, True, True, True, False, True]
# Leading little words left over ("à Bria", "dans le village de…").
# fmt: off
STOPWORDS = {
    "a", "au", "aux", "de", "du", "des", "d", "le", "la", "les", "l", "en", "dans", "sur", "the",
    "of", "in", "at", "on", "to", "from", "and", "et", "y", "un", "une", "an", "pres", "chez",
    "par", "its", "his", "her", "their", "s", "hommes", "armes", "attaque", "hier", "soir",
    "matin", "nuit", "men", "armed", "attack", "people", "civils", "civilians",
}
# fmt: on
# Words that separate a place from an admin hint: "Bria, Haute-Kotto", "Bria dans la Haute-Kotto".
_HINT_SPLIT = re.compile(
    r"\s*(?:[,;/()\[\]]|\s-\s|\bdans l[ae]?\b|\bdans\b|\ben\b|\bin\b|\bprefecture\b|\bprovince\b|\bsous prefecture\b)\s*"
)
# A road between two places ("axe Bunia–Komanda", "Bria-Ippy road"): keep both ends as candidates.


@dataclass
class Mention:
    """A place mention taken apart: the core name and admin hints, all normalised."""

    raw: str
    core: str
    hints: list[str] = field(default_factory=list)
    near: bool = False  # a locative said "near", "km from" …: precision is NEAR_LOCALITY
    parts: list[str] = field(default_factory=list)  # every cleaned segment, core first
    wholes: list[str] = field(default_factory=list)  # the same before locatives were stripped


def _trim(words: list[str]) -> list[str]:
    while words and words[0] in STOPWORDS:
        words.pop(0)
    while words and words[-1] in STOPWORDS:
        words.pop()
    return words


def _strip(segment: str) -> tuple[str, bool]:
    near = False
    for pattern, means_near in zip(_LOCATIVE_RE, _NEAR, strict=True):
        new = pattern.sub(" ", segment)
        if new != segment:
            near = near or means_near
            segment = new
    return " ".join(_trim(segment.split())), near


def clean_mention(text: str) -> Mention:
    """Split "à 10 km de Bria, Haute-Kotto" into core "bria" and hint "haute kotto"."""
    raw = text
    # Separators must be seen before normalise() turns them into spaces.
    text = unicodedata.normalize("NFKC", text)
    text = re.sub(r"[,;/()\[\]|]", " , ", text)
    text = re.sub(r"\s[-–—]\s", " , ", text)
    folded = normalise(text.replace(",", " qqsepqq "))
    segments = [s.strip() for s in folded.split("qqsepqq")]
    out: list[tuple[str, str, bool]] = []
    near = False
    for segment in segments:
        for piece in _HINT_SPLIT.split(segment):
            cleaned, was_near = _strip(piece)
            whole = " ".join(_trim(piece.split()))
            if cleaned:
                out.append((cleaned, whole, was_near))
            elif whole:
                near = near or was_near  # "(4 km north of)": only a locative
                if not out:
                    out.append((whole, whole, False))  # "Centre Ville": the locative is the name
    if not out:
        return Mention(raw=raw, core="")
    return Mention(
        raw=raw,
        core=out[0][0],
        hints=[c for c, _w, _n in out[1:]],
        near=near or out[0][2],
        parts=[c for c, _w, _n in out],
        wholes=[w for _c, w, _n in out],
    )


# -- Offsets: "45 km north of Obo", "à 10 km au nord-est de Bria", "60 km from Sibut" ----------
# Compass words → bearing in degrees. Two-word forms first so "nord est" is not read as "nord".
_BEARINGS = {
    "nord est": 45.0, "north east": 45.0, "northeast": 45.0, "ne": 45.0,
    "sud est": 135.0, "south east": 135.0, "southeast": 135.0, "se": 135.0,
    "sud ouest": 225.0, "south west": 225.0, "southwest": 225.0, "sw": 225.0,
    "nord ouest": 315.0, "north west": 315.0, "northwest": 315.0, "nw": 315.0,
    "nord": 0.0, "north": 0.0, "sud": 180.0, "south": 180.0,
    "est": 90.0, "lest": 90.0, "east": 90.0, "ouest": 270.0, "louest": 270.0, "west": 270.0,
    # Map abbreviations, French ones too (NO = nord-ouest); only read right before "of/de".
    "no": 315.0, "so": 225.0, "n": 0.0, "s": 180.0, "e": 90.0, "w": 270.0, "o": 270.0,
}  # fmt: skip
_BEARING_WORDS = "|".join(sorted(_BEARINGS, key=len, reverse=True))
_UNIT_KM = {"km": 1.0, "kms": 1.0, "kilometre": 1.0, "kilometres": 1.0, "kilometer": 1.0,
            "kilometers": 1.0, "mile": 1.609, "miles": 1.609, "m": 0.001, "metre": 0.001,
            "metres": 0.001, "meter": 0.001, "meters": 0.001}  # fmt: skip
_OFFSET = re.compile(
    rf"\b(?P<num>\d+(?:p\d+)?)\s*(?P<unit>{'|'.join(sorted(_UNIT_KM, key=len, reverse=True))})\b"
    rf"(?:\s+(?:au|a l|a|to the|in the))?"
    rf"(?:\s+(?P<dir>{_BEARING_WORDS}))?"
    rf"\s+(?:of|from|de|du|des|d)\b\s*(?P<anchor>[a-z0-9 ]*)"
)
# A road between two places: "Obo - Djemah road", "axe Bria-Ippy", "road between Bangui and Damara".
# ("l'axe" is "laxe" once apostrophes are folded.)
_ROAD = re.compile(r"\b(?:road|route|l?axe|axis|piste|troncon|highway|between|entre)\b")


@dataclass(frozen=True)
class Offset:
    """A distance (and maybe a compass bearing) from an anchor place named in the text."""

    km: float
    bearing: float | None  # degrees clockwise from north; None when only a distance is given
    anchor: str  # normalised words after "of/from/de" (the anchor's name comes first)
    road: bool  # the text names a road, so the other place it names gives the direction


def parse_offset(text: str) -> Offset | None:
    """The first "N km [direction] of/from/de PLACE" in ``text``; None if there is none.

    Only distances up to 500 km are taken: a larger number is more likely a road number or a
    date than a distance from a place."""
    text = re.sub(r"(\d)[.,](\d)", r"\1p\2", unicodedata.normalize("NFKC", text))
    key = normalise(text)
    m = _OFFSET.search(key)
    if m is None:
        return None
    km = float(m.group("num").replace("p", ".")) * _UNIT_KM[m.group("unit")]
    if not 0 < km <= 500:
        return None
    bearing = _BEARINGS.get(m.group("dir") or "")
    return Offset(
        km=km,
        bearing=bearing,
        anchor=m.group("anchor").strip(),
        road=bool(_ROAD.search(key)),
    )
