from django.apps import AppConfig
from django.core import checks
from django.db.models.signals import post_save


class ObligationsConfig(AppConfig):
    name = "breachdesk.obligations"
    label = "obligations"
    verbose_name = "obligations"

    def ready(self) -> None:
        from breachdesk.obligations import contributions, receivers
        from breachdesk.obligations.providers import check_report_items
        from breachdesk.registry.signals import registry_changed

        contributions.contribute()
        checks.register(check_report_items)
        registry_changed.connect(receivers.registry_changed, dispatch_uid="obligations.registry_changed")
        post_save.connect(
            receivers.incident_saved, sender="incidents.Incident", dispatch_uid="obligations.incident_saved"
        )
