"""Match an inquiry's sender to the registry, and decide whether their identity is verified.

Only a match through the sender's own ``From`` address (the address the registry holds for that person) is
verified; ``Reply-To`` is never used, and a mail whose DMARC failed never matches. A member ID or phone number in the
text finds a candidate, but whoever typed it may be someone else: the desk sees the candidate, while drafts never
disclose that person's status until their identity is verified.
"""

from __future__ import annotations

import re
from typing import Any

from breachdesk.core import jptext
from breachdesk.core.errors import ApplicationError
from breachdesk.inquiries import events
from breachdesk.inquiries.models import Inquiry, MatchMethod
from breachdesk.registry.selectors import person_lookup

_MEMBER_ID = re.compile(
    r"(?:会員(?:番号|ID|id|ＩＤ)|顧客(?:番号|ID)|member\s*(?:id|number|no\.?))\s*[:：は]?\s*([A-Za-z0-9][A-Za-z0-9\-]{3,30})"
    r"|\b([A-Z]{2,5}\d{5,10})\b"
)
_PHONE = re.compile(r"(?<!\d)(0\d{1,4}-?\d{1,4}-?\d{3,4}|\+81[\d\-]{9,14})(?!\d)")


def find_member_ids(text: str) -> list[str]:
    """Return member IDs named in ``text`` ("会員番号: OCO0012345", or a bare code such as OCO0012345)."""
    normalised = jptext.normalize_text(text)
    found = []
    for match in _MEMBER_ID.finditer(normalised):
        value = match.group(1) or match.group(2)
        if value and value not in found:
            found.append(value)
    return found[:5]


def find_phones(text: str) -> list[str]:
    normalised = jptext.normalize_text(text)
    return list(dict.fromkeys(m.group(1) for m in _PHONE.finditer(normalised)))[:5]


def _lookup(incident: Any, **kwargs: str) -> Any:
    try:
        return person_lookup(incident=incident, **kwargs)
    except ApplicationError:
        return None


def inquiry_match(*, inquiry: Inquiry, text: str, actor: Any) -> Inquiry:
    """Look the sender up (address, then member ID or phone in the text) and record the match on the inquiry."""
    incident = inquiry.incident
    person = None
    method = MatchMethod.NONE
    verified = False
    email = inquiry.sender_email
    # A mail whose DMARC failed may carry anyone's address in From: it never counts as a registry match.
    if email and (inquiry.auth_results or {}).get("dmarc") != "fail":
        person = _lookup(incident, email=email)
        if person is not None:
            method, verified = MatchMethod.EMAIL, True
    if person is None:
        for member_id in find_member_ids(text):
            person = _lookup(incident, member_id=member_id)
            if person is not None:
                method = MatchMethod.MEMBER_ID
                break
    if person is None:
        phones = ([inquiry.sender_phone] if inquiry.sender_phone else []) + find_phones(text)
        for phone in phones:
            person = _lookup(incident, phone=phone)
            if person is not None:
                method = MatchMethod.PHONE
                break
    changed = (person.pk if person else None, method, verified) != (
        inquiry.person_id or inquiry.suggested_person_id,
        inquiry.match_method,
        inquiry.identity_verified,
    )
    # Only the verified match links the inquiry to the person; any other is an unverified suggestion.
    inquiry.person = person if verified else None
    inquiry.suggested_person = None if verified else person
    inquiry.match_method = method
    inquiry.identity_verified = verified
    inquiry.save(update_fields=["person", "suggested_person", "match_method", "identity_verified", "updated_at"])
    if changed:
        events.inquiry_matched_event(inquiry=inquiry, actor=actor)
    return inquiry
