"""Activities (workshops, trainings, dialogue sessions …) and who took part, by aggregate or list."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sauti.civic import choices as c


class Activity(models.Model):
    """One workshop, training, dialogue session, forum or sensitisation held (or planned) somewhere."""

    ref = models.CharField(_("reference"), max_length=40, unique=True)
    kind = models.CharField(_("kind"), max_length=40, choices=c.ActivityKind.choices)
    range = models.CharField(
        _("range of intervention"), max_length=10, choices=c.InterventionRange.choices
    )
    title = models.CharField(_("title"), max_length=250)
    admin_unit = models.ForeignKey(
        "places.AdminUnit",
        on_delete=models.PROTECT,
        related_name="civic_activities",
        verbose_name=_("area"),
    )
    start = models.DateField(_("start"))
    end = models.DateField(_("end"))
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=c.ActivityStatus.choices,
        default=c.ActivityStatus.PLANNED,
    )
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=200, blank=True)
    organiser = models.CharField(_("organiser (mission section)"), max_length=120, blank=True)
    partners = models.ManyToManyField("civic.Organisation", blank=True, related_name="activities")
    funding = models.CharField(
        _("funding"), max_length=20, choices=c.Funding.choices, default=c.Funding.BUDGET
    )
    budget = models.DecimalField(
        _("budget"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    currency = models.CharField(_("currency"), max_length=3, default="USD")
    topics = models.CharField(_("topics"), max_length=300, blank=True)
    outputs = models.TextField(_("outputs"), blank=True)
    dialogue = models.ForeignKey(
        "civic.DialogueProcess",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="sessions",
    )
    cvr_project = models.ForeignKey(
        "civic.CVRProject",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="activities",
    )
    # Aggregate participant figures (domain.md §10). When a named list exists they are recomputed
    # from it, so pages, API and exports always read the same numbers.
    participants_total = models.PositiveIntegerField(_("participants"), default=0)
    disability_yes = models.PositiveIntegerField(default=0)
    disability_no = models.PositiveIntegerField(default=0)
    disability_unknown = models.PositiveIntegerField(default=0)
    has_list = models.BooleanField(_("named list"), default=False)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-start", "-id"]
        verbose_name_plural = "activities"
        indexes = [models.Index(fields=["admin_unit", "start"], name="civic_activity_unit_start")]

    def __str__(self) -> str:
        return f"{self.ref} {self.title}"


class ParticipantCount(models.Model):
    """Number of participants of one sex and age band at an activity (the aggregate grid)."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="counts")
    sex = models.CharField(max_length=10, choices=c.Sex.choices)
    age_band = models.CharField(max_length=10, choices=c.AgeBand.choices)
    count = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["activity", "sex", "age_band"], name="civic_count_cell")
        ]

    def __str__(self) -> str:
        return f"{self.sex} {self.age_band}: {self.count}"


class RoleCount(models.Model):
    """Of the participants, how many of one sex held a role (chiefs, women leaders, youth …)."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="role_counts")
    role = models.CharField(max_length=20, choices=c.ParticipantRole.choices)
    sex = models.CharField(max_length=10, choices=c.Sex.choices)
    count = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["activity", "role", "sex"], name="civic_rolecount_cell")
        ]

    def __str__(self) -> str:
        return f"{self.role} {self.sex}: {self.count}"


class Participant(models.Model):
    """A named participant (only when a list is needed, e.g. certificates); name sealed (DP-1 SC)."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="participants")
    name_sealed = models.TextField()
    person_hash = models.CharField(max_length=64, db_index=True)
    sex = models.CharField(_("sex"), max_length=10, choices=c.Sex.choices, default=c.Sex.UNKNOWN)
    age_band = models.CharField(
        _("age band"), max_length=10, choices=c.AgeBand.choices, default=c.AgeBand.UNKNOWN
    )
    birth_year = models.PositiveSmallIntegerField(_("birth year"), null=True, blank=True)
    wg_seeing = models.CharField(max_length=20, choices=c.WGAnswer.choices, blank=True)
    wg_hearing = models.CharField(max_length=20, choices=c.WGAnswer.choices, blank=True)
    wg_walking = models.CharField(max_length=20, choices=c.WGAnswer.choices, blank=True)
    wg_cognition = models.CharField(max_length=20, choices=c.WGAnswer.choices, blank=True)
    wg_selfcare = models.CharField(max_length=20, choices=c.WGAnswer.choices, blank=True)
    wg_communication = models.CharField(max_length=20, choices=c.WGAnswer.choices, blank=True)
    disability = models.CharField(
        _("disability"), max_length=10, choices=c.Disability.choices, default=c.Disability.UNKNOWN
    )
    role = models.CharField(
        _("role"), max_length=20, choices=c.ParticipantRole.choices, default=c.ParticipantRole.OTHER
    )
    organisation = models.ForeignKey(
        "civic.Organisation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="participations",
    )
    authority = models.ForeignKey(
        "civic.TraditionalAuthority",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="participations",
    )
    # Group label only for inter-community dialogue and only with consent (domain.md §10).
    community = models.CharField(_("community"), max_length=80, blank=True)
    consent = models.BooleanField(_("consent recorded"), default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"participant #{self.pk}"
