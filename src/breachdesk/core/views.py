"""Answer the load balancer's health probe."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from breachdesk.core.health import health_report


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Return 200 with ``ok`` or ``attention`` while the database answers, else 503; never any detail or count."""
    status = health_report()["status"]
    return JsonResponse({"status": status}, status=503 if status == "down" else 200)
