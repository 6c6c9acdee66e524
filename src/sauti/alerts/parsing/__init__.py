"""Understanding an alert message: threat type, place text, time, actors and counts.

``parse(text, now=…)`` returns a ``Parsed`` value with a confidence (0..1) per field. It is pure
(no writes) and re-runnable, so a better parser can reprocess stored raw messages; values a human
set are protected by the alert service, not here. Accuracy on the labelled set of
tests/alerts/data/labelled.tsv is reported in docs/intake.md (``python -m bench.intake_accuracy``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sauti.alerts.parsing import lexicon
from sauti.alerts.parsing.actors import actor_matcher, actor_table, extract_actors
from sauti.alerts.parsing.counts import extract_counts
from sauti.alerts.parsing.normalise import basic, expand_sms, mend_typos
from sauti.alerts.parsing.places import find_place_text
from sauti.alerts.parsing.shortcode import parse_shortcode
from sauti.alerts.parsing.times import TimeResult, parse_time

PARSER_VERSION = "2026.11.1"
# Named actors whose mere mention is not a threat (national forces).
STATE_FORCES = {"FACA", "FARDC"}


@dataclass
class Parsed:
    threat_type: str = "OTHER"
    place_text: str = ""
    time: TimeResult | None = None
    actors: list[str] = field(default_factory=list)
    counts: dict[str, int | None] = field(default_factory=dict)
    language: str = ""
    shortcode: bool = False
    matched: list[str] = field(default_factory=list)
    confidence: dict[str, float] = field(default_factory=dict)

    @property
    def time_code(self) -> str:
        return self.time.code if self.time else "NONE"

    def as_dict(self) -> dict[str, Any]:
        return {
            "threat_type": self.threat_type,
            "place_text": self.place_text,
            "time": self.time_code,
            "occurred_at": self.time.occurred_at.isoformat() if self.time else None,
            "actors": self.actors,
            "counts": self.counts,
            "language": self.language,
            "confidence": self.confidence,
        }


def _vocabulary() -> frozenset[str]:
    words: set[str] = set()
    for _t, _lang, pattern in lexicon.THREAT_PATTERNS:
        for chunk in pattern.replace("\\b", " ").replace("(?:", " ").split():
            token = "".join(c for c in chunk if c.isalpha())
            if len(token) >= 5 and chunk.isalpha():
                words.add(token)
    words |= {
        "attaque",
        "attaquent",
        "attaquer",
        "hommes",
        "armes",
        "village",
        "maintenant",
        "enleves",
        "enlevement",
        "blesses",
        "deplaces",
        "personnes",
        "affrontements",
        "pillage",
        "incendie",
        "transhumants",
        "barriere",
        "rebelles",
        "menace",
        "menaces",
        "rumeur",
        "quartier",
        "killed",
        "attack",
        "attacking",
        "armed",
        "people",
        "injured",
        "abducted",
        "displaced",
        "yesterday",
        "morning",
        "tonight",
        "demain",
        "matin",
        "cette",
        "soir",
        "enlevees",
        "tirs",
        "kidnappes",
        "presence",
        "mouvement",
        "arrivee",
        "fuient",
        "brousse",
        "recrutement",
        "manifestation",
        "affrontement",
        "combats",
        "meurtre",
        "assassine",
        "decedes",
        "corps",
        "blessees",
    }
    return frozenset(words)


_VOCAB = _vocabulary()


def detect_language(tokens: list[str], default: str = "") -> str:
    scores = {
        lang: sum(1 for t in tokens if t in words)
        for lang, words in lexicon.LANGUAGE_MARKERS.items()
    }
    best = max(scores, key=lambda k: scores[k])
    return best if scores[best] > 0 else default


def classify(text: str) -> tuple[str, list[str], float]:
    """Threat type of normalised ``text``: (type, matched types, confidence)."""
    hits = {t for t, regex in lexicon.BY_TYPE if regex.search(text)}
    if not hits:
        return "OTHER", [], 0.2
    ordered = [t for t in lexicon.PRECEDENCE if t in hits]
    confidence = 0.85 if len(ordered) == 1 else 0.7 if len(ordered) == 2 else 0.6
    return ordered[0], ordered, confidence


def normalise_tokens(text: str) -> list[str]:
    tokens = expand_sms(basic(text).split())
    return mend_typos(tokens, _VOCAB)


def parse(
    text: str,
    *,
    now: datetime,
    language_hint: str = "",
    actors: list[tuple[str, re.Pattern[str]]] | None = None,
) -> Parsed:
    """Read a message. ``now`` is the receipt time in the mission's time zone (aware)."""
    result = Parsed()
    short = parse_shortcode(text)
    free_text = short.rest if short else text
    tokens = normalise_tokens(free_text)
    norm = " ".join(tokens)
    table = actors if actors is not None else actor_table()
    result.language = detect_language(tokens, language_hint)
    if short:
        result.shortcode = True
        result.threat_type = short.threat_type
        result.place_text = short.place
        result.matched = [short.threat_type]
        result.confidence["threat_type"] = 0.95
        result.confidence["place"] = 0.9
    else:
        result.threat_type, result.matched, result.confidence["threat_type"] = classify(norm)
        if result.threat_type == "OTHER" and any(
            p.search(norm) for name, p in table if name not in STATE_FORCES
        ):
            # An armed group named with no other threat word: its presence is the alert.
            result.threat_type, result.confidence["threat_type"] = "ARMED_MOVEMENT", 0.5
        # Time words must not be taken for places ("à Noël"), and actors neither ("de Sidiki").
        result.place_text, result.confidence["place"] = find_place_text(
            text, is_actor=actor_matcher(table)
        )
    result.time = parse_time(norm, now)
    result.confidence["occurred_at"] = result.time.confidence if result.time else 0.3
    result.actors = extract_actors(norm, table)
    result.confidence["actors"] = 0.9 if result.actors else 0.5
    result.counts = extract_counts(tokens)
    result.confidence["counts"] = 0.8 if any(v is not None for v in result.counts.values()) else 0.5
    return result


__all__ = ["PARSER_VERSION", "Parsed", "TimeResult", "classify", "detect_language", "parse"]
