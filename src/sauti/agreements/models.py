"""Peace agreements, their provisions and the implementation reports coded on them (domain.md §3.7)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AgreementStatus(models.TextChoices):
    MULTIPARTY_SIGNED = "MULTIPARTY_SIGNED", _("Signed by several parties")
    UNILATERAL = "UNILATERAL", _("Unilateral")
    DRAFT = "DRAFT", _("Draft")
    INITIALLED = "INITIALLED", _("Initialled")


class Level(models.TextChoices):
    INTERSTATE = "INTERSTATE", _("Interstate")
    INTRASTATE = "INTRASTATE", _("Intrastate (national)")
    INTRASTATE_LOCAL = "INTRASTATE_LOCAL", _("Local")


class Stage(models.TextChoices):
    PRE_NEGOTIATION = "PRE_NEGOTIATION", _("Pre-negotiation")
    CEASEFIRE = "CEASEFIRE", _("Ceasefire")
    FRAMEWORK_PARTIAL = "FRAMEWORK_PARTIAL", _("Framework (partial)")
    FRAMEWORK_COMPREHENSIVE = "FRAMEWORK_COMPREHENSIVE", _("Framework (comprehensive)")
    IMPLEMENTATION_RENEGOTIATION = (
        "IMPLEMENTATION_RENEGOTIATION",
        _("Implementation / renegotiation"),
    )
    OTHER = "OTHER", _("Other")


class ConflictNature(models.TextChoices):
    GOVERNMENT = "GOVERNMENT", _("Government")
    TERRITORY = "TERRITORY", _("Territory")
    INTER_GROUP = "INTER_GROUP", _("Inter-group")
    GOVERNMENT_TERRITORY = "GOVERNMENT_TERRITORY", _("Government and territory")


# PA-X style substantive tags (§7.15): each agreement records yes/no and a page reference.
SUBSTANTIVE_TAGS: list[tuple[str, Any]] = [
    ("children_youth", _("Children / youth")),
    ("disabled", _("Persons with disabilities")),
    ("elderly", _("Elderly")),
    ("migrants", _("Migrants")),
    ("ethnic_groups", _("Ethnic groups")),
    ("religious_groups", _("Religious groups")),
    ("refugees_idps", _("Refugees / IDPs")),
    ("women_gender", _("Women / gender")),
    ("ceasefire", _("Ceasefire")),
    ("ddr", _("DDR")),
    ("free_movement", _("Free movement")),
    ("land", _("Land")),
    ("natural_resources", _("Natural resources")),
    ("transhumance", _("Transhumance")),
    ("justice", _("Justice")),
    ("reconciliation", _("Reconciliation")),
    ("state_authority", _("State authority")),
]


class ProvisionTheme(models.TextChoices):
    POLITICAL_INSTITUTIONAL = "POLITICAL_INSTITUTIONAL", _("Political and institutional")
    DEFENCE_SECURITY = "DEFENCE_SECURITY", _("Defence and security")
    ECONOMIC_SOCIAL_CULTURAL_DEVELOPMENT = (
        "ECONOMIC_SOCIAL_CULTURAL_DEVELOPMENT",
        _("Economic, social, cultural development"),
    )
    RECONCILIATION_JUSTICE_HUMANITARIAN = (
        "RECONCILIATION_JUSTICE_HUMANITARIAN",
        _("Reconciliation, justice, humanitarian"),
    )
    ELECTORAL = "ELECTORAL", _("Electoral")
    DECENTRALISATION = "DECENTRALISATION", _("Decentralisation")
    WOMEN_YOUTH_PARTICIPATION = "WOMEN_YOUTH_PARTICIPATION", _("Women and youth participation")
    MONITORING_VERIFICATION = "MONITORING_VERIFICATION", _("Monitoring and verification")
    OTHER = "OTHER", _("Other")


class Score(models.IntegerChoices):
    """Kroc/PAM ordinal scale of implementation."""

    NOT_INITIATED = 0, _("Not initiated")
    MINIMAL = 1, _("Minimal")
    INTERMEDIATE = 2, _("Intermediate")
    COMPLETE = 3, _("Complete")


class SourceKind(models.TextChoices):
    OBSERVATORY = "OBSERVATORY", _("Observatory")
    MONITORING_COMMITTEE = "MONITORING_COMMITTEE", _("Monitoring committee")
    MISSION = "MISSION", _("Mission")
    INDEPENDENT_OBSERVER = "INDEPENDENT_OBSERVER", _("Independent observer")
    GOVERNMENT = "GOVERNMENT", _("Government")
    MEDIA = "MEDIA", _("Media")
    OTHER = "OTHER", _("Other")


class ReportStatus(models.TextChoices):
    CODED = "CODED", _("Coded")
    REVIEWED = "REVIEWED", _("Reviewed")
    PUBLISHED = "PUBLISHED", _("Published")


REPORT_TRANSITIONS: dict[str, set[str]] = {
    "CODED": {"REVIEWED"},
    "REVIEWED": {"PUBLISHED", "CODED"},
    "PUBLISHED": set(),
}


class Agreement(models.Model):
    """A national or local peace agreement described with PA-X descriptors."""

    name = models.CharField(_("name"), max_length=300)
    short_name = models.CharField(_("short name"), max_length=60, unique=True)
    agreement_status = models.CharField(
        _("status"),
        max_length=20,
        choices=AgreementStatus.choices,
        default=AgreementStatus.MULTIPARTY_SIGNED,
    )
    interim = models.BooleanField(_("interim"), default=False)
    level = models.CharField(
        _("level"), max_length=20, choices=Level.choices, default=Level.INTRASTATE
    )
    stage = models.CharField(
        _("stage"), max_length=30, choices=Stage.choices, default=Stage.FRAMEWORK_COMPREHENSIVE
    )
    conflict_nature = models.CharField(
        _("conflict nature"),
        max_length=30,
        choices=ConflictNature.choices,
        default=ConflictNature.GOVERNMENT,
    )
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    # Scope: the country's unit for a national agreement, the area for a local pact.
    admin_unit = models.ForeignKey(
        "places.AdminUnit",
        on_delete=models.PROTECT,
        related_name="agreements",
        verbose_name=_("area"),
    )
    parties = models.CharField(_("parties"), max_length=500, blank=True)
    monitoring_bodies = models.CharField(_("monitoring bodies"), max_length=300, blank=True)
    tags = models.JSONField(_("substantive tags"), default=dict, blank=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="local_agreements"
    )
    dialogue = models.ForeignKey(
        "civic.DialogueProcess",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="local_agreements",
    )
    observatories = models.ManyToManyField("civic.Network", blank=True, related_name="agreements")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-signed_on", "id"]

    def __str__(self) -> str:
        return self.short_name

    @property
    def tag_rows(self) -> list[tuple[str, bool, str]]:
        out = []
        for key, label in SUBSTANTIVE_TAGS:
            value = self.tags.get(key)
            if value:
                out.append((str(label), True, str(value) if value is not True else ""))
        return out


class Provision(models.Model):
    """One stipulation of an agreement, under a theme, that implementation is coded against."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="provisions")
    article_ref = models.CharField(_("article"), max_length=40)
    text_excerpt = models.CharField(_("text (short)"), max_length=500)
    theme = models.CharField(_("theme"), max_length=40, choices=ProvisionTheme.choices)
    subtheme = models.CharField(_("sub-theme"), max_length=120, blank=True)
    responsible_parties = models.CharField(_("responsible parties"), max_length=300, blank=True)
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    is_measurable = models.BooleanField(_("measurable"), default=True)

    class Meta:
        ordering = ["agreement", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "article_ref"], name="agreements_provision_ref"
            )
        ]

    def __str__(self) -> str:
        return f"{self.agreement.short_name} {self.article_ref}"


class ImplementationReport(models.Model):
    """The implementation level of one provision in one region for one period, with its evidence."""

    provision = models.ForeignKey(Provision, on_delete=models.CASCADE, related_name="reports")
    admin_unit = models.ForeignKey(
        "places.AdminUnit",
        on_delete=models.PROTECT,
        related_name="implementation_reports",
        verbose_name=_("region"),
    )
    period = models.DateField(_("period (first day)"))
    score = models.PositiveSmallIntegerField(
        _("score"), choices=Score.choices, null=True, blank=True
    )
    unverifiable = models.BooleanField(_("unverifiable"), default=False)
    evidence = models.TextField(_("evidence"), blank=True)
    source_kind = models.CharField(_("source"), max_length=30, choices=SourceKind.choices)
    observatory = models.ForeignKey(
        "civic.Network",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="implementation_reports",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=ReportStatus.choices, default=ReportStatus.CODED
    )
    coder = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-period", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["provision", "admin_unit", "period"], name="agreements_report_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.provision} {self.admin_unit.pcode} {self.period:%Y-%m}"
