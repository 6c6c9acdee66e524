"""Dialogue processes between communities, and the commitments made there with their follow-up."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sauti.civic import choices as c


class DialogueProcess(models.Model):
    """A dialogue between named communities (e.g. Hema–Lendu in Djugu) across several sessions."""

    title = models.CharField(_("title"), max_length=250)
    parties = models.CharField(_("parties (communities or groups, separated by ;)"), max_length=300)
    admin_unit = models.ForeignKey(
        "places.AdminUnit",
        on_delete=models.PROTECT,
        related_name="civic_dialogues",
        verbose_name=_("area"),
    )
    facilitators = models.CharField(_("facilitators"), max_length=250, blank=True)
    stage = models.CharField(
        _("stage"), max_length=20, choices=c.DialogueStage.choices, default=c.DialogueStage.SCOPING
    )
    stage_reason = models.CharField(_("reason for the stage"), max_length=300, blank=True)
    grievances = models.TextField(_("grievances raised"), blank=True)
    started_on = models.DateField(_("started on"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title

    @property
    def party_list(self) -> list[str]:
        return [p.strip() for p in self.parties.split(";") if p.strip()]


class Commitment(models.Model):
    """Something a party promised (who, what, by when), followed up over time."""

    process = models.ForeignKey(
        DialogueProcess, on_delete=models.CASCADE, related_name="commitments"
    )
    session = models.ForeignKey(
        "civic.Activity",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="commitments",
    )
    owner_party = models.CharField(_("who"), max_length=120)
    text = models.CharField(_("what"), max_length=500)
    due = models.DateField(_("by when"), null=True, blank=True)
    indicator = models.CharField(_("indicator"), max_length=200, blank=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=c.CommitmentStatus.choices,
        default=c.CommitmentStatus.NOT_STARTED,
    )
    evidence = models.CharField(_("evidence"), max_length=500, blank=True)
    last_checked = models.DateField(_("last checked"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["due", "id"]

    def __str__(self) -> str:
        return f"{self.owner_party}: {self.text[:60]}"

    def effective_status(self, today: dt.date | None = None) -> str:
        """The stored status, or OVERDUE when still open past its due date (§7.14: computed)."""
        today = today or timezone.localdate()
        if self.status in c.OPEN_COMMITMENT and self.due and self.due < today:
            return c.CommitmentStatus.OVERDUE.value
        return self.status

    @property
    def effective_label(self) -> str:
        return str(dict(c.CommitmentStatus.choices)[self.effective_status()])


class CommitmentUpdate(models.Model):
    """One follow-up check of a commitment: the status found, when, by whom, with what evidence."""

    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="updates")
    previous_status = models.CharField(max_length=20, choices=c.CommitmentStatus.choices)
    status = models.CharField(max_length=20, choices=c.CommitmentStatus.choices)
    note = models.CharField(_("note"), max_length=500, blank=True)
    checked_on = models.DateField(_("checked on"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-checked_on", "-id"]

    def __str__(self) -> str:
        return f"{self.previous_status} -> {self.status} on {self.checked_on}"
