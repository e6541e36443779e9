"""Add the campaign's own guards to the shared mis-send guard (``outbound/guard.py``).

The outbound guard checks every email right before it leaves. The campaign adds what only it knows:
- ``campaigns.guard.wrong_incident``: the person belongs to the campaign's incident;
- ``campaigns.guard.not_own_address``: the recipient is the address decrypted from this person's own record;
- ``campaigns.guard.attachment``: the only attachment allowed is this delivery's own letter PDF;
- ``campaigns.guard.not_approved``: the version being sent is approved by someone other than its author, and the
  campaign itself is approved and running.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from breachdesk.campaigns.models import CampaignStatus
from breachdesk.core.four_eyes import four_eyes_violated
from breachdesk.core.jptext import normalize_email

if TYPE_CHECKING:
    from breachdesk.campaigns.models import Campaign, Delivery, TemplateVersion


def letter_filename(delivery: Delivery) -> str:
    """Return the file name of a delivery's own letter; the guard accepts no other attachment."""
    return f"notice-{delivery.campaign_id}-{delivery.pk}.pdf"


def version_approval_problems(version: TemplateVersion | None) -> list[str]:
    if version is None or not version.is_approved:
        return ["campaigns.guard.not_approved"]
    if four_eyes_violated(approver=version.approved_by_id, writers=[version.author_id]):
        return ["campaigns.guard.not_approved"]
    return []


def campaign_guard_check(
    *,
    campaign: Campaign,
    delivery: Delivery,
    recipient: str,
    own_address: str,
    attachment_names: list[str],
) -> list[str]:
    """Return the campaign-level violation codes for sending ``delivery`` to ``recipient`` (empty: it may go)."""
    problems: list[str] = []
    if delivery.person.incident_id != campaign.incident_id or delivery.campaign_id != campaign.pk:
        problems.append("campaigns.guard.wrong_incident")
    if not recipient or not own_address or normalize_email(recipient) != normalize_email(own_address):
        problems.append("campaigns.guard.not_own_address")
    elif not _matches_own_index(delivery, recipient):
        # The decrypted address must also be the one the person's blind index was computed from at import: a value
        # moved or altered in the encrypted column does not match the index.
        problems.append("campaigns.guard.not_own_address")
    if any(name != letter_filename(delivery) for name in attachment_names) or len(attachment_names) > 1:
        problems.append("campaigns.guard.attachment")
    problems.extend(version_approval_problems(campaign.template_version))
    if campaign.approved_at is None or campaign.status != CampaignStatus.RUNNING:
        problems.append("campaigns.guard.not_approved")
    return sorted(set(problems))


def _matches_own_index(delivery: Delivery, recipient: str) -> bool:
    """Return whether ``recipient`` has the blind index stored on the delivery's person."""
    from breachdesk.core.crypto import cipher_for

    stored = delivery.person.bidx_email
    if stored is None:
        return False
    # Under every live key generation: during a data-key rotation the person may not be re-indexed yet.
    return bytes(stored) in cipher_for(delivery.person.incident_id).blind_indexes("email", recipient)
