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
PII = Capability.VIEW_PII
EDIT = Capability.EDIT_INCIDENT
TASKS = Capability.EDIT_TASKS
MEMBERS = Capability.MANAGE_MEMBERS
STAKEHOLDERS = Capability.MANAGE_STAKEHOLDERS
REVIEW = Capability.REVIEW
# A few actions are granted to a set of roles rather than through one capability.
LEAD_PR_REVIEWER = frozenset({Role.LEAD, Role.PR, Role.REVIEWER})

Need = Capability | frozenset[Role] | None


@dataclass(frozen=True)
class Rule:
    get: Need
    post: Need


def r(get: Need, post: Need) -> Rule:
    return Rule(get=get, post=post)


def allows(role: Role, need: Need) -> bool:
    """Return whether ``role`` may use a method that needs ``need``."""
    if need is None:
        return False
    if isinstance(need, Capability):
        return role_can(role, need)
    return role in need


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
    "registry:person_list": r(PII, PII),
    "registry:person_detail": r(PII, PII),
    "registry:job_list": r(PII, PII),
    "registry:job_upload": r(PII, PII),
    "registry:match_upload": r(PII, PII),
    "registry:job_detail": r(PII, PII),
    "registry:job_progress": r(PII, PII),
    "registry:job_errors": r(PII, PII),
    "registry:job_matches": r(PII, PII),
    "registry:job_resume": r(NO, PII),
    "registry:job_rollback": r(NO, PII),
    "registry:job_delete": r(NO, PII),
    "registry:export": r(PII, PII),
    "registry:access_log": r(Capability.VIEW_ACCESS_LOG, Capability.VIEW_ACCESS_LOG),
    "obligations:overview": r(VIEW, NO),
    "obligations:fact_override": r(NO, EDIT),
    "obligations:evaluate": r(NO, EDIT),
    "obligations:report_detail": r(VIEW, EDIT),
    "obligations:report_approve": r(NO, REVIEW),
    "obligations:report_submit": r(NO, EDIT),
    "obligations:report_docx": r(VIEW, NO),
    "obligations:report_text": r(VIEW, NO),
    "inquiries:inquiry_list": r(VIEW, VIEW),
    "inquiries:bulk_draft": r(NO, PII),
    "inquiries:assign_round_robin": r(NO, PII),
    "inquiries:phone_new": r(PII, PII),
    "inquiries:mail_upload": r(PII, PII),
    "inquiries:desk_settings": r(VIEW, EDIT),
    "inquiries:review_queue": r(REVIEW, REVIEW),
    "inquiries:inquiry_detail": r(VIEW, VIEW),
    "inquiries:inquiry_labels": r(NO, PII),
    "inquiries:inquiry_assign": r(NO, PII),
    "inquiries:inquiry_status": r(NO, PII),
    "inquiries:inquiry_ack_retry": r(NO, PII),
    "inquiries:inquiry_draft": r(NO, PII),
    "inquiries:inquiry_deletion": r(NO, PII),
    "inquiries:attachment_download": r(PII, PII),
    "inquiries:reply_detail": r(VIEW, PII),
    "inquiries:reply_submit": r(NO, PII),
    "inquiries:reply_review": r(NO, REVIEW),
    "inquiries:reply_send": r(NO, PII),
    "inquiries:block_list": r(VIEW, PII),
    "inquiries:block_starter": r(NO, PII),
    "inquiries:block_detail": r(VIEW, VIEW),
    "inquiries:block_approve": r(NO, REVIEW),
    "inquiries:block_preapprove": r(NO, EDIT),  # lead only
    "inquiries:deletion_list": r(VIEW, VIEW),
    "inquiries:deletion_complete": r(NO, TASKS),
    "inquiries:deletion_decide": r(NO, VIEW),
    "inquiries:deletion_send_link": r(NO, PII),
    "inquiries:deletion_verify_phone": r(NO, PII),
    "campaigns:campaign_list": r(VIEW, NO),
    "campaigns:bounce_record": r(NO, STAKEHOLDERS),  # lead or PR
    "campaigns:template_create": r(STAKEHOLDERS, STAKEHOLDERS),
    "campaigns:template_detail": r(VIEW, NO),
    "campaigns:template_edit": r(NO, STAKEHOLDERS),
    "campaigns:template_approve": r(NO, REVIEW),
    "campaigns:template_preview": r(VIEW, NO),
    "campaigns:template_test_send": r(NO, LEAD_PR_REVIEWER),  # reviewers check the template too
    "campaigns:campaign_create": r(STAKEHOLDERS, STAKEHOLDERS),
    "campaigns:campaign_detail": r(VIEW, NO),
    "campaigns:campaign_progress": r(VIEW, NO),
    "campaigns:campaign_edit": r(NO, STAKEHOLDERS),
    "campaigns:campaign_legal_reason": r(NO, EDIT),
    "campaigns:delivery_review_list": r(VIEW, NO),
    "campaigns:delivery_review": r(NO, EDIT),
    "campaigns:print_batch_create": r(NO, EDIT),
    "campaigns:print_batch_download": r(NO, EDIT),
    "campaigns:campaign_approve": r(NO, REVIEW),
    "campaigns:campaign_start": r(NO, EDIT),
    "campaigns:campaign_pause": r(NO, EDIT),
    "campaigns:campaign_resume": r(NO, EDIT),
    "campaigns:campaign_cancel": r(NO, EDIT),
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
    "notices:list": r(VIEW, EDIT),
    "notices:readiness": r(VIEW, NO),
    "notices:detail": r(VIEW, NO),
    "notices:edit": r(NO, VIEW),
    "notices:approve": r(NO, REVIEW),
    "notices:publish": r(NO, EDIT),
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
    "api:inquiry_create": ("post", PII, {"body": "Was my data leaked?"}),
    "api:inquiry_list": ("get", VIEW, None),  # no personal data in the list
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
