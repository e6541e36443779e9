"""Route the campaign pages under ``incidents/<code>/campaigns/``."""

from __future__ import annotations

from django.urls import URLPattern, path

from breachdesk.campaigns import views

app_name = "campaigns"

urlpatterns: list[URLPattern] = [
    path("", views.campaign_list, name="campaign_list"),
    path("bounces/", views.bounce_record, name="bounce_record"),
    path("templates/new/", views.template_create, name="template_create"),
    path("templates/<int:template_id>/", views.template_detail, name="template_detail"),
    path("templates/<int:template_id>/edit/", views.template_edit, name="template_edit"),
    path("templates/<int:template_id>/approve/", views.template_approve, name="template_approve"),
    path("templates/<int:template_id>/preview/", views.template_preview, name="template_preview"),
    path("templates/<int:template_id>/test-send/", views.template_test_send, name="template_test_send"),
    path("new/", views.campaign_create, name="campaign_create"),
    path("<int:campaign_id>/", views.campaign_detail, name="campaign_detail"),
    path("<int:campaign_id>/progress/", views.campaign_progress, name="campaign_progress"),
    path("<int:campaign_id>/edit/", views.campaign_edit, name="campaign_edit"),
    path("<int:campaign_id>/legal-reason/", views.campaign_legal_reason, name="campaign_legal_reason"),
    path("<int:campaign_id>/deliveries/", views.delivery_review_list, name="delivery_review_list"),
    path("<int:campaign_id>/deliveries/<int:delivery_id>/review/", views.delivery_review, name="delivery_review"),
    path("<int:campaign_id>/print/", views.print_batch_create, name="print_batch_create"),
    path("<int:campaign_id>/print/<int:print_batch_id>/", views.print_batch_download, name="print_batch_download"),
]
for _action in ("approve", "start", "pause", "resume", "cancel"):
    urlpatterns.append(
        path(f"<int:campaign_id>/{_action}/", views.campaign_action, {"action": _action}, name=f"campaign_{_action}")
    )
