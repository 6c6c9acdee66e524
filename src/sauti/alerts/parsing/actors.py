"""Armed actors named in a message, from an alias table configurable per mission.

The default table covers the groups most named in CAR and eastern DRC alert traffic; a mission adds
or renames groups in the ``Actor`` table (alerts app), merged over these defaults.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterable

from sauti.alerts.parsing.normalise import basic

DEFAULT_ACTORS: dict[str, list[str]] = {
    "3R": ["3r", "3 r", "retour reclamation rehabilitation", "sidiki"],
    "UPC": ["upc", "unite pour la paix en centrafrique", "darassa", "ali darassa"],
    "FPRC": ["fprc", "front populaire pour la renaissance de la centrafrique"],
    "MPC": ["mpc", "mouvement patriotique pour la centrafrique"],
    "Anti-balaka": ["anti balaka", "antibalaka", "anti balakas", "antibalakas", "anti-balaka"],
    "CPC": ["cpc", "coalition des patriotes pour le changement"],
    "Ex-Seleka": ["seleka", "ex seleka", "ex-seleka", "selekas"],
    "Wagner": [
        "wagner",
        "russes",
        "russe",
        "russians",
        "instructeurs russes",
        "africa corps",
        "mercenaires russes",
    ],
    "FACA": ["faca", "forces armees centrafricaines", "militaires centrafricains"],
    "FARDC": ["fardc", "militaires congolais", "forces armees de la rdc"],
    "ADF": ["adf", "allied democratic forces", "adf nalu", "nalu"],
    "CODECO": ["codeco", "cooperative pour le developpement du congo"],
    "M23": ["m23", "m 23", "afc m23", "rdf m23"],
    "Mai-Mai": ["mai mai", "maimai", "mayi mayi", "mai-mai", "mayi-mayi", "wazalendo"],
    "FDLR": ["fdlr"],
    "LRA": ["lra", "lords resistance army", "tongo tongo"],
    "Azande Ani Kpi Gbe": ["azande ani kpi gbe", "aakg"],
}

_cache: tuple[float, list[tuple[str, re.Pattern[str]]]] | None = None
_TTL = 60.0


def _compile(table: dict[str, list[str]]) -> list[tuple[str, re.Pattern[str]]]:
    compiled = []
    for name, aliases in table.items():
        forms = sorted({basic(a) for a in [name, *aliases] if basic(a)}, key=len, reverse=True)
        compiled.append(
            (name, re.compile(r"\b(?:" + "|".join(re.escape(f) for f in forms) + r")\b"))
        )
    return compiled


def actor_table() -> list[tuple[str, re.Pattern[str]]]:
    """Default aliases merged with the mission's ``Actor`` rows (cached for a minute per process)."""
    global _cache
    now = time.monotonic()
    if _cache is not None and now - _cache[0] < _TTL:
        return _cache[1]
    table = {k: list(v) for k, v in DEFAULT_ACTORS.items()}
    from sauti.alerts.models import Actor

    for actor in Actor.objects.filter(active=True):
        table.setdefault(actor.name, []).extend(actor.aliases or [])
    compiled = _compile(table)
    _cache = (now, compiled)
    return compiled


def default_actor_table() -> list[tuple[str, re.Pattern[str]]]:
    """The built-in aliases only (no database): for the accuracy script and offline use."""
    return _compile(DEFAULT_ACTORS)


def clear_cache() -> None:
    global _cache
    _cache = None


def extract_actors(
    text: str, table: Iterable[tuple[str, re.Pattern[str]]] | None = None
) -> list[str]:
    """Canonical names of the actors named in normalised ``text``, in order of first mention."""
    found: list[tuple[int, str]] = []
    for name, pattern in table if table is not None else actor_table():
        m = pattern.search(text)
        if m:
            found.append((m.start(), name))
    return [name for _pos, name in sorted(found)]


_matchers: dict[int, tuple[list[tuple[str, re.Pattern[str]]], Callable[[str], bool]]] = {}


def actor_matcher(table: list[tuple[str, re.Pattern[str]]]) -> Callable[[str], bool]:
    """Whether a normalised phrase is, whole, an actor's name or alias: one alternation of the
    table's patterns, built once per table (the place finder asks this many times per message)."""
    hit = _matchers.get(id(table))
    if hit is not None and hit[0] is table:
        return hit[1]
    combined = re.compile("|".join(f"(?:{p.pattern})" for _name, p in table) or r"(?!)")

    def is_actor(words: str) -> bool:
        return combined.fullmatch(words) is not None

    if len(_matchers) > 8:
        _matchers.clear()
    _matchers[id(table)] = (table, is_actor)
    return is_actor
