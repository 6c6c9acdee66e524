"""The structured short code for trained focal points, forgiving of order, case and separators.

    ALERTE <lieu> <CODE> [texte libre]          e.g.  ALERTE Ndah ATT 3 morts ce matin
    ALERTE*<lieu en plusieurs mots>*<CODE>*<texte>      ALERTE*Ouadda Djalle*MVT*20 HA vers le marché

The keyword may be ALERTE, ALERT, ALRT or ALT; separators may be spaces, ``*``, ``#``, ``/``, ``;``
or ``,``. CODE is one of ``lexicon.SHORT_CODES`` (ATT attack under way, MEN imminent attack, MVT
armed men moving, TUE killing, ENL abduction, …) or the canonical threat-type name. With spaces as
separators the place runs from the keyword to the code (so it may have several words); the code
may also come first (``ALERTE ATT Ndah …``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sauti.alerts.parsing.lexicon import PRECEDENCE, SHORT_CODES

_KEYWORD = re.compile(r"^\s*(?:alerte?|alrt|alt)\b[\s*#/;,.:\-]*", re.IGNORECASE)
_HARD_SEPARATORS = re.compile(r"\s*[*#/;,]\s*")
_CANONICAL = {t: t for t in [*PRECEDENCE, "OTHER"]}


@dataclass(frozen=True)
class ShortCode:
    place: str
    threat_type: str
    rest: str


def _code(token: str) -> str | None:
    upper = token.strip(" .:-").upper()
    return SHORT_CODES.get(upper) or _CANONICAL.get(upper)


def parse_shortcode(text: str) -> ShortCode | None:
    """The short code's parts, or None when ``text`` is not a short code."""
    m = _KEYWORD.match(text)
    if not m:
        return None
    body = text[m.end() :].strip()
    if not body:
        return None
    if _HARD_SEPARATORS.search(body):
        parts = [p for p in _HARD_SEPARATORS.split(body, maxsplit=2) if p]
        if len(parts) >= 2:
            first, second = parts[0], parts[1]
            rest = parts[2] if len(parts) > 2 else ""
            if (code := _code(second)) is not None:
                return ShortCode(first.strip(), code, rest.strip())
            if (code := _code(first)) is not None:
                return ShortCode(second.strip(), code, rest.strip())
    tokens = body.split()
    if (code := _code(tokens[0])) is not None and len(tokens) > 1:
        return ShortCode(tokens[1], code, " ".join(tokens[2:]))
    for i in range(1, min(len(tokens), 5)):
        if (code := _code(tokens[i])) is not None:
            return ShortCode(" ".join(tokens[:i]), code, " ".join(tokens[i + 1 :]))
    return None
