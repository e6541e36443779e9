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
7. ``guard.foreign_link``: the subject, body or HTML links to a host that is not on the incident's allow-list: the
   public page's host (``BREACHDESK_PUBLIC_BASE_URL``), the desk's notice link, the desk's configured link domains
   (and their subdomains), and the links the sender of the message approved with it (a campaign's notice and
   self-check pages). A phishing link never leaves under the company's name, whoever typed it.
8. ``guard.attachment``: an attachment that is not a PDF, or larger than ``MAX_ATTACHMENT_BYTES``. Lists
   (CSV, spreadsheets, text) never leave through the desk or a campaign.

Names and postal addresses of other people cannot be recognised in free text without decrypting the registry, so the
guard cannot prove their absence; the templates only ever render the recipient's own fields.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from breachdesk.core import extensions
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
    allowed_link_hosts: frozenset[str] = frozenset()


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


class GuardLookups:
    """Answer the guard's questions to the database: who in the registry has these blind indexes, which link hosts
    the incident allows.

    A fresh ``GuardLookups`` asks the database at every question, as a lone check does. ``guard_lookups_prefetch``
    returns one that already holds the answers for a whole batch of messages (one query per blind-index column); a
    question it was not prepared for still goes to the database, so a check never decides on less than it would alone.
    """

    def __init__(self) -> None:
        self._owners: dict[tuple[int, str], dict[bytes, set[int]]] = {}
        self._allow_lists: dict[int, frozenset[str]] = {}
        self._scans: dict[str, tuple[list[str], list[str], list[str]]] = {}
        self.cache_allow_list = False

    def identifiers(self, text: str) -> tuple[list[str], list[str], list[str]]:
        """Return what ``_identifiers`` finds in ``text`` (each text is scanned once per ``GuardLookups``)."""
        found = self._scans.get(text)
        if found is None:
            found = self._scans[text] = _identifiers(text)
        return found

    def people_with(self, incident_id: int, column: str, digests: Iterable[bytes | None]) -> set[int]:
        """Return the people of ``incident_id`` whose ``column`` holds one of ``digests``."""
        wanted = [d for d in digests if d is not None]
        known = self._owners.get((incident_id, column))
        if known is None:
            return _people_with(incident_id, column, wanted)
        owners: set[int] = set()
        missing = []
        for digest in wanted:
            if digest in known:
                owners |= known[digest]
            else:
                missing.append(digest)
        return owners | _people_with(incident_id, column, missing)

    def prefetch(self, incident_id: int, column: str, digests: Iterable[bytes]) -> None:
        """Ask once who has each of ``digests``; later questions about them are answered from memory."""
        from breachdesk.registry.models import Person

        wanted = set(digests)
        known = self._owners.setdefault((incident_id, column), {})
        for digest in wanted:
            known.setdefault(digest, set())
        if wanted:
            rows = Person.objects.filter(incident_id=incident_id, **{f"{column}__in": sorted(wanted)}).values_list(
                "pk", column
            )
            for pk, value in rows:
                known.setdefault(bytes(value), set()).add(pk)

    def link_allow_list(self, incident: Incident) -> frozenset[str]:
        if not self.cache_allow_list:
            return link_allow_list(incident)
        hosts = self._allow_lists.get(incident.pk)
        if hosts is None:
            hosts = self._allow_lists[incident.pk] = link_allow_list(incident)
        return hosts


def _message_text(message: OutboundMessage) -> str:
    return "\n".join((message.subject, message.body, message.html))


def guard_lookups_prefetch(*, messages: Iterable[OutboundMessage], lookups: GuardLookups | None = None) -> GuardLookups:
    """Return the lookups for checking ``messages`` (a batch), asked of the database once per blind-index column;
    with ``lookups``, add their answers to it (a batch prepared a few messages at a time) and return it.

    The checks themselves stay exactly those of ``outbound_guard_check``: only where their answers come from changes.
    """
    if lookups is None:
        lookups = GuardLookups()
    lookups.cache_allow_list = True
    wanted: dict[tuple[int, str], set[bytes]] = {}
    for message in messages:
        incident_id = message.incident.pk
        cipher = cipher_for(incident_id)
        emails_wanted = wanted.setdefault((incident_id, "bidx_email"), set())
        phones_wanted = wanted.setdefault((incident_id, "bidx_phone"), set())
        recipients = [normalize_email(a) for a in message.to if a.strip()]
        emails, phones, _sensitive = lookups.identifiers(_message_text(message))
        # Every live key generation's index (two while a data key is rotated), as the checks ask.
        for address in [recipients[0] if recipients else "", *emails]:
            emails_wanted.update(cipher.blind_indexes("email", address))
        for number in phones:
            phones_wanted.update(cipher.blind_indexes("phone", number))
        if link_hosts(_message_text(message)):
            lookups.link_allow_list(message.incident)
    for (incident_id, column), digests in wanted.items():
        lookups.prefetch(incident_id, column, digests)
    return lookups


# The host runs to the first character that ends it; a host glued to other text ("…exampleから") stays unknown.
_LINK = re.compile(r"(?i)(?:\b[a-z][a-z0-9+.\-]*://|\bwww\.)([^\s/?#<>\"'\\(),;、。「」]+)")


def _host_of(match: re.Match[str]) -> str:
    netloc = match.group(1)
    if match.group(0).lower().startswith("www."):
        netloc = "www." + netloc
    host = netloc.rsplit("@", 1)[-1]  # https://trusted.example@evil.example/ goes to evil.example
    host = host[1:].split("]", 1)[0] if host.startswith("[") else host.split(":", 1)[0]
    return host.strip(".").lower()


def link_hosts(text: str) -> set[str]:
    """Return the hosts of every link in ``text`` (``scheme://host`` and ``www.host``, full-width forms included)."""
    return {_host_of(m) for m in _LINK.finditer(unicodedata.normalize("NFKC", text or ""))}


def host_of_url(url: str) -> str:
    found = _LINK.search(unicodedata.normalize("NFKC", url or ""))
    return _host_of(found) if found else ""


def link_allow_list(incident: Incident) -> frozenset[str]:
    """Return the hosts that any message of ``incident`` may link to: its public page and its configured domains."""
    from django.conf import settings

    hosts = {host_of_url(settings.BREACHDESK_PUBLIC_BASE_URL)}
    # The apps that know more hosts (the desk's notice page and link domains) register them.
    for source in extensions.link_hosts.all():
        hosts |= set(source.fn(incident))
    return frozenset(h for h in hosts if h)


def campaign_link_hosts(campaign: object | None) -> frozenset[str]:
    """Return the hosts of a campaign's own approved links (its notice and self-check pages)."""
    urls = (getattr(campaign, "notice_url", ""), getattr(campaign, "selfcheck_url", "")) if campaign else ()
    return frozenset(h for h in (host_of_url(u or "") for u in urls) if h)


def _host_allowed(host: str, allowed: frozenset[str]) -> bool:
    return any(host == a or host.endswith("." + a) for a in allowed)


def outbound_guard_check(*, message: OutboundMessage, lookups: GuardLookups | None = None) -> GuardVerdict:
    """Return every reason why ``message`` must not be sent (an empty list means it may go).

    ``lookups`` (from ``guard_lookups_prefetch``) answers the registry look-ups of a batch at once; without it each
    look-up asks the database.
    """
    lookups = lookups or GuardLookups()
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
        owners = lookups.people_with(incident_id, "bidx_email", cipher.blind_indexes("email", recipient))
        if message.person_id not in owners:
            violations.append(
                Violation("guard.not_the_person", "The recipient's address is not the address of this person.")
            )
    text = _message_text(message)
    emails, phones, sensitive = lookups.identifiers(text)
    for kind in sorted(set(sensitive)):
        violations.append(Violation("guard.sensitive_identifier", f"The message contains a {kind.replace('_', ' ')}."))
    others = lookups.people_with(
        incident_id, "bidx_email", (d for e in emails for d in cipher.blind_indexes("email", e))
    )
    others |= lookups.people_with(
        incident_id, "bidx_phone", (d for p in phones for d in cipher.blind_indexes("phone", p))
    )
    if message.person_id is not None:
        others.discard(message.person_id)
    else:
        others -= lookups.people_with(incident_id, "bidx_email", cipher.blind_indexes("email", recipient))
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
    hosts = link_hosts(text)
    if hosts:
        allowed_hosts = lookups.link_allow_list(message.incident) | {h.lower() for h in message.allowed_link_hosts}
        strange = sorted(h for h in hosts if not _host_allowed(h, allowed_hosts))
        if strange:
            violations.append(
                Violation(
                    "guard.foreign_link",
                    f"The message links to {len(strange)} site(s) outside the incident's allow-list: "
                    + ", ".join(strange[:3]),
                )
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


def outbound_guard_enforce(*, message: OutboundMessage, lookups: GuardLookups | None = None) -> None:
    """Raise ``MisSendBlocked`` (with the violation codes) unless ``message`` passes every check."""
    verdict = outbound_guard_check(message=message, lookups=lookups)
    if not verdict.ok:
        raise MisSendBlocked(
            "The message was not sent: " + " ".join(v.message for v in verdict.violations),
            extra={"violations": verdict.codes},
        )
