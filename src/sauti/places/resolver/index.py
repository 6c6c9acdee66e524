"""The in-memory gazetteer index the resolver searches: plain Python and numpy, no database.

Built from plain tuples (so benchmarks can build one without Django) by ``Index.build``:
- ``exact``: normalised key → entries (place, kind of name, area the name is limited to);
- ``squashed``: the same with spaces removed ("bangui mpoko" = "banguimpoko");
- ``phonetic``: a coarse sound key (ou/w, dj/j, ch/sh, doubled letters …) → entries;
- per country a trigram index over the distinct keys for fuzzy search. Key ids are assigned in
  order of key length, so the keys whose length allows a ratio above the threshold form one id
  range, and each trigram's posting list (sorted ids) is sliced to that range with a binary
  search. Candidates are the keys sharing most trigrams; rapidfuzz then scores only those.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np

from sauti.places.normalise import normalise, phonetic, squash
from sauti.places.spatial import AdminSpatialIndex

LOCALITY_LEVEL = 9  # sorts localities below every admin level


@dataclass(slots=True)
class Place:
    """One gazetteer entry as the resolver sees it."""

    type: str  # "locality" | "admin_unit"
    id: int
    name: str
    pcode: str  # own P-code for an admin unit; the admin unit's P-code for a locality ("" if none)
    level: int  # admin level, LOCALITY_LEVEL for localities
    lat: float | None
    lon: float | None
    country: str
    path: str  # admin path ("/CF/CF52/CF521/"); for a locality, its admin unit's path
    kind: str = ""  # locality kind
    population: int = 0

    @property
    def weight(self) -> float:
        """Prominence when homonyms compete: towns with people first, then big admin units."""
        if self.type == "locality":
            bonus = {"TOWN": 1.0, "QUARTIER": 0.2}.get(self.kind, 0.5)
            return math.log10(self.population + 10) + bonus
        return 4.0 - 0.5 * self.level


@dataclass(slots=True)
class NameEntry:
    place: int  # index into Index.places
    official: bool
    area: str = ""  # path the name is limited to ("" = everywhere)


@dataclass
class _Fuzzy:
    keys: list[str]
    length_start: np.ndarray  # length_start[n] = first key id whose length >= n
    postings: dict[str, np.ndarray]


def trigrams(key: str) -> set[str]:
    padded = f" {key} "
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


def _fuzzy_build(keys: Iterable[str]) -> _Fuzzy:
    ordered = sorted(set(keys), key=lambda k: (len(k), k))
    max_len = len(ordered[-1]) if ordered else 0
    length_start = np.zeros(max_len + 2, dtype=np.int64)
    lengths = np.array([len(k) for k in ordered], dtype=np.int64)
    for n in range(max_len + 2):
        length_start[n] = int(np.searchsorted(lengths, n, side="left"))
    lists: dict[str, list[int]] = defaultdict(list)
    for i, key in enumerate(ordered):
        for gram in trigrams(key):
            lists[gram].append(i)
    postings = {gram: np.array(ids, dtype=np.int32) for gram, ids in lists.items()}
    return _Fuzzy(ordered, length_start, postings)


@dataclass
class Index:
    places: list[Place]
    exact: dict[str, list[NameEntry]]
    squashed: dict[str, list[NameEntry]]
    phonetic: dict[str, list[NameEntry]]
    fuzzy: dict[str, _Fuzzy]  # per country ISO2
    admin_by_pcode: dict[str, int]
    spatial: AdminSpatialIndex | None = None
    token: str = ""
    loc_coords: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]] = field(default_factory=dict)

    @classmethod
    def build(
        cls,
        places: list[Place],
        names: Iterable[tuple[int, str, bool, str]],
        *,
        spatial: AdminSpatialIndex | None = None,
        token: str = "",
    ) -> Index:
        """``names``: (place index, name, official?, area path) — official names included."""
        exact: dict[str, list[NameEntry]] = defaultdict(list)
        squashed: dict[str, list[NameEntry]] = defaultdict(list)
        sounds: dict[str, list[NameEntry]] = defaultdict(list)
        per_country: dict[str, set[str]] = defaultdict(set)
        seen: set[tuple[str, int, str]] = set()
        for place_idx, name, official, area in names:
            key = normalise(name)
            if not key or (key, place_idx, area) in seen:
                continue
            seen.add((key, place_idx, area))
            entry = NameEntry(place_idx, official, area)
            exact[key].append(entry)
            squashed[squash(key)].append(entry)
            sound = phonetic(key)
            if len(sound) >= 4:  # shorter sound keys collide too often to mean anything
                sounds[sound].append(entry)
            per_country[places[place_idx].country].add(key)
        fuzzy = {country: _fuzzy_build(keys) for country, keys in per_country.items()}
        admin_by_pcode = {p.pcode: i for i, p in enumerate(places) if p.type == "admin_unit"}
        loc_coords: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
        by_country: dict[str, list[int]] = defaultdict(list)
        for i, p in enumerate(places):
            if p.type == "locality" and p.lat is not None and p.lon is not None:
                by_country[p.country].append(i)
        for country, ids in by_country.items():
            loc_coords[country] = (
                np.array(ids, dtype=np.int64),
                np.radians([places[i].lat for i in ids]),  # type: ignore[arg-type]
                np.radians([places[i].lon for i in ids]),  # type: ignore[arg-type]
            )
        return cls(
            places,
            dict(exact),
            dict(squashed),
            dict(sounds),
            fuzzy,
            admin_by_pcode,
            spatial,
            token,
            loc_coords,
        )

    def countries(self) -> list[str]:
        return sorted(self.fuzzy)

    def fuzzy_candidates(
        self, key: str, country: str, min_ratio: float, limit: int = 40
    ) -> list[str]:
        """Keys of ``country`` that share enough trigrams with ``key`` to possibly reach ``min_ratio``."""
        fz = self.fuzzy.get(country)
        if fz is None or not key:
            return []
        n = len(key)
        # ratio = 2·matches / (len1 + len2) ≥ r needs len2 within [n·r/(2−r), n·(2−r)/r].
        r = min_ratio / 100.0
        lo_len = max(1, math.floor(n * r / (2 - r)))
        hi_len = math.ceil(n * (2 - r) / r)
        ls = fz.length_start
        lo = int(ls[min(lo_len, len(ls) - 1)])
        hi = int(ls[min(hi_len + 1, len(ls) - 1)]) if hi_len + 1 < len(ls) else len(fz.keys)
        if hi <= lo:
            return []
        parts = []
        for gram in trigrams(key):
            posting = fz.postings.get(gram)
            if posting is None:
                continue
            a, b = np.searchsorted(posting, (lo, hi))
            if b > a:
                parts.append(posting[a:b])
        if not parts:
            return []
        counts = np.bincount(np.concatenate(parts) - lo, minlength=hi - lo)
        best = int(counts.max())
        need = max(1, best // 2)
        ids = np.flatnonzero(counts >= need)
        if len(ids) > limit:
            ids = ids[np.argpartition(-counts[ids], limit)[:limit]]
        return [fz.keys[lo + int(i)] for i in ids]

    def nearest_locality(
        self, lat: float, lon: float, country: str | None, max_km: float
    ) -> tuple[int, float] | None:
        best: tuple[int, float] | None = None
        for c, (ids, lats, lons) in self.loc_coords.items():
            if country and c != country:
                continue
            la, lo = math.radians(lat), math.radians(lon)
            d = (
                2
                * 6371.0
                * np.arcsin(
                    np.sqrt(
                        np.sin((lats - la) / 2) ** 2
                        + math.cos(la) * np.cos(lats) * np.sin((lons - lo) / 2) ** 2
                    )
                )
            )
            i = int(np.argmin(d))
            if d[i] <= max_km and (best is None or d[i] < best[1]):
                best = (int(ids[i]), float(d[i]))
        return best


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    la1, la2 = math.radians(lat1), math.radians(lat2)
    dla, dlo = la2 - la1, math.radians(lon2 - lon1)
    h = math.sin(dla / 2) ** 2 + math.cos(la1) * math.cos(la2) * math.sin(dlo / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))


def bearing_deg(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Initial great-circle bearing from the first point to the second, degrees from north."""
    la1, la2 = math.radians(lat1), math.radians(lat2)
    dlo = math.radians(lon2 - lon1)
    x = math.sin(dlo) * math.cos(la2)
    y = math.cos(la1) * math.sin(la2) - math.sin(la1) * math.cos(la2) * math.cos(dlo)
    return math.degrees(math.atan2(x, y)) % 360.0


def destination(lat: float, lon: float, bearing: float, km: float) -> tuple[float, float]:
    """The point ``km`` away from (lat, lon) along ``bearing`` (degrees from north)."""
    d = km / 6371.0
    la1, lo1, b = math.radians(lat), math.radians(lon), math.radians(bearing)
    la2 = math.asin(math.sin(la1) * math.cos(d) + math.cos(la1) * math.sin(d) * math.cos(b))
    lo2 = lo1 + math.atan2(
        math.sin(b) * math.sin(d) * math.cos(la1), math.cos(d) - math.sin(la1) * math.sin(la2)
    )
    return math.degrees(la2), (math.degrees(lo2) + 540.0) % 360.0 - 180.0
