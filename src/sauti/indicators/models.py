"""Indicators of the results framework (domain.md §3.8, §11): definitions, targets and the values
computed on a schedule. Values are stored per snapshot with the definition version they were
computed under, so a later change of a definition never rewrites what was reported."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Range(models.TextChoices):
    """The three ranges of intervention of the DPO paper (mission.md)."""

    RANGE_A = "RANGE_A", _("(a) community mechanisms against threats")
    RANGE_B = "RANGE_B", _("(b) inclusive processes on root grievances")
    RANGE_C = "RANGE_C", _("(c) dialogue between state and population")


class Unit(models.TextChoices):
    COUNT = "COUNT", _("count")
    PERCENT = "PERCENT", _("percent")
    MINUTES = "MINUTES", _("minutes")
    SCORE = "SCORE", _("score")


class IndicatorDefinition(models.Model):
    """One indicator of the mission's results framework, computed by a registered function."""

    code = models.CharField(max_length=60, unique=True)
    name_en = models.CharField(max_length=200)
    name_fr = models.CharField(max_length=200)
    range = models.CharField(max_length=10, choices=Range.choices)
    framework = models.CharField(max_length=30, default="CPAS")
    unit = models.CharField(max_length=10, choices=Unit.choices)
    disaggregations = models.JSONField(default=list, blank=True)
    frequency = models.CharField(max_length=10, default="MONTH")
    owner = models.CharField(max_length=60, blank=True)
    description = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["range", "code"]

    def __str__(self) -> str:
        return self.code

    def name(self, language: str) -> str:
        return self.name_fr if language.startswith("fr") else self.name_en


class IndicatorTarget(models.Model):
    """The baseline and the target of an indicator for one period and area."""

    definition = models.ForeignKey(
        IndicatorDefinition, on_delete=models.CASCADE, related_name="targets"
    )
    period = models.CharField(max_length=10)
    area = models.ForeignKey("places.AdminUnit", on_delete=models.PROTECT, related_name="+")
    baseline = models.FloatField(null=True, blank=True)
    target = models.FloatField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["definition", "period", "area"], name="indicator_target_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.definition_id} {self.period} {self.area_id}"


class IndicatorSnapshot(models.Model):
    """One computation of one indicator for one period and area, as it was reported."""

    definition = models.ForeignKey(
        IndicatorDefinition, on_delete=models.PROTECT, related_name="snapshots"
    )
    definition_version = models.PositiveIntegerField()
    period = models.CharField(max_length=10)
    period_start = models.DateField()
    period_end = models.DateField()
    area = models.ForeignKey("places.AdminUnit", on_delete=models.PROTECT, related_name="+")
    computed_at = models.DateTimeField(default=timezone.now)
    current = models.BooleanField(default=True)

    class Meta:
        indexes = [
            models.Index(fields=["definition", "period", "area"], name="indicator_snapshot_key")
        ]

    def __str__(self) -> str:
        return f"{self.definition_id} {self.period} {self.area_id}"


class IndicatorValue(models.Model):
    """One cell of a snapshot: the total (empty key) or a disaggregation such as ``sex=F``."""

    snapshot = models.ForeignKey(IndicatorSnapshot, on_delete=models.CASCADE, related_name="values")
    disaggregation_key = models.CharField(max_length=120, blank=True)
    value = models.FloatField(null=True)
    n = models.PositiveIntegerField(null=True)
    suppressed = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"{self.disaggregation_key or 'total'}={self.value}"
