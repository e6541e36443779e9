"""Send notices by email through Django's SMTP backend, behind both guards.

Each delivery gets its own Message-ID (assigned by the worker before the send, so a bounce can be matched even if the
worker dies right after). No List-Unsubscribe header: a legal notice under APPI Article 26(2) is not marketing, and
offering to "unsubscribe" from it would be misleading (see docs/campaigns.md).
"""

from __future__ import annotations

import contextlib
import smtplib
from collections import deque
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.backends.smtp import EmailBackend as SmtpBackend
from django.core.mail.message import sanitize_address

from breachdesk.campaigns.guards import campaign_guard_check, letter_filename
from breachdesk.campaigns.models import Campaign, Delivery
from breachdesk.campaigns.rendering import NoticeRenderer, Rendered, item_labels, person_values
from breachdesk.campaigns.transports.base import Done, Handover, Outcome, OutcomeKind, Staged, Transport
from breachdesk.campaigns.transports.relay_connection import Answer, RelayConnection, RelaySettings
from breachdesk.campaigns.transports.smtp_session import Wire, smtp_outcome
from breachdesk.core.errors import ApplicationError
from breachdesk.outbound.guard import (
    Attachment,
    GuardLookups,
    MisSendBlocked,
    OutboundMessage,
    campaign_link_hosts,
    guard_lookups_prefetch,
    outbound_guard_enforce,
)
from breachdesk.outbound.mailformat import (
    JapaneseEmailMultiAlternatives,
    fast_message_bytes,
    outbound_charset,
    plain_address,
)

__all__ = ["EmailTransport", "relay_probe", "smtp_outcome", "wire_of"]

# A prepared batch is built ahead of the message being staged, its registry look-ups asked several at a time: the
# relay never waits for a whole batch to be rendered, and the guard still asks once per several messages. A batch's
# first few are built before its first message (the relay waits for those). Then, while each message is on the wire,
# the worker keeps PREPARE_READY made and looked up and the lead at PREPARE_LEAD, and, while it waits for the relay's
# answer, makes more one at a time up to PREPARE_IDLE_LEAD, asking the registry for every PREPARE_FETCH made. Every
# piece is one message, or the look-ups of one group. Groups of 16 (about a millisecond) cost a tenth less of the
# worker's time per message than groups of 8, which made the pieces shorter but the questions twice as many.
PREPARE_FIRST = 4
PREPARE_READY = 3
PREPARE_FETCH = 16
PREPARE_LEAD = PREPARE_READY + PREPARE_FETCH + 1
PREPARE_IDLE_LEAD = 40

Built = tuple[EmailMultiAlternatives, OutboundMessage, list[str]]


def envelope_address(address: str, encoding: str | None = None) -> str:
    """Return ``address`` as it goes into the SMTP envelope (``sanitize_address``; a plain address is already so)."""
    return address if plain_address(address) else sanitize_address(address, encoding or settings.DEFAULT_CHARSET)


def wire_of(
    message: EmailMultiAlternatives, *, from_envelope: str | None = None, recipients: list[str] | None = None
) -> Wire:
    """Return the envelope and bytes of ``message`` as Django's SMTP backend makes them (``fast_message_bytes`` writes
    the common notice directly). ``from_envelope`` and ``recipients`` are the envelope when the caller has it."""
    data = fast_message_bytes(message)
    if data is None:
        data = message.message().as_bytes(linesep="\r\n")  # type: ignore[call-arg]  # Django's SafeMIME takes it
    if recipients is None:
        recipients = [envelope_address(address, message.encoding) for address in message.recipients()]
    return Wire(
        from_email=from_envelope or envelope_address(message.from_email, message.encoding),
        recipients=recipients,
        data=data,
    )


@dataclass(eq=False)
class Begun:
    """A message whose envelope and bytes go to the relay; ``begun`` says whether that went well (None while the
    message waits for the DATA before it to be ended or dropped)."""

    wire: Wire
    begun: Answer | None = None


class EmailTransport(Transport):
    """Render, guard and send one person's notice per delivery, reusing one SMTP connection for a batch.

    ``prepare`` and ``prepare_ahead`` render a claimed batch a few messages ahead of the one being sent (the
    campaign's shared values and fixed parts made once) and ask the registry, several messages at a time, what the
    shared guard will ask about each. The campaign guard runs when a message is built; the shared guard runs in
    ``stage``, on exactly the message that is then handed over, as it runs on a lone one.
    """

    channel = "email"

    def __init__(self, *, campaign: Campaign, connection: Any = None) -> None:
        self.campaign = campaign
        self.connection = connection
        self.from_email = campaign.from_email or settings.DEFAULT_FROM_EMAIL
        self.allowed = frozenset(a for a in (campaign.desk_email, self.from_email) if a)
        self.mail_charset = outbound_charset(campaign.incident)
        self.link_hosts = campaign_link_hosts(campaign)
        self._renderer: NoticeRenderer | None = None
        self._prepared: dict[int, Built | Outcome] = {}
        self._lookups: GuardLookups | None = None
        self._unbuilt: Iterator[Delivery | None] = iter(())  # the prepared batch's deliveries not built yet, in order
        self._unbuilt_left = 0
        self._unfetched: list[OutboundMessage] = []  # built, but the guard's look-ups not asked yet
        self._relay: RelayConnection | None = None
        self._open: Begun | None = None  # begun on the relay, its DATA neither ended nor dropped yet
        self._waiting: deque[Begun] = deque()  # staged while another DATA was open: begun once that one is over
        self._from_envelope: str | None = None

    def open(self) -> None:
        if self.connection is None:
            self.connection = get_connection(fail_silently=False)

    def close(self) -> None:
        # Django's backend object stays reusable after close(): the next send opens a fresh session.
        self._prepared = {}
        self._open = None
        self._waiting.clear()
        if self._relay is not None:
            # A hand-over under way finishes first (none is ever abandoned); a begun message nobody finished is
            # dropped, not ended with a QUIT the relay would read as message text.
            self._relay.close()
            self._relay = None
        if self.connection is not None:
            self.connection.close()

    def prepare(self, deliveries: Sequence[Delivery | None]) -> None:
        """Build the first messages of the batch and answer the shared guard's registry look-ups for them; the rest
        are built by ``prepare_ahead`` while earlier ones are on the wire."""
        version = self.campaign.template_version
        self._renderer = (
            NoticeRenderer(version=version, incident=self.campaign.incident, campaign=self.campaign)
            if version is not None
            else None
        )
        self._prepared = {}
        self._unbuilt, self._unbuilt_left = iter(deliveries), len(deliveries)
        self._unfetched = []
        self._lookups = guard_lookups_prefetch(messages=[])
        self._build(PREPARE_FIRST)
        self._fetch()

    def prepare_ahead(self, *, idle: bool = False) -> bool:
        """Keep the next messages of the batch made and looked up; with ``idle``, make one more (or ask the registry
        for those made), up to ``PREPARE_IDLE_LEAD`` ahead. Return whether anything was done.

        Without ``idle`` only what the next messages cannot go without: the lead kept at ``PREPARE_LEAD`` (one or two
        messages a time), and the registry asked for every ``PREPARE_FETCH`` made (a question costs about as much for
        one message as for sixteen), for fewer only when the batch is made to its end or fewer than ``PREPARE_READY``
        made messages have their look-ups. The lead leaves room for a whole group to wait for its question while
        ``PREPARE_READY`` are ready, so a relay that always answers at once still gets the groups whole.
        """
        if not idle:
            building = min(2, max(0, PREPARE_LEAD - len(self._prepared)))
            self._build(building)
            due = len(self._unfetched) >= PREPARE_FETCH or self._looked_up() < PREPARE_READY
            if self._unfetched and (due or not self._unbuilt_left):
                self._fetch()
                return True
            return building > 0
        if self._unfetched and (len(self._unfetched) >= PREPARE_FETCH or not self._unbuilt_left):
            self._fetch()
            return True
        if self._unbuilt_left and len(self._prepared) < PREPARE_IDLE_LEAD:
            self._build(1)
            return True
        return False

    def _looked_up(self) -> int:
        return len(self._prepared) - len(self._unfetched)

    def _build(self, count: int) -> None:
        while count > 0 and self._unbuilt_left:
            delivery = next(self._unbuilt, None)
            self._unbuilt_left -= 1
            if delivery is None:  # gone since it was claimed
                continue
            count -= 1
            built = self.build(delivery)  # an error here stops the batch, as a failed ``prepare`` always did
            self._prepared[delivery.pk] = built
            if not isinstance(built, Outcome):
                self._unfetched.append(built[1])

    def _fetch(self) -> None:
        if self._unfetched:
            guard_lookups_prefetch(messages=self._unfetched, lookups=self._lookups)
            self._unfetched = []

    def _render(self, delivery: Delivery, values: dict[str, str]) -> Rendered:
        version = self.campaign.template_version
        assert version is not None
        renderer = self._renderer
        if renderer is None or renderer.version_id != version.pk:
            renderer = NoticeRenderer(version=version, incident=self.campaign.incident, campaign=self.campaign)
        return renderer.render(person=values, items=item_labels(delivery.person.items))

    def _ensure_open(self) -> Outcome | None:
        self.open()
        try:
            self.connection.open()
        except (OSError, smtplib.SMTPException) as exc:
            # Nothing was handed over when the relay cannot be reached: safe to retry, and not the recipient's fault.
            return Outcome.relay_down("smtp.connect", exc.__class__.__name__)
        return None

    def build(self, delivery: Delivery) -> Built | Outcome:
        """Return the message for ``delivery`` with what the guards need, or the outcome that stops it."""
        campaign = self.campaign
        version = campaign.template_version
        person = delivery.person
        values = person_values(person)
        recipient = values["email"]
        if not recipient:
            return Outcome.permanent("campaigns.no_email_address")
        if version is None:
            return Outcome.permanent("campaigns.guard.not_approved")
        try:
            rendered = self._render(delivery, values)
        except ApplicationError as exc:
            return Outcome.permanent(exc.code, "render")
        message = JapaneseEmailMultiAlternatives(
            subject=rendered.subject,
            body=rendered.text,
            from_email=self.from_email,
            to=[recipient],
            headers={"Message-ID": delivery.message_id},
            connection=self.connection,
            mail_charset=self.mail_charset,
        )
        if rendered.html:
            message.attach_alternative(rendered.html, "text/html")
        attachments: list[Attachment] = []
        names: list[str] = []
        if campaign.attach_letter:
            from breachdesk.campaigns.transports.postal import letter_pdf

            pdf = letter_pdf(delivery=delivery, person=values, body=rendered.letter)
            name = letter_filename(delivery)
            message.attach(name, pdf, "application/pdf")
            attachments.append(Attachment(filename=name, content_type="application/pdf", size=len(pdf)))
            names.append(name)
        outbound = OutboundMessage(
            incident=campaign.incident,
            to=[recipient],
            subject=rendered.subject,
            body=rendered.text,
            html=rendered.html,
            attachments=attachments,
            person_id=person.pk,
            allowed_addresses=self.allowed,
            allowed_link_hosts=self.link_hosts,
        )
        problems = campaign_guard_check(
            campaign=campaign,
            delivery=delivery,
            recipient=recipient,
            own_address=values["email"],
            attachment_names=names,
        )
        if problems:
            return Outcome.guard_blocked(problems)
        return message, outbound, names

    def notify(self, delivery: Delivery) -> Outcome:
        """Stage and hand over ``delivery`` as its attempt ``delivery.message_id``, and wait for the outcome."""
        staged = self.stage(delivery, message_id=delivery.message_id)
        if isinstance(staged, Outcome):
            return staged
        return self.hand_over(staged).result()

    def stage(self, delivery: Delivery, *, message_id: str) -> Staged | Outcome:
        """Run both guards on the message; for an SMTP relay, start its envelope and bytes on the wire (all but the
        final dot, see ``smtp_session``), written while the worker records the previous one (``relay_connection``)."""
        prepared = self._prepared.pop(delivery.pk, None)
        if not isinstance(prepared, Outcome | None) and any(m is prepared[1] for m in self._unfetched):
            self._fetch()  # built ahead, its look-ups not asked yet: ask now, for it and the others built
        built = self.build(delivery) if prepared is None else prepared
        if isinstance(built, Outcome):
            return built
        message, outbound, _names = built
        message.extra_headers["Message-ID"] = message_id
        try:
            # The shared guard runs right before the hand-over, on exactly what is handed over.
            outbound_guard_enforce(message=outbound, lookups=self._lookups if prepared is not None else None)
        except MisSendBlocked as exc:
            return Outcome.guard_blocked(list(exc.extra.get("violations", [])))
        self.open()
        # Only Django's own SMTP backend: a subclass (DKIM signing, say) may change what its send_messages sends.
        if type(self.connection) is not SmtpBackend:
            return Staged(delivery=delivery, message_id=message_id, payload=message)
        try:
            if self._from_envelope is None:
                self._from_envelope = envelope_address(message.from_email, message.encoding)
            recipients = [envelope_address(address, message.encoding) for address in message.recipients()]
        except ValueError as exc:  # an address Django cannot write into an SMTP envelope
            return Outcome.permanent("smtp.invalid_address", str(exc)[:200])
        wire = wire_of(message, from_envelope=self._from_envelope, recipients=recipients)
        if not wire.recipients:
            return Outcome.temporary("smtp.not_sent")
        begun = Begun(wire=wire)
        self._waiting.append(begun)
        self._begin_next()
        return Staged(delivery=delivery, message_id=message_id, payload=begun)

    def _begin_next(self) -> None:
        """Start the next waiting message on the relay unless a DATA is open there (its dot comes first)."""
        if self._open is None and self._waiting:
            begun = self._waiting.popleft()
            begun.begun = self._relay_connection().begin(begun.wire)
            self._open = begun

    def hand_over(self, staged: Staged) -> Handover:
        """Hand the staged message over: the final dot in the relay's process, or a whole send on other backends.

        A message staged meanwhile (the worker stages one ahead) is begun right behind the dot, so the relay never
        waits for the worker to make it."""
        staged.delivery.message_id = staged.message_id
        payload = staged.payload
        if isinstance(payload, Begun):
            if payload is not self._open or payload.begun is None:
                raise RuntimeError("hand-over out of order: another message's DATA is open on the relay")
            finishing = self._relay_connection().finish(payload.begun)
            self._open = None
            self._begin_next()
            return finishing
        return Done(self._send_message(payload))

    def discard(self, staged: Staged) -> None:
        """Take back a staged message that will not be handed over: the relay drops its unfinished DATA (a message
        still waiting to begin is only forgotten)."""
        payload = staged.payload
        if not isinstance(payload, Begun):
            return
        if payload is not self._open:
            with contextlib.suppress(ValueError):
                self._waiting.remove(payload)
            return
        self._open = None
        if payload.begun is not None and payload.begun.result() is None:
            self._relay_connection().abort()
        self._begin_next()

    def _relay_connection(self) -> RelayConnection:
        if self._relay is None:
            self._relay = RelayConnection(RelaySettings.of_backend(self.connection))
        return self._relay

    def _send_message(self, message: EmailMultiAlternatives) -> Outcome:
        failed = self._ensure_open()
        if failed is not None:
            return failed
        message.connection = self.connection
        try:
            sent = self.connection.send_messages([message])
        except (smtplib.SMTPException, OSError) as exc:
            outcome = smtp_outcome(exc)
            if outcome.kind == OutcomeKind.UNCERTAIN:
                self._close_connection()
            return outcome
        if not sent:
            return Outcome.temporary("smtp.not_sent")
        return Outcome.sent()

    def _close_connection(self) -> None:
        if self.connection is not None:
            with contextlib.suppress(OSError, smtplib.SMTPException):
                self.connection.close()


def relay_probe() -> bool:
    """Return whether the SMTP relay accepts a session now (connect, EHLO, login if configured), sending nothing."""
    connection = get_connection(fail_silently=False)
    try:
        connection.open()
    except (OSError, smtplib.SMTPException):
        return False
    with contextlib.suppress(OSError, smtplib.SMTPException):
        connection.close()
    return True
