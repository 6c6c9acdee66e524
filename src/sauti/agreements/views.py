"""Pages of peace agreements: list, detail with provisions and implementation roll-ups, coding."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from sauti.accounts import access
from sauti.accounts.models import User
from sauti.agreements import selectors, services
from sauti.agreements.models import Level, SourceKind
from sauti.places.models import AdminUnit


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


class ReportForm(forms.Form):
    provision = forms.IntegerField(widget=forms.HiddenInput)
    region = forms.CharField(label=gettext_lazy("Region (P-code)"), max_length=20)
    period = forms.DateField(
        label=gettext_lazy("Period (month)"),
        widget=forms.DateInput(attrs={"type": "month"}),
        input_formats=["%Y-%m", "%Y-%m-%d"],
    )
    score = forms.TypedChoiceField(
        label=gettext_lazy("Score"),
        coerce=int,
        empty_value=None,
        required=False,
        choices=[("", "—"), (0, "0"), (1, "1"), (2, "2"), (3, "3")],
    )
    unverifiable = forms.BooleanField(label=gettext_lazy("Unverifiable"), required=False)
    source_kind = forms.ChoiceField(label=gettext_lazy("Source"), choices=SourceKind.choices)
    evidence = forms.CharField(label=gettext_lazy("Evidence"), max_length=1000, required=False)


@login_required
def agreement_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    access.require(user, "agreements.view")
    level = request.GET.get("level", "")
    rows = [
        {"agreement": a, "rollup": selectors.agreement_rollups(user, a)["overall"]}
        for a in selectors.agreements_visible_to(
            user, level=level, q=request.GET.get("q", "").strip()
        )
    ]
    return render(
        request,
        "agreements/list.html",
        {"rows": rows, "levels": Level.choices, "level": level, "q": request.GET.get("q", "")},
    )


@login_required
def agreement_detail(request: HttpRequest, agreement_id: int) -> HttpResponse:
    user = _user(request)
    agreement = selectors.agreement_get(user, agreement_id)
    rollups = selectors.agreement_rollups(user, agreement)
    reports = selectors.latest_reports(selectors.reports_visible_to(user, agreement))
    by_provision: dict[int, list] = {}
    for r in sorted(reports, key=lambda r: r.admin_unit.pcode):
        by_provision.setdefault(r.provision_id, []).append(r)
    provisions = [
        {"provision": p, "reports": by_provision.get(p.pk, [])} for p in agreement.provisions.all()
    ]
    return render(
        request,
        "agreements/detail.html",
        {
            "agreement": agreement,
            "rollups": rollups,
            "provisions": provisions,
            "observatories": agreement.observatories.all(),
            "local_agreements": agreement.local_agreements.all(),
            "can_edit": access.has_perm(user, "agreements.edit"),
            "form": ReportForm(),
            "source_kinds": SourceKind.choices,
        },
    )


@login_required
@require_POST
def report_create(request: HttpRequest, agreement_id: int) -> HttpResponse:
    user = _user(request)
    access.require(user, "agreements.edit")
    agreement = selectors.agreement_get(user, agreement_id)
    form = ReportForm(request.POST)
    if not form.is_valid():
        messages.error(
            request,
            "; ".join(f"{k}: {' '.join(str(e) for e in v)}" for k, v in form.errors.items()),
        )
        return redirect("agreements:detail", agreement_id=agreement.pk)
    d = form.cleaned_data
    provision = agreement.provisions.filter(pk=d["provision"]).first()
    region = AdminUnit.objects.filter(pcode=d["region"].strip().upper()).first()
    if provision is None or region is None or not access.in_scope(user, region.path):
        messages.error(request, _("Unknown provision, or a region outside your areas."))
        return redirect("agreements:detail", agreement_id=agreement.pk)
    try:
        services.report_code(
            provision,
            admin_unit=region,
            period=d["period"],
            source_kind=d["source_kind"],
            score=d["score"],
            unverifiable=d["unverifiable"],
            evidence=d["evidence"],
            actor=user,
        )
        messages.success(request, _("Implementation coded."))
    except services.AgreementError as exc:
        messages.error(request, str(exc))
    return redirect("agreements:detail", agreement_id=agreement.pk)


@login_required
@require_POST
def report_status(request: HttpRequest, report_id: int) -> HttpResponse:
    """Review (by a second coder) or publish a coded report."""
    user = _user(request)
    access.require(user, "agreements.edit")
    report = selectors.report_get(user, report_id)
    try:
        services.report_set_status(report, request.POST.get("status", ""), actor=user)
        messages.success(request, _("Report status changed."))
    except services.AgreementError as exc:
        messages.error(request, str(exc))
    return redirect("agreements:detail", agreement_id=report.provision.agreement_id)
