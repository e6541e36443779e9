"""Load the starter answer blocks as drafts for a new desk; someone else approves them."""

from __future__ import annotations

import pytest
from django.urls import reverse

from breachdesk.inquiries.defaults import BLOCKS
from breachdesk.inquiries.labels import LABEL_KEYS
from breachdesk.inquiries.models import AnswerBlock, BlockStatus
from breachdesk.inquiries.readiness_checks import check_ack_template, check_answer_blocks
from breachdesk.testing.factories import incident_create
from breachdesk.testing.fixtures import World, client_for

pytestmark = pytest.mark.django_db


def test_a_new_desk_loads_every_starter_block_as_a_draft_once_and_the_lead_approves_them(world: World) -> None:
    from breachdesk.core.roles import Role
    from breachdesk.incidents import services as incident_services

    incident = incident_create(lead=world.lead, code="fresh-desk")
    incident_services.membership_add(incident=incident, actor=world.lead, user=world.responder, role=Role.RESPONDER)
    url = reverse("inquiries:block_starter", kwargs={"code": incident.code})
    blocks_page = reverse("inquiries:block_list", kwargs={"code": incident.code})
    page = client_for(world.responder, language="en").get(blocks_page)
    assert b"load-starter-blocks" in page.content

    response = client_for(world.responder).post(url)
    assert response.status_code == 302
    drafts = AnswerBlock.objects.filter(incident=incident)
    assert {b.key for b in drafts} == {key for key, _title, _body in BLOCKS} | {"acknowledgment"}
    assert set(LABEL_KEYS) <= {b.key for b in drafts}
    assert all(b.status == BlockStatus.DRAFT and b.author == world.responder for b in drafts)
    count = drafts.count()
    assert not check_ack_template(incident).ok

    client_for(world.responder).post(url)  # a second load writes nothing
    assert AnswerBlock.objects.filter(incident=incident).count() == count

    lead = client_for(world.lead)
    for block in AnswerBlock.objects.filter(incident=incident):
        approve = reverse("inquiries:block_approve", kwargs={"code": incident.code, "block_id": block.pk})
        assert lead.post(approve).status_code == 302
    assert not AnswerBlock.objects.filter(incident=incident, status=BlockStatus.DRAFT).exists()
    assert check_ack_template(incident).ok
    assert check_answer_blocks(incident).ok


def test_the_author_cannot_approve_and_a_reviewer_cannot_load(world: World) -> None:
    url = reverse("inquiries:block_starter", kwargs={"code": world.incident.code})
    before = set(AnswerBlock.objects.filter(incident=world.incident).values_list("pk", flat=True))
    client_for(world.reviewer_client).post(url)  # refused: reviewers do not write the desk's text
    assert set(AnswerBlock.objects.filter(incident=world.incident).values_list("pk", flat=True)) == before
    client_for(world.responder).post(url)
    made = AnswerBlock.objects.filter(incident=world.incident).exclude(pk__in=before)
    # The world's desk already has versions of the defaults: only the missing key is loaded.
    assert [b.key for b in made] == ["acknowledgment"]
    for block in made:
        approve = reverse("inquiries:block_approve", kwargs={"code": world.incident.code, "block_id": block.pk})
        client_for(world.responder).post(approve)
        block.refresh_from_db()
        assert block.status == BlockStatus.DRAFT
