"""Produce postal notices: one letter per person with their address block, as one PDF per print batch, and the
mailing CSV that a print house needs to put each letter in its envelope.

WeasyPrint lays the letters out with the Noto CJK fonts (Debian ``fonts-noto-cjk``). Rendering many letters as one
document costs about 15 ms per letter; one PDF per person would cost 300 ms and 200 kB each, so letters are batched.
The CSV is formula-injection safe: a cell that a spreadsheet could read as a formula gets a leading apostrophe.
"""

from __future__ import annotations

import codecs
import csv
import io
import zipfile
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from django.template.loader import render_to_string
from django.utils import timezone

from breachdesk.campaigns.rendering import item_labels, person_values, render_notice
from breachdesk.campaigns.transports.base import Outcome, Transport
from breachdesk.core.errors import ApplicationError
from breachdesk.core.exports import safe_cell
from breachdesk.outbound.guard import OutboundMessage, outbound_guard_check

if TYPE_CHECKING:
    from breachdesk.campaigns.models import Campaign, Delivery

CSV_HEADER = ["delivery_id", "sequence", "postal_code", "address", "name", "member_id"]
# The content checks of the shared guard apply to paper too; the recipient checks are about email addresses.
CONTENT_CHECKS = ("guard.sensitive_identifier", "guard.other_person_data", "guard.foreign_email")


@dataclass(frozen=True)
class Letter:
    delivery_id: int
    postal_code: str
    address: str
    name: str
    member_id: str
    subject: str
    body: str


def _letter_context(letter: Letter, *, sender: str, today: date) -> dict[str, Any]:
    return {"letter": letter, "sender": sender, "today": today}


def letters_html(letters: list[Letter], *, sender: str, today: date | None = None) -> str:
    """Return the HTML of ``letters``, one person per page set, each starting on a new page."""
    return render_to_string(
        "campaigns/letters.html",
        {"letters": letters, "sender": sender, "today": today or timezone.localdate()},
    )


def letters_pdf(letters: list[Letter], *, sender: str, today: date | None = None) -> bytes:
    """Return one PDF holding every letter of ``letters``; nothing is fetched (no URL, no file)."""
    from weasyprint import HTML

    return bytes(HTML(string=letters_html(letters, sender=sender, today=today), url_fetcher=refuse_fetch).write_pdf())


def refuse_fetch(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
    """Refuse every fetch WeasyPrint asks for: a letter holds a person's data and must reach no other place."""
    raise ValueError(f"letters fetch nothing: {url[:60]}")


def letter_pdf(*, delivery: Delivery, person: dict[str, str], body: str) -> bytes:
    """Return the PDF of one person's own letter (for the email attachment option)."""
    campaign = delivery.campaign
    letter = Letter(
        delivery_id=delivery.pk,
        postal_code=person.get("postal_code", ""),
        address=person.get("address", ""),
        name=person.get("name", ""),
        member_id=person.get("member_id", ""),
        subject=campaign.template_version.subject if campaign.template_version else "",
        body=body,
    )
    return letters_pdf([letter], sender=campaign.incident.organisation)


def mailing_csv(letters: list[Letter]) -> bytes:
    """Return the print house's mailing list: UTF-8 with BOM (Excel reads it), every cell formula-safe."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for sequence, letter in enumerate(letters, start=1):
        writer.writerow(
            [
                letter.delivery_id,
                sequence,
                safe_cell(letter.postal_code),
                safe_cell(letter.address),
                safe_cell(letter.name),
                safe_cell(letter.member_id),
            ]
        )
    return codecs.BOM_UTF8 + buffer.getvalue().encode("utf-8")


def batch_zip(letters: list[Letter], *, sender: str, number: int, today: date | None = None) -> bytes:
    """Return the print batch as a ZIP: ``letters-N.pdf`` and ``mailing-N.csv``."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(f"letters-{number}.pdf", letters_pdf(letters, sender=sender, today=today))
        archive.writestr(f"mailing-{number}.csv", mailing_csv(letters))
    return out.getvalue()


@dataclass
class PostalTransport(Transport):
    """Compose each person's letter into the print batch being built; the batch is the hand-over."""

    campaign: Campaign
    letters: list[Letter] = field(default_factory=list)
    channel = "postal"

    def compose(self, delivery: Delivery) -> Letter | Outcome:
        campaign = self.campaign
        version = campaign.template_version
        values = person_values(delivery.person)
        if not (values["name"] and values["postal_code"] and values["address"]):
            return Outcome.permanent("campaigns.no_postal_address")
        if version is None or not version.is_approved:
            return Outcome.permanent("campaigns.guard.not_approved")
        try:
            rendered = render_notice(
                version=version,
                incident=campaign.incident,
                campaign=campaign,
                person=values,
                items=item_labels(delivery.person.items),
            )
        except ApplicationError as exc:
            return Outcome.permanent(exc.code, "render")
        verdict = outbound_guard_check(
            message=OutboundMessage(
                incident=campaign.incident,
                to=[values["email"] or "postal@letter.invalid"],
                subject=rendered.subject,
                body=rendered.letter,
                person_id=delivery.person_id,
                allowed_addresses=frozenset(a for a in (campaign.desk_email, values["email"]) if a),
            )
        )
        blocked = [code for code in verdict.codes if code in CONTENT_CHECKS]
        if blocked:
            return Outcome.guard_blocked(blocked)
        return Letter(
            delivery_id=delivery.pk,
            postal_code=values["postal_code"],
            address=values["address"],
            name=values["name"],
            member_id=values["member_id"],
            subject=rendered.subject,
            body=rendered.letter,
        )

    def notify(self, delivery: Delivery) -> Outcome:
        composed = self.compose(delivery)
        if isinstance(composed, Outcome):
            return composed
        self.letters.append(composed)
        return Outcome.sent()
