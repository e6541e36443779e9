"""Name the errors of the notices app."""

from __future__ import annotations

from breachdesk.core.errors import Conflict, PermissionDenied, ValidationFailed
from breachdesk.core.four_eyes import SecondPersonRequired


class NotApproved(Conflict):
    """Refuse to publish a notice that has no second person's approval."""

    code = "notices.not_approved"


class PublishedImmutable(Conflict):
    """Refuse any edit of a published notice: a correction is a new notice."""

    code = "notices.published_immutable"


class NoticeStateError(Conflict):
    """Refuse an action that does not fit the notice's (or FAQ entry's) state."""

    code = "notices.state"


class AuthorCannotApprove(SecondPersonRequired):
    """Refuse approval by the person who wrote or last edited the text."""

    code = "notices.author_cannot_approve"


class NotAllowed(PermissionDenied):
    """Refuse an action to a role that may not take it."""

    code = "notices.not_allowed"


class ReadinessOpen(Conflict):
    """Refuse the first publication while readiness items are open and not confirmed by the lead."""

    code = "notices.readiness_open"


class InvalidInput(ValidationFailed):
    """Reject input that breaks a rule of the notices app."""

    code = "notices.invalid"
