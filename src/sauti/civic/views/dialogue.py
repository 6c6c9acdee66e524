"""Pages of dialogue processes: sessions with participants and commitments, and their follow-up."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sauti.accounts import access
from sauti.civic import choices as c
from sauti.civic import selectors, services
from sauti.civic.forms import DialogueForm, FollowUpForm, SessionForm
from sauti.civic.models import DialogueProcess
from sauti.civic.views.common import page_of, query_without_page, scope_units, user_of


@login_required
def dialogue_list(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    access.require(user, "civic.view")
    g = request.GET
    processes = selectors.dialogues_visible_to(
        user, stage=g.get("stage", ""), q=g.get("q", "").strip()
    )
    return render(
        request,
        "civic/dialogue_list.html",
        {
            "page": page_of(request, processes),
            "query": query_without_page(request),
            "stages": c.DialogueStage.choices,
            "f": g,
            "can_edit": access.has_perm(user, "civic.edit"),
        },
    )


@login_required
def dialogue_create(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    access.require(user, "civic.edit")
    form = DialogueForm(request.POST or None, units=scope_units(user, max_level=4))
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            process = services.dialogue_create(
                title=d["title"],
                parties=d["parties"].split(";"),
                admin_unit=d["admin_unit"],
                facilitators=d["facilitators"],
                started_on=d["started_on"],
                grievances=d["grievances"],
                actor=user,
            )
        except services.CivicError as exc:
            form.add_error(None, str(exc))
        else:
            return redirect("civic:dialogue_detail", process_id=process.pk)
    return render(
        request, "civic/dialogue_form.html", {"form": form}, status=400 if form.errors else 200
    )


def _follow_up_context(process: DialogueProcess, user: object) -> dict[str, object]:
    commitments = list(
        process.commitments.select_related("session").prefetch_related("updates__by")
    )
    return {
        "process": process,
        "commitments": commitments,
        "tally": selectors.commitments_summary(commitments),
        "can_edit": access.has_perm(user, "civic.edit"),  # type: ignore[arg-type]
        "statuses": [(s, lbl) for s, lbl in c.CommitmentStatus.choices if s != "OVERDUE"],
    }


@login_required
def dialogue_detail(request: HttpRequest, process_id: int) -> HttpResponse:
    user = user_of(request)
    process = selectors.dialogue_get(user, process_id)
    sessions = process.sessions.order_by("start", "id")
    return render(
        request,
        "civic/dialogue_detail.html",
        {
            **_follow_up_context(process, user),
            "sessions": sessions,
            # Local pacts that came out of this process (agreements app, §7.15 descriptors).
            "local_agreements": list(process.local_agreements.all()),
            "figures": selectors.disaggregation(sessions.all()),
            "next_stages": sorted(c.DIALOGUE_TRANSITIONS.get(process.stage, set())),
            "stage_labels": dict(c.DialogueStage.choices),
            "bands": c.AgeBand.choices,
            "sexes": c.Sex.choices,
            "roles": dict(c.ParticipantRole.choices),
        },
    )


@login_required
@require_POST
def dialogue_stage(request: HttpRequest, process_id: int) -> HttpResponse:
    user = user_of(request)
    access.require(user, "civic.edit")
    process = selectors.dialogue_get(user, process_id)
    try:
        services.dialogue_set_stage(
            process,
            request.POST.get("stage", ""),
            reason=request.POST.get("reason", ""),
            actor=user,
        )
    except (services.TransitionError, services.CivicError) as exc:
        messages.error(request, str(exc))
    return redirect("civic:dialogue_detail", process_id=process.pk)


@login_required
def session_create(request: HttpRequest, process_id: int) -> HttpResponse:
    user = user_of(request)
    access.require(user, "civic.edit")
    process = selectors.dialogue_get(user, process_id)
    form = SessionForm(request.POST or None, parties=process.party_list)
    if request.method == "POST" and form.is_valid():
        try:
            services.dialogue_record_session(
                process,
                title=form.cleaned_data["title"],
                start=form.cleaned_data["start"],
                kind=form.cleaned_data["kind"],
                people=form.people(),
                commitments=form.commitments(),
                actor=user,
            )
        except services.CivicError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Session recorded."))
            return redirect("civic:dialogue_detail", process_id=process.pk)
    return render(
        request,
        "civic/session_form.html",
        {"form": form, "process": process},
        status=400 if form.errors else 200,
    )


@login_required
def dialogue_follow_up(request: HttpRequest, process_id: int) -> HttpResponse:
    user = user_of(request)
    process = selectors.dialogue_get(user, process_id)
    return render(request, "civic/follow_up.html", _follow_up_context(process, user))


@login_required
@require_POST
def commitment_follow_up(request: HttpRequest, commitment_id: int) -> HttpResponse:
    """Record a check of a commitment; htmx requests get the refreshed follow-up table back."""
    user = user_of(request)
    access.require(user, "civic.edit")
    commitment = selectors.commitment_get(user, commitment_id, "civic.edit")
    data = request.POST.copy()
    if data.get("mark") == "DONE":  # the "Mark fulfilled" button
        data["status"] = "DONE"
    form = FollowUpForm(data)
    error = ""
    if form.is_valid():
        try:
            services.commitment_follow_up(
                commitment,
                status=form.cleaned_data["status"],
                note=form.cleaned_data["note"],
                evidence=form.cleaned_data["evidence"],
                checked_on=form.cleaned_data["checked_on"],
                actor=user,
            )
        except (services.TransitionError, services.CivicError) as exc:
            error = str(exc)
    else:
        error = "; ".join(f"{k}: {' '.join(str(e) for e in v)}" for k, v in form.errors.items())
    if request.headers.get("HX-Request"):
        context = {**_follow_up_context(commitment.process, user), "error": error}
        return render(request, "civic/_commitments.html", context)  # htmx swaps only 2xx answers
    if error:
        messages.error(request, error)
    return redirect("civic:dialogue_follow_up", process_id=commitment.process_id)
