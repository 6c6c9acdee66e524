"""Pages of CVR projects, the civic map, and XLSX import, export and templates."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sauti.accounts import access, audit
from sauti.civic import choices as c
from sauti.civic import exports, imports, selectors, services
from sauti.civic.forms import BeneficiariesForm, CVRProjectForm, ImportForm, WeaponsForm
from sauti.civic.models import CVRProject, Membership, Participant
from sauti.civic.views.common import page_of, query_without_page, scope_units, user_of
from sauti.civic.xlsx import MAX_BYTES

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@login_required
def cvr_list(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    access.require(user, "civic.view")
    g = request.GET
    projects = selectors.cvr_visible_to(user, status=g.get("status", ""), pcode=g.get("pcode", ""))
    return render(
        request,
        "civic/cvr_list.html",
        {
            "page": page_of(request, projects),
            "query": query_without_page(request),
            "figures": selectors.cvr_figures(projects),
            "f": g,
            "statuses": c.CVRStatus.choices,
            "units": scope_units(user),
            "categories": dict(c.CVRCategory.choices),
            "weapon_labels": dict(c.WeaponType.choices),
            "can_edit": access.has_perm(user, "civic.edit"),
        },
    )


@login_required
def cvr_detail(request: HttpRequest, project_id: int) -> HttpResponse:
    user = user_of(request)
    project = selectors.cvr_get(user, project_id)
    qs = selectors.cvr_visible_to(user).filter(pk=project.pk)
    return render(
        request,
        "civic/cvr_detail.html",
        {
            "project": project,
            "figures": selectors.cvr_figures(qs),
            "collections": project.collections.all(),
            "categories": dict(c.CVRCategory.choices),
            "weapon_labels": dict(c.WeaponType.choices),
            "statuses": c.CVRStatus.values,
            "next_statuses": sorted(c.CVR_TRANSITIONS.get(project.status, set())),
            "can_edit": access.has_perm(user, "civic.edit"),
            "beneficiaries_form": BeneficiariesForm(
                initial={f"{b.category}_{b.sex}": b.count for b in project.beneficiaries.all()}
            ),
            "weapons_form": WeaponsForm(),
        },
    )


def map_features(user: Any) -> list[dict[str, Any]]:
    """Points to draw: CVR projects and held activities at their area's centroid (no personal data)."""
    features: list[dict[str, Any]] = []
    for p in selectors.cvr_visible_to(user):
        u = p.admin_unit
        if u.centroid_lat is not None and u.centroid_lon is not None:
            features.append(
                {
                    "type": "cvr",
                    "id": p.pk,
                    "title": p.title,
                    "pcode": u.pcode,
                    "status": p.status,
                    "lat": u.centroid_lat,
                    "lon": u.centroid_lon,
                }
            )
    counts: dict[str, dict[str, Any]] = {}
    for a in selectors.activities_visible_to(user).filter(status__in=selectors.HELD):
        u = a.admin_unit
        if u.centroid_lat is None or u.centroid_lon is None:
            continue
        row = counts.setdefault(
            u.pcode,
            {
                "type": "activities",
                "pcode": u.pcode,
                "title": u.name,
                "count": 0,
                "lat": u.centroid_lat,
                "lon": u.centroid_lon,
            },
        )
        row["count"] += 1
    return features + list(counts.values())


@login_required
def civic_map(request: HttpRequest) -> HttpResponse:
    """CVR projects and activities on one map with the alerts of the same areas (fetched from the API)."""
    user = user_of(request)
    access.require(user, "civic.view")
    units = [
        {
            "pcode": u.pcode,
            "name": u.name,
            "lat": u.centroid_lat,
            "lon": u.centroid_lon,
            "level": u.level,
        }
        for u in scope_units(user, max_level=3)
        if u.centroid_lat is not None and u.centroid_lon is not None
    ]
    return render(
        request,
        "civic/map.html",
        {
            "features": map_features(user),
            "units": units,
            "show_alerts": access.has_perm(user, "alerts.view"),
        },
    )


@login_required
def import_page(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    access.require(user, "civic.edit")
    form = ImportForm(request.POST or None, request.FILES or None)
    errors: list[Any] = []
    result = None
    status = 200
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            errors = [
                imports.RowError(
                    upload.name,
                    None,
                    None,
                    f"The file is {upload.size} bytes; the limit is {MAX_BYTES}.",
                )
            ]
        else:
            try:
                result = imports.import_workbook(
                    form.cleaned_data["kind"], upload.read(), user, filename=upload.name
                )
            except imports.ImportRefused as exc:
                errors = exc.errors
        status = 400 if errors else 200
    elif request.method == "POST":
        status = 400
    return render(
        request,
        "civic/import.html",
        {"form": form, "errors": errors, "result": result},
        status=status,
    )


@login_required
def template_download(request: HttpRequest, kind: str) -> HttpResponse:
    access.require(user_of(request), "civic.view")
    if kind not in imports.KINDS:
        raise Http404("no such template")
    response = HttpResponse(exports.template_xlsx(kind), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="sauti-{kind}-template.xlsx"'
    return response


def export_bytes(user: Any, kind: str, *, request: HttpRequest | None = None) -> bytes:
    """The XLSX export of one kind for one user: scoped, sealed fields only with identity.view; audited."""
    access.require(user, "civic.export")
    identity = access.has_perm(user, "identity.view")
    if kind == "organisations":
        orgs = selectors.organisations_visible_to(user, "civic.export").prefetch_related(
            "contacts",
            "areas",
            Prefetch("memberships", queryset=Membership.objects.select_related("network")),
        )
        networks = selectors.networks_visible_to(user)
        rows = len(orgs)
        data = exports.organisations_xlsx(orgs, networks, include_identity=identity)
    elif kind == "activities":
        acts = selectors.activities_visible_to(user, "civic.export").prefetch_related(
            "counts", "role_counts", "partners"
        )
        rows = len(acts)
        data = exports.activities_xlsx(acts)
    elif kind == "participants":
        acts = selectors.activities_visible_to(user, "civic.export")
        people = Participant.objects.filter(activity__in=acts).select_related(
            "activity", "organisation", "authority"
        )
        rows = len(people)
        data = exports.participants_xlsx(people, include_identity=identity)
    else:
        raise Http404("no such export")
    audit.record(
        "export",
        actor=user,
        object_type=f"civic.{kind}",
        request=request,
        summary=f"civic {kind} exported as XLSX ({rows} rows)",
        details={"format": "xlsx", "rows": rows, "sealed_fields": identity},
    )
    if identity and kind in ("organisations", "participants"):
        audit.record(
            "identity.reveal",
            actor=user,
            object_type=f"civic.{kind}",
            request=request,
            summary=f"sealed fields included in civic {kind} export",
            details={"rows": rows},
        )
    return data


@login_required
def export_download(request: HttpRequest, kind: str) -> HttpResponse:
    data = export_bytes(user_of(request), kind, request=request)
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = (
        f'attachment; filename="sauti-{kind}-{timezone.now():%Y%m%d}.xlsx"'
    )
    return response


@login_required
def cvr_create(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    access.require(user, "civic.edit")
    partners = selectors.organisations_visible_to(user)
    form = CVRProjectForm(
        request.POST or None, units=scope_units(user, max_level=4), partners=partners
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        stamp = timezone.now().strftime("%Y%m%d")
        ref = f"CVR-{stamp}-{CVRProject.objects.filter(ref__startswith=f'CVR-{stamp}-').count() + 1:03d}"
        try:
            project = services.cvr_project_create(
                ref=ref,
                title=d["title"],
                admin_unit=d["admin_unit"],
                lines=d["lines"],
                implementing_partner=d["implementing_partner"],
                budget=d["budget"],
                start=d["start"],
                end=d["end"],
                target_beneficiaries=d["target_beneficiaries"],
                target_women_share=d["target_women_share"],
                actor=user,
            )
        except services.CivicError as exc:
            form.add_error(None, str(exc))
        else:
            return redirect("civic:cvr_detail", project_id=project.pk)
    return render(
        request,
        "civic/simple_form.html",
        {"form": form, "title": _("Record a CVR project")},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def cvr_update(request: HttpRequest, project_id: int) -> HttpResponse:
    """One of three changes from the project page: next status, beneficiaries, a weapons collection."""
    user = user_of(request)
    access.require(user, "civic.edit")
    project = selectors.cvr_get(user, project_id)
    action = request.POST.get("action")
    try:
        if action == "status":
            services.cvr_project_set_status(project, request.POST.get("status", ""), actor=user)
        elif action == "beneficiaries":
            form = BeneficiariesForm(request.POST)
            if not form.is_valid():
                raise services.CivicError(_("Counts are whole numbers, zero or more."))
            services.cvr_project_set_beneficiaries(project, form.counts(), actor=user)
        elif action == "weapons":
            wform = WeaponsForm(request.POST)
            if not wform.is_valid():
                raise services.CivicError(
                    "; ".join(
                        f"{k}: {' '.join(str(e) for e in v)}" for k, v in wform.errors.items()
                    )
                )
            d = wform.cleaned_data
            services.weapons_collection_record(
                project,
                collected_on=d["collected_on"],
                weapons=wform.weapons(),
                ammunition_rounds=d["ammunition_rounds"],
                explosives=d["explosives"],
                handed_to=d["handed_to"],
                actor=user,
            )
        else:
            raise services.CivicError(_("Unknown change."))
        messages.success(request, _("Saved."))
    except (services.TransitionError, services.CivicError) as exc:
        messages.error(request, str(exc))
    return redirect("civic:cvr_detail", project_id=project.pk)
