from django.apps import AppConfig
from django.db.models.signals import post_save


class InquiriesConfig(AppConfig):
    name = "breachdesk.inquiries"
    label = "inquiries"
    verbose_name = "inquiries"

    def ready(self) -> None:
        from breachdesk.inquiries import contributions
        from breachdesk.inquiries.deletion import task_saved

        contributions.contribute()
        post_save.connect(task_saved, sender="incidents.Task", dispatch_uid="inquiries.task_saved")
