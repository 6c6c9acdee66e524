"""The CLA's call-log form: what the caller said, where, and optionally what the CLA already knows."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from sauti.alerts.taxonomy import THREAT_CHOICES
from sauti.places.models import AdminUnit


class CallLogForm(forms.Form):
    text = forms.CharField(
        label=_("What the caller said"), widget=forms.Textarea(attrs={"rows": 5}), max_length=4000
    )
    area = forms.ModelChoiceField(label=_("Area"), queryset=AdminUnit.objects.none())
    caller_phone = forms.CharField(
        label=_("Caller's number (sealed)"), required=False, max_length=40
    )
    place_text = forms.CharField(label=_("Place (if known)"), required=False, max_length=200)
    threat_type = forms.ChoiceField(
        label=_("Threat type (if known)"),
        required=False,
        choices=[("", _("— let Sauti suggest —")), *THREAT_CHOICES],
    )
    # Submitting the same form twice (double click, resend after a timeout) creates one alert.
    form_token = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args: Any, areas: list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from django.db.models import Q

        q = Q(pk__in=[])
        for path in areas or []:
            q |= Q(path__startswith=path)
        self.fields["area"].queryset = AdminUnit.objects.filter(q, level__lte=3).order_by("path")  # type: ignore[attr-defined]
        if not self.is_bound:
            self.initial.setdefault("form_token", uuid.uuid4().hex)

    def clean_text(self) -> str:
        text = self.cleaned_data["text"].strip()
        if not text:
            raise forms.ValidationError(_("Write what the caller said."))
        return text
