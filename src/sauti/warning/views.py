"""Early-warning pages: flags with their explanations and sources, the hotspot map, overrides and
the weekly bulletin. Thin: access and reads in selectors, writes in services."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sauti.accounts import access
from sauti.accounts.models import User
from sauti.alerts.taxonomy import THREAT_LABELS
from sauti.places.models import AdminUnit
from sauti.warning import selectors, services
from sauti.warning.models import AreaRisk, RiskLevel

LEVEL_COLOURS = {
    RiskLevel.LOW: "#2e8b57",
    RiskLevel.MEDIUM: "#f2c46d",
    RiskLevel.HIGH: "#e67e22",
    RiskLevel.CRITICAL: "#b03a2e",
}


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


@login_required
def warning_home(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    access.require(user, "warning.view")
    flags = list(selectors.flags_visible_to(user)[:100])
    for flag in flags:
        flag.text = services.flag_explain(flag, flag.admin_unit.name)  # type: ignore[attr-defined]
        flag.threat_label = THREAT_LABELS.get(flag.threat_type, flag.threat_type)  # type: ignore[attr-defined]
    risks = [r for r in selectors.risks_visible_to(user) if r.level != RiskLevel.LOW]
    return render(
        request,
        "warning/home.html",
        {
            "flags": flags,
            "risks": risks,
            "notifications": selectors.notifications_for(user),
            "can_override": access.has_perm(user, "warning.override"),
            "colours": LEVEL_COLOURS,
        },
    )


@login_required
def flag_detail(request: HttpRequest, flag_id: int) -> HttpResponse:
    user = _user(request)
    flag = selectors.flag_get(user, flag_id)
    return render(
        request,
        "warning/flag.html",
        {
            "flag": flag,
            "text": services.flag_explain(flag, flag.admin_unit.name),
            "threat_label": THREAT_LABELS.get(flag.threat_type, flag.threat_type),
            **selectors.flag_sources(user, flag),
        },
    )


def map_features(user: User) -> list[dict[str, Any]]:
    """GeoJSON features of the user's level-1 areas and of every area with a risk level, each
    with its level and colour (areas without polygons become points at their centroid)."""
    risks = {r.admin_unit_id: r for r in selectors.risks_visible_to(user)}
    units = AdminUnit.objects.filter(id__in=risks) | AdminUnit.objects.filter(
        _in_areas(user), level=1
    )
    features = []
    for unit in units.order_by("level", "pcode"):
        risk = risks.get(unit.id)
        level = risk.level if risk else RiskLevel.LOW
        if unit.geometry:
            geometry = json.loads(unit.geometry)
        elif unit.centroid_lat is not None and unit.centroid_lon is not None:
            geometry = {"type": "Point", "coordinates": [unit.centroid_lon, unit.centroid_lat]}
        else:
            continue
        features.append(
            {
                "type": "Feature",
                "geometry": geometry,
                "properties": {
                    "pcode": unit.pcode,
                    "name": unit.name,
                    "adm_level": unit.level,
                    "risk": level,
                    "risk_label": str(RiskLevel(level).label),
                    "colour": LEVEL_COLOURS[RiskLevel(level)],
                },
            }
        )
    return features


def _in_areas(user: User) -> Q:
    """Admin units inside the user's areas (the unit itself, not a record pointing to one)."""
    paths = access.area_paths(user)
    q = Q(pk__in=[])
    for path in paths:
        q |= Q(path__startswith=path)
    return q


@login_required
def hotspot_map(request: HttpRequest) -> HttpResponse:
    access.require(_user(request), "warning.view")
    return render(
        request,
        "warning/map.html",
        {
            "colours": [(str(RiskLevel(k).label), v) for k, v in LEVEL_COLOURS.items()],
            "tile_url": settings.SAUTI_MAP_TILE_URL,
            "tile_attribution": settings.SAUTI_MAP_TILE_ATTRIBUTION,
        },
    )


@login_required
def map_data(request: HttpRequest) -> JsonResponse:
    user = _user(request)
    access.require(user, "warning.view")
    return JsonResponse({"type": "FeatureCollection", "features": map_features(user)})


class OverrideForm(forms.Form):
    level = forms.ChoiceField(label=gettext_lazy("Risk level"), choices=RiskLevel.choices)
    reason = forms.CharField(
        label=gettext_lazy("Reason"), widget=forms.Textarea(attrs={"rows": 3}), min_length=10
    )
    valid_until = forms.DateField(
        label=gettext_lazy("Valid until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )


@login_required
def area_override(request: HttpRequest, pcode: str) -> HttpResponse:
    user = _user(request)
    unit = selectors.area_get(user, pcode)
    access.require(user, "warning.override")
    risk = AreaRisk.objects.filter(admin_unit=unit).first()
    form = OverrideForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.risk_override(
                user,
                unit,
                form.cleaned_data["level"],
                form.cleaned_data["reason"],
                valid_until=form.cleaned_data["valid_until"],
                request=request,
            )
        except services.WarningError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Risk level of %(place)s set.") % {"place": unit.name})
            return redirect(reverse("warning:home"))
    return render(
        request,
        "warning/override.html",
        {"unit": unit, "risk": risk, "form": form},
        status=400 if form.errors else 200,
    )
