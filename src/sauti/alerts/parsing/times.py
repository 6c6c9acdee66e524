"""Time expressions → when the event happened, with a precision and a canonical code.

Works on normalised text. ``now`` is the time of receipt in the mission's time zone; results are
aware datetimes. The code (``YESTERDAY_EVENING``, ``HOURS_AGO:2``, ``YESTERDAY@22:00`` …) is what
the labelled test set checks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from sauti.alerts.parsing.numbers import word_to_int


@dataclass(frozen=True)
class TimeResult:
    code: str
    occurred_at: datetime
    precision: str
    confidence: float
    future: bool = False


NUM = r"(\d{1,3}|[a-z]+)"
# (code, regex, day offset, hour or None, precision) — first match wins, so specific before general.
_ANCHORS: list[tuple[str, str, int, int | None, str]] = [
    ("DAY_BEFORE_YESTERDAY", r"\b(?:avant hier|day before yesterday|juzi)\b", -2, None, "DAY"),
    (
        "YESTERDAY_EVENING",
        r"\b(?:hier (?:au )?soir|yesterday (?:evening|night)|hier dans la soiree|jana jioni|biri lakui)\b",
        -1,
        19,
        "HOURS",
    ),
    (
        "LAST_NIGHT",
        r"\b(?:hier (?:dans la )?nuit|la nuit (?:derniere|passee)|cette nuit|nuit derniere|last night|overnight|during the night|jana usiku|butu ya lobi)\b",
        -1,
        23,
        "HOURS",
    ),
    (
        "YESTERDAY_MORNING",
        r"\b(?:hier (?:au )?matin|yesterday morning|jana asubuhi)\b",
        -1,
        7,
        "HOURS",
    ),
    (
        "YESTERDAY_AFTERNOON",
        r"\b(?:hier (?:apres midi|a midi)|yesterday afternoon)\b",
        -1,
        15,
        "HOURS",
    ),
    (
        "THIS_MORNING",
        r"\b(?:ce matin|tot le matin|this morning|early morning|leo asubuhi|ndapelele)\b",
        0,
        7,
        "HOURS",
    ),
    ("THIS_AFTERNOON", r"\b(?:cet apres midi|this afternoon|a midi)\b", 0, 15, "HOURS"),
    ("TONIGHT", r"\b(?:ce soir|cette soiree|tonight|this evening|usiku wa leo)\b", 0, 19, "HOURS"),
    ("TOMORROW", r"\b(?:demain|tomorrow|kesho|kekereke)\b", 1, None, "DAY"),
    ("YESTERDAY", r"\b(?:hier|yesterday|jana|biri)\b", -1, None, "DAY"),
    (
        "NOW",
        r"\b(?:maintenant|en ce moment|actuellement|a l instant|en cours|right now|now|currently|at the moment|as we speak|sasa|tozali)\b",
        0,
        -1,
        "EXACT",
    ),
    ("TODAY", r"\b(?:aujourd hui|ce jour|today|leo|lelo|laso)\b", 0, None, "DAY"),
]
_COMPILED = [(c, re.compile(p), d, h, prec) for c, p, d, h, prec in _ANCHORS]

_AGO = [
    (re.compile(rf"\b(?:il y a|ca fait|depuis) {NUM} ?(?:heures?|h)\b"), "HOURS_AGO", "h"),
    (re.compile(rf"\b{NUM} (?:hours?|hrs?) ago\b"), "HOURS_AGO", "h"),
    (re.compile(rf"\b(?:il y a|ca fait|depuis) {NUM} ?(?:minutes?|mn|min)\b"), "MINUTES_AGO", "m"),
    (re.compile(rf"\b{NUM} (?:minutes?|mins?) ago\b"), "MINUTES_AGO", "m"),
    (re.compile(rf"\b(?:il y a|ca fait|depuis) {NUM} jours?\b"), "DAYS_AGO", "d"),
    (re.compile(rf"\b{NUM} days? ago\b"), "DAYS_AGO", "d"),
]
_CLOCK = re.compile(
    r"\b(?:a|vers|aux environs de|autour de|at|around|about|des|since|depuis)? ?(\d{1,2})(?:h|:)(\d{2})?\b"
    r"(?: ?(du matin|du soir|de l apres midi|am|pm))?|\b(\d{1,2}) ?(am|pm)\b"
)
_WEEKDAYS = {
    "lundi": 0,
    "mardi": 1,
    "mercredi": 2,
    "jeudi": 3,
    "vendredi": 4,
    "samedi": 5,
    "dimanche": 6,
    "monday": 0,
    "tuesday": 1,
    "wednesday": 2,
    "thursday": 3,
    "friday": 4,
    "saturday": 5,
    "sunday": 6,
}
_DAY_NAMES = {-2: "DAY_BEFORE_YESTERDAY", -1: "YESTERDAY", 0: "TODAY", 1: "TOMORROW"}
_WEEKDAY_RE = re.compile(r"\b(" + "|".join(_WEEKDAYS) + r")\b")


def _clock(text: str) -> tuple[int, int] | None:
    for m in _CLOCK.finditer(text):
        if m.group(1):
            hour, minute, suffix = int(m.group(1)), int(m.group(2) or 0), m.group(3) or ""
        else:
            hour, minute, suffix = int(m.group(4)), 0, m.group(5)
        if hour > 23 or minute > 59:
            continue
        if suffix in ("pm", "du soir", "de l apres midi") and hour < 12:
            hour += 12
        if suffix in ("am", "du matin") and hour == 12:
            hour = 0
        return hour, minute
    return None


def parse_time(text: str, now: datetime) -> TimeResult | None:
    """The first time expression of ``text`` (normalised), or None when there is none."""
    clock = _clock(text)
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    for code, regex, offset, hour, precision in _COMPILED:
        if not regex.search(text):
            continue
        if code == "NOW":
            return TimeResult(code, now, "EXACT", 0.8)
        day = midnight + timedelta(days=offset)
        if code == "LAST_NIGHT" and now.hour < 5:
            day = midnight  # "cette nuit" at 2 a.m. is the night under way
        if clock is not None:
            h, minute = clock
            if code in ("YESTERDAY_EVENING", "TONIGHT") and h < 12:
                h += 12
            if code == "LAST_NIGHT" and h < 6:
                day = midnight if now.hour >= h else midnight - timedelta(days=1)
            elif code == "LAST_NIGHT" and h < 12:
                h += 12
            when = day.replace(hour=h, minute=minute)
            base = _DAY_NAMES.get((day - midnight).days, "DAY")
            return TimeResult(
                f"{base}@{h:02d}:{minute:02d}", when, "EXACT", 0.85, future=when > now
            )
        when = day.replace(hour=hour if hour is not None else 12)
        return TimeResult(
            code, when, precision, 0.8 if hour is not None else 0.75, future=offset > 0
        )
    for regex, code, unit in _AGO:
        m = regex.search(text)
        if m:
            n = word_to_int(m.group(1))
            if n is None:
                continue
            delta = {"h": timedelta(hours=n), "m": timedelta(minutes=n), "d": timedelta(days=n)}[
                unit
            ]
            precision = {"h": "HOURS", "m": "EXACT", "d": "DAY"}[unit]
            return TimeResult(f"{code}:{n}", now - delta, precision, 0.8)
    m = _WEEKDAY_RE.search(text)
    if m:
        target = _WEEKDAYS[m.group(1)]
        back = (now.weekday() - target) % 7
        day = midnight - timedelta(days=back)
        return TimeResult(f"WEEKDAY:{m.group(1)[:3]}", day.replace(hour=12), "DAY", 0.65)
    if clock is not None:
        h, m2 = clock
        when = midnight.replace(hour=h, minute=m2)
        if when > now + timedelta(hours=1):
            when -= timedelta(days=1)
        return TimeResult(f"CLOCK@{h:02d}:{m2:02d}", when, "EXACT", 0.7)
    return None
