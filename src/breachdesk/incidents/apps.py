from django.apps import AppConfig


class IncidentsConfig(AppConfig):
    name = "breachdesk.incidents"
    label = "incidents"
    verbose_name = "incidents"

    def ready(self) -> None:
        from breachdesk.incidents.playbook import load_playbook

        # Fail at start-up, not at the first incident, when the playbook data is broken.
        load_playbook()
