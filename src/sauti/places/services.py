"""Writes to the gazetteer. Each write bumps the gazetteer token so resolvers rebuild their index."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from sauti.places.models import AdminUnit, GazetteerState, Locality, PlaceName, PlaceNameKind
from sauti.places.normalise import normalise


class PlaceError(ValueError):
    """A gazetteer write was refused; the message says why."""


def gazetteer_changed() -> None:
    """Tell every process's resolver to rebuild (called after each write, once per import)."""
    GazetteerState.bump()
    from sauti.places.resolver import index_invalidate

    index_invalidate()


def admin_unit_upsert(
    pcode: str,
    name: str,
    level: int,
    parent_pcode: str | None = None,
    *,
    lat: float | None = None,
    lon: float | None = None,
    source: str = "",
    notify: bool = True,
) -> AdminUnit:
    """Create or update an admin unit by P-code; the parent must exist already."""
    parent = AdminUnit.objects.get(pcode=parent_pcode) if parent_pcode else None
    unit, _created = AdminUnit.objects.update_or_create(
        pcode=pcode,
        defaults={
            "name": name,
            "level": level,
            "parent": parent,
            "centroid_lat": lat,
            "centroid_lon": lon,
            "source": source,
            "country_iso2": pcode[:2],
        },
    )
    if notify:
        gazetteer_changed()
    return unit


def place_name_add(
    target: Locality | AdminUnit,
    name: str,
    *,
    kind: str = PlaceNameKind.VARIANT_SPELLING,
    language: str = "",
    source: str = "",
    area: AdminUnit | None = None,
    seen: int = 0,
) -> tuple[PlaceName | None, bool]:
    """Add an alternate name unless the place already answers to it; returns (name, created)."""
    key = normalise(name)
    if not key:
        return None, False
    field = "locality" if isinstance(target, Locality) else "admin_unit"
    existing = PlaceName.objects.filter(**{field: target}, normalised=key, area=area).first()
    if existing is not None:
        if seen:
            existing.count_seen += seen
            existing.save(update_fields=["count_seen"])
        return existing, False
    pn = PlaceName.objects.create(
        **{field: target},
        name=name[:200],
        normalised=key[:200],
        kind=kind,
        language=language,
        source=source[:200],
        area=area,
        count_seen=seen,
    )
    return pn, True


@transaction.atomic
def place_correction_record(
    *,
    actor: Any,
    text: str,
    locality: Locality | None = None,
    admin_unit: AdminUnit | None = None,
    area: AdminUnit | None = None,
    request: Any = None,
) -> PlaceName:
    """A CLA says "this text meant that place": remember the text as a name of the place, limited to
    ``area`` (by default the place's own admin unit), so the resolver learns it for that area only."""
    from sauti.accounts import access, audit

    access.require(actor, "places.edit")
    target: Locality | AdminUnit | None = locality or admin_unit
    if target is None or (locality is not None and admin_unit is not None):
        raise PlaceError(_("Give exactly one place: a locality or an admin unit."))
    key = normalise(text)
    if not key or len(text) > 200:
        raise PlaceError(
            _("The corrected text must be 1–200 characters with at least one letter or digit.")
        )
    if area is None:
        area = locality.admin_unit if locality is not None else admin_unit
    if area is not None and not access.in_scope(actor, area.path):
        raise PlaceError(_("You can only teach names inside your own areas."))
    pn, created = place_name_add(
        target,
        text.strip(),
        kind=PlaceNameKind.MISSPELLING_SEEN,
        source="correction",
        area=area,
        seen=1,
    )
    assert pn is not None
    audit.record(
        "places.correction",
        actor=actor,
        obj=pn,
        summary=f"place name learnt for {target}"
        if created
        else f"place name seen again for {target}",
        details={
            "place_type": type(target).__name__.lower(),
            "place_id": target.pk,
            "area": area.pcode if area else "",
        },
        request=request,
    )
    gazetteer_changed()
    return pn


def localities_assign_admin(*, only_missing: bool = True) -> int:
    """Put localities with coordinates into the deepest admin unit whose polygon contains them;
    returns how many changed. Units without polygons are skipped (nothing to test against)."""
    from sauti.places.spatial import AdminSpatialIndex

    geoms = AdminUnit.objects.exclude(geometry="").values_list("pcode", "level", "geometry")
    spatial = AdminSpatialIndex(geoms)
    if not spatial:
        return 0
    unit_ids = dict(AdminUnit.objects.values_list("pcode", "id"))
    qs = Locality.objects.filter(lat__isnull=False, lon__isnull=False)
    if only_missing:
        qs = qs.filter(admin_unit__isnull=True) | qs.filter(admin_unit__level=0)
    changed = []
    for loc in qs.only("id", "lat", "lon", "admin_unit_id"):
        pcode = spatial.deepest(loc.lat, loc.lon)  # type: ignore[arg-type]
        if pcode and unit_ids.get(pcode) != loc.admin_unit_id:
            loc.admin_unit_id = unit_ids[pcode]
            changed.append(loc)
    Locality.objects.bulk_update(changed, ["admin_unit"], batch_size=1000)
    return len(changed)
