"""The place resolver: free text (and optional coordinates) → a P-coded place with a confidence.

The index is built once per process from the database and rebuilt when the gazetteer's token
(``GazetteerState``) changes — every write service bumps it — so all web and worker processes
pick up an import or a CLA's correction on their next resolution, at the cost of one primary-key
read per call.
"""

from __future__ import annotations

import threading

from sauti.places.resolver.engine import Method, Resolution, Resolver
from sauti.places.resolver.index import LOCALITY_LEVEL, Index, Place

__all__ = [
    "Index",
    "Method",
    "Place",
    "Resolution",
    "Resolver",
    "index_current",
    "index_invalidate",
    "resolve",
]

_lock = threading.Lock()
_current: Resolver | None = None


def _token() -> str:
    from sauti.places.models import GazetteerState

    return GazetteerState.objects.filter(pk=1).values_list("token", flat=True).first() or ""


def index_build(token: str = "") -> Index:
    """Read the whole gazetteer into an ``Index`` (≈1 s per 100,000 localities)."""
    from sauti.places.models import AdminUnit, Locality, LocalityStatus, PlaceName
    from sauti.places.spatial import AdminSpatialIndex

    places: list[Place] = []
    names: list[tuple[int, str, bool, str]] = []
    admin_pos: dict[int, int] = {}
    admin_path: dict[int, str] = {}
    geoms: list[tuple[str, int, str]] = []
    units = AdminUnit.objects.filter(valid_to__isnull=True).values_list(
        "id",
        "pcode",
        "name",
        "name_en",
        "name_fr",
        "level",
        "centroid_lat",
        "centroid_lon",
        "country_iso2",
        "path",
        "geometry",
    )
    for (
        uid,
        pcode,
        name,
        name_en,
        name_fr,
        level,
        lat,
        lon,
        country,
        path,
        geometry,
    ) in units.iterator(chunk_size=2000):
        admin_pos[uid] = len(places)
        admin_path[uid] = path
        places.append(Place("admin_unit", uid, name, pcode, level, lat, lon, country, path))
        for n in {name, name_en, name_fr} - {""}:
            names.append((admin_pos[uid], n, True, ""))
        if geometry:
            geoms.append((pcode, level, geometry))
    pcode_of = {uid: places[pos].pcode for uid, pos in admin_pos.items()}
    loc_pos: dict[int, int] = {}
    localities = Locality.objects.exclude(
        status__in=[LocalityStatus.MERGED, LocalityStatus.RETIRED]
    ).values_list("id", "name", "kind", "admin_unit_id", "lat", "lon", "country_iso2", "population")
    for lid, name, kind, admin_id, lat, lon, country, population in localities.iterator(
        chunk_size=5000
    ):
        loc_pos[lid] = len(places)
        places.append(
            Place(
                "locality",
                lid,
                name,
                pcode_of.get(admin_id, ""),
                LOCALITY_LEVEL,
                lat,
                lon,
                country,
                admin_path.get(admin_id, f"/{country}/"),
                kind,
                population or 0,
            )
        )
        names.append((loc_pos[lid], name, True, ""))
    scoped = PlaceName.objects.values_list("locality_id", "admin_unit_id", "name", "area__path")
    for locality_id, admin_id, name, area_path in scoped.iterator(chunk_size=5000):
        pos = loc_pos.get(locality_id) if locality_id else admin_pos.get(admin_id)
        if pos is not None:
            names.append((pos, name, False, area_path or ""))
    spatial = AdminSpatialIndex(geoms) if geoms else None
    return Index.build(places, names, spatial=spatial, token=token)


def index_current() -> Resolver:
    """The process's resolver, rebuilt if the gazetteer changed since it was built."""
    global _current
    token = _token()
    current = _current
    if current is not None and current.index.token == token:
        return current
    with _lock:
        if _current is None or _current.index.token != token:
            _current = Resolver(index_build(token))
        return _current


def index_invalidate() -> None:
    """Forget this process's index (other processes notice the new token on their own)."""
    global _current
    with _lock:
        _current = None


def resolve(
    text: str,
    *,
    country: str | None = None,
    lat: float | None = None,
    lon: float | None = None,
    areas: tuple[str, ...] | list[str] = (),
) -> Resolution:
    return index_current().resolve(text, country=country, lat=lat, lon=lon, areas=areas)
