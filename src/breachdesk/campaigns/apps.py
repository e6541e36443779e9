from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    name = "breachdesk.campaigns"
    label = "campaigns"
    verbose_name = "campaigns"

    def ready(self) -> None:
        from breachdesk.campaigns import contributions

        contributions.contribute()
