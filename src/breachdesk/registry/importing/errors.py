"""Name the import errors: each one is bad input the user can fix (the CLI exits 2 on them)."""

from __future__ import annotations

from breachdesk.core.errors import ValidationFailed


class BadFile(ValidationFailed):
    """Reject a whole file (encoding, headers, size, sheets): nothing in the registry changes."""

    code = "registry.bad_file"
