"""Turn stored timeline events (a kind and a dict of keys) into sentences in the reader's language.

The timeline stores keys, codes and ids so its hash chain never depends on a language; the words are made here, at
display time. ``SENTENCES`` holds one sentence per event kind (``%(field)s`` placeholders read the event's data, a
missing field reads as "—"); an unknown kind falls back to a generic sentence. The fields that the sentence does not
use are shown as labelled values: codes become the labels of the model choices that define them, booleans 「はい／
いいえ」, ``None`` "—", lists are joined and ``changes`` dicts read "field: before → after".

Other apps may add or override a sentence with ``register(kind, sentence)``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.apps import apps
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from breachdesk.core.templatetags.people import person_name
from breachdesk.incidents import task_texts

NOTHING = "—"

SENTENCES: dict[str, Any] = {
    "incident.created": _("Created the incident “%(title)s”"),
    "incident.updated": _("Updated the incident"),
    "incident.phase_changed": _("Moved the incident to another phase"),
    "member.added": _("Added a member"),
    "member.removed": _("Removed a member"),
    "member.role_changed": _("Changed a member's role"),
    "member.enrolment_issued": _("Issued a second-factor enrolment code for a member"),
    "task.created": _("Created the task “%(title)s”"),
    "task.updated": _("Updated a task"),
    "task.status_changed": _("Changed the status of the task “%(title)s”"),
    "stakeholder.added": _("Added the stakeholder “%(name)s”"),
    "stakeholder.updated": _("Updated a stakeholder"),
    "stakeholder.imported": _("Imported stakeholders"),
    "stakeholder.status_changed": _("Changed the status of the stakeholder “%(name)s”"),
    "stakeholder.briefing_prepared": _("Prepared a briefing for a stakeholder"),
    "stakeholder.briefing_sent": _("Sent a briefing to a stakeholder"),
    "stakeholder.briefing_acknowledged": _("A stakeholder acknowledged a briefing"),
    "audit.verified": _("Checked the hash chain of the timeline"),
    "crypto.key_destroyed": _("Destroyed the incident's data key"),
    "crypto.key_rewrapped": _("Re-wrapped the incident's data key"),
    "crypto.data_key_rotated": _("Rotated the incident's data key and re-encrypted its personal data"),
    "access_log.pruned": _("Removed access-log entries past the retention period"),
    "access_log.retention_set": _("Set the retention period of the access log"),
    "registry.import_finished": _("Finished importing “%(file)s” into the registry"),
    "registry.import_failed": _("Importing “%(file)s” into the registry failed"),
    "registry.import_interrupted": _("Importing “%(file)s” into the registry was interrupted"),
    "registry.import_resumed": _("Resumed importing “%(file)s” into the registry"),
    "registry.job_deleted": _("Deleted an import job"),
    "registry.job_rolled_back": _("Rolled back an import job"),
    "registry.leak_matched": _("Matched a leaked file against the registry"),
    "registry.person_added": _("Added a person to the registry"),
    "registry.exported": _("Exported the registry"),
    "obligations.changed": _("The obligations were evaluated again and changed"),
    "obligations.fact_overridden": _("Overrode a fact of the obligations"),
    "obligations.fact_override_cleared": _("Cleared an override of a fact"),
    "report.created": _("Drafted a regulator report"),
    "report.edited": _("Edited a regulator report"),
    "report.approved": _("Approved a regulator report"),
    "report.submitted": _("Recorded a regulator report as submitted"),
    "desk.configured": _("Changed the desk settings"),
    "desk.mailbox_polled": _("Read the desk mailbox"),
    "inquiry.received": _("Received an inquiry"),
    "inquiry.classified": _("Classified an inquiry"),
    "inquiry.labels_corrected": _("Corrected the labels of an inquiry"),
    "inquiry.matched": _("Matched an inquiry to the registry"),
    "inquiry.assigned": _("Assigned an inquiry"),
    "inquiry.status_changed": _("Changed the status of an inquiry"),
    "inquiry.message_added": _("Added a message to an inquiry"),
    "inquiry.ack_sent": _("Sent the acknowledgment of an inquiry"),
    "inquiry.ack_failed": _("Sending the acknowledgment of an inquiry failed"),
    "inquiry.ack_requeued": _("Queued the acknowledgment of an inquiry again"),
    "inquiry.loop_dropped": _("Dropped a mail loop"),
    "answer_block.created": _("Wrote an answer block"),
    "answer_block.approved": _("Approved an answer block"),
    "answer_block.preapproved": _("Pre-approved an answer block"),
    "answer_block.retired": _("Retired an answer block"),
    "reply.drafted": _("Drafted a reply"),
    "reply.edited": _("Edited a reply"),
    "reply.submitted": _("Submitted a reply for review"),
    "reply.batch_submitted": _("Submitted replies for review in a batch"),
    "reply.approved": _("Approved a reply"),
    "reply.returned": _("Returned a reply to its author"),
    "reply.sent": _("Sent a reply"),
    "reply.send_failed": _("Sending a reply failed"),
    "deletion.requested": _("Recorded a deletion request"),
    "deletion.completed": _("Completed a deletion request"),
    "deletion.contact_decided": _("Decided whether a deleted person may still be contacted"),
    "campaign.template_created": _("Wrote the notification template “%(name)s”"),
    "campaign.template_edited": _("Edited a notification template"),
    "campaign.template_renamed": _("Renamed a notification template to “%(name)s”"),
    "campaign.template_approved": _("Approved a notification template"),
    "campaign.template_test_sent": _("Sent a test of a notification template"),
    "campaign.created": _("Created the campaign “%(name)s”"),
    "campaign.updated": _("Updated a campaign"),
    "campaign.approved": _("Approved the campaign “%(name)s”"),
    "campaign.approval_voided": _("The approval of a campaign was voided"),
    "campaign.legal_reason_recorded": _("Recorded the legal reason of a campaign"),
    "campaign.started": _("Started a campaign"),
    "campaign.paused": _("Paused a campaign"),
    "campaign.resumed": _("Resumed a campaign"),
    "campaign.cancelled": _("Cancelled a campaign"),
    "campaign.finished": _("A campaign finished"),
    "campaign.reopened": _("Reopened a campaign"),
    "campaign.deliveries_processed": _("Processed campaign deliveries"),
    "campaign.deliveries_recovered": _("Recovered campaign deliveries left unfinished"),
    "campaign.delivery_reviewed": _("Reviewed a campaign delivery"),
    "campaign.bounce_recorded": _("Recorded a bounce"),
    "campaign.print_batch_generated": _("Generated a print batch for postal notices"),
    "campaign.print_batch_downloaded": _("Downloaded a print batch"),
    "notice.created": _("Drafted the notice “%(title)s”"),
    "notice.edited": _("Edited the notice “%(title)s”"),
    "notice.approved": _("Approved the notice “%(title)s”"),
    "notice.published": _("Published the notice “%(title)s”"),
    "notice.readiness_confirmed": _("Confirmed the readiness checklist"),
    "faq.saved": _("Saved a FAQ entry"),
    "faq.approved": _("Approved a FAQ entry"),
    "faq.retired": _("Retired a FAQ entry"),
    "faq.drift_flagged": _("A FAQ entry differs from its answer block"),
    "press.drafted": _("Drafted the press statement “%(title)s”"),
    "press.title_decided": _("Decided the title of the press statement: “%(title)s”"),
    "costs.settings_changed": _("Changed the cost settings"),
    "costs.item_created": _("Added a cost item"),
    "costs.item_updated": _("Updated a cost item"),
    "costs.item_deleted": _("Deleted a cost item"),
    "costs.report_queued": _("Queued a cost report"),
    "costs.report_generated": _("Generated a cost report"),
    "costs.report_failed": _("Generating a cost report failed"),
    "scan.summary": _("Finished a scan for personal data"),
    "selfcheck.limited": _("The public self-check limited a sender"),
    "selfcheck.honeypot": _("The public self-check caught an automated sender"),
}

FIELD_LABELS: dict[str, Any] = {
    "alternatives": _("Other titles considered"),
    "assignee": _("Assigned to"),
    "author": _("Author"),
    "automatic": _("Automatic"),
    "batch": _("Batch"),
    "block": _("Answer block"),
    "blocks": _("Answer blocks"),
    "briefing": _("Briefing"),
    "campaign": _("Campaign"),
    "category": _("Category"),
    "categories": _("Categories"),
    "changed": _("Changed settings"),
    "changes": _("Changes"),
    "channel": _("Channel"),
    "code": _("Code"),
    "cost_item": _("Cost item"),
    "count": _("Count"),
    "deletion": _("Deletion request"),
    "description": _("Description"),
    "due_at": _("Due"),
    "duplicates": _("Duplicates"),
    "error": _("Error"),
    "events": _("Events"),
    "faq": pgettext_lazy("timeline field", "FAQ entry"),
    "file": _("File"),
    "for_date": _("For the day"),
    "free_text": _("Free text"),
    "from": _("Before"),
    "how": _("How"),
    "imported": _("Imported"),
    "inquiry": _("Inquiry"),
    "job": _("Import job"),
    "jurisdiction": _("Jurisdiction"),
    "key": _("Key"),
    "kind": _("Kind"),
    "labels": _("Labels"),
    "method": _("Matched by"),
    "name": _("Name"),
    "notice": _("Notice"),
    "number": _("Number"),
    "ok": _("Intact"),
    "owner": _("Owner"),
    "person": _("Registry person"),
    "phase": _("Phase"),
    "pre_approved": _("Pre-approved"),
    "reason": _("Reason"),
    "rejected": _("Rejected"),
    "reply": _("Reply"),
    "report": _("Report"),
    "requested_by": _("Requested by"),
    "role": _("Role"),
    "rows": _("Rows"),
    "rule_packs": _("Rule packs"),
    "seq": _("Event number"),
    "skips_review": _("Skips review"),
    "source": _("Source"),
    "stakeholder": _("Stakeholder"),
    "statement": _("Press statement"),
    "status": _("Status"),
    "task": _("Task"),
    "tasks": _("Tasks"),
    "template": _("Template"),
    "title": _("Title"),
    "to": _("After"),
    "token": _("Inquiry number"),
    "updated": _("Updated"),
    "user": _("Member"),
    "verified": _("Verified"),
    "version": _("Version"),
    # keys inside ``changes`` of the obligations and the cost settings
    "reportable": _("Reportable"),
    "notify_individuals": _("Notify each person"),
    "preliminary_due": _("Preliminary report due"),
    "final_due": _("Final report due"),
    "report_to": _("Report to"),
    "rule_pack": _("Rule pack"),
    "social_responsibility_reason": _("Reason for the social responsibility factor"),
    "response_evaluation_reason": _("Reason for the response evaluation factor"),
    "daily_report_hour": _("Hour of the daily report"),
}

# Codes that appear in event data but belong to no model choice.
EXTRA_VALUES: dict[str, Any] = {
    "round_robin": _("in turn (round robin)"),
    "manual": _("by hand"),
    "member_id": _("member number"),
    "master": _("member master"),
    "affected_list": _("list of affected people"),
    "malicious": _("unfair purpose (Rule 7(3))"),
    "over_1000": _("more than 1,000 people (Rule 7(4))"),
    "sensitive": _("special care-required data (Rule 7(1))"),
    "financial": _("financial harm (Rule 7(2))"),
    "daily": _("daily"),
    "desk_address": _("desk address"),
    "notice_url": _("notice address"),
    "system": _("the system"),
    "worker": _("the background worker"),
    "demo": _("the demo loader"),
    "cli": _("the command line"),
}

# The first part of a kind, which the timeline filters by.
PREFIXES: dict[str, Any] = {
    "answer_block": _("Answer blocks"),
    "audit": _("Audit"),
    "campaign": _("Campaigns"),
    "costs": _("Costs"),
    "crypto": _("Encryption keys"),
    "deletion": _("Deletion requests"),
    "desk": _("Desk"),
    "faq": _("FAQ"),
    "incident": _("Incident"),
    "inquiry": _("Inquiries"),
    "member": _("Members"),
    "notice": _("Notices"),
    "obligations": _("Obligations"),
    "press": _("Press"),
    "registry": _("Registry"),
    "reply": _("Replies"),
    "report": _("Regulator reports"),
    "scan": _("Scanner"),
    "selfcheck": _("Public self-check"),
    "stakeholder": _("Stakeholders"),
    "task": _("Tasks"),
}

# Ids that name an object: shown as "#12", not as a bare number.
ID_FIELDS = {
    "block", "briefing", "campaign", "cost_item", "deletion", "faq", "inquiry", "job", "notice", "person", "reply",
    "report", "stakeholder", "statement", "task", "template",
}  # fmt: skip

_custom: dict[str, Any] = {}


def register(kind: str, sentence: Any) -> None:
    """Use ``sentence`` (a lazy gettext string with ``%(field)s`` placeholders) for events of ``kind``."""
    _custom[kind] = sentence


@dataclass(frozen=True)
class EventLine:
    """One event as a person reads it: a sentence and the remaining fields as (label, value) pairs."""

    sentence: str
    fields: list[tuple[str, str]]


@cache
def _choice_labels() -> tuple[dict[str, dict[str, Any]], dict[str, Any]]:
    """Return the labels of every model choice, per field name and overall, read from the installed models."""
    per_field: dict[str, dict[str, Any]] = {}
    overall: dict[str, Any] = {}
    for model in apps.get_models():
        for field in model._meta.get_fields():
            choices = getattr(field, "flatchoices", None)
            if not choices:
                continue
            mapping = per_field.setdefault(field.name, {})
            for value, label in choices:
                if isinstance(value, str) and value:
                    mapping.setdefault(value, label)
                    overall.setdefault(value, label)
    labels = _inquiry_labels()
    per_field.setdefault("labels", {}).update(labels)
    return per_field, overall


def _inquiry_labels() -> dict[str, Any]:
    if not apps.is_installed("breachdesk.inquiries"):
        return {}
    from breachdesk.inquiries.labels import LABELS

    return dict(LABELS)


def _item_labels() -> dict[str, str]:
    if not apps.is_installed("breachdesk.registry"):
        return {}
    from breachdesk.registry.items import ITEMS
    from breachdesk.registry.templatetags.registry_items import item_label

    return {key: item_label(key) for key in ITEMS}


def _user_names() -> dict[str, str]:
    from django.contrib.auth import get_user_model

    names = {}
    for username, first, last in get_user_model().objects.values_list("username", "first_name", "last_name"):
        full = person_name(username=username, first_name=first, last_name=last)
        names[username] = full
    return names


class _Renderer:
    """Render many events with one lookup of user names and labels."""

    USER_FIELDS = {"assignee", "author", "user", "owner", "requested_by"}

    def __init__(self) -> None:
        self.per_field, self.overall = _choice_labels()
        self.users = _user_names()
        self.items = _item_labels()

    def actor(self, label: str) -> str:
        if label in self.users:
            return self.users[label]
        return str(EXTRA_VALUES.get(label, label))

    def value(self, field: str, value: Any) -> str:
        if value is None or value == "" or value == []:
            return NOTHING
        if isinstance(value, bool):
            return gettext("yes") if value else gettext("no")
        if isinstance(value, list | tuple):
            return "、".join(self.value(field, v) for v in value)
        if isinstance(value, dict):
            return "、".join(f"{self.label(k)}: {self.value(k, v)}" for k, v in value.items())
        if isinstance(value, int | float):
            if field in ID_FIELDS:
                return f"#{value}"
            return f"{value:,}" if isinstance(value, int) and field not in ("version", "number") else str(value)
        text = str(value)
        if field == "title":
            return task_texts.localise(text)
        if field in self.USER_FIELDS and text in self.users:
            return self.users[text]
        if field in ("key", "block") and text.replace("-", "_") in self.per_field.get("labels", {}):
            return str(self.per_field["labels"][text.replace("-", "_")])
        if field in ("changed", "items") and text in self.items:
            return self.items[text]
        label = self.per_field.get(field, {}).get(text) or EXTRA_VALUES.get(text) or self.overall.get(text)
        if label is not None:
            return str(label)
        if text in self.items:
            return self.items[text]
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}T[\d:.]+[+-]\d{2}:\d{2}", text):
            return text[:16].replace("T", " ")
        return text

    def label(self, field: str) -> str:
        # ``JP.categories`` in the obligations' changes: the jurisdiction, then the field.
        prefix, _dot, name = field.rpartition(".")
        if prefix and name in FIELD_LABELS:
            return f"{prefix} {FIELD_LABELS[name]}"
        return str(FIELD_LABELS.get(field, field))

    def change(self, field: str, before_after: Any) -> str:
        name = field.rpartition(".")[2]
        if isinstance(before_after, list | tuple) and len(before_after) == 2:
            before, after = before_after
            return f"{self.value(name, before)} → {self.value(name, after)}"
        return self.value(name, before_after)

    def render(self, kind: str, actor_label: str, data: Mapping[str, Any]) -> EventLine:
        template = _custom.get(kind) or SENTENCES.get(kind)
        used: set[str] = set()
        if template is None:
            sentence = gettext("Recorded “%(kind)s”") % {"kind": kind}
        else:
            text = str(template)
            used = set(re.findall(r"%\((\w+)\)s", text))
            sentence = text % {name: self.value(name, data.get(name)) for name in used}
        fields: list[tuple[str, str]] = []
        for name, value in data.items():
            if name in used:
                continue
            if name == "changes" and isinstance(value, dict):
                fields.extend((self.label(k), self.change(k, v)) for k, v in value.items())
            else:
                fields.append((self.label(name), self.value(name, value)))
        return EventLine(sentence=sentence, fields=fields)


def event_lines(events: Any) -> list[tuple[Any, EventLine, str]]:
    """Return ``(event, line, actor name)`` for each event, in the active language."""
    renderer = _Renderer()
    return [(e, renderer.render(e.kind, e.actor_label, e.data or {}), renderer.actor(e.actor_label)) for e in events]


def event_line(*, kind: str, actor_label: str, data: Mapping[str, Any]) -> EventLine:
    """Return one event as a sentence and labelled fields, in the active language."""
    return _Renderer().render(kind, actor_label, data)


def kind_label(kind: str) -> str:
    """Return the words for ``kind`` (or a kind's first part) with placeholders left out, for filter lists."""
    if kind in PREFIXES:
        return str(PREFIXES[kind])
    template = _custom.get(kind) or SENTENCES.get(kind)
    if template is None:
        return kind
    return re.sub(r"\s*[「“]?%\(\w+\)s[」”]?", "…", str(template)).replace("……", "…")
