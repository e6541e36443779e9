"""Route the costs pages under ``incidents/<code>/costs/``."""

from __future__ import annotations

from django.urls import URLPattern, path

from breachdesk.costs import views

app_name = "costs"

urlpatterns: list[URLPattern] = [
    path("", views.overview, name="overview"),
    path("settings/", views.settings_update, name="settings"),
    path("items/new/", views.item_create, name="item_create"),
    path("items/<int:cost_item_id>/", views.item_edit, name="item_edit"),
    path("items/<int:cost_item_id>/delete/", views.item_delete, name="item_delete"),
    path("summary/", views.summary, name="summary"),
    path("reports/", views.report_list, name="report_list"),
    path("reports/generate/", views.report_generate, name="report_generate"),
    path("reports/<int:report_id>/pdf/", views.report_download, name="report_download"),
    path("export/costs.csv", views.export_costs_csv, name="export_costs_csv"),
    path("export/costs.xlsx", views.export_costs_xlsx, name="export_costs_xlsx"),
    path("export/summary.csv", views.export_summary_csv, name="export_summary_csv"),
    path("export/summary.xlsx", views.export_summary_xlsx, name="export_summary_xlsx"),
]
