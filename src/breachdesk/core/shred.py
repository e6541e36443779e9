"""Say what a shred removes besides the data key: each app registers the places where it keeps an incident's files.

``data_key_destroy`` calls every registered cleaner after the key is gone. A cleaner deletes the incident's files
(uploads, error files, match reports, attachments, generated letters and exports) and clears the rows that pointed at
them; it must be safe to run twice (a repeated shred, or ``breachdesk shred --files-only`` after a crash).
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

from django.utils.module_loading import import_string

Cleaner = Callable[[int], int]
_cleaners: dict[str, Cleaner] = {}
# The project's own cleaners, by dotted path (imported on first use, so no app needs an import at start-up).
BUILT_IN = {
    "registry": "breachdesk.registry.shred.registry_files_remove",
    "inquiries": "breachdesk.inquiries.shred.attachment_files_remove",
}


def register_cleaner(name: str, cleaner: Cleaner) -> None:
    """Register ``cleaner(incident_id) -> files removed`` under ``name`` (call from ``AppConfig.ready``)."""
    _cleaners[name] = cleaner


def remove_tree(path: Path) -> int:
    """Delete a directory and everything under it; return how many files were removed."""
    if not path.exists():
        return 0
    count = sum(1 for p in path.rglob("*") if p.is_file())
    shutil.rmtree(path)
    return count


def incident_files_remove(*, incident_id: int) -> dict[str, int]:
    """Run every registered cleaner for ``incident_id``; return the files each removed."""
    cleaners = {name: import_string(path) for name, path in BUILT_IN.items()} | _cleaners
    return {name: cleaner(incident_id) for name, cleaner in sorted(cleaners.items())}
