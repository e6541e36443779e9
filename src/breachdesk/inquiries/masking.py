"""Mask the people in an inquiry's text for a reader who reviews the answer but may not read the person.

A legal reviewer reads the inquiries whose replies they review (``Capability.INQUIRY_READ_IN_REVIEW``), with other
people's data masked: every address, phone number, card or My Number the scanner's detectors find, and the names and
member IDs the desk knows for this inquiry (the sender's, and the linked or suggested person's), each masked the way
the registry masks it (``registry.masking``: 山田 *郎, ya***@example.jp, 090-****-5678).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from breachdesk.registry.masking import mask
from breachdesk.scanner.detectors import text_scan


def text_masked(text: str, *, names: Iterable[str] = (), member_ids: Iterable[str] = ()) -> str:
    """Return ``text`` with the identifiers found in it and the given names and member IDs masked."""
    if not text:
        return ""
    out: list[str] = []
    at = 0
    for detection in text_scan(text=text):  # offsets refer to ``text`` as given (one character for one)
        out.append(text[at : detection.start])
        out.append(detection.masked)
        at = detection.end
    out.append(text[at:])
    masked = "".join(out)
    known: dict[str, str] = {}
    for name in names:
        name = (name or "").strip()
        if not name:
            continue
        known[name] = mask("name", name)
        # A name is often written without the space, or as the family or given name alone.
        parts = name.replace("\u3000", " ").split()
        if len(parts) > 1:
            known["".join(parts)] = mask("name", name).replace(" ", "")
            for part in parts:
                if len(part) >= 2:
                    known.setdefault(part, mask("text", part))
    for member_id in member_ids:
        if member_id and len(member_id.strip()) >= 3:
            known[member_id.strip()] = mask("member_id", member_id)
    if not known:
        return masked
    pattern = re.compile("|".join(re.escape(k) for k in sorted(known, key=len, reverse=True)))
    return pattern.sub(lambda m: known[m.group(0)], masked)
