"""Alert pages: list, detail, the call-log form and export, all scoped through the access module."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from sauti.accounts import access, audit
from sauti.alerts import selectors
from sauti.alerts.exports import alerts_to_hxl_csv
from sauti.alerts.forms import CallLogForm
from sauti.alerts.services import alert_set_fields
from sauti.alerts.workflow import AlertState, alert_transition, allowed_targets


@login_required
def alert_list(request: HttpRequest) -> HttpResponse:
    access.require(request.user, "alerts.view")
    alerts = selectors.alerts_visible_to(request.user)
    page = Paginator(alerts, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "alerts/list.html",
        {
            "page": page,
            "can_export": access.has_perm(request.user, "alerts.export"),
            "can_create": access.has_perm(request.user, "alerts.create"),
        },
    )


@login_required
def alert_detail(request: HttpRequest, alert_id: int) -> HttpResponse:
    alert = selectors.alert_get(request.user, alert_id)
    return render(request, "alerts/detail.html", {"alert": alert})


@login_required
def alert_new(request: HttpRequest) -> HttpResponse:
    """The CLA logs a call: stored raw first on the area's web-form channel, then parsed."""
    from sauti.channels.gateways import InboundValue
    from sauti.channels.models import Channel
    from sauti.channels.services import channel_for, inbound_process_safely, inbound_store

    access.require(request.user, "alerts.create")
    areas = access.area_paths(request.user)
    form = CallLogForm(request.POST or None, areas=areas)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        channel = channel_for(Channel.Type.WEB_FORM, data["area"])
        value = InboundValue(
            external_id=f"user{request.user.pk}:{data['form_token']}",
            sender=data["caller_phone"] or "",
            text=data["text"],
            kind="VOICE_CALL_LOG",
        )
        raw = {
            "body": data["text"],
            "fields": {
                "area": data["area"].pcode,
                "place_text": data["place_text"],
                "threat_type": data["threat_type"],
            },
        }
        stored = inbound_store(channel, value, raw=raw, claim=True)
        message = inbound_process_safely(stored.message.pk) if stored.created else stored.message
        if message is None or not message.alert_id:
            return render(request, "alerts/new.html", {"form": form, "queued": True}, status=202)
        alert = selectors.alert_get(request.user, message.alert_id)
        changes = {
            k: v
            for k, v in (("threat_type", data["threat_type"]), ("place", data["place_text"]))
            if v
        }
        if stored.created and changes:
            alert_set_fields(alert, changes, actor=request.user, request=request)  # type: ignore[arg-type]
        if stored.created and alert.state == AlertState.RECEIVED:
            type(alert).objects.filter(pk=alert.pk).update(created_by=request.user)
            if AlertState.RECORDED in allowed_targets(alert, request.user):
                alert_transition(alert, AlertState.RECORDED, request.user, "call logged")
        return redirect("alerts:detail", alert_id=alert.pk)
    return render(
        request, "alerts/new.html", {"form": form}, status=400 if request.method == "POST" else 200
    )


@login_required
def alert_export(request: HttpRequest) -> HttpResponse:
    access.require(request.user, "alerts.export")
    alerts = list(selectors.alerts_visible_to(request.user, "alerts.export"))
    audit.record(
        "export",
        actor=request.user,
        object_type="alerts.alert",
        request=request,
        summary=f"alerts exported as HXL CSV ({len(alerts)} rows)",
        details={"format": "hxl", "rows": len(alerts)},
    )
    response = HttpResponse(alerts_to_hxl_csv(alerts), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="sauti-alerts-{timezone.now():%Y%m%d}.csv"'
    )
    return response
