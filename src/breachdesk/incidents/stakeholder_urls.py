"""Route the stakeholder pages; the web layer includes these under ``incidents/<code>/stakeholders/`` in its own
namespace, so the names stay ``web:stakeholder_list`` and ``web:stakeholder_status``."""

from __future__ import annotations

from django.urls import URLPattern, path

from breachdesk.incidents import stakeholder_views

urlpatterns: list[URLPattern] = [
    path("", stakeholder_views.stakeholder_list, name="stakeholder_list"),
    path("<int:stakeholder_id>/status/", stakeholder_views.stakeholder_status, name="stakeholder_status"),
]
