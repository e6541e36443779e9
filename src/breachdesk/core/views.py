"""Answer the load balancer's health probe."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from breachdesk.core.health import health_report


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Return the status (``ok``, ``attention``, ``down``), never any detail or count.

    The answer is 503 only when this process cannot use the database: workers being down makes the status ``down``
    but leaves the web process healthy, so a load balancer keeps serving the desk while monitoring raises the alarm.
    """
    report = health_report()
    return JsonResponse({"status": report["status"]}, status=503 if not report["database"]["ok"] else 200)
