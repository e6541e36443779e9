"""Name the desk's errors: one family, with codes ``inquiries.<reason>``."""

from __future__ import annotations

from breachdesk.core.errors import ApplicationError, Conflict, ValidationFailed
from breachdesk.core.four_eyes import SecondPersonRequired


class InquiryError(ApplicationError):
    code = "inquiries.error"


class NotReviewable(Conflict):
    code = "inquiries.not_reviewable"


class NotSendable(Conflict):
    code = "inquiries.not_sendable"


class AuthorCannotApprove(SecondPersonRequired):
    code = "inquiries.author_cannot_approve"


class InvalidBlock(ValidationFailed):
    code = "inquiries.invalid_block"


class RateLimited(ApplicationError):
    code = "inquiries.rate_limited"
    http_status = 429


class IntakeRejected(ValidationFailed):
    code = "inquiries.intake_rejected"
