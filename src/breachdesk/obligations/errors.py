"""Name the errors of the obligations app."""

from __future__ import annotations

from breachdesk.core.errors import Conflict, ValidationFailed
from breachdesk.core.four_eyes import SecondPersonRequired


class UnknownFact(ValidationFailed):
    """Reject a fact name the engine does not know."""

    code = "obligations.unknown_fact"


class InvalidFact(ValidationFailed):
    """Reject a fact value of the wrong type or outside its vocabulary."""

    code = "obligations.invalid_fact"


class NoRulePack(ValidationFailed):
    """Report an incident that predates every rule pack of a jurisdiction."""

    code = "obligations.no_rule_pack"


class ReportStateError(Conflict):
    """Refuse a report action that does not fit the report's state."""

    code = "obligations.report_state"


class AuthorCannotApprove(SecondPersonRequired):
    """Refuse approval by a person who wrote or last edited the report."""

    code = "obligations.author_cannot_approve"
