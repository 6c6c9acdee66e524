"""The gazetteer: P-coded administrative units (and, later, localities and alternate names)."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

PCODE_RE = re.compile(r"^[A-Z]{2,3}[0-9A-Z]*$")


def validate_pcode(value: str) -> None:
    if not PCODE_RE.match(value):
        raise ValidationError(_("%(value)s is not a P-code (e.g. CF52, CD5405)."), params={"value": value})


class AdminUnit(models.Model):
    """An administrative unit of a country (level 0 country … level 4), identified by its P-code."""

    pcode = models.CharField(max_length=20, unique=True, validators=[validate_pcode])
    level = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=200)
    name_en = models.CharField(max_length=200, blank=True)
    name_fr = models.CharField(max_length=200, blank=True)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    # Materialised path of P-codes from the country down, e.g. "/CF/CF52/CF521/". Area-scope checks
    # are a prefix test on this column, so "inside" needs no recursive query.
    path = models.CharField(max_length=255, db_index=True, editable=False)
    country_iso2 = models.CharField(max_length=2, db_index=True)
    centroid_lat = models.FloatField(null=True, blank=True)
    centroid_lon = models.FloatField(null=True, blank=True)
    source = models.CharField(max_length=200, blank=True)
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["path"]
        indexes = [models.Index(fields=["country_iso2", "level"], name="adminunit_country_level")]

    def __str__(self) -> str:
        return f"{self.name} ({self.pcode})"

    def compute_path(self) -> str:
        prefix = self.parent.path if self.parent_id and self.parent else "/"
        return f"{prefix}{self.pcode}/"

    def save(self, *args: object, **kwargs: object) -> None:
        self.path = self.compute_path()
        if not self.country_iso2:
            self.country_iso2 = self.pcode[:2]
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def contains(self, other: AdminUnit) -> bool:
        return other.path.startswith(self.path)
