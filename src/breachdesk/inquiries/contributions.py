"""Register the desk's parts of other screens: navigation, dashboard panels and stamp, person-page section, metrics,
campaign exclusions, the report's secondary-harm item and the desk's readiness items."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from django.db.models import F
from django.utils.translation import gettext_lazy as _

from breachdesk.core import extensions
from breachdesk.inquiries import metrics, readiness_checks
from breachdesk.inquiries.labels import BITS
from breachdesk.inquiries.models import DeskConfig, Inquiry
from breachdesk.inquiries.selectors import desk_stamp, person_ids_with_completed_deletion
from breachdesk.outbound.guard import host_of_url

if TYPE_CHECKING:
    from breachdesk.incidents.models import Incident


def secondary_harm_text(incident: Incident) -> str | None:
    """Return how many inquiries report possible secondary harm (spam, calls, card fraud, hijacked accounts)."""
    bit = BITS["secondary_damage"]
    count = Inquiry.objects.filter(incident=incident).alias(hit=F("label_bits").bitand(bit)).filter(hit=bit).count()
    if not count:
        return None
    return (
        f"窓口に二次被害のおそれ（迷惑メール、不審な電話、不正利用、アカウント乗っ取り等）の申告が{count:,}件寄せられている。"
        "漏えいとの関連を調査中。"
    )


def desk_link_hosts(incident: Incident) -> set[str]:
    """Return the hosts the desk allows links to: its notice page and its configured link domains."""
    config = DeskConfig.objects.filter(incident_id=incident.pk).first()
    if config is None:
        return set()
    hosts = {host_of_url(config.notice_url)}
    hosts |= {d.strip(" .").lower() for d in re.split(r"[\s,]+", config.link_domains or "")}
    return hosts


def _deletion_exclusions() -> list[extensions.AudienceRule]:
    """Keep people whose deletion was completed out of every campaign (DESIGN: the lead decides exceptions).

    Two exclusions: all completed deletions, which a campaign skips when the lead records a legal reason (a notice the
    law requires); and the completed deletions whose request carries the lead's recorded reason to leave the person
    out of such notices too, which always apply.
    """
    return [
        extensions.AudienceRule(
            "deletion_completed",
            lambda incident: person_ids_with_completed_deletion(incident=incident),
            label=_("Deletion completed"),
            legal_override=True,
        ),
        extensions.AudienceRule(
            "deletion_completed_not_cleared",
            lambda incident: person_ids_with_completed_deletion(incident=incident, legally_required=True),
            label=_("Deletion completed, lead recorded a reason to omit legally required notices"),
            legal_override=False,
        ),
    ]


def _encrypted_tables() -> list[Any]:
    from breachdesk.inquiries.rekey import encrypted_tables

    return list(encrypted_tables())


def _files_remove(incident_id: int) -> int:
    from breachdesk.inquiries.shred import attachment_files_remove

    return int(attachment_files_remove(incident_id))


def deletion_task_grant(person_id: int, access: Any, user: Any) -> bool:
    """Let an engineer read the record of the person their own verified deletion task names, and no other."""
    from breachdesk.core.roles import Capability
    from breachdesk.inquiries.selectors import person_in_own_deletion_task

    return bool(
        access.can(Capability.PII_READ_ASSIGNED)
        and person_in_own_deletion_task(incident=access.incident, person_id=person_id, user=user)
    )


def contribute() -> None:
    """Register the parts; called once from ``InquiriesConfig.ready()``."""
    from breachdesk.inquiries.ack import ack_recover_for_workers
    from breachdesk.inquiries.duties import acks_step, mailboxes_step
    from breachdesk.inquiries.health import acks_needing_a_person, acks_progress
    from breachdesk.inquiries.panels import classifier_panel_context, desk_panel_context, person_section_context

    extensions.worker_duties.register(extensions.WorkerDuty("acknowledgments", acks_step, order=10))
    extensions.worker_duties.register(extensions.WorkerDuty("mailboxes", mailboxes_step, order=40))
    extensions.worker_recoveries.register(
        extensions.WorkerRecovery("acks_uncertain", ack_recover_for_workers, as_json=int, empty=0, order=20)
    )
    extensions.health_probes.register(
        extensions.HealthProbe("acknowledgments", acks_progress, acks_needing_a_person, order=20)
    )

    extensions.nav.register(
        extensions.NavEntry(
            "inquiries", label=_("Desk"), url_name="inquiries:inquiry_list", order=40, capability="desk_open"
        )
    )
    extensions.panels.register(
        extensions.Panel(
            "desk", template="inquiries/panels/desk.html", context=desk_panel_context, order=30, cache_seconds=10
        )
    )
    extensions.panels.register(
        extensions.Panel(
            "classifier",
            template="inquiries/panels/classifier.html",
            context=classifier_panel_context,
            order=35,
            cache_seconds=10,
        )
    )
    # The desk stamp is the timeline head less draft saves and mailbox polls, which move no dashboard figure.
    extensions.dashboard_stamps.register(extensions.DashboardStamp("desk", desk_stamp))
    extensions.person_sections.register(
        extensions.PersonSection(
            "inquiries", template="inquiries/person_section.html", context=person_section_context, order=20
        )
    )
    for name, fn in (
        ("inquiries_answered", metrics.inquiries_answered),
        ("inquiry_backlog", metrics.inquiry_backlog),
        ("inquiry_backlog_ages", metrics.inquiry_backlog_ages),
        ("inquiries_per_day_by_label", metrics.inquiries_per_day_by_label),
        ("deletion_requests", metrics.deletion_requests),
    ):
        extensions.metrics.register(extensions.Metric(name, fn))
    for rule in _deletion_exclusions():
        extensions.audience_rules.register(rule)
    extensions.link_hosts.register(extensions.LinkHosts("desk", desk_link_hosts))
    extensions.record_grants.register(extensions.RecordGrant("deletion_task", deletion_task_grant))
    extensions.shred_cleaners.register(extensions.ShredCleaner("inquiries", _files_remove, order=20))
    extensions.encrypted_tables.register(extensions.EncryptedTables("inquiries", _encrypted_tables, order=20))
    extensions.report_sections.register(
        extensions.ReportSection("inquiries.secondary_harm", item="secondary_harm", provider=secondary_harm_text)
    )
    for key, label, check, order in (
        ("desk_mailbox", _("The desk mailbox works"), readiness_checks.check_desk_mailbox, 10),
        ("desk_form", _("The inquiry form works"), readiness_checks.check_desk_form, 20),
        ("ack_template", _("The acknowledgment is approved"), readiness_checks.check_ack_template, 30),
        ("answer_blocks", _("Answer blocks exist for every label"), readiness_checks.check_answer_blocks, 40),
    ):
        extensions.readiness_checks.register(extensions.ReadinessCheck(key, label, check, order=order))
