"""Response pages: the live board, an alert's detail with its timeline and action buttons, the
CLA's list of alerts awaiting feedback, and the metrics. Thin: services write, selectors read."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sauti.accounts import access
from sauti.alerts import incidents
from sauti.alerts import selectors as alert_selectors
from sauti.alerts.models import Confidence, Priority, Verification
from sauti.alerts.taxonomy import THREAT_CHOICES
from sauti.alerts.workflow import AlertState, TransitionError, alert_transition, allowed_targets
from sauti.channels import delivery
from sauti.response import metrics, network, selectors, services
from sauti.response.models import Feedback, Transmission

BOARD_ROWS = 50


def _filters(request: HttpRequest) -> dict[str, str]:
    return {
        "area": request.GET.get("area", "").strip().upper()[:20],
        "threat_type": request.GET.get("threat_type", "").strip().upper()[:40],
        "state": request.GET.get("state", "").strip().upper()[:20],
    }


def _board_context(request: HttpRequest) -> dict[str, Any]:
    filters = _filters(request)
    alerts = list(selectors.board_alerts(request.user, **filters)[:BOARD_ROWS])
    return {"alerts": alerts, "filters": filters, "now": timezone.now()}


@login_required
def board(request: HttpRequest) -> HttpResponse:
    access.require(request.user, "response.board")
    context = _board_context(request)
    context.update(
        {
            "threat_choices": THREAT_CHOICES,
            "state_choices": AlertState.choices,
            "awaiting_ack": list(selectors.transmissions_for(request.user)[:20]),
        }
    )
    return render(request, "response/board.html", context)


@login_required
def board_rows(request: HttpRequest) -> HttpResponse:
    """The board's table, polled by htmx every few seconds (no page reload)."""
    access.require(request.user, "response.board")
    return render(request, "response/_rows.html", _board_context(request))


@login_required
def alert_detail(request: HttpRequest, alert_id: int) -> HttpResponse:
    alert = alert_selectors.alert_get(request.user, alert_id)
    context = {
        "alert": alert,
        "timeline": selectors.timeline(alert),
        "allowed": [(s, AlertState(s).label) for s in allowed_targets(alert, request.user)],
        "transmissions": list(alert.transmissions.select_related("to_user")),
        "priority_choices": Priority.choices,
        "verification_choices": Verification.choices,
        "confidence_choices": Confidence.choices,
        "feedback_choices": Feedback.Kind.choices,
        "now": timezone.now(),
        "can_group": access.has_perm(request.user, incidents.PERMISSION),
        "suggestions": incidents.incident_suggestions(alert, request.user),
        "incident_alerts": (
            list(alert.incident.alerts.exclude(pk=alert.pk)) if alert.incident else []
        ),
        "outbound": delivery.alert_outbound(alert),
    }
    return render(request, "response/detail.html", context)


@login_required
@require_POST
def incident(request: HttpRequest, alert_id: int) -> HttpResponse:
    """Group this alert with another one (suggested), or take it out of its incident."""
    alert = alert_selectors.alert_get(request.user, alert_id)
    try:
        if request.POST.get("action") == "unlink":
            incidents.incident_unlink(alert, request.user, request.POST.get("reason", ""))
        else:
            other_id = request.POST.get("other", "")
            other = alert_selectors.alert_get(
                request.user, int(other_id) if other_id.isdigit() else 0
            )
            incidents.incident_link([alert, other], request.user, request.POST.get("reason", ""))
    except incidents.IncidentError as exc:
        return _fail(request, alert_id, str(exc))
    messages.success(request, _("Incident updated."))
    return redirect("response:detail", alert_id=alert_id)


def _fail(request: HttpRequest, alert_id: int, message: str) -> HttpResponse:
    """A refused action: the reason shown on the detail page, nothing changed (409)."""
    messages.error(request, message)
    response = alert_detail(request, alert_id)
    response.status_code = 409
    return response


@login_required
@require_POST
def transition(request: HttpRequest, alert_id: int) -> HttpResponse:
    access.require(request.user, "alerts.transition")
    alert = alert_selectors.alert_get(request.user, alert_id)
    to = request.POST.get("to", "")
    reason = request.POST.get("reason", "")[:500]
    fields: dict[str, Any] = {}
    option = request.POST.get("response_option", "").strip().upper()[:30]
    if to == AlertState.RESPONSE_DECIDED and option:
        fields["response_option"] = option
    try:
        if to == AlertState.TRIAGED:
            reliability = request.POST.get("source_reliability", "")
            services.alert_triage(
                alert,
                request.user,  # type: ignore[arg-type]
                priority=request.POST.get("priority", ""),
                verification_needed=bool(request.POST.get("verification_needed")),
                source_reliability=int(reliability) if reliability.isdigit() else None,
                attribution_confidence=request.POST.get("attribution_confidence", ""),
                reason=reason,
            )
        elif to == AlertState.FEEDBACK_GIVEN:
            services.feedback_give(
                alert,
                request.user,  # type: ignore[arg-type]
                request.POST.get("kind", Feedback.Kind.ACTION_TAKEN),
                reason=reason,
            )
        else:
            alert_transition(alert, to, request.user, reason, fields=fields)
    except (TransitionError, services.ResponseError) as exc:
        return _fail(request, alert_id, str(exc))
    messages.success(request, _("Alert moved to %(state)s.") % {"state": AlertState(to).label})
    return redirect("response:detail", alert_id=alert_id)


@login_required
@require_POST
def acknowledge(request: HttpRequest, alert_id: int, tx_id: int) -> HttpResponse:
    """A responder acknowledges on the web the transmission addressed to them."""
    alert = alert_selectors.alert_get(request.user, alert_id)
    tx = Transmission.objects.filter(pk=tx_id, alert=alert, to_user_id=request.user.pk).first()
    if tx is None:
        return _fail(request, alert_id, _("This transmission is not addressed to you."))
    try:
        services.transmission_acknowledge(tx, request.user, via="WEB")  # type: ignore[arg-type]
    except TransitionError as exc:
        return _fail(request, alert_id, str(exc))
    messages.success(request, _("Acknowledged."))
    return redirect("response:detail", alert_id=alert_id)


@login_required
def feedback_list(request: HttpRequest) -> HttpResponse:
    access.require(request.user, "response.feedback")
    alerts = list(selectors.awaiting_feedback(request.user)[:200])
    return render(request, "response/feedback.html", {"alerts": alerts, "now": timezone.now()})


@login_required
def metrics_page(request: HttpRequest) -> HttpResponse:
    access.require(request.user, "response.metrics")
    group = request.GET.get("by", "area")
    if group not in metrics.GROUPS:
        group = "area"
    months = request.GET.get("months", "12")
    table = metrics.response_metrics(
        request.user, group=group, months=int(months) if months.isdigit() else 12
    )
    return render(
        request,
        "response/metrics.html",
        {"table": table, "group": group, "groups": metrics.GROUPS, "steps": metrics.STEPS},
    )


@login_required
def networks(request: HttpRequest) -> HttpResponse:
    """Network health: last contact per network and focal point, silent flag, devices."""
    access.require(request.user, "reporters.view")
    if request.method == "POST":
        from sauti.channels.models import Network

        net = access.get_visible(
            request.user,
            "reporters.view",
            Network.objects.select_related("area"),
            "area",
            pk=request.POST.get("network") if str(request.POST.get("network", "")).isdigit() else 0,
        )
        try:
            if request.POST.get("action") == "ping":
                count = network.network_test_ping(net, request.user)
                messages.success(request, _("Test sent to %(n)s focal points.") % {"n": count})
            else:
                network.device_register(
                    net,
                    request.user,
                    kind=request.POST.get("kind", ""),
                    label=request.POST.get("label", ""),
                )
                messages.success(request, _("Device registered."))
        except ValueError as exc:
            messages.error(request, str(exc))
            return render(request, "response/networks.html", _networks_context(request), status=400)
        return redirect("response:networks")
    return render(request, "response/networks.html", _networks_context(request))


def _networks_context(request: HttpRequest) -> dict[str, Any]:
    from sauti.response.models import Device

    return {
        "rows": network.network_health(request.user),
        "silent_days": settings.SAUTI_SILENT_NETWORK_DAYS,
        "can_manage": access.has_perm(request.user, "network.manage"),
        "device_kinds": Device.Kind.choices,
    }
