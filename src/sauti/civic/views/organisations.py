"""Pages of organisations, networks/observatories and local authorities."""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sauti.accounts import access
from sauti.civic import choices as c
from sauti.civic import selectors, services
from sauti.civic.forms import OrganisationForm, SupportForm
from sauti.civic.models import Organisation
from sauti.civic.views.common import page_of, parse_date, query_without_page, scope_units, user_of


@login_required
def civic_home(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    access.require(user, "civic.view")
    return render(
        request,
        "civic/home.html",
        {
            "summary": selectors.civic_summary(user),
            "can_edit": access.has_perm(user, "civic.edit"),
            "can_export": access.has_perm(user, "civic.export"),
        },
    )


@login_required
def organisation_list(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    access.require(user, "civic.view")
    g = request.GET
    orgs = (
        selectors.organisations_visible_to(
            user,
            q=g.get("q", "").strip(),
            kind=g.get("kind", ""),
            theme=g.get("theme", ""),
            pcode=g.get("pcode", ""),
            women_led=g.get("women_led") == "1",
            youth_led=g.get("youth_led") == "1",
        )
        .order_by("name", "id")
        .annotate(
            n_networks=Count(
                "memberships", filter=Q(memberships__left_on__isnull=True), distinct=True
            )
        )
    )
    return render(
        request,
        "civic/organisation_list.html",
        {
            "page": page_of(request, orgs),
            "total": orgs.count(),
            "query": query_without_page(request),
            "kinds": c.OrgKind.choices,
            "themes": c.Theme.choices,
            "units": scope_units(user),
            "f": g,
            "can_export": access.has_perm(user, "civic.export"),
            "can_edit": access.has_perm(user, "civic.edit"),
        },
    )


@login_required
def organisation_detail(request: HttpRequest, org_id: int) -> HttpResponse:
    user = user_of(request)
    org = selectors.organisation_get(user, org_id)
    memberships = org.memberships.select_related("network__admin_unit").order_by("-joined_on")
    return render(
        request,
        "civic/organisation_detail.html",
        {
            "org": org,
            "memberships": memberships,
            "contacts": org.contacts.all(),
            "support": org.support.all(),
            "activities": selectors.activities_visible_to(user).filter(partners=org)[:50],
            "areas": org.areas.all(),
            "can_reveal": access.has_perm(user, "identity.view"),
            "can_edit": access.has_perm(user, "civic.edit"),
            "revealed": {},
            "support_form": SupportForm(),
            "next_engagement": sorted(c.ENGAGEMENT_TRANSITIONS.get(org.engagement, set())),
            "engagement_labels": dict(c.Engagement.choices),
        },
    )


@login_required
@require_POST
def contact_reveal(request: HttpRequest, org_id: int) -> HttpResponse:
    """Open the sealed contacts of one organisation (identity.view only); audited per contact."""
    user = user_of(request)
    org = selectors.organisation_get(user, org_id)
    access.require(user, "identity.view")
    revealed = {
        ct.pk: services.contact_reveal(ct, actor=user, request=request) for ct in org.contacts.all()
    }
    return render(
        request,
        "civic/_contacts.html",
        {"org": org, "contacts": org.contacts.all(), "revealed": revealed, "can_reveal": True},
    )


@login_required
def network_list(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    access.require(user, "civic.view")
    kind = request.GET.get("kind", "")
    rows = [
        {"network": n, "comp": services.network_composition(n)}
        for n in selectors.networks_visible_to(user, kind=kind)
    ]
    return render(
        request,
        "civic/network_list.html",
        {"rows": rows, "kinds": c.NetworkKind.choices, "kind": kind},
    )


@login_required
def network_detail(request: HttpRequest, network_id: int) -> HttpResponse:
    user = user_of(request)
    network = selectors.network_get(user, network_id)
    return render(
        request,
        "civic/network_detail.html",
        {
            "network": network,
            "comp": services.network_composition(network),
            "members": selectors.network_members(network, user),
            # Agreements this observatory reports on (agreements app, reverse relation).
            "agreements": list(network.agreements.all()),
            "can_edit": access.has_perm(user, "civic.edit"),
            "next_statuses": sorted(c.NETWORK_TRANSITIONS.get(network.status, set())),
            "candidates": selectors.organisations_visible_to(user).exclude(
                memberships__network=network, memberships__left_on__isnull=True
            ),
        },
    )


@login_required
def authority_list(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    access.require(user, "civic.view")
    g = request.GET
    authorities = selectors.authorities_visible_to(
        user, title=g.get("title", ""), sex=g.get("sex", ""), pcode=g.get("pcode", "")
    )
    by_sex: Counter[str] = Counter()
    trained_by_sex: Counter[str] = Counter()
    by_title: dict[str, Counter[str]] = {}
    for sex, trainings, title in authorities.values_list("sex", "trainings", "title"):  # type: ignore[misc]
        by_title.setdefault(title, Counter())[sex] += 1
        by_sex[sex] += 1
        if trainings:
            trained_by_sex[sex] += 1
    return render(
        request,
        "civic/authority_list.html",
        {
            "page": page_of(request, authorities),
            "query": query_without_page(request),
            "f": g,
            "titles": c.AuthorityTitle.choices,
            "sexes": c.Sex.choices,
            "units": scope_units(user),
            "by_sex": by_sex,
            "by_title": [
                (str(dict(c.AuthorityTitle.choices)[t]), n) for t, n in sorted(by_title.items())
            ],
            "trained_by_sex": trained_by_sex,
            "total": authorities.count(),
            "chiefs_trained": selectors.chiefs_trained(user),
        },
    )


def _next_ref(model: Any, prefix: str) -> str:
    stamp = timezone.now().strftime("%Y%m%d")
    n = model.objects.filter(ref__startswith=f"{prefix}-{stamp}-").count() + 1
    return f"{prefix}-{stamp}-{n:03d}"


@login_required
def organisation_create(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    access.require(user, "civic.edit")
    form = OrganisationForm(request.POST or None, units=scope_units(user, max_level=4))
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            with transaction.atomic():
                org = services.organisation_create(
                    ref=_next_ref(Organisation, "ORG"),
                    name=d["name"],
                    kind=d["kind"],
                    admin_unit=d["admin_unit"],
                    themes=d["themes"],
                    acronym=d["acronym"],
                    iati_org_type=d["iati_org_type"],
                    legal_status=d["legal_status"],
                    membership_count=d["membership_count"],
                    women_share=d["women_share"],
                    youth_share=d["youth_share"],
                    led_by_women=d["led_by_women"],
                    led_by_youth=d["led_by_youth"],
                    actor=user,
                )
                if d["contact_name"]:
                    services.contact_add(
                        org,
                        name=d["contact_name"],
                        phone=d["contact_phone"],
                        position=d["contact_position"],
                        consent=True,
                        actor=user,
                    )
        except services.CivicError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Organisation %(ref)s recorded.") % {"ref": org.ref})
            return redirect("civic:organisation_detail", org_id=org.pk)
    return render(
        request,
        "civic/simple_form.html",
        {"form": form, "title": _("Record an organisation")},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def support_add(request: HttpRequest, org_id: int) -> HttpResponse:
    user = user_of(request)
    access.require(user, "civic.edit")
    org = selectors.organisation_get(user, org_id)
    form = SupportForm(request.POST)
    if form.is_valid():
        services.support_record(org, actor=user, currency="USD", **form.cleaned_data)
        messages.success(request, _("Support recorded."))
    else:
        messages.error(
            request,
            "; ".join(f"{k}: {' '.join(str(e) for e in v)}" for k, v in form.errors.items()),
        )
    return redirect("civic:organisation_detail", org_id=org.pk)


@login_required
def authority_detail(request: HttpRequest, authority_id: int) -> HttpResponse:
    """A chief's or official's history: trainings and dialogues they took part in (in the user's areas)."""
    user = user_of(request)
    authority = selectors.authority_get(user, authority_id)
    visible = selectors.activities_visible_to(user)
    participations = (
        authority.participations.filter(activity__in=visible)
        .select_related("activity__admin_unit")
        .order_by("-activity__start")
    )
    return render(
        request,
        "civic/authority_detail.html",
        {"authority": authority, "participations": participations},
    )


@login_required
@require_POST
def network_update(request: HttpRequest, network_id: int) -> HttpResponse:
    """From the network page: add a member, end a membership, or change the network's status."""
    user = user_of(request)
    access.require(user, "civic.edit")
    network = selectors.network_get(user, network_id)
    action = request.POST.get("action")
    on = parse_date(request.POST.get("date")) or timezone.localdate()
    try:
        if action == "join":
            org = selectors.organisation_get(user, int(request.POST.get("organisation") or 0))
            services.membership_add(network, org, joined_on=on, actor=user)
        elif action == "leave":
            membership = network.memberships.filter(
                pk=int(request.POST.get("membership") or 0)
            ).first()
            if membership is None:
                raise services.CivicError(_("Unknown membership."))
            services.membership_end(membership, left_on=on, actor=user)
        elif action == "status":
            services.network_set_status(network, request.POST.get("status", ""), actor=user)
        else:
            raise services.CivicError(_("Unknown change."))
        messages.success(request, _("Saved."))
    except (services.TransitionError, services.CivicError, ValueError) as exc:
        messages.error(request, str(exc))
    return redirect("civic:network_detail", network_id=network.pk)


@login_required
@require_POST
def organisation_engagement(request: HttpRequest, org_id: int) -> HttpResponse:
    user = user_of(request)
    access.require(user, "civic.edit")
    org = selectors.organisation_get(user, org_id)
    try:
        services.organisation_set_engagement(org, request.POST.get("engagement", ""), actor=user)
    except services.TransitionError as exc:
        messages.error(request, str(exc))
    return redirect("civic:organisation_detail", org_id=org.pk)
