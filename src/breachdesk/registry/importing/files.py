"""Place the registry's side files (uploads, error files, match reports) under VAR_DIR, never web-served."""

from __future__ import annotations

import csv
import os
from pathlib import Path
from typing import IO

from django.conf import settings

from breachdesk.core.exports import safe_row


def registry_dir(incident_id: int) -> Path:
    """Return (and create, mode 0700) the private directory of an incident's registry files."""
    path = Path(settings.VAR_DIR) / "registry" / str(incident_id)
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    path.chmod(0o700)  # also a directory made by an earlier release
    return path


def job_file(incident_id: int, job_id: int, suffix: str) -> Path:
    return registry_dir(incident_id) / f"job-{job_id}-{suffix}"


def remove(path: str | os.PathLike[str] | None) -> None:
    if path:
        Path(path).unlink(missing_ok=True)


class SideFile:
    """Append CSV lines to a side file; on resume keep only lines of rows up to the checkpoint."""

    def __init__(self, path: Path, header: list[str], *, keep_up_to: int | None = None) -> None:
        self.path = path
        self.count = 0
        if keep_up_to is not None and path.exists():
            kept = []
            with path.open(encoding="utf-8-sig", newline="") as old:
                reader = csv.reader(old)
                next(reader, None)
                kept = [row for row in reader if row and row[0].isdigit() and int(row[0]) <= keep_up_to]
            self.count = len(kept)
            self._open_new(header)
            self.writer.writerows(kept)
        else:
            self._open_new(header)

    def _open_new(self, header: list[str]) -> None:
        fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        self.handle: IO[str] = open(fd, "w", encoding="utf-8-sig", newline="")  # noqa: SIM115 - kept open for the job
        self.writer = csv.writer(self.handle)
        self.writer.writerow(header)

    def write(self, row: list[object]) -> None:
        """Append one row; text that a spreadsheet would read as a formula gets an apostrophe (core.exports)."""
        self.writer.writerow(safe_row(row))
        self.count += 1

    def flush(self) -> None:
        self.handle.flush()

    def close(self) -> None:
        self.handle.close()
