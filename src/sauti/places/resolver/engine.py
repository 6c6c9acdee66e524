"""The resolution cascade of domain.md §8.2 over an in-memory ``Index``.

exact normalised name → alias (alternate names, learnt corrections limited to their area) →
phonetic key (ou/w, dj/j, ch/sh, doubled letters …) →
sub-span of the words ("attaque à Bria hier" contains "bria") → fuzzy (rapidfuzz on trigram
candidates) → coordinates (the admin units containing the point, the nearest locality) →
"unknown". Admin hints ("Bria, Haute-Kotto") and the caller's areas break ties between homonyms;
a place is never preferred over a more precise place inside it bearing the same name.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from rapidfuzz import fuzz, process

from sauti.places.normalise import (
    STOPWORDS,
    Mention,
    clean_mention,
    normalise,
    parse_offset,
    phonetic,
    squash,
)
from sauti.places.resolver.index import (
    Index,
    NameEntry,
    Place,
    bearing_deg,
    destination,
    distance_km,
)

MAX_QUERY_CHARS = 500
# A coordinate resolves to a locality only when one is this close; otherwise to its admin unit.
NEAREST_MAX_KM = 5.0
# Below this final score the resolver says "unknown" rather than guess.
MIN_SCORE = 0.6
# A fuzzy or partial match on an admin unit must be at least this close.
ADMIN_FUZZY_MIN = 0.9
# Ambiguous homonyms (same score, nothing to tell them apart) lose this much confidence.
AMBIGUITY_FACTOR = 0.85


class Method:
    EXACT = "EXACT"
    ALIAS = "ALIAS"
    PHONETIC = "PHONETIC"
    SUBSTRING = "SUBSTRING"
    FUZZY = "FUZZY"
    GPS_CONTAINMENT = "GPS_CONTAINMENT"
    NEAREST = "NEAREST"


# Methods that match a name the text only resembles (not one it spells, give or take accents).
INEXACT = frozenset({Method.PHONETIC, Method.FUZZY})


def min_ratio(key: str) -> float:
    """Fuzzy threshold by length: one typo in a short name changes it too much to trust."""
    n = len(key.replace(" ", ""))
    if n <= 5:
        return 90.0  # one inserted letter in a 5-letter name at most ("Bouka" is not "Fouka")
    if n <= 7:
        return 83.0  # one substitution
    if n <= 11:
        return 87.0  # one substitution, or one insertion and one deletion
    return 82.0


@dataclass
class Candidate:
    place: int
    score: float
    method: str
    matched: str
    bonus: float = 0.0
    distance_km: float | None = None
    seat: int | None = (
        None  # for a locality not yet placed: the homonymous admin unit it is the seat of
    )

    def path(self, places: list[Place]) -> str:
        return places[self.seat].path if self.seat is not None else places[self.place].path


@dataclass
class Resolution:
    """What the resolver answers; ``as_dict`` is the API/CLI shape."""

    query: str
    status: str  # "resolved" | "unknown"
    method: str | None = None
    score: float = 0.0
    precision: str | None = None
    matched: str = ""
    place: Place | None = None
    admin: list[Place] = field(default_factory=list)
    candidates: list[tuple[Place, float]] = field(default_factory=list)
    ambiguous: bool = False
    near: bool = False
    # Where the mention is estimated to be: the place's own point, or that point moved by an
    # offset the text states ("45 km north of Obo", "60 km from Sibut on the Sibut–Dekoa road").
    point: tuple[float, float] | None = None
    offset: dict[str, Any] | None = None

    def _place_out(self) -> dict[str, Any] | None:
        if self.place is None:
            return None
        out = _place_dict(self.place)
        if self.place.type == "locality" and self.admin:
            out["pcode"] = self.admin[-1].pcode  # the lowest admin unit the locality lies in
        return out

    def as_dict(self) -> dict[str, Any]:
        return {
            "query": self.query,
            "status": self.status,
            "method": self.method,
            "score": round(self.score, 3),
            "precision": self.precision,
            "matched": self.matched,
            "ambiguous": self.ambiguous,
            "place": self._place_out(),
            "admin": [{"level": a.level, "pcode": a.pcode, "name": a.name} for a in self.admin],
            "candidates": [{**_place_dict(p), "score": round(s, 3)} for p, s in self.candidates],
            "point": (
                {"lat": round(self.point[0], 5), "lon": round(self.point[1], 5)}
                if self.point
                else None
            ),
            "offset": self.offset,
        }


def _place_dict(p: Place) -> dict[str, Any]:
    return {
        "type": p.type,
        "id": p.id,
        "name": p.name,
        "pcode": p.pcode or None,
        "level": None if p.type == "locality" else p.level,
        "kind": p.kind or None,
        "country": p.country,
        "lat": p.lat,
        "lon": p.lon,
    }


def precision_of(place: Place, near: bool) -> str:
    if place.type == "locality":
        return "NEAR_LOCALITY" if near else "EXACT_POINT"
    return {0: "COUNTRY", 1: "ADMIN1", 2: "ADMIN2"}.get(place.level, "ADMIN3")


class Resolver:
    """Resolves place text against one index. Stateless between calls; safe to share."""

    def __init__(self, index: Index) -> None:
        self.index = index

    # -- public --------------------------------------------------------------------------------
    def resolve(
        self,
        text: str,
        *,
        country: str | None = None,
        lat: float | None = None,
        lon: float | None = None,
        areas: tuple[str, ...] | list[str] = (),
        limit: int = 5,
    ) -> Resolution:
        text = text[:MAX_QUERY_CHARS]
        areas = tuple(self._as_path(a) for a in areas if a)
        mention = clean_mention(text)
        countries = [country] if country else self.index.countries()
        hint_paths = self._hint_paths(mention, countries, tuple(areas))
        context = tuple(areas) + tuple(hint_paths)
        cands = self._text_candidates(mention, countries, context) if mention.core else []
        if cands:
            res = self._decide(text, mention, cands, hint_paths, tuple(areas), lat, lon, limit)
            if res.status == "resolved":
                self._apply_offset(res, text, mention, countries, context)
            return res
        return self._fallback(text, mention, countries, hint_paths, lat, lon)

    def _apply_offset(
        self,
        res: Resolution,
        text: str,
        mention: Mention,
        countries: list[str],
        context: tuple[str, ...],
    ) -> None:
        """Move the answer's point by the offset the text states from the place found.

        Only from a locality (an admin unit's centre is no anchor) and only when the offset is
        measured from that place ("… of Obo" when Obo was found, or "Birao (4 km north of)").
        Direction: along a named road towards its other end when the text names one (a road is
        a firmer line than a compass word), else the compass word; with neither, the point stays
        and only the precision (NEAR_LOCALITY) says the event is not at the place itself."""
        place = res.place
        offset = parse_offset(text)
        if offset is None or place is None or place.type != "locality" or place.lat is None:
            return
        if offset.anchor and not any(
            offset.anchor.startswith(key) for key in (res.matched, mention.core) if key
        ):
            return  # the distance is from another place than the one found
        assert place.lon is not None
        bearing, along = offset.bearing, None
        km = offset.km
        if offset.road:
            end = self._road_end(
                text, place, res.matched or normalise(place.name), countries, context
            )
            if end is not None:
                along = end
                assert end.lat is not None and end.lon is not None
                bearing = bearing_deg(place.lat, place.lon, end.lat, end.lon)
                km = min(km, distance_km(place.lat, place.lon, end.lat, end.lon))
        res.near = True  # the event is away from the place: never an exact point
        res.precision = precision_of(place, near=True)
        res.offset = {
            "km": offset.km,
            "bearing": None if bearing is None else round(bearing),
            "anchor": place.name,
            "along_road_to": along.name if along else None,
        }
        if bearing is not None:
            res.point = destination(place.lat, place.lon, bearing, km)

    def _road_end(
        self,
        text: str,
        anchor: Place,
        anchor_key: str,
        countries: list[str],
        context: tuple[str, ...],
    ) -> Place | None:
        """The first other place the text names (the road's other end): a locality before an
        admin unit of that name (a road ends in a town, not at an area's label point), then the
        nearest homonym."""
        idx = self.index
        words = normalise(text).split()
        skip = set(anchor_key.split()) | STOPWORDS
        for start in range(len(words)):
            for size in (3, 2, 1):
                span_words = words[start : start + size]
                if len(span_words) < size or span_words[0] in skip or span_words[-1] in skip:
                    continue
                span = " ".join(span_words)
                if len(span) < 3 or span.isdigit():
                    continue
                entries = self._entries(span, countries, context) or self._sounds(
                    span, countries, context
                )
                ends = [
                    idx.places[e.place]
                    for e in entries
                    if idx.places[e.place].lat is not None
                    and idx.places[e.place].level > 0
                    and idx.places[e.place] is not anchor
                ]
                if ends:
                    return min(
                        ends,
                        key=lambda p: (
                            p.type != "locality",
                            distance_km(anchor.lat, anchor.lon, p.lat, p.lon),  # type: ignore[arg-type]
                        ),
                    )
        return None

    def _as_path(self, area: str) -> str:
        """Areas may be given as paths ("/CF/CF52/") or P-codes ("CF52")."""
        if area.startswith("/"):
            return area
        pos = self.index.admin_by_pcode.get(area.upper())
        return self.index.places[pos].path if pos is not None else f"/{area.upper()}/"

    # -- steps ---------------------------------------------------------------------------------
    def _entries(
        self, key: str, countries: list[str], context: tuple[str, ...], admin_only: bool = False
    ) -> list[NameEntry]:
        idx = self.index
        found = idx.exact.get(key) or idx.squashed.get(squash(key)) or []
        out = []
        for e in found:
            p = idx.places[e.place]
            if p.country not in countries:
                continue
            if admin_only and p.type != "admin_unit":
                continue
            if e.area and not any(c.startswith(e.area) or e.area.startswith(c) for c in context):
                continue
            out.append(e)
        return out

    def _sounds(self, key: str, countries: list[str], context: tuple[str, ...]) -> list[NameEntry]:
        """Entries whose sound key equals the text's ("Sam Wandja" → Sam Ouandja)."""
        idx = self.index
        out = []
        for e in idx.phonetic.get(phonetic(key), []):
            p = idx.places[e.place]
            if p.country in countries and (
                not e.area or any(c.startswith(e.area) or e.area.startswith(c) for c in context)
            ):
                out.append(e)
        return out

    def _fuzzy(
        self, key: str, countries: list[str], context: tuple[str, ...], admin_only: bool = False
    ) -> list[tuple[str, float]]:
        threshold = min_ratio(key)
        pool: list[str] = []
        for c in countries:
            pool.extend(self.index.fuzzy_candidates(key, c, threshold))
        if not pool:
            return []
        hits = process.extract(key, pool, scorer=fuzz.ratio, score_cutoff=threshold, limit=8)
        out = []
        for name, score, _i in hits:
            if len(key) <= 6 and name[0] != key[0]:
                continue  # short names: a different first letter is a different name
            if self._entries(name, countries, context, admin_only):
                out.append((name, float(score)))
        return out

    def _rest_is_known(
        self,
        words: list[str],
        start: int,
        size: int,
        countries: list[str],
        context: tuple[str, ...],
    ) -> bool:
        """In a short mention, the words beside a matched span must be little words or places
        themselves ("bria ippy": a road between two places)."""
        rest = words[:start] + words[start + size :]
        return all(
            w in STOPWORDS or w.isdigit() or self._entries(w, countries, context) for w in rest
        )

    def _hint_paths(
        self, mention: Mention, countries: list[str], areas: tuple[str, ...]
    ) -> list[str]:
        paths: list[str] = []
        for hint, whole in zip(mention.hints, mention.wholes[1:], strict=False):
            entries = self._entries(whole, countries, areas, admin_only=True) if whole else []
            entries = entries or self._entries(hint, countries, areas, admin_only=True)
            if not entries:
                fz = self._fuzzy(hint, countries, areas, admin_only=True)
                if fz:
                    entries = self._entries(fz[0][0], countries, areas, admin_only=True)
            paths.extend(self.index.places[e.place].path for e in entries)
        return paths

    def _text_candidates(
        self, mention: Mention, countries: list[str], context: tuple[str, ...]
    ) -> list[Candidate]:
        core = mention.core
        whole = mention.wholes[0] if mention.wholes else ""
        if whole and whole != core:
            entries = self._entries(whole, countries, context)
            if entries:  # "Nord-Kivu", "Centre Ville": the locative words are the name itself
                mention.near = False
                return [
                    Candidate(
                        e.place,
                        1.0 if e.official else 0.97,
                        Method.EXACT if e.official else Method.ALIAS,
                        whole,
                    )
                    for e in entries
                ]
        entries = self._entries(core, countries, context)
        if not entries:
            sounds = self._sounds(core, countries, context)
            if sounds:
                return [Candidate(e.place, 0.93, Method.PHONETIC, core) for e in sounds]
        if entries:
            return [
                Candidate(
                    e.place,
                    1.0 if e.official else 0.97,
                    Method.EXACT if e.official else Method.ALIAS,
                    core,
                )
                for e in entries
            ]
        words = core.split()
        # Sub-spans, longest first: "bria ippy" (a road) → "bria", "ippy"; a sentence → its place.
        cands: list[Candidate] = []
        if len(words) > 1:
            for size in range(min(len(words) - 1, 4), 0, -1):
                for start in range(len(words) - size + 1):
                    span = " ".join(words[start : start + size])
                    if size == 1 and (len(span) < 3 or span in STOPWORDS):
                        continue
                    if len(words) <= 3 and not self._rest_is_known(
                        words, start, size, countries, context
                    ):
                        continue  # "Sam Ouandja" is not "Ouandja": the other word is unexplained
                    for e in self._entries(span, countries, context):
                        share = len(span) / len(core)
                        cands.append(Candidate(e.place, 0.8 + 0.15 * share, Method.SUBSTRING, span))
                if cands:
                    return cands
        for name, ratio in self._fuzzy(core, countries, context):
            for e in self._entries(name, countries, context):
                cands.append(Candidate(e.place, ratio / 100.0, Method.FUZZY, name))
        if cands or len(words) == 1:
            return cands
        for size in range(min(len(words) - 1, 3), 0, -1):
            for start in range(len(words) - size + 1):
                span = " ".join(words[start : start + size])
                if len(span.replace(" ", "")) < 5 or span in STOPWORDS:
                    continue
                if len(words) <= 3 and not self._rest_is_known(
                    words, start, size, countries, context
                ):
                    continue
                for name, ratio in self._fuzzy(span, countries, context):
                    for e in self._entries(name, countries, context):
                        cands.append(Candidate(e.place, 0.9 * ratio / 100.0, Method.FUZZY, name))
            if cands:
                return cands
        return cands

    def _decide(
        self,
        text: str,
        mention: Mention,
        cands: list[Candidate],
        hint_paths: list[str],
        areas: tuple[str, ...],
        lat: float | None,
        lon: float | None,
        limit: int,
    ) -> Resolution:
        places = self.index.places
        best_per_place: dict[int, Candidate] = {}
        for c in cands:
            if c.place not in best_per_place or c.score > best_per_place[c.place].score:
                best_per_place[c.place] = c
        pool = list(best_per_place.values())
        # A town known only by its country (no polygons there) named like an admin unit is taken
        # as that unit's seat: "Bunia" is the town, inside the unit Bunia (e.g. DRC, where the
        # gazetteer has P-codes but no boundaries).
        # Linear in the pool: homonym pools can hold thousands ("II", "Centre") and only the few
        # admin-unit candidates need comparing with the rest.
        admins = [c for c in pool if places[c.place].type == "admin_unit"]
        if admins:
            seats: set[int] = set()
            for c in pool:
                p = places[c.place]
                if p.type != "locality" or p.path != f"/{p.country}/":
                    continue
                homonyms = [
                    o
                    for o in admins
                    if o.matched == c.matched
                    and places[o.place].country == p.country
                    and places[o.place].level > 0
                    and (
                        places[o.place].lat is None
                        or p.lat is None
                        or distance_km(p.lat, p.lon, places[o.place].lat, places[o.place].lon) <= 60  # type: ignore[arg-type]
                    )
                ]
                if homonyms:
                    seat = max(homonyms, key=lambda o: places[o.place].level)
                    c.seat = seat.place
                    seats.update(o.place for o in homonyms)
            pool = [c for c in pool if c.place not in seats]
            # A place containing another candidate of the same name gives way to the more precise
            # one. Among inexact matches (sound key, fuzzy) "the same name" is any name the text
            # resembles: "Bossemptele" is near both the sub-prefecture Bossemtélé and the town
            # "Bossemtele I" inside it, and the two corroborate each other, so the town answers.
            contained = {
                c.place
                for c in admins
                if c.place not in seats
                and any(
                    o is not c
                    and (o.matched == c.matched or (c.method in INEXACT and o.method in INEXACT))
                    and places[o.place].path.startswith(places[c.place].path)
                    and (
                        places[o.place].type == "locality"
                        or places[o.place].level > places[c.place].level
                    )
                    for o in pool
                )
            }
            pool = [c for c in pool if c.place not in contained]
        for c in pool:
            p = places[c.place]
            path = c.path(places)
            if hint_paths and any(path.startswith(h) for h in hint_paths):
                c.bonus += 2.0
            if areas and any(path.startswith(a) for a in areas):
                c.bonus += 1.0
            if lat is not None and lon is not None and p.lat is not None and p.lon is not None:
                c.distance_km = distance_km(lat, lon, p.lat, p.lon)
        if lat is not None and lon is not None:
            pool.sort(
                key=lambda c: (
                    -round(c.score, 2),
                    -c.bonus,
                    c.distance_km if c.distance_km is not None else 1e9,
                )
            )
        else:
            pool.sort(key=lambda c: (-round(c.score, 2), -c.bonus, -places[c.place].weight))
        top = pool[0]
        score = top.score
        ambiguous = False
        if len(pool) > 1:
            second = pool[1]
            tied = round(second.score, 2) == round(top.score, 2) and second.bonus == top.bonus
            if tied and top.distance_km is None:
                ambiguous = True
                score *= AMBIGUITY_FACTOR
        if hint_paths and top.bonus < 2.0:
            score *= 0.9  # the place found is not inside the admin unit the text names
        if (
            top.method in (Method.FUZZY, Method.SUBSTRING)
            and places[top.place].type == "admin_unit"
        ):
            # A misspelt village is more often another village than the commune it resembles.
            score = score if score >= ADMIN_FUZZY_MIN else 0.0
        res = Resolution(query=text, status="resolved", near=mention.near)
        if score < MIN_SCORE:
            res.status = "unknown"
            res.candidates = [(places[c.place], c.score) for c in pool[:limit]]
            return res
        self._fill(
            res, places[top.place], top.method, score, top.matched, mention.near, seat=top.seat
        )
        res.ambiguous = ambiguous
        res.candidates = [(places[c.place], c.score) for c in pool[:limit]]
        return res

    def _fallback(
        self,
        text: str,
        mention: Mention,
        countries: list[str],
        hint_paths: list[str],
        lat: float | None,
        lon: float | None,
    ) -> Resolution:
        res = Resolution(query=text, status="unknown", near=mention.near)
        idx = self.index
        if lat is not None and lon is not None:
            country = countries[0] if len(countries) == 1 else None
            nearest = idx.nearest_locality(lat, lon, country, NEAREST_MAX_KM)
            if nearest is not None:
                place, dist = nearest
                self._fill(
                    res, idx.places[place], Method.NEAREST, max(0.6, 1 - dist / 10), "", dist > 1.0
                )
                return res
            if idx.spatial:
                pcode = idx.spatial.deepest(lat, lon)
                if pcode and pcode in idx.admin_by_pcode:
                    self._fill(
                        res,
                        idx.places[idx.admin_by_pcode[pcode]],
                        Method.GPS_CONTAINMENT,
                        0.9,
                        "",
                        False,
                    )
                    return res
        if hint_paths:
            deepest = max(hint_paths, key=len)
            pcode = deepest.rstrip("/").rsplit("/", 1)[-1]
            if pcode in idx.admin_by_pcode:
                # The village is unknown but its admin unit is named: attach the lowest known unit.
                self._fill(
                    res,
                    idx.places[idx.admin_by_pcode[pcode]],
                    Method.EXACT,
                    0.7,
                    normalise(pcode),
                    False,
                )
                res.matched = mention.hints[0] if mention.hints else ""
        return res

    def _fill(
        self,
        res: Resolution,
        place: Place,
        method: str,
        score: float,
        matched: str,
        near: bool,
        seat: int | None = None,
    ) -> None:
        res.status = "resolved"
        res.place = place
        res.method = method
        res.score = min(1.0, score)
        res.matched = matched
        res.precision = precision_of(place, near)
        res.point = (
            (place.lat, place.lon) if place.lat is not None and place.lon is not None else None
        )
        path = self.index.places[seat].path if seat is not None else place.path
        chain = [pc for pc in path.strip("/").split("/") if pc]
        if place.type == "admin_unit" and seat is None:
            chain = chain[:-1] if chain and chain[-1] == place.pcode else chain
        res.admin = [
            self.index.places[self.index.admin_by_pcode[pc]]
            for pc in chain
            if pc in self.index.admin_by_pcode
        ]
