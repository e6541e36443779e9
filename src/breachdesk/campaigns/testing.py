"""Create the campaigns' sample objects for the shared ``world`` fixture, directly (no timeline events), so the
URL walk has a real template, campaign, delivery and print batch id."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from breachdesk.campaigns.models import (
    Campaign,
    Delivery,
    DeliveryChannel,
    NoticeTemplate,
    PrintBatch,
    TemplateVersion,
)
from breachdesk.incidents.models import Incident


def sample_campaign(*, incident: Incident, author: Any, approver: Any, person: Any) -> dict[str, int]:
    """Return the ids of a sample template, campaign, delivery and print batch of ``incident``."""
    now = timezone.now()
    template = NoticeTemplate.objects.create(incident=incident, name="見本のお知らせ", created_by=author)
    version = TemplateVersion.objects.create(
        template=template,
        number=1,
        subject="個人情報漏えいに関するお知らせ",
        body_text="{{ person.name }} 様\n漏えいした項目：{{ items_text }}",
        author=author,
        approved_by=approver,
        approved_at=now,
    )
    campaign = Campaign.objects.create(
        incident=incident, name="見本キャンペーン", template=template, template_version=version, created_by=author
    )
    delivery = Delivery.objects.create(
        campaign=campaign, person=person, channel=DeliveryChannel.EMAIL, created_at=now, updated_at=now
    )
    batch = PrintBatch.objects.create(campaign=campaign, number=1, created_by=author)
    return {
        "template_id": template.pk,
        "campaign_id": campaign.pk,
        "delivery_id": delivery.pk,
        "print_batch_id": batch.pk,
    }
