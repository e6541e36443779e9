"""Say what a shred removes besides the data key: each app registers the places where it keeps an incident's files.

``data_key_destroy`` calls every registered cleaner after the key is gone. A cleaner deletes the incident's files
(uploads, error files, match reports, attachments, generated letters and exports) and clears the rows that pointed at
them; it must be safe to run twice (a repeated shred, or ``breachdesk shred --files-only`` after a crash).
"""

from __future__ import annotations

import shutil
from pathlib import Path

from breachdesk.core import extensions


def remove_tree(path: Path) -> int:
    """Delete a directory and everything under it; return how many files were removed."""
    if not path.exists():
        return 0
    count = sum(1 for p in path.rglob("*") if p.is_file())
    shutil.rmtree(path)
    return count


def incident_files_remove(*, incident_id: int) -> dict[str, int]:
    """Run every cleaner the apps registered (``core.extensions.shred_cleaners``); return the files each removed."""
    return {part.key: part.fn(incident_id) for part in extensions.shred_cleaners.all()}
