"""Pages of activities: list with disaggregated totals, detail with participants, create, status."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sauti.accounts import access, audit
from sauti.civic import choices as c
from sauti.civic import selectors, services
from sauti.civic.forms import ActivityForm
from sauti.civic.models import Activity
from sauti.civic.views.common import page_of, parse_date, query_without_page, scope_units, user_of
from sauti.core.crypto import unseal


@login_required
def activity_list(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    access.require(user, "civic.view")
    g = request.GET
    activities = selectors.activities_visible_to(
        user,
        q=g.get("q", "").strip(),
        kind=g.get("kind", ""),
        range_=g.get("range", ""),
        status=g.get("status", ""),
        pcode=g.get("pcode", ""),
        date_from=parse_date(g.get("from")),
        date_to=parse_date(g.get("to")),
    )
    return render(
        request,
        "civic/activity_list.html",
        {
            "page": page_of(request, activities),
            "query": query_without_page(request),
            "f": g,
            "figures": selectors.disaggregation(activities),
            "kinds": c.ActivityKind.choices,
            "ranges": c.InterventionRange.choices,
            "statuses": c.ActivityStatus.choices,
            "units": scope_units(user),
            "can_edit": access.has_perm(user, "civic.edit"),
            "can_export": access.has_perm(user, "civic.export"),
            "bands": c.AgeBand.choices,
            "sexes": c.Sex.choices,
            "roles": dict(c.ParticipantRole.choices),
        },
    )


@login_required
def activity_detail(request: HttpRequest, activity_id: int) -> HttpResponse:
    user = user_of(request)
    activity = selectors.activity_get(user, activity_id)
    figures = selectors.disaggregation(Activity.objects.filter(pk=activity.pk), held_only=False)
    participants = list(activity.participants.select_related("organisation", "authority"))
    names: dict[int, str] = {}
    if (
        request.method == "POST"
        and request.POST.get("reveal")
        and access.has_perm(user, "identity.view")
    ):
        names = {
            p.pk: unseal(p.name_sealed) if p.name_sealed else _("(erased)") for p in participants
        }
        audit.record(
            "identity.reveal",
            actor=user,
            obj=activity,
            request=request,
            summary=f"participant names of activity {activity.ref} revealed",
            details={"fields": ["name"], "count": len(names)},
        )
    return render(
        request,
        "civic/activity_detail.html",
        {
            "activity": activity,
            "figures": figures,
            "participants": participants,
            "names": names,
            "partners": activity.partners.all(),
            "commitments": activity.commitments.all(),
            "bands": c.AgeBand.choices,
            "sexes": c.Sex.choices,
            "roles": dict(c.ParticipantRole.choices),
            "next_statuses": sorted(c.ACTIVITY_TRANSITIONS.get(activity.status, set())),
            "can_edit": access.has_perm(user, "civic.edit"),
            "can_reveal": access.has_perm(user, "identity.view"),
        },
    )


@login_required
@require_POST
def activity_status(request: HttpRequest, activity_id: int) -> HttpResponse:
    user = user_of(request)
    access.require(user, "civic.edit")
    activity = selectors.activity_get(user, activity_id)
    try:
        services.activity_set_status(
            activity,
            request.POST.get("status", ""),
            reason=request.POST.get("reason", ""),
            actor=user,
        )
        messages.success(request, _("Status changed."))
    except (services.TransitionError, services.CivicError) as exc:
        messages.error(request, str(exc))
    return redirect("civic:activity_detail", activity_id=activity.pk)


def _next_ref(prefix: str) -> str:
    stamp = timezone.now().strftime("%Y%m%d")
    n = Activity.objects.filter(ref__startswith=f"{prefix}-{stamp}-").count() + 1
    return f"{prefix}-{stamp}-{n:03d}"


@login_required
def activity_create(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    access.require(user, "civic.edit")
    units = scope_units(user, max_level=4)
    form = ActivityForm(request.POST or None, units=units)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            with transaction.atomic():
                activity = services.activity_create(
                    ref=_next_ref("ACT"),
                    kind=d["kind"],
                    range=d["range"],
                    title=d["title"],
                    admin_unit=d["admin_unit"],
                    start=d["start"],
                    end=d["end"],
                    status=d["status"],
                    organiser=d["organiser"],
                    funding=d["funding"],
                    budget=d["budget"],
                    topics=d["topics"],
                    actor=user,
                )
                agg = form.aggregate()
                if agg is not None:
                    services.activity_set_counts(activity, agg, actor=user)
        except services.CivicError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Activity %(ref)s recorded.") % {"ref": activity.ref})
            return redirect("civic:activity_detail", activity_id=activity.pk)
    return render(
        request, "civic/activity_form.html", {"form": form}, status=400 if form.errors else 200
    )
