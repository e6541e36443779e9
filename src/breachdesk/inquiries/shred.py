"""Remove a shredded incident's attachment files (ciphertext whose key is gone, but nothing is kept on principle)."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings

from breachdesk.core.shred import remove_tree
from breachdesk.inquiries.models import Attachment


def attachment_files_remove(incident_id: int) -> int:
    """Delete the incident's attachment directory and clear the stored paths."""
    removed = remove_tree(Path(settings.MEDIA_ROOT) / "inquiries" / str(incident_id))
    Attachment.objects.filter(incident_id=incident_id).exclude(stored_path="").update(
        stored_path="", dropped_reason="shredded"
    )
    return removed
