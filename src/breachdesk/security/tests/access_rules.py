"""State, for every incident route of the desk and the API, which capability each method needs.

The persona walk (``test_personas_everywhere.py``) reads the URL configuration and fails on a route that has no rule
here, so a new view cannot ship without someone deciding who may use it. ``NO`` means the method is not allowed
(405), or 403 when the role also lacks the other method's capability (the role is checked first); a capability means
a member whose role lacks it is refused: 403, or, for a POST, the desk's usual answer to a refused form (a redirect
carrying the refusal message of a ``PermissionDenied``).
"""

from __future__ import annotations

from dataclasses import dataclass

from breachdesk.core.roles import Capability, Role, role_can

NO = None
VIEW = Capability.VIEW
C = Capability
EDIT = Capability.EDIT_INCIDENT
TASKS = Capability.EDIT_TASKS
MEMBERS = Capability.MANAGE_MEMBERS
STAKEHOLDERS = Capability.MANAGE_STAKEHOLDERS
REVIEW = Capability.REVIEW


@dataclass(frozen=True)
class Either:
    """Need one capability, or another one that is object-level (checked against the object as well).

    ``objects`` names the personas for whom the sample object passes the object check (an engineer whose deletion
    task names the sample person; a reviewer while the sample reply is in review); every other holder of ``grant``
    is refused like a role without it.
    """

    need: Capability
    grant: Capability


Need = Capability | Either | None


@dataclass(frozen=True)
class Rule:
    get: Need
    post: Need


def r(get: Need, post: Need) -> Rule:
    return Rule(get=get, post=post)


def allows(role: Role, need: Need, *, granted: bool = False) -> bool:
    """Return whether ``role`` may use a method that needs ``need``; ``granted``: the object check passes."""
    if need is None:
        return False
    if isinstance(need, Either):
        return role_can(role, need.need) or (granted and role_can(role, need.grant))
    return role_can(role, need)


# Object-level reads: the record of the person an engineer's own deletion task names; the inquiry and reply a
# reviewer reviews.
RECORD = Either(C.PII_READ_RECORD, C.PII_READ_ASSIGNED)
INQUIRY = Either(C.INQUIRY_READ_BODY, C.INQUIRY_READ_IN_REVIEW)


# Web routes under /incidents/<code>/: GET and POST.
WEB: dict[str, Rule] = {
    "web:incident_dashboard": r(VIEW, VIEW),
    "web:incident_edit": r(EDIT, EDIT),
    "web:incident_phase": r(NO, EDIT),
    "web:task_board": r(VIEW, TASKS),
    "web:task_edit": r(VIEW, TASKS),
    "web:task_status": r(NO, TASKS),
    "web:member_list": r(VIEW, MEMBERS),
    "web:member_role": r(NO, MEMBERS),
    "web:member_remove": r(NO, MEMBERS),
    "web:member_enrolment": r(NO, MEMBERS),
    "web:stakeholder_list": r(VIEW, STAKEHOLDERS),
    "web:stakeholder_status": r(NO, STAKEHOLDERS),
    "web:timeline": r(VIEW, VIEW),
    "web:timeline_verify": r(NO, VIEW),
    "registry:overview": r(VIEW, VIEW),
    "registry:person_list": r(C.PII_LIST, C.PII_LIST),
    "registry:person_detail": r(RECORD, RECORD),
    "registry:job_list": r(C.PII_IMPORT, C.PII_IMPORT),
    "registry:job_upload": r(C.PII_IMPORT, C.PII_IMPORT),
    "registry:match_upload": r(C.PII_IMPORT, C.PII_IMPORT),
    "registry:job_detail": r(C.PII_IMPORT, C.PII_IMPORT),
    "registry:job_progress": r(C.PII_IMPORT, C.PII_IMPORT),
    "registry:job_errors": r(C.PII_IMPORT, C.PII_IMPORT),
    "registry:job_matches": r(C.PII_IMPORT, C.PII_IMPORT),
    "registry:job_resume": r(NO, C.PII_IMPORT),
    "registry:job_rollback": r(NO, C.PII_IMPORT),
    "registry:job_delete": r(NO, C.PII_IMPORT),
    "registry:export": r(C.PII_EXPORT_MASKED, C.PII_EXPORT_MASKED),
    "registry:access_log": r(Capability.VIEW_ACCESS_LOG, Capability.VIEW_ACCESS_LOG),
    "obligations:overview": r(VIEW, NO),
    "obligations:fact_override": r(NO, EDIT),
    "obligations:evaluate": r(NO, EDIT),
    "obligations:report_detail": r(VIEW, EDIT),
    "obligations:report_approve": r(NO, REVIEW),
    "obligations:report_submit": r(NO, EDIT),
    "obligations:report_docx": r(VIEW, NO),
    "obligations:report_text": r(VIEW, NO),
    "inquiries:inquiry_list": r(C.DESK_OPEN, C.DESK_OPEN),  # without INQUIRY_READ_BODY: to one's own page
    "inquiries:bulk_draft": r(NO, C.DESK_WORK),
    "inquiries:assign_round_robin": r(NO, C.DESK_WORK),
    "inquiries:phone_new": r(C.DESK_WORK, C.DESK_WORK),
    "inquiries:mail_upload": r(C.DESK_WORK, C.DESK_WORK),
    "inquiries:desk_settings": r(C.DESK_OPEN, EDIT),
    "inquiries:review_queue": r(REVIEW, REVIEW),
    "inquiries:inquiry_detail": r(INQUIRY, INQUIRY),
    "inquiries:inquiry_labels": r(NO, C.DESK_WORK),
    "inquiries:inquiry_assign": r(NO, C.DESK_WORK),
    "inquiries:inquiry_status": r(NO, C.DESK_WORK),
    "inquiries:inquiry_ack_retry": r(NO, C.DESK_WORK),
    "inquiries:inquiry_draft": r(NO, C.DESK_WORK),
    "inquiries:inquiry_deletion": r(NO, C.DESK_WORK),
    "inquiries:attachment_download": r(C.INQUIRY_READ_BODY, C.INQUIRY_READ_BODY),
    "inquiries:reply_detail": r(INQUIRY, C.DESK_WORK),
    "inquiries:reply_submit": r(NO, C.DESK_WORK),
    "inquiries:reply_review": r(NO, REVIEW),
    "inquiries:reply_send": r(NO, C.REPLY_SEND),
    "inquiries:block_list": r(C.DESK_OPEN, C.DESK_WORK),
    "inquiries:block_starter": r(NO, C.DESK_WORK),
    "inquiries:block_detail": r(C.DESK_OPEN, C.DESK_OPEN),
    "inquiries:block_approve": r(NO, REVIEW),
    "inquiries:block_preapprove": r(NO, C.BLOCK_PREAPPROVE),
    "inquiries:deletion_list": r(C.DESK_OPEN, C.DESK_OPEN),
    "inquiries:deletion_complete": r(NO, C.DELETION_COMPLETE),
    "inquiries:deletion_decide": r(NO, C.DELETION_DECIDE),
    "inquiries:deletion_send_link": r(NO, C.DESK_WORK),
    "inquiries:deletion_verify_phone": r(NO, C.DESK_WORK),
    "campaigns:campaign_list": r(VIEW, NO),
    "campaigns:bounce_record": r(NO, STAKEHOLDERS),  # lead or PR
    "campaigns:template_create": r(C.EDIT_CAMPAIGNS, C.EDIT_CAMPAIGNS),
    "campaigns:template_detail": r(VIEW, NO),
    "campaigns:template_edit": r(NO, C.EDIT_CAMPAIGNS),
    "campaigns:template_approve": r(NO, REVIEW),
    "campaigns:template_preview": r(VIEW, NO),
    "campaigns:template_test_send": r(NO, C.TEST_SEND_TEMPLATES),  # reviewers check the template too
    "campaigns:campaign_create": r(C.EDIT_CAMPAIGNS, C.EDIT_CAMPAIGNS),
    "campaigns:campaign_detail": r(VIEW, NO),
    "campaigns:campaign_progress": r(VIEW, NO),
    "campaigns:campaign_edit": r(NO, C.EDIT_CAMPAIGNS),
    "campaigns:campaign_legal_reason": r(NO, C.RUN_CAMPAIGNS),
    "campaigns:delivery_review_list": r(VIEW, NO),
    "campaigns:delivery_review": r(NO, C.RUN_CAMPAIGNS),
    "campaigns:print_batch_create": r(NO, C.RUN_CAMPAIGNS),
    "campaigns:print_batch_download": r(NO, C.RUN_CAMPAIGNS),
    "campaigns:campaign_approve": r(NO, REVIEW),
    "campaigns:campaign_start": r(NO, C.RUN_CAMPAIGNS),
    "campaigns:campaign_pause": r(NO, C.EDIT_CAMPAIGNS),  # PR may stop a campaign too
    "campaigns:campaign_resume": r(NO, C.RUN_CAMPAIGNS),
    "campaigns:campaign_cancel": r(NO, C.RUN_CAMPAIGNS),
    "costs:overview": r(VIEW, NO),
    "costs:settings": r(NO, EDIT),
    "costs:item_create": r(EDIT, EDIT),
    "costs:item_edit": r(EDIT, EDIT),
    "costs:item_delete": r(NO, EDIT),
    "costs:summary": r(VIEW, NO),
    "costs:report_list": r(VIEW, NO),
    "costs:report_generate": r(NO, VIEW),
    "costs:report_download": r(VIEW, NO),
    "costs:export_costs_csv": r(VIEW, NO),
    "costs:export_costs_xlsx": r(VIEW, NO),
    "costs:export_summary_csv": r(VIEW, NO),
    "costs:export_summary_xlsx": r(VIEW, NO),
    "notices:list": r(VIEW, C.DRAFT_NOTICES),
    "notices:readiness": r(VIEW, NO),
    "notices:detail": r(VIEW, NO),
    "notices:edit": r(NO, VIEW),
    "notices:approve": r(NO, REVIEW),
    "notices:publish": r(NO, C.PUBLISH_NOTICES),
    "notices:correct": r(VIEW, VIEW),
    "notices:diff": r(VIEW, NO),
    "notices:faq_list": r(VIEW, VIEW),
    "notices:faq_detail": r(VIEW, VIEW),
    "notices:faq_approve": r(NO, REVIEW),
    "notices:faq_retire": r(NO, STAKEHOLDERS),  # lead or PR
    "notices:faq_resync": r(NO, STAKEHOLDERS),  # lead or PR
    "notices:stakeholders": r(VIEW, NO),
    "notices:stakeholder_import": r(NO, STAKEHOLDERS),
    "notices:stakeholder_pack": r(STAKEHOLDERS, STAKEHOLDERS),
    "notices:press": r(VIEW, STAKEHOLDERS),
}

# Bodies for POSTs whose view reads its form before it checks the role (the check still comes before any change).
POST_BODIES: dict[str, dict[str, str]] = {
    "campaigns:template_test_send": {"to": "{lead_email}"},  # test sends go to members only
}

# Approvals that need a second person: the author (the lead, in the sample world) is refused although the role
# allows approving.
FOUR_EYES = {"campaigns:campaign_approve", "notices:approve"}

# API operations under /api/v1/incidents/<code>: (method, capability, a valid JSON body).
API: dict[str, tuple[str, Capability, dict[str, object] | None]] = {
    "api:incident_get": ("get", VIEW, None),
    "api:incident_patch": ("patch", EDIT, {"title": "Renamed"}),
    "api:task_list": ("get", VIEW, None),
    "api:task_create": ("post", TASKS, {"title": "A new task", "phase": "grasp"}),
    "api:task_get": ("get", VIEW, None),
    "api:task_patch": ("patch", TASKS, {"title": "Renamed task"}),
    "api:member_list": ("get", VIEW, None),
    "api:member_add": ("post", MEMBERS, {"username": "outsider", "role": "viewer"}),
    "api:member_patch": ("patch", MEMBERS, {"role": "viewer"}),
    "api:member_remove": ("delete", MEMBERS, None),
    "api:stakeholder_list": ("get", VIEW, None),
    "api:stakeholder_create": ("post", STAKEHOLDERS, {"kind": "police", "name": "Prefectural Police"}),
    "api:stakeholder_patch": ("patch", STAKEHOLDERS, {"notes": "Called back"}),
    "api:timeline_list": ("get", VIEW, None),
    "api:audit_verify": ("get", VIEW, None),
    "api:inquiry_create": ("post", C.DESK_WORK, {"body": "Was my data leaked?"}),
    "api:inquiry_list": ("get", C.DESK_OPEN, None),  # no personal data in the list
}

# Routes that are not inside an incident, with what an anonymous visitor gets on GET: "login" is a redirect to the
# login page, a number is a status code. The public pages (notices page, feed, self-check, contact form) need no login
# by design; they answer 404 until the incident's page is published or its form is opened.
OPEN: dict[str, object] = {
    ":None": 302,  # / redirects to the incident list, which asks for login
    ":login": 200,
    ":logout": 405,  # logging out takes a POST
    ":otp_verify": "login",
    ":otp_setup": "login",
    ":set_language": 302,
    "web:incident_list": "login",
    "web:incident_create": "login",
    "api:openapi-json": 200,
    "api:incident_list": 401,
    "api:incident_create": 401,
    "api:api-root": 404,
    ":healthz": 200,  # the load balancer's probe: status only, no detail (core/views.py)
}
PUBLIC = {
    "public:page",
    "public:feed",
    "public:selfcheck",
    "public:selfcheck_sent",
    "inquiries_public:contact",
    "inquiries_public:confirm",  # a web-form sender's confirmation link: 404 for any secret that is not live
    "inquiries_public:deletion_confirm",  # the registered person's deletion confirmation link: the same
}
