"""Route the staff pages of notices under ``incidents/<code>/notices/``."""

from __future__ import annotations

from django.urls import URLPattern, path

from breachdesk.notices import views

app_name = "notices"

urlpatterns: list[URLPattern] = [
    path("", views.notice_list, name="list"),
    path("readiness/", views.readiness_view, name="readiness"),
    path("<int:notice_id>/", views.notice_detail, name="detail"),
    path("<int:notice_id>/edit/", views.notice_edit, name="edit"),
    path("<int:notice_id>/approve/", views.notice_approve, name="approve"),
    path("<int:notice_id>/publish/", views.notice_publish, name="publish"),
    path("<int:notice_id>/correct/", views.notice_correct, name="correct"),
    path("<int:notice_id>/diff/", views.notice_diff, name="diff"),
    path("faq/", views.faq_list, name="faq_list"),
    path("faq/<int:faq_id>/", views.faq_detail, name="faq_detail"),
    path("faq/<int:faq_id>/approve/", views.faq_approve, name="faq_approve"),
    path("faq/<int:faq_id>/retire/", views.faq_retire, name="faq_retire"),
    path("faq/<int:faq_id>/resync/", views.faq_resync, name="faq_resync"),
    path("stakeholders/", views.stakeholder_overview, name="stakeholders"),
    path("stakeholders/import/", views.stakeholder_import, name="stakeholder_import"),
    path("stakeholders/<int:stakeholder_id>/", views.stakeholder_pack_view, name="stakeholder_pack"),
    path("press/", views.press_view, name="press"),
]
