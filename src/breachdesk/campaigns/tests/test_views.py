"""The campaign pages, walked as each persona: who may see, create, approve, start and review."""

from __future__ import annotations

import io
import zipfile
from typing import Any

import pytest
from django.urls import reverse

from breachdesk.campaigns import services, worker
from breachdesk.campaigns.models import Campaign, CampaignStatus, Channel, Delivery, DeliveryStatus
from breachdesk.campaigns.tests.conftest import BODY, SUBJECT, Team, affected_only_new, make_campaign, make_template
from breachdesk.core.models import TimelineEvent
from breachdesk.testing.fixtures import World, client_for


def url(world: World, name: str, **kwargs: Any) -> str:
    return reverse(f"campaigns:{name}", kwargs={"code": world.incident.code, **kwargs})


@pytest.mark.django_db
def test_it_hides_every_campaign_page_from_an_outsider(world: World) -> None:
    outsider = client_for(world.outsider)
    ids = world.campaign_ids
    for path in (
        url(world, "campaign_list"),
        url(world, "template_detail", template_id=ids["template_id"]),
        url(world, "template_preview", template_id=ids["template_id"]),
        url(world, "campaign_detail", campaign_id=ids["campaign_id"]),
        url(world, "campaign_progress", campaign_id=ids["campaign_id"]),
        url(world, "delivery_review_list", campaign_id=ids["campaign_id"]),
    ):
        assert outsider.get(path).status_code == 404, path
    assert outsider.post(url(world, "campaign_start", campaign_id=ids["campaign_id"])).status_code == 404


@pytest.mark.django_db
def test_a_responder_sees_campaigns_but_cannot_create_templates(world: World) -> None:
    responder = client_for(world.responder)
    assert responder.get(url(world, "campaign_list")).status_code == 200
    response = responder.post(
        url(world, "template_create"), {"name": "x", "subject": "s", "body_text": "b"}, HTTP_REFERER="/"
    )
    assert response.status_code == 302
    assert not world.incident.notice_templates.filter(name="x").exists()


@pytest.mark.django_db
def test_pr_writes_a_template_and_the_editor_rejects_a_load_tag(team: Team) -> None:
    pr = client_for(team.pr, language="en")
    world = team.world
    bad = pr.post(url(world, "template_create"), {"name": "n", "subject": SUBJECT, "body_text": "{% load static %}"})
    assert bad.status_code == 200
    assert "{% load %} is not allowed" in bad.content.decode()
    good = pr.post(url(world, "template_create"), {"name": "第1報", "subject": SUBJECT, "body_text": BODY})
    assert good.status_code == 302
    template = world.incident.notice_templates.get(name="第1報")
    detail = url(world, "template_detail", template_id=template.pk)
    approve = url(world, "template_approve", template_id=template.pk)
    page = pr.get(detail).content.decode()
    assert approve not in page, "the author must not be offered the approval of their own version"
    assert "A lead or reviewer other than the author must approve" in page
    lead_page = client_for(team.lead, language="en").get(detail).content.decode()
    assert approve in lead_page, "a lead who did not write the version is offered its approval"
    reviewer = client_for(team.reviewer)
    reviewer.post(url(world, "template_approve", template_id=template.pk), {"version": "1"})
    assert template.versions.get(number=1).approved_by == team.reviewer


@pytest.mark.django_db
def test_the_preview_shows_twenty_recipients_masked_for_pr(team: Team, add_person: Any) -> None:
    for _ in range(25):
        add_person()
    template = make_template(team)
    page = client_for(team.pr).get(url(team.world, "template_preview", template_id=template.pk)).content.decode()
    assert page.count('class="panel preview"') == 20
    assert "試験 *" in page or "試験 " in page
    lead_page = client_for(team.lead).get(url(team.world, "template_preview", template_id=template.pk))
    assert lead_page.content.decode().count('class="panel preview"') == 20


@pytest.mark.django_db
def test_the_lead_starts_a_campaign_and_the_progress_adds_up(team: Team, add_person: Any) -> None:
    affected_only_new(team.world)
    for _ in range(3):
        add_person()
    campaign = make_campaign(team, make_template(team))
    lead = client_for(team.lead)
    pr = client_for(team.pr)
    pr.post(url(team.world, "campaign_start", campaign_id=campaign.pk), HTTP_REFERER="/")
    assert Campaign.objects.get(pk=campaign.pk).status == CampaignStatus.APPROVED
    lead.post(url(team.world, "campaign_start", campaign_id=campaign.pk))
    assert Campaign.objects.get(pk=campaign.pk).status == CampaignStatus.RUNNING
    progress = lead.get(url(team.world, "campaign_progress", campaign_id=campaign.pk)).content.decode()
    assert 'hx-trigger="every 3s"' in progress
    assert 'id="primary-total">3<' in progress
    assert "add up" in progress or "一致" in progress


@pytest.mark.django_db
def test_the_lead_reviews_an_uncertain_delivery_with_a_reason(team: Team, add_person: Any) -> None:
    affected_only_new(team.world)
    add_person()
    campaign = services.campaign_start(campaign=make_campaign(team, make_template(team)), actor=team.lead)
    delivery = Delivery.objects.get(campaign=campaign)
    Delivery.objects.filter(pk=delivery.pk).update(status=DeliveryStatus.UNCERTAIN)
    lead = client_for(team.lead)
    page = lead.get(url(team.world, "delivery_review_list", campaign_id=campaign.pk)).content.decode()
    assert f'id="delivery-{delivery.pk}"' in page
    review = url(team.world, "delivery_review", campaign_id=campaign.pk, delivery_id=delivery.pk)
    client_for(team.pr).post(review, {"action": "requeue", "reason": "x"}, HTTP_REFERER="/")
    assert Delivery.objects.get(pk=delivery.pk).status == DeliveryStatus.UNCERTAIN  # PR may not review
    lead.post(review, {"action": "requeue", "reason": "The relay never received it."})
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.PENDING
    assert TimelineEvent.objects.filter(kind="campaign.delivery_reviewed").exists()


@pytest.mark.django_db
def test_the_person_page_shows_the_delivery_history(team: Team, add_person: Any, smtp_sink: Any) -> None:
    affected_only_new(team.world)
    person = add_person()
    campaign = services.campaign_start(campaign=make_campaign(team, make_template(team)), actor=team.lead)
    worker.campaign_work(campaign_id=campaign.pk)
    page = client_for(team.lead).get(
        reverse("registry:person_detail", kwargs={"code": team.world.incident.code, "person_id": person.pk})
    )
    html = page.content.decode()
    assert 'id="person-deliveries"' in html
    assert "sending → sent" in html


@pytest.mark.django_db
def test_only_the_lead_produces_print_batches_and_each_is_on_the_timeline(team: Team, add_person: Any) -> None:
    affected_only_new(team.world)
    add_person(name="山田 太郎")
    campaign = services.campaign_start(
        campaign=make_campaign(team, make_template(team), channel=Channel.POSTAL), actor=team.lead
    )
    produce = url(team.world, "print_batch_create", campaign_id=campaign.pk)
    refused = client_for(team.pr).post(produce, HTTP_REFERER="/")
    assert refused.status_code == 302
    assert refused["Content-Type"] != "application/zip"
    response = client_for(team.lead).post(produce, {"limit": "10"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    csv_text = archive.read("mailing-1.csv").decode("utf-8-sig")
    assert "山田 太郎" in csv_text
    assert archive.read("letters-1.pdf").startswith(b"%PDF")
    assert TimelineEvent.objects.filter(kind="campaign.print_batch_generated").exists()
    assert Campaign.objects.get(pk=campaign.pk).status == CampaignStatus.FINISHED
