from django.urls import include, path

from breachdesk.web.views import incidents

app_name = "web"

urlpatterns = [
    path("", incidents.incident_list, name="incident_list"),
    path("new/", incidents.incident_create, name="incident_create"),
    path("<slug:code>/", incidents.incident_dashboard, name="incident_dashboard"),
    path("<slug:code>/edit/", incidents.incident_edit, name="incident_edit"),
    path("<slug:code>/phase/", incidents.incident_phase, name="incident_phase"),
    path("<slug:code>/tasks/", incidents.task_board, name="task_board"),
    path("<slug:code>/tasks/<int:task_id>/", incidents.task_edit, name="task_edit"),
    path("<slug:code>/tasks/<int:task_id>/status/", incidents.task_status, name="task_status"),
    path("<slug:code>/members/", incidents.member_list, name="member_list"),
    path("<slug:code>/members/<int:member_id>/role/", incidents.member_role, name="member_role"),
    path("<slug:code>/members/<int:member_id>/remove/", incidents.member_remove, name="member_remove"),
    path("<slug:code>/members/<int:member_id>/enrolment/", incidents.member_enrolment, name="member_enrolment"),
    path("<slug:code>/stakeholders/", include("breachdesk.incidents.stakeholder_urls")),
    path("<slug:code>/timeline/", incidents.timeline, name="timeline"),
    path("<slug:code>/timeline/verify/", incidents.timeline_verify, name="timeline_verify"),
]
