"""Forms of the civic pages; validation of meaning stays in services, forms only parse input."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from sauti.civic import choices as c
from sauti.civic.models import Organisation
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


class OrganisationForm(ScopedForm):
    name = forms.CharField(label=_("Name"), max_length=200)
    acronym = forms.CharField(label=_("Acronym"), max_length=40, required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=c.OrgKind.choices)
    iati_org_type = forms.ChoiceField(
        label=_("IATI type"), choices=c.IatiOrgType.choices, initial="22"
    )
    legal_status = forms.ChoiceField(
        label=_("Legal status"), choices=c.LegalStatus.choices, initial="INFORMAL"
    )
    themes = forms.MultipleChoiceField(
        label=_("Themes"),
        choices=c.Theme.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    membership_count = forms.IntegerField(label=_("Members"), min_value=0, required=False)
    women_share = forms.IntegerField(
        label=_("Women members (%)"), min_value=0, max_value=100, required=False
    )
    youth_share = forms.IntegerField(
        label=_("Youth members (%)"), min_value=0, max_value=100, required=False
    )
    led_by_women = forms.BooleanField(label=_("Women-led"), required=False)
    led_by_youth = forms.BooleanField(label=_("Youth-led"), required=False)
    contact_name = forms.CharField(
        label=_("Contact person (sealed)"), max_length=200, required=False
    )
    contact_phone = forms.CharField(
        label=_("Contact phone (sealed)"), max_length=40, required=False
    )
    contact_position = forms.CharField(
        label=_("Contact's position"), max_length=120, required=False
    )
    contact_consent = forms.BooleanField(
        label=_("The contact agreed to be recorded"), required=False
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("contact_phone") and not data.get("contact_name"):
            self.add_error("contact_name", _("A contact phone needs a contact name."))
        if data.get("contact_name") and not data.get("contact_consent"):
            self.add_error("contact_consent", _("Record a contact only with their consent."))
        return data


class SupportForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=c.SupportKind.choices)
    given_on = forms.DateField(label=_("Date"), widget=DATE)
    amount = forms.DecimalField(
        label=_("Amount (USD)"), min_value=0, max_digits=14, decimal_places=2, required=False
    )
    description = forms.CharField(label=_("Description"), max_length=300, required=False)


class CVRProjectForm(ScopedForm):
    title = forms.CharField(label=_("Title"), max_length=250)
    budget = forms.DecimalField(
        label=_("Budget (USD)"), min_value=0, max_digits=14, decimal_places=2, required=False
    )
    start = forms.DateField(label=_("Start"), widget=DATE, required=False)
    end = forms.DateField(label=_("End"), widget=DATE, required=False)
    lines = forms.MultipleChoiceField(
        label=_("Activity lines"),
        choices=c.CVRLine.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    target_beneficiaries = forms.IntegerField(
        label=_("Target beneficiaries"), min_value=0, initial=0
    )
    target_women_share = forms.IntegerField(
        label=_("Target share of women (%)"), min_value=0, max_value=100, initial=30
    )

    def __init__(self, *args: Any, partners: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["implementing_partner"] = forms.ModelChoiceField(
            queryset=partners,
            required=False,
            label=_("Implementing partner"),
        )


class BeneficiariesForm(forms.Form):
    """Beneficiaries by category × sex (aggregate; no names)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for cat in c.CVRCategory.values:
            for sex in ("F", "M"):
                self.fields[f"{cat}_{sex}"] = forms.IntegerField(min_value=0, required=False)

    def rows(self) -> list[tuple[str, Any, Any]]:
        return [
            (str(label), self[f"{cat}_F"], self[f"{cat}_M"]) for cat, label in c.CVRCategory.choices
        ]

    def counts(self) -> dict[tuple[str, str], int]:
        return {
            (cat, sex): self.cleaned_data.get(f"{cat}_{sex}") or 0
            for cat in c.CVRCategory.values
            for sex in ("F", "M")
        }


class WeaponsForm(forms.Form):
    collected_on = forms.DateField(label=_("Date"), widget=DATE)
    ammunition_rounds = forms.IntegerField(label=_("Rounds of ammunition"), min_value=0, initial=0)
    explosives = forms.IntegerField(label=_("Explosive items"), min_value=0, initial=0)
    handed_to = forms.CharField(label=_("Handed to"), max_length=200, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for kind, label in c.WeaponType.choices:
            self.fields[f"w_{kind}"] = forms.IntegerField(label=label, min_value=0, required=False)

    def weapons(self) -> dict[str, int]:
        return {k: self.cleaned_data.get(f"w_{k}") or 0 for k in c.WeaponType.values}
