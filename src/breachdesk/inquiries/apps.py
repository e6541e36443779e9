from django.apps import AppConfig


class InquiriesConfig(AppConfig):
    name = "breachdesk.inquiries"
    label = "inquiries"
    verbose_name = "inquiries"
