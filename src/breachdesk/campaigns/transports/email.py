"""Send notices by email through Django's SMTP backend, behind both guards.

Each delivery gets its own Message-ID (assigned by the worker before the send, so a bounce can be matched even if the
worker dies right after). No List-Unsubscribe header: a legal notice under APPI Article 26(2) is not marketing, and
offering to "unsubscribe" from it would be misleading (see docs/campaigns.md).
"""

from __future__ import annotations

import contextlib
import smtplib
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection

from breachdesk.campaigns.guards import campaign_guard_check, letter_filename
from breachdesk.campaigns.models import Campaign, Delivery
from breachdesk.campaigns.rendering import NoticeRenderer, Rendered, item_labels, person_values
from breachdesk.campaigns.transports.base import Outcome, Transport
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
from breachdesk.outbound.mailformat import JapaneseEmailMultiAlternatives, outbound_charset


def smtp_outcome(exc: Exception) -> Outcome:
    """Classify an SMTP error: 5xx is permanent, 4xx temporary, a broken session uncertain (it may have gone).

    A refusal by the relay itself (421 "service not available", or the sender refused with a 4xx) is not the
    recipient's: it counts no attempt against them (``Outcome.relay_down``).
    """
    if isinstance(exc, smtplib.SMTPSenderRefused) and exc.smtp_code < 500:
        return Outcome.relay_down(f"smtp.{exc.smtp_code}", "sender refused by the relay")
    if isinstance(exc, smtplib.SMTPResponseException) and exc.smtp_code == 421:
        return Outcome.relay_down("smtp.421", "relay not available")
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _msg in exc.recipients.values()]
        code = codes[0] if codes else 550
        kind = Outcome.permanent if code >= 500 else Outcome.temporary
        return kind(f"smtp.{code}", "recipient refused")
    if isinstance(exc, smtplib.SMTPResponseException):
        kind = Outcome.permanent if exc.smtp_code >= 500 else Outcome.temporary
        return kind(f"smtp.{exc.smtp_code}", exc.__class__.__name__)
    return Outcome.uncertain("smtp.session_broken", exc.__class__.__name__)


Built = tuple[EmailMultiAlternatives, OutboundMessage, list[str]]


class EmailTransport(Transport):
    """Render, guard and send one person's notice per delivery, reusing one SMTP connection for a batch.

    ``prepare`` renders a claimed batch at once (the campaign's shared values and fixed parts made once) and asks the
    registry, once for the whole batch, what the shared guard will ask about each message; ``notify`` then runs both
    guards on each message, exactly as they run on a lone one, right before handing it over.
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

    def open(self) -> None:
        if self.connection is None:
            self.connection = get_connection(fail_silently=False)

    def close(self) -> None:
        # Django's backend object stays reusable after close(): the next send opens a fresh session.
        self._prepared = {}
        if self.connection is not None:
            self.connection.close()

    def prepare(self, deliveries: list[Delivery]) -> None:
        """Build the batch's messages, and answer the shared guard's registry look-ups for all of them in one go."""
        version = self.campaign.template_version
        self._renderer = (
            NoticeRenderer(version=version, incident=self.campaign.incident, campaign=self.campaign)
            if version is not None
            else None
        )
        self._prepared = {delivery.pk: self.build(delivery) for delivery in deliveries}
        self._lookups = guard_lookups_prefetch(
            messages=[built[1] for built in self._prepared.values() if not isinstance(built, Outcome)]
        )

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
        prepared = self._prepared.pop(delivery.pk, None)
        built = self.build(delivery) if prepared is None else prepared
        if isinstance(built, Outcome):
            return built
        message, outbound, _names = built
        # The Message-ID is the attempt's own, given when the delivery was marked ``sending`` (after ``prepare``).
        message.extra_headers["Message-ID"] = delivery.message_id
        try:
            # The shared guard runs immediately before the hand-over, on exactly what is handed over.
            outbound_guard_enforce(message=outbound, lookups=self._lookups if prepared is not None else None)
        except MisSendBlocked as exc:
            return Outcome.guard_blocked(list(exc.extra.get("violations", [])))
        failed = self._ensure_open()
        if failed is not None:
            return failed
        message.connection = self.connection
        try:
            sent = self.connection.send_messages([message])
        except (smtplib.SMTPException, OSError) as exc:
            outcome = smtp_outcome(exc)
            if outcome.kind.value == "uncertain":
                self.close()
            return outcome
        if not sent:
            return Outcome.temporary("smtp.not_sent")
        return Outcome.sent()


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
