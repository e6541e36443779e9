from django.urls import path

from breachdesk.inquiries.views import public

app_name = "inquiries_public"

urlpatterns = [path("", public.contact, name="contact")]
