from django.urls import path

from breachdesk.registry import views

app_name = "registry"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("people/", views.person_list, name="person_list"),
    path("people/<int:person_id>/", views.person_detail, name="person_detail"),
    path("imports/", views.job_list, name="job_list"),
    path("imports/new/", views.job_upload, name="job_upload"),
    path("match/", views.match_upload, name="match_upload"),
    path("imports/<int:job_id>/", views.job_detail, name="job_detail"),
    path("imports/<int:job_id>/progress/", views.job_progress, name="job_progress"),
    path("imports/<int:job_id>/errors/", views.job_errors, name="job_errors"),
    path("imports/<int:job_id>/matches/", views.job_matches, name="job_matches"),
    path("imports/<int:job_id>/resume/", views.job_resume, name="job_resume"),
    path("imports/<int:job_id>/rollback/", views.job_rollback, name="job_rollback"),
    path("imports/<int:job_id>/delete/", views.job_delete, name="job_delete"),
    path("export/", views.export, name="export"),
    path("access-log/", views.access_log_view, name="access_log"),
]
