"""Forms of the civic pages; validation of meaning stays in services, forms only parse input."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from sauti.civic import choices as c
from sauti.civic.services.activities import SEX_COLUMNS, AggregateInput, grid_column, role_column
from sauti.places.models import AdminUnit

DATE = forms.DateInput(attrs={"type": "date"})


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{'· ' * obj.level}{obj.name} ({obj.pcode})"


class ScopedForm(forms.Form):
    """A form with an ``admin_unit`` field limited to the user's areas."""

    def __init__(self, *args: Any, units: list[AdminUnit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["admin_unit"] = UnitChoiceField(
            queryset=AdminUnit.objects.filter(pk__in=[u.pk for u in units]), label=_("Area")
        )


class ActivityForm(ScopedForm):
    title = forms.CharField(label=_("Title"), max_length=250)
    kind = forms.ChoiceField(label=_("Kind"), choices=c.ActivityKind.choices)
    range = forms.ChoiceField(label=_("Range of intervention"), choices=c.InterventionRange.choices)
    start = forms.DateField(label=_("Start"), widget=DATE)
    end = forms.DateField(label=_("End"), widget=DATE, required=False)
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[
            (s, lbl) for s, lbl in c.ActivityStatus.choices if s in ("PLANNED", "HELD", "REPORTED")
        ],
    )
    organiser = forms.CharField(
        label=_("Organiser (mission section)"), max_length=120, required=False
    )
    funding = forms.ChoiceField(label=_("Funding"), choices=c.Funding.choices)
    budget = forms.DecimalField(
        label=_("Budget (USD)"), required=False, min_value=0, max_digits=14, decimal_places=2
    )
    topics = forms.CharField(label=_("Topics"), max_length=300, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for sex in SEX_COLUMNS:
            for band in c.AgeBand.values:
                self.fields[grid_column(sex, band)] = forms.IntegerField(
                    min_value=0, required=False
                )
        for d in c.Disability.values:
            self.fields[f"disability_{d.lower()}"] = forms.IntegerField(min_value=0, required=False)
        for role in c.ParticipantRole.values:
            for sex in ("F", "M"):
                self.fields[role_column(role, sex)] = forms.IntegerField(
                    min_value=0, required=False
                )

    def aggregate(self) -> AggregateInput | None:
        values = {
            k: v
            for k, v in self.cleaned_data.items()
            if isinstance(v, int) and not isinstance(v, bool)
        }
        if not any(values.values()):
            return None
        return AggregateInput.from_columns(values)  # type: ignore[arg-type]

    def grid_rows(self) -> list[tuple[str, list[Any]]]:
        labels = dict(c.Sex.choices)
        return [
            (str(labels[s]), [self[grid_column(s, b)] for b in c.AgeBand.values])
            for s in SEX_COLUMNS
        ]

    def role_rows(self) -> list[tuple[str, Any, Any]]:
        return [
            (str(lbl), self[role_column(r, "F")], self[role_column(r, "M")])
            for r, lbl in c.ParticipantRole.choices
        ]

    def disability_fields(self) -> list[Any]:
        return [self[f"disability_{d.lower()}"] for d in c.Disability.values]


class DialogueForm(ScopedForm):
    title = forms.CharField(label=_("Title"), max_length=250)
    parties = forms.CharField(
        label=_("Parties (communities or groups, separated by ;)"), max_length=300
    )
    facilitators = forms.CharField(label=_("Facilitators"), max_length=250, required=False)
    started_on = forms.DateField(label=_("Started on"), widget=DATE, required=False)
    grievances = forms.CharField(
        label=_("Grievances raised"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


PEOPLE_ROWS = 6
COMMITMENT_ROWS = 3


class SessionForm(forms.Form):
    """A dialogue session with a short named list and the commitments made, in one form (no JS)."""

    title = forms.CharField(label=_("Session title"), max_length=250)
    start = forms.DateField(label=_("Date"), widget=DATE)
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[(k, lbl) for k, lbl in c.ActivityKind.choices if k in c.DIALOGUE_KINDS],
    )

    def __init__(self, *args: Any, parties: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        community_choices = [("", "—"), *[(p, p) for p in parties]]
        for i in range(PEOPLE_ROWS):
            self.fields[f"p{i}_name"] = forms.CharField(
                required=False, max_length=200, label=_("Name")
            )
            self.fields[f"p{i}_sex"] = forms.ChoiceField(
                choices=[("", "—"), *c.Sex.choices], required=False, label=_("Sex")
            )
            self.fields[f"p{i}_age_band"] = forms.ChoiceField(
                choices=c.AgeBand.choices, required=False, initial="UNKNOWN", label=_("Age band")
            )
            self.fields[f"p{i}_role"] = forms.ChoiceField(
                choices=c.ParticipantRole.choices, required=False, initial="OTHER", label=_("Role")
            )
            self.fields[f"p{i}_community"] = forms.ChoiceField(
                choices=community_choices, required=False, label=_("Community")
            )
            self.fields[f"p{i}_consent"] = forms.BooleanField(required=False, label=_("Consent"))
        owners = [("", "—"), *[(p, p) for p in parties], ("ALL", _("All parties"))]
        for i in range(COMMITMENT_ROWS):
            self.fields[f"c{i}_owner"] = forms.ChoiceField(
                choices=owners, required=False, label=_("Who")
            )
            self.fields[f"c{i}_text"] = forms.CharField(
                required=False, max_length=500, label=_("What")
            )
            self.fields[f"c{i}_due"] = forms.DateField(
                required=False, widget=DATE, label=_("By when")
            )

    def people_rows(self) -> list[list[Any]]:
        return [
            [self[f"p{i}_{k}"] for k in ("name", "sex", "age_band", "role", "community", "consent")]
            for i in range(PEOPLE_ROWS)
        ]

    def commitment_rows(self) -> list[list[Any]]:
        return [
            [self[f"c{i}_{k}"] for k in ("owner", "text", "due")] for i in range(COMMITMENT_ROWS)
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for i in range(COMMITMENT_ROWS):
            if bool(data.get(f"c{i}_owner")) != bool(data.get(f"c{i}_text")):
                self.add_error(f"c{i}_text", _("A commitment needs both who and what."))
        return data

    def people(self) -> list[dict[str, Any]]:
        d = self.cleaned_data
        return [
            {
                "name": d[f"p{i}_name"],
                "sex": d[f"p{i}_sex"] or "UNKNOWN",
                "age_band": d[f"p{i}_age_band"] or "UNKNOWN",
                "role": d[f"p{i}_role"] or "OTHER",
                "community": d[f"p{i}_community"],
                "consent": d[f"p{i}_consent"],
            }
            for i in range(PEOPLE_ROWS)
            if d.get(f"p{i}_name")
        ]

    def commitments(self) -> list[dict[str, Any]]:
        d = self.cleaned_data
        return [
            {"owner_party": d[f"c{i}_owner"], "text": d[f"c{i}_text"], "due": d[f"c{i}_due"]}
            for i in range(COMMITMENT_ROWS)
            if d.get(f"c{i}_text")
        ]


class FollowUpForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status found"),
        choices=[(s, lbl) for s, lbl in c.CommitmentStatus.choices if s != "OVERDUE"],
    )
    note = forms.CharField(label=_("Note"), max_length=500, required=False)
    evidence = forms.CharField(label=_("Evidence"), max_length=500, required=False)
    checked_on = forms.DateField(label=_("Checked on"), widget=DATE, required=False)


class ImportForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What the file holds"),
        choices=[
            ("organisations", _("Organisations (and networks)")),
            ("activities", _("Activities")),
            ("participants", _("Participants")),
        ],
    )
    file = forms.FileField(label=_("XLSX file"))
