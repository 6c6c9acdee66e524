"""URLs of the bench server: Sauti's own, plus the baseline insert (bench only)."""

from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.urls import path
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from sauti.urls import urlpatterns as sauti_urlpatterns


@csrf_exempt
def baseline(request: HttpRequest) -> JsonResponse:
    """The least an intake can do: one INSERT of the raw body, committed (autocommit)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO bench_raw (body, received_at) VALUES (%s, %s)",
            [request.body.decode("utf-8", errors="replace"), timezone.now()],
        )
    return JsonResponse({"ok": True})


urlpatterns = [path("bench/baseline", baseline), *sauti_urlpatterns]
