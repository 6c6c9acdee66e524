"""Per-field accuracy of the parser on the labelled set (tests/alerts/data/labelled.tsv).

    SAUTI_ENV=test python -m tests.alerts.accuracy [--errors FIELD]

prints the table copied into docs/intake.md; test_accuracy.py asserts the floors.
"""

from __future__ import annotations

import csv
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

DATA = Path(__file__).parent / "data" / "labelled.tsv"
HELDOUT = Path(__file__).parent / "data" / "heldout.tsv"
NOW = datetime(2026, 3, 18, 9, 30, tzinfo=ZoneInfo("Africa/Bangui"))  # a Wednesday
COUNT_KEYS = ("killed", "injured", "abducted", "displaced")
FIELDS = ("threat_type", "place", "time", "actors", *COUNT_KEYS, "counts (all four)", "language")


@dataclass
class Row:
    text: str
    threat_type: str
    place: str
    time: str
    actors: frozenset[str]
    counts: dict[str, int | None]
    language: str


def load(path: Path = DATA) -> list[Row]:
    rows = []
    with path.open(encoding="utf-8") as handle:
        for line in csv.reader(
            (line for line in handle if line.strip() and not line.startswith("#")),
            delimiter="\t",
            quoting=csv.QUOTE_NONE,
        ):
            text, threat, place, time, actors, *counts, language = line
            rows.append(
                Row(
                    text=text,
                    threat_type=threat,
                    place="" if place == "-" else place,
                    time=time,
                    actors=frozenset()
                    if actors == "-"
                    else frozenset(a.strip() for a in actors.split(",")),
                    counts={
                        k: None if v == "-" else int(v)
                        for k, v in zip(COUNT_KEYS, counts, strict=True)
                    },
                    language=language,
                )
            )
    return rows


def evaluate(
    rows: Iterable[Row],
) -> tuple[dict[str, float], dict[str, list[tuple[str, object, object]]], int]:
    from sauti.alerts.parsing import parse
    from sauti.alerts.parsing.actors import default_actor_table
    from sauti.alerts.parsing.normalise import basic

    table = default_actor_table()
    hits = dict.fromkeys(FIELDS, 0)
    errors: dict[str, list[tuple[str, object, object]]] = {f: [] for f in FIELDS}
    n = 0
    for row in rows:
        n += 1
        got = parse(row.text, now=NOW, actors=table)
        checks = {
            "threat_type": (row.threat_type, got.threat_type),
            "place": (basic(row.place), basic(got.place_text)),
            "time": (row.time, got.time_code),
            "actors": (row.actors, frozenset(got.actors)),
            "language": (row.language, got.language),
        }
        for key in COUNT_KEYS:
            checks[key] = (row.counts[key], got.counts.get(key))
        checks["counts (all four)"] = (row.counts, {k: got.counts.get(k) for k in COUNT_KEYS})
        for field, (want, have) in checks.items():
            if want == have:
                hits[field] += 1
            else:
                errors[field].append((row.text, want, have))
    return {f: hits[f] / n for f in FIELDS}, errors, n


def main(argv: list[str]) -> int:
    import django

    django.setup()
    scores, errors, n = evaluate(load())
    held, held_errors, m = evaluate(load(HELDOUT))
    print(
        f"Parser accuracy: tuning set {DATA.name} ({n} messages), held-out set {HELDOUT.name} ({m})\n"
    )
    print("| Field | Tuning set | Held-out set |\n|---|---|---|")
    for field, score in scores.items():
        print(f"| {field} | {score:.1%} | {held[field]:.1%} |")
    if len(argv) > 1 and argv[1] == "--heldout-errors":
        errors = held_errors
        argv = [argv[0], "--errors", *argv[2:]]
    if len(argv) > 1 and argv[1] == "--errors":
        field = argv[2] if len(argv) > 2 else "threat_type"
        print(f"\nErrors on {field}:")
        for text, want, have in errors[field]:
            print(f"  want={want!r} got={have!r}  {text}")
    return 0


if __name__ == "__main__":
    import os

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sauti.settings")
    raise SystemExit(main(sys.argv))
