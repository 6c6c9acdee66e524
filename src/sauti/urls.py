from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from sauti.accounts.views import audit_log
from sauti.api import api
from sauti.channels.urls import hook_urlpatterns
from sauti.core.views import health

urlpatterns = [
    # First: every SMS comes here, and Django tries the patterns in order.
    path("hooks/", include((hook_urlpatterns, "hooks"))),
    path("health", health, name="health"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("accounts/", include("sauti.accounts.urls")),
    path("audit/", audit_log, name="audit_log"),
    path("alerts/", include("sauti.alerts.urls")),
    path("response/", include("sauti.response.urls")),
    path("places/", include("sauti.places.urls")),
    path("civic/", include("sauti.civic.urls")),
    path("agreements/", include("sauti.agreements.urls")),
    path("warning/", include("sauti.warning.urls")),
    path("indicators/", include("sauti.indicators.urls")),
    path("channels/", include("sauti.channels.urls")),
    path("api/v1/", api.urls),
    path("", include("sauti.web.urls")),
]
