"""Early-warning pages: flags with their explanations and sources, the hotspot map, overrides and
the weekly bulletin. Thin: access and reads in selectors, writes in services."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from sauti.accounts import access
from sauti.accounts.models import User
from sauti.alerts.taxonomy import THREAT_LABELS
from sauti.warning import selectors, services
from sauti.warning.maps import LEVEL_COLOURS, map_features
from sauti.warning.models import AreaRisk, HotspotTier, RiskLevel, Subscription, Tier


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
        flag.n_sources = len(flag.alert_ids) + len(flag.event_ids)  # type: ignore[attr-defined]
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
            "subscriptions": Subscription.objects.filter(user=user).select_related("admin_unit"),
            "areas": list(
                user.scopes.select_related("admin_unit").values_list(
                    "admin_unit__pcode", "admin_unit__name"
                )
            ),
            "levels": RiskLevel.choices,
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
    tier = HotspotTier.objects.filter(admin_unit=unit).first()
    tier_form = TierForm(initial={"tier": tier.tier if tier else Tier.COULD})
    return render(
        request,
        "warning/override.html",
        {"unit": unit, "risk": risk, "form": form, "tier": tier, "tier_form": tier_form},
        status=400 if form.errors else 200,
    )


@login_required
def bulletin(request: HttpRequest) -> HttpResponse:
    """The weekly bulletin PDF for the reader's areas (?lang=en|fr, ?week=YYYY-MM-DD)."""
    from datetime import date

    from sauti.warning.bulletin import BulletinError, bulletin_pdf

    user = _user(request)
    access.require(user, "warning.view")
    language = request.GET.get("lang", "en")
    if language not in ("en", "fr"):
        return HttpResponse(_("lang must be en or fr"), status=400, content_type="text/plain")
    week = None
    if request.GET.get("week"):
        try:
            week = date.fromisoformat(request.GET["week"])
        except ValueError:
            return HttpResponse(
                _("week must be a date (YYYY-MM-DD)"), status=400, content_type="text/plain"
            )
    try:
        pdf = bulletin_pdf(user, week, language)
    except BulletinError as exc:
        return HttpResponse(str(exc), status=503, content_type="text/plain")
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="bulletin-{language}.pdf"'
    return response


class TierForm(forms.Form):
    tier = forms.ChoiceField(label=gettext_lazy("Hotspot tier"), choices=Tier.choices)
    note = forms.CharField(label=gettext_lazy("Note"), max_length=300, required=False)


@login_required
@require_POST
def area_tier(request: HttpRequest, pcode: str) -> HttpResponse:
    user = _user(request)
    unit = selectors.area_get(user, pcode)
    form = TierForm(request.POST)
    if not form.is_valid():
        return HttpResponse(_("choose a tier: MUST, SHOULD or COULD"), status=400)
    try:
        services.hotspot_tier_set(user, unit, form.cleaned_data["tier"], form.cleaned_data["note"])
    except services.WarningError as exc:
        return HttpResponse(str(exc), status=400)
    messages.success(request, _("Hotspot tier of %(place)s set.") % {"place": unit.name})
    return redirect(reverse("warning:override", args=[unit.pcode]))


class SubscribeForm(forms.Form):
    pcode = forms.CharField(max_length=20)
    min_level = forms.ChoiceField(choices=RiskLevel.choices)


@login_required
@require_POST
def subscribe(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = SubscribeForm(request.POST)
    if not form.is_valid():
        return HttpResponse(_("choose an area and a level"), status=400)
    unit = selectors.area_get(user, form.cleaned_data["pcode"])
    services.subscribe(user, unit, form.cleaned_data["min_level"])
    messages.success(request, _("You will be notified about %(place)s.") % {"place": unit.name})
    return redirect(reverse("warning:home"))
