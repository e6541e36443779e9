"""Tell ``health`` about the desk's work: acknowledgments that wait too long, and those a person must look at
(registered as a ``core.extensions.HealthProbe``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from breachdesk.inquiries.models import Acknowledgment, AckStatus


def acks_progress(now: datetime, stall_before: datetime) -> dict[str, Any]:
    """Return the pending acknowledgments and those of them due before ``stall_before`` (late)."""
    pending = Acknowledgment.objects.filter(status=AckStatus.PENDING)
    count = pending.count()
    late = pending.filter(due_at__lt=stall_before).count()
    return {"due": bool(count), "problem": bool(late), "acks_pending": count, "acks_late": late}


def acks_needing_a_person() -> dict[str, int]:
    """Return the acknowledgments that failed or whose sending is uncertain: a person decides."""
    return {
        "acks_failed_or_uncertain": Acknowledgment.objects.filter(
            status__in=[AckStatus.FAILED, AckStatus.UNCERTAIN]
        ).count()
    }
