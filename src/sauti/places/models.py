"""The gazetteer: P-coded administrative units, localities and their alternate names (domain.md §3.1)."""

from __future__ import annotations

import re
import uuid

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

PCODE_RE = re.compile(r"^[A-Z]{2,3}[0-9A-Z]*$")


def validate_pcode(value: str) -> None:
    if not PCODE_RE.match(value):
        raise ValidationError(
            _("%(value)s is not a P-code (e.g. CF52, CD5405)."), params={"value": value}
        )


class AdminUnit(models.Model):
    """An administrative unit of a country (level 0 country … level 4), identified by its P-code."""

    pcode = models.CharField(max_length=20, unique=True, validators=[validate_pcode])
    level = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=200)
    name_en = models.CharField(max_length=200, blank=True)
    name_fr = models.CharField(max_length=200, blank=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    # Materialised path of P-codes from the country down, e.g. "/CF/CF52/CF521/". Area-scope checks
    # are a prefix test on this column, so "inside" needs no recursive query.
    path = models.CharField(max_length=255, db_index=True, editable=False)
    country_iso2 = models.CharField(max_length=2, db_index=True)
    centroid_lat = models.FloatField(null=True, blank=True)
    centroid_lon = models.FloatField(null=True, blank=True)
    source = models.CharField(max_length=200, blank=True)
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)
    # Simplified boundary as a GeoJSON geometry (Polygon/MultiPolygon, WGS84, ~50 m tolerance):
    # small enough to send to an offline map, precise enough for point-in-polygon.
    geometry = models.TextField(blank=True, default="")
    area_sqkm = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["path"]
        indexes = [models.Index(fields=["country_iso2", "level"], name="adminunit_country_level")]

    def __str__(self) -> str:
        return f"{self.name} ({self.pcode})"

    def save(self, *args: object, **kwargs: object) -> None:
        self.path = self.compute_path()
        if not self.country_iso2:
            self.country_iso2 = self.pcode[:2]
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def compute_path(self) -> str:
        prefix = self.parent.path if self.parent_id and self.parent else "/"
        return f"{prefix}{self.pcode}/"

    def contains(self, other: AdminUnit) -> bool:
        return other.path.startswith(self.path)


class LocalityKind(models.TextChoices):
    VILLAGE = "VILLAGE", _("Village")
    QUARTIER = "QUARTIER", _("Quartier")
    TOWN = "TOWN", _("Town")
    IDP_SITE = "IDP_SITE", _("IDP site")
    CAMP = "CAMP", _("Camp")
    MARKET = "MARKET", _("Market")
    MINING_SITE = "MINING_SITE", _("Mining site")
    CHECKPOINT = "CHECKPOINT", _("Checkpoint")
    BASE = "BASE", _("Base")
    OTHER = "OTHER", _("Other")


class CoordSource(models.TextChoices):
    GPS_FIELD = "GPS_FIELD", _("GPS in the field")
    RGC = "RGC", _("Common geographic reference (RGC)")
    OSM = "OSM", _("OpenStreetMap")
    GEONAMES = "GEONAMES", _("GeoNames")
    DIGITISED = "DIGITISED", _("Digitised from a map")
    ESTIMATED = "ESTIMATED", _("Estimated")


class LocalityStatus(models.TextChoices):
    CANDIDATE = "CANDIDATE", _("Candidate")
    VERIFIED = "VERIFIED", _("Verified")
    MERGED = "MERGED", _("Merged")
    RETIRED = "RETIRED", _("Retired")


class Locality(models.Model):
    """A named place below the admin units: village, quartier, town, camp, market, mine site…"""

    code = models.CharField(
        max_length=60, unique=True, help_text=_("Source-prefixed code, e.g. GN:237379.")
    )
    name = models.CharField(max_length=200)
    kind = models.CharField(
        max_length=20, choices=LocalityKind.choices, default=LocalityKind.VILLAGE
    )
    admin_unit = models.ForeignKey(
        AdminUnit, null=True, blank=True, on_delete=models.PROTECT, related_name="localities"
    )
    country_iso2 = models.CharField(max_length=2, db_index=True)
    lat = models.FloatField(null=True, blank=True)
    lon = models.FloatField(null=True, blank=True)
    coord_source = models.CharField(max_length=20, choices=CoordSource.choices, blank=True)
    coord_precision_m = models.PositiveIntegerField(null=True, blank=True)
    population = models.PositiveIntegerField(null=True, blank=True)
    status = models.CharField(
        max_length=12, choices=LocalityStatus.choices, default=LocalityStatus.VERIFIED
    )
    merged_into = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL)
    source = models.CharField(max_length=200, blank=True)
    licence = models.CharField(max_length=60, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "localities"
        indexes = [models.Index(fields=["country_iso2", "name"], name="locality_country_name")]

    def __str__(self) -> str:
        return self.name


class PlaceNameKind(models.TextChoices):
    OFFICIAL = "OFFICIAL", _("Official")
    VARIANT_SPELLING = "VARIANT_SPELLING", _("Variant spelling")
    LOCAL_NAME = "LOCAL_NAME", _("Local name")
    OLD_NAME = "OLD_NAME", _("Old name")
    ABBREVIATION = "ABBREVIATION", _("Abbreviation")
    MISSPELLING_SEEN = "MISSPELLING_SEEN", _("Misspelling seen")


class PlaceName(models.Model):
    """Another name of a locality or admin unit (a spelling, a local or old name, a learnt misspelling)."""

    locality = models.ForeignKey(
        Locality, null=True, blank=True, on_delete=models.CASCADE, related_name="names"
    )
    admin_unit = models.ForeignKey(
        AdminUnit, null=True, blank=True, on_delete=models.CASCADE, related_name="names"
    )
    name = models.CharField(max_length=200)
    normalised = models.CharField(max_length=200, db_index=True)
    language = models.CharField(max_length=8, blank=True)
    kind = models.CharField(
        max_length=20, choices=PlaceNameKind.choices, default=PlaceNameKind.VARIANT_SPELLING
    )
    source = models.CharField(max_length=200, blank=True)
    count_seen = models.PositiveIntegerField(default=0)
    # When set, the name only means this place inside that area (a CLA's correction in Bria says
    # nothing about a homonym elsewhere).
    area = models.ForeignKey(
        AdminUnit, null=True, blank=True, on_delete=models.CASCADE, related_name="scoped_names"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["normalised"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(locality__isnull=False, admin_unit__isnull=True)
                | models.Q(locality__isnull=True, admin_unit__isnull=False),
                name="placename_one_target",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class GazetteerState(models.Model):
    """A single row whose token changes whenever the gazetteer changes, so that every process
    rebuilds its in-memory resolver index (see ``places.resolver.index_current``)."""

    token = models.CharField(max_length=36, default="")
    changed_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.token

    @classmethod
    def bump(cls) -> str:
        token = str(uuid.uuid4())
        cls.objects.update_or_create(pk=1, defaults={"token": token})
        return token
