"""Home page with real counts from the records the user may see."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from sauti.accounts import access
from sauti.accounts.models import User
from sauti.alerts.selectors import alerts_visible_to


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    counts = {}
    if access.has_perm(user, "alerts.view"):
        alerts = alerts_visible_to(user)
        week_ago = timezone.now() - timedelta(days=7)
        counts = {
            "alerts_total": alerts.count(),
            "alerts_week": alerts.filter(received_at__gte=week_ago).count(),
            "alerts_open": alerts.exclude(state__in=["CLOSED", "MERGED", "REJECTED"]).count(),
        }
    assert isinstance(user, User)  # login_required
    areas = list(
        user.scopes.select_related("admin_unit").values_list(
            "admin_unit__name", "admin_unit__pcode"
        )
    )
    return render(request, "web/home.html", {"counts": counts, "areas": areas})
