from django.urls import path

from breachdesk.inquiries.views import public

app_name = "inquiries_public"

urlpatterns = [
    path("", public.contact, name="contact"),
    path("confirm/<str:secret>/", public.confirm, name="confirm"),
    path("deletion/<str:secret>/", public.deletion_confirm, name="deletion_confirm"),
]
