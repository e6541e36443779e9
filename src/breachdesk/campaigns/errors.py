"""Name the campaign errors; each carries a stable code such as ``campaigns.not_approved``."""

from __future__ import annotations

from breachdesk.core.errors import Conflict, PermissionDenied, ValidationFailed
from breachdesk.core.four_eyes import SecondPersonRequired


class TemplateInvalid(ValidationFailed):
    """Reject a template that uses a variable, filter or tag outside the sandbox."""

    code = "campaigns.template_invalid"


class NotApproved(Conflict):
    """Refuse a send or start that needs an approval which is missing or void."""

    code = "campaigns.not_approved"


class WrongState(Conflict):
    """Refuse a transition that does not fit the campaign's or delivery's current state."""

    code = "campaigns.wrong_state"


class SelfApproval(SecondPersonRequired):
    """Refuse an approval by the author of what is to be approved (four eyes)."""

    code = "campaigns.self_approval"


class RoleRefused(PermissionDenied):
    """Refuse an action to a member whose role does not allow it."""

    code = "campaigns.permission"


class NotInternal(ValidationFailed):
    """Refuse a test send to an address outside the incident team."""

    code = "campaigns.not_internal"
