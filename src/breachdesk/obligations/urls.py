"""Route the obligations pages under ``incidents/<code>/obligations/``.

Each report has a fixed slot (``jp-preliminary``, ``jp-final``, ``jp-to-principal``, ``eu-authority``,
``eu-to-principal``), so its URLs take no id: ``reverse("obligations:report_detail", kwargs={"code": c, "slot": s})``.
"""

from __future__ import annotations

from django.urls import URLPattern, path

from breachdesk.obligations import views
from breachdesk.obligations.models import REPORT_SLOTS

app_name = "obligations"

urlpatterns: list[URLPattern] = [
    path("", views.overview, name="overview"),
    path("facts/", views.fact_override, name="fact_override"),
    path("evaluate/", views.reevaluate, name="evaluate"),
]
for _slot in REPORT_SLOTS:
    urlpatterns += [
        path(f"reports/{_slot}/", views.report_detail, {"slot": _slot}, name="report_detail"),
        path(f"reports/{_slot}/approve/", views.report_approve, {"slot": _slot}, name="report_approve"),
        path(f"reports/{_slot}/submit/", views.report_submit, {"slot": _slot}, name="report_submit"),
        path(f"reports/{_slot}/docx/", views.report_docx_view, {"slot": _slot}, name="report_docx"),
        path(f"reports/{_slot}/text/", views.report_text_view, {"slot": _slot}, name="report_text"),
    ]
