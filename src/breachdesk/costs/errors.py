"""Name the errors of the costs app (codes ``costs.*``)."""

from __future__ import annotations

from breachdesk.core.errors import Conflict, ValidationFailed


class UnknownItem(ValidationFailed):
    """Reject an item key that is not in the data-item vocabulary."""

    code = "costs.unknown_item"

    def __init__(self, key: str) -> None:
        super().__init__(f"Unknown data item key: {key!r}.", extra={"key": key})
        self.key = key


class InvalidCostItem(ValidationFailed):
    code = "costs.invalid_item"


class InvalidFactors(ValidationFailed):
    code = "costs.invalid_factors"


class ReportNotReady(Conflict):
    code = "costs.report_not_ready"


class PdfFailed(Conflict):
    code = "costs.pdf_failed"
