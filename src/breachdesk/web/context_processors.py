"""Add site-wide values to every template."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from breachdesk.web.panels import nav_links


def site(request: HttpRequest) -> dict[str, Any]:
    return {
        "site_name": settings.BREACHDESK_SITE_NAME,
        "incident_access": getattr(request, "incident_access", None),
        "incident_nav": nav_links(),
    }
