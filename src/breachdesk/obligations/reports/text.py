"""Lay a report out as plain text, in the order of the PPC online form, to copy from field by field."""

from __future__ import annotations

from breachdesk.obligations.reports.document import ReportDocument


def report_text(document: ReportDocument) -> str:
    """Return the report as plain text: the header fields, then each item under its heading."""
    lines = [document.title, "=" * 40]
    lines += [f"【{label}】{value}" for label, value in document.meta]
    lines.append(
        f"【状態】{document.status_line}" if document.jurisdiction == "JP" else f"[Status] {document.status_line}"
    )
    for heading, text in document.sections:
        lines += ["", f"■ {heading}", text.strip() or "—"]
    return "\n".join(lines) + "\n"
