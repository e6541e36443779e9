"""Match an inquiry to the registry (and record its deletion request), now or later in the worker.

A web-form inquiry is left ``match_pending`` so the form's request does no more work when the sender is in the
registry; the worker matches it here before it sends acknowledgments. This sits below ``receive`` and ``ack``, which
both call it.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from breachdesk.inquiries.deletion import deletion_request_create
from breachdesk.inquiries.matching import inquiry_match
from breachdesk.inquiries.models import Direction, Inquiry


def inquiry_match_and_request(*, inquiry: Inquiry, actor: Any) -> None:
    """Match ``inquiry`` to the registry and record its deletion request when it asks for one."""
    texts = "\n".join(m.text or "" for m in inquiry.messages.filter(direction=Direction.IN))
    inquiry_match(inquiry=inquiry, text=f"{inquiry.subject or ''}\n{texts}", actor=actor)
    if "deletion" in inquiry.labels and not inquiry.auto_generated:
        deletion_request_create(inquiry=inquiry, actor=actor)


def inquiries_match_pending(*, limit: int = 200) -> int:
    """Match the web-form inquiries waiting for the worker (and record their deletion requests); return how many."""
    done = 0
    ids = list(Inquiry.objects.filter(match_pending=True).order_by("id").values_list("pk", flat=True)[:limit])
    for pk in ids:
        with transaction.atomic():
            if not Inquiry.objects.filter(pk=pk, match_pending=True).update(match_pending=False):
                continue  # another worker took it
            inquiry = Inquiry.objects.select_related("incident").get(pk=pk)
            inquiry_match_and_request(inquiry=inquiry, actor="worker")
            done += 1
    return done
