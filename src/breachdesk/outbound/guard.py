"""Refuse any outgoing message that could reach the wrong person or carry another person's data.

This is the one mis-send guard: the desk's replies and the campaigns' notices both pass through
``outbound_guard_enforce`` right before a transport hands the message over. It exists because of real cases: a
customer mail with an attachment listing 3,385 customers, and order confirmations that held other customers' details.

What it checks, in order (every failed check is reported, not only the first):
1. ``guard.recipients``: exactly one ``To`` address, and no ``Cc`` or ``Bcc``.
2. ``guard.recipient_mismatch``: the address is the one the message was meant for (the inquiry's sender).
3. ``guard.not_the_person``: for a message about a registry person, the address is that person's own address
   (compared through the blind index, so nothing is decrypted here).
4. ``guard.sensitive_identifier``: the subject or body contains a card number or a My Number.
5. ``guard.other_person_data``: an email address or phone number in the subject or body belongs to another person
   of the incident's registry.
6. ``guard.foreign_email``: the subject or body names an email address other than the recipient's and the allowed
   (desk) addresses.
7. ``guard.attachment``: an attachment that is not a PDF, or larger than ``MAX_ATTACHMENT_BYTES``. Lists
   (CSV, spreadsheets, text) never leave through the desk or a campaign.

Names and postal addresses of other people cannot be recognised in free text without decrypting the registry, so the
guard cannot prove their absence; the templates only ever render the recipient's own fields.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from breachdesk.core.crypto import cipher_for
from breachdesk.core.errors import ApplicationError
from breachdesk.core.jptext import normalize_email

if TYPE_CHECKING:
    from breachdesk.incidents.models import Incident

MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024
ALLOWED_ATTACHMENT_TYPES = ("application/pdf",)


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str
    size: int


@dataclass(frozen=True)
class OutboundMessage:
    """Describe a message about to leave, with what the guard must know about its intended recipient."""

    incident: Incident
    to: list[str]
    subject: str
    body: str
    html: str = ""
    cc: list[str] = field(default_factory=list)
    bcc: list[str] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)
    person_id: int | None = None
    expected_recipient: str | None = None
    allowed_addresses: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Violation:
    code: str
    message: str


@dataclass(frozen=True)
class GuardVerdict:
    violations: list[Violation]

    @property
    def ok(self) -> bool:
        return not self.violations

    @property
    def codes(self) -> list[str]:
        return [v.code for v in self.violations]


class MisSendBlocked(ApplicationError):
    """Report a message that the guard refused; nothing was sent."""

    code = "guard.blocked"
    http_status = 409


def _identifiers(text: str) -> tuple[list[str], list[str], list[str]]:
    """Return the emails, phone numbers and sensitive identifiers (card, My Number types) found in ``text``."""
    from breachdesk.scanner import detectors

    if not text:
        return [], [], []
    normalised = detectors.text_normalise(text=text)
    emails: list[str] = []
    phones: list[str] = []
    sensitive: list[str] = []
    for found in detectors.text_scan(text=normalised, normalised=True):
        value = normalised[found.start : found.end]
        if found.type == "email":
            emails.append(value)
        elif found.type == "phone":
            phones.append(value)
        elif found.type in ("credit_card", "my_number"):
            sensitive.append(found.type)
    return emails, phones, sensitive


def _people_with(incident_id: int, column: str, digests: Iterable[bytes | None]) -> set[int]:
    from breachdesk.registry.models import Person

    wanted = [d for d in digests if d is not None]
    if not wanted:
        return set()
    return set(Person.objects.filter(incident_id=incident_id, **{f"{column}__in": wanted}).values_list("pk", flat=True))


def outbound_guard_check(*, message: OutboundMessage) -> GuardVerdict:
    """Return every reason why ``message`` must not be sent (an empty list means it may go)."""
    violations: list[Violation] = []
    incident_id = message.incident.pk
    recipients = [normalize_email(a) for a in message.to if a.strip()]
    allowed = {normalize_email(a) for a in message.allowed_addresses}
    if len(recipients) != 1 or message.cc or message.bcc:
        violations.append(Violation("guard.recipients", "A message goes to exactly one recipient, without Cc or Bcc."))
    recipient = recipients[0] if recipients else ""
    if message.expected_recipient is not None and recipient != normalize_email(message.expected_recipient):
        violations.append(
            Violation("guard.recipient_mismatch", "The recipient is not the address this message answers.")
        )
    cipher = cipher_for(incident_id)
    if message.person_id is not None and recipient not in allowed:
        owners = _people_with(incident_id, "bidx_email", [cipher.blind_index("email", recipient)])
        if message.person_id not in owners:
            violations.append(
                Violation("guard.not_the_person", "The recipient's address is not the address of this person.")
            )
    text = "\n".join((message.subject, message.body, message.html))
    emails, phones, sensitive = _identifiers(text)
    for kind in sorted(set(sensitive)):
        violations.append(Violation("guard.sensitive_identifier", f"The message contains a {kind.replace('_', ' ')}."))
    others = _people_with(incident_id, "bidx_email", (cipher.blind_index("email", e) for e in emails))
    others |= _people_with(incident_id, "bidx_phone", (cipher.blind_index("phone", p) for p in phones))
    if message.person_id is not None:
        others.discard(message.person_id)
    else:
        others -= _people_with(incident_id, "bidx_email", [cipher.blind_index("email", recipient)])
    if others:
        violations.append(
            Violation(
                "guard.other_person_data",
                f"The message contains the contact data of {len(others)} other registry person(s).",
            )
        )
    foreign = {normalize_email(e) for e in emails} - allowed - {recipient}
    if foreign:
        violations.append(
            Violation("guard.foreign_email", f"The message names {len(foreign)} email address(es) of someone else.")
        )
    for attachment in message.attachments:
        if attachment.content_type not in ALLOWED_ATTACHMENT_TYPES or attachment.size > MAX_ATTACHMENT_BYTES:
            violations.append(
                Violation(
                    "guard.attachment",
                    "Only one person's own PDF (at most 5 MB) may be attached; lists never leave the desk.",
                )
            )
    return GuardVerdict(violations)


def outbound_guard_enforce(*, message: OutboundMessage) -> None:
    """Raise ``MisSendBlocked`` (with the violation codes) unless ``message`` passes every check."""
    verdict = outbound_guard_check(message=message)
    if not verdict.ok:
        raise MisSendBlocked(
            "The message was not sent: " + " ".join(v.message for v in verdict.violations),
            extra={"violations": verdict.codes},
        )
