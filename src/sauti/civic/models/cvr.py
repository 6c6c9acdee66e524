"""Community violence reduction projects, their beneficiaries by category and weapons collected."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sauti.civic import choices as c
from sauti.civic.models.organisations import split_codes


class CVRProject(models.Model):
    """A violence-reduction project for youth at risk, ex-combatants and their communities."""

    ref = models.CharField(_("reference"), max_length=40, unique=True)
    title = models.CharField(_("title"), max_length=250)
    implementing_partner = models.ForeignKey(
        "civic.Organisation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="cvr_projects",
    )
    admin_unit = models.ForeignKey(
        "places.AdminUnit",
        on_delete=models.PROTECT,
        related_name="civic_cvr_projects",
        verbose_name=_("area"),
    )
    budget = models.DecimalField(
        _("budget"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    currency = models.CharField(_("currency"), max_length=3, default="USD")
    start = models.DateField(_("start"), null=True, blank=True)
    end = models.DateField(_("end"), null=True, blank=True)
    lines = models.CharField(_("activity lines"), max_length=300, blank=True)
    target_beneficiaries = models.PositiveIntegerField(_("target beneficiaries"), default=0)
    target_women_share = models.PositiveSmallIntegerField(
        _("target share of women (%)"), default=30
    )
    status = models.CharField(
        _("status"), max_length=30, choices=c.CVRStatus.choices, default=c.CVRStatus.IDENTIFIED
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-start", "-id"]

    def __str__(self) -> str:
        return self.title

    @property
    def line_labels(self) -> list[str]:
        labels = dict(c.CVRLine.choices)
        return [str(labels.get(x, x)) for x in split_codes(self.lines)]


class BeneficiaryCount(models.Model):
    """How many beneficiaries of one category and sex a project enrolled (aggregate, no names)."""

    project = models.ForeignKey(CVRProject, on_delete=models.CASCADE, related_name="beneficiaries")
    category = models.CharField(max_length=40, choices=c.CVRCategory.choices)
    sex = models.CharField(max_length=10, choices=c.Sex.choices)
    count = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["project", "category", "sex"], name="civic_benef_cell")
        ]

    def __str__(self) -> str:
        return f"{self.category} {self.sex}: {self.count}"


class WeaponsCollection(models.Model):
    """Weapons, ammunition and explosives handed in on one day under a project."""

    project = models.ForeignKey(CVRProject, on_delete=models.CASCADE, related_name="collections")
    collected_on = models.DateField(_("date"))
    weapons = models.JSONField(_("weapons by type"), default=dict)
    ammunition_rounds = models.PositiveIntegerField(_("rounds of ammunition"), default=0)
    explosives = models.PositiveIntegerField(_("explosive items"), default=0)
    handed_to = models.CharField(_("handed to"), max_length=200, blank=True)

    class Meta:
        ordering = ["-collected_on", "-id"]

    def __str__(self) -> str:
        return f"{self.project.ref} {self.collected_on}"

    @property
    def weapons_total(self) -> int:
        return sum(int(v) for v in self.weapons.values())
