"""Navigation by capability: a user sees the sections their role can use."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from sauti.accounts import access
from sauti.channels.break_glass import may_use_page as may_use_identity_requests
from sauti.channels.callbacks import may_act as may_call_back

# (label, url name, permission — or a test of the user, for a page whose audience is not one
# permission of the matrix)
SECTIONS: list[tuple[Any, str, str | Callable[[Any], bool] | None]] = [
    (_("Home"), "web:home", None),
    (_("Alerts"), "alerts:list", "alerts.view"),
    (_("Response"), "response:board", "response.board"),
    (_("Places"), "places:search", "places.view"),
    (_("Reporters"), "channels:reporter_list", "reporters.view"),
    (_("Callbacks"), "channels:callback_list", may_call_back),
    # Break-glass reveals (DP-6): the DPO's queue, requesters' own requests, the CLA line's notice.
    (_("Identity requests"), "channels:reveal_requests", may_use_identity_requests),
    (_("Civil society"), "civic:home", "civic.view"),
    (_("Peace agreements"), "agreements:list", "agreements.view"),
    (_("Early warning"), "warning:home", "warning.view"),
    (_("Indicators"), "indicators:dashboard", "indicators.view"),
    (_("Audit log"), "audit_log", "audit.view"),
]


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    items = []
    if user is not None and user.is_authenticated:
        for label, url_name, permission in SECTIONS:
            if (
                permission is None
                or (callable(permission) and permission(user))
                or (isinstance(permission, str) and access.has_perm(user, permission))
            ):
                url = reverse(url_name)
                items.append(
                    {
                        "label": label,
                        "url": url,
                        "active": request.path == url
                        or (url != "/" and request.path.startswith(url)),
                    }
                )
    return {"nav_items": items, "mission_name": settings.SAUTI_MISSION_NAME}
