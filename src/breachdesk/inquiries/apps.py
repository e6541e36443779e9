from django.apps import AppConfig
from django.db.models.signals import post_save
from django.utils.translation import gettext_lazy as _


class InquiriesConfig(AppConfig):
    name = "breachdesk.inquiries"
    label = "inquiries"
    verbose_name = "inquiries"

    def ready(self) -> None:
        from breachdesk.core.roles import Capability
        from breachdesk.inquiries.deletion import task_saved
        from breachdesk.inquiries.panels import classifier_panel_context, desk_panel_context, person_section_context
        from breachdesk.inquiries.selectors import desk_stamp
        from breachdesk.registry.hooks import register_person_section
        from breachdesk.web.panels import register_dashboard_stamp, register_nav, register_panel

        register_nav("inquiries", label=_("Desk"), url_name="inquiries:inquiry_list", order=40)
        register_panel(
            "desk", template="inquiries/panels/desk.html", context=desk_panel_context, order=30, cache_seconds=10
        )
        register_panel(
            "classifier",
            template="inquiries/panels/classifier.html",
            context=classifier_panel_context,
            order=35,
            cache_seconds=10,
        )
        # The desk stamp is the timeline head less draft saves and mailbox polls, which move no dashboard figure.
        register_dashboard_stamp(desk_stamp)
        register_person_section(
            "inquiries", template="inquiries/person_section.html", context=person_section_context, order=20
        )
        from breachdesk.inquiries.selectors import person_in_own_deletion_task
        from breachdesk.registry.hooks import register_record_grant

        # An engineer reads the record of the person their own verified deletion task names, and no other.
        register_record_grant(
            "deletion_task",
            lambda person_id, access, user: (
                access.can(Capability.PII_READ_ASSIGNED)
                and person_in_own_deletion_task(incident=access.incident, person_id=person_id, user=user)
            ),
        )
        from breachdesk.inquiries import metrics

        metrics.register()
        _register_deletion_exclusions()
        post_save.connect(task_saved, sender="incidents.Task", dispatch_uid="inquiries.task_saved")


def _register_deletion_exclusions() -> None:
    """Keep people whose deletion was completed out of every campaign (DESIGN: the lead decides exceptions).

    Two exclusions: all completed deletions, which a campaign skips when the lead records a legal reason (a notice the
    law requires); and the completed deletions whose request carries the lead's recorded reason to leave the person
    out of such notices too, which always apply.
    """
    from breachdesk.campaigns.audience import register_exclusion
    from breachdesk.inquiries.selectors import person_ids_with_completed_deletion

    register_exclusion(
        "deletion_completed",
        lambda incident: person_ids_with_completed_deletion(incident=incident),
        label=_("Deletion completed"),
        legal_override=True,
    )
    register_exclusion(
        "deletion_completed_not_cleared",
        lambda incident: person_ids_with_completed_deletion(incident=incident, legally_required=True),
        label=_("Deletion completed, lead recorded a reason to omit legally required notices"),
        legal_override=False,
    )
