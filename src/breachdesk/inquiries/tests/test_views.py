"""Walk the desk as each persona: outsider, client reviewer, responder, a role without desk access."""

from __future__ import annotations

from typing import Any

import pytest

from breachdesk.core.roles import Role
from breachdesk.incidents.services import membership_add
from breachdesk.testing.factories import UserFactory
from breachdesk.testing.fixtures import World, client_for

pytestmark = pytest.mark.django_db


def _pages(world: World) -> list[str]:
    base = f"/incidents/{world.incident.code}/desk"
    d = world.desk
    return [
        f"{base}/",
        f"{base}/{d['inquiry_id']}/",
        f"{base}/replies/{d['reply_id']}/",
        f"{base}/blocks/",
        f"{base}/blocks/{d['block_id']}/",
        f"{base}/deletions/",
        f"{base}/settings/",
    ]


def test_it_answers_404_to_an_outsider_on_every_desk_page(world: World) -> None:
    outsider = client_for(world.outsider)
    for url in [*_pages(world), f"/incidents/{world.incident.code}/desk/review/"]:
        assert outsider.get(url).status_code == 404, url


def test_the_responder_sees_every_desk_page_and_the_dashboard_panel(world: World) -> None:
    responder = client_for(world.responder)
    for url in [*_pages(world), f"/incidents/{world.incident.code}/desk/phone/"]:
        assert responder.get(url).status_code == 200, url
    dashboard = responder.get(f"/incidents/{world.incident.code}/").content.decode()
    assert 'id="panel-desk"' in dashboard
    assert "<svg" in dashboard


@pytest.mark.parametrize("role", [Role.PR, Role.VIEWER])
def test_a_role_without_the_desk_sees_its_figures_but_no_link_it_cannot_follow(world: World, role: Role) -> None:
    """The desk panel and the urgent backlog figures are shown to every member; the way into the desk only to
    those who may open it (no dead end with a 403)."""
    member: Any = UserFactory(username=f"m-{role}")
    membership_add(incident=world.incident, actor=world.lead, user=member, role=role)
    desk = f'href="/incidents/{world.incident.code}/desk/"'
    shown = client_for(member).get(f"/incidents/{world.incident.code}/").content.decode()
    assert 'id="panel-desk"' in shown
    assert 'id="urgent-backlog"' in shown
    assert desk not in shown
    assert client_for(member).get(f"/incidents/{world.incident.code}/desk/").status_code == 403
    assert desk in client_for(world.responder).get(f"/incidents/{world.incident.code}/").content.decode()


def test_the_client_reviewer_reads_an_inquiry_only_while_reviewing_its_reply_and_masked(world: World) -> None:
    """INQUIRY_READ_IN_REVIEW: the reviewer sees what they review, with the people in it masked."""
    from breachdesk.core.models import AccessEvent
    from breachdesk.inquiries.intake.receive import Incoming, inquiry_receive
    from breachdesk.inquiries.models import Channel, Reply
    from breachdesk.inquiries.review import reply_draft, reply_submit

    received = inquiry_receive(
        incident=world.incident,
        incoming=Incoming(
            channel=Channel.EMAIL,
            subject="山田 太郎の件",
            text="山田 太郎です。会員番号W-0001、電話は090-1234-5678、妻はtaro.yamada@example.jpを使っています。",
            sender_name="山田 太郎",
            sender_email="taro.yamada@example.jp",
            message_id="<masked-1@example.jp>",
        ),
        actor=world.responder,
    )
    inquiry = received.inquiry
    assert inquiry is not None
    page_url = f"/incidents/{world.incident.code}/desk/{inquiry.pk}/"
    reviewer = client_for(world.reviewer_client)
    assert reviewer.get(f"/incidents/{world.incident.code}/desk/review/").status_code == 200
    assert reviewer.get(page_url).status_code == 403  # nothing of it is in review yet
    listing = reviewer.get(f"/incidents/{world.incident.code}/desk/")  # no list of inquiries: the review queue
    assert (listing.status_code, listing["Location"]) == (302, f"/incidents/{world.incident.code}/desk/review/")
    reply = reply_draft(inquiry=inquiry, actor=world.responder)
    reply_url = f"/incidents/{world.incident.code}/desk/replies/{reply.pk}/"
    assert reviewer.get(reply_url).status_code == 403  # a draft is not theirs to read
    reply_submit(reply=Reply.objects.get(pk=reply.pk), actor=world.responder)
    response = reviewer.get(page_url)
    assert response.status_code == 200
    page = response.content.decode()
    for plain in ("taro.yamada@example.jp", "090-1234-5678", "山田 太郎", "W-0001"):
        assert plain not in page, plain
    for masked in ("ta***@example.jp", "090-****-5678", "山田 *郎", "****01"):
        assert masked in page, masked
    assert 'id="masked-for-review"' in page
    assert reviewer.get(reply_url).status_code == 200
    read = AccessEvent.objects.filter(object=f"inquiry:{inquiry.pk}", actor=world.reviewer_client).get()
    assert read.fields == ["subject (masked)", "body (masked)", "sender (masked)"]
    # The responder reads the same page unmasked.
    assert "090-1234-5678" in client_for(world.responder).get(page_url).content.decode()
    attachment = f"/incidents/{world.incident.code}/desk/attachments/{world.desk['attachment_id']}/"
    assert reviewer.get(attachment).status_code == 403


def test_a_role_without_desk_work_is_refused(world: World) -> None:
    pr: Any = UserFactory(username="pr-person")
    membership_add(incident=world.incident, actor=world.lead, user=pr, role=Role.PR)
    assert client_for(pr).get(f"/incidents/{world.incident.code}/desk/").status_code == 403


def test_an_attachment_downloads_as_an_opaque_file_never_inline(world: World) -> None:
    url = f"/incidents/{world.incident.code}/desk/attachments/{world.desk['attachment_id']}/"
    response = client_for(world.responder).get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content) == b"hello"  # type: ignore[attr-defined]


def test_the_responder_cannot_review_and_the_reviewer_cannot_send(world: World) -> None:
    from breachdesk.inquiries import services
    from breachdesk.inquiries.models import Reply

    reply = Reply.objects.get(pk=world.desk["reply_id"])
    services.reply_submit(reply=reply, actor=world.responder)
    reply_url = f"/incidents/{world.incident.code}/desk/replies/{reply.pk}"
    client_for(world.responder).post(f"{reply_url}/review/", {"decision": "approve"})
    reply.refresh_from_db()
    assert reply.status == "in_review"
    assert client_for(world.reviewer_client).get(f"{reply_url}/").status_code == 200
    client_for(world.reviewer_client).post(f"{reply_url}/send/")
    reply.refresh_from_db()
    assert reply.status == "in_review"


def test_only_the_lead_changes_the_desk_settings(world: World) -> None:
    url = f"/incidents/{world.incident.code}/desk/settings/"
    data = {
        "desk_address": "desk@oco.example",
        "desk_hours": "平日 9時〜18時",
        "first_answer_business_days": 2,
        "public_form_open": "on",
        "imap_port": 993,
        "imap_security": "ssl",
    }
    from breachdesk.inquiries.mailer import desk_config

    client_for(world.responder).post(url, data)
    assert desk_config(world.incident).desk_address != "desk@oco.example"
    assert client_for(world.lead).post(url, data).status_code == 302
    assert desk_config(world.incident).desk_address == "desk@oco.example"


def test_the_person_page_lists_their_inquiries(world: World) -> None:
    page = client_for(world.lead).get(f"/incidents/{world.incident.code}/registry/people/{world.person.pk}/")
    assert 'id="person-inquiries"' in page.content.decode()


def test_the_list_filters_by_assignee_and_escapes_what_it_writes(world: World) -> None:
    """The rows and the assignee options are written in Python: every value must still be escaped."""
    from django.contrib.auth import get_user_model

    from breachdesk.inquiries import services
    from breachdesk.inquiries.models import Inquiry

    hostile = get_user_model().objects.create_user(username="<b>x</b>", password="x" * 16)
    membership_add(incident=world.incident, actor=world.lead, user=hostile, role=Role.RESPONDER)
    inquiry = Inquiry.objects.filter(incident=world.incident).first()
    assert inquiry is not None
    services.inquiry_assign(inquiry=inquiry, actor=world.lead, assignee=hostile)

    page = client_for(world.lead).get(f"/incidents/{world.incident.code}/desk/?assignee={hostile.pk}").content.decode()
    assert f'<option value="{hostile.pk}" selected>&lt;b&gt;x&lt;/b&gt;</option>' in page
    assert "<b>x</b>" not in page
    assert f'href="/incidents/{world.incident.code}/desk/{inquiry.pk}/"' in page
    assert page.count('name="inquiry"') == 1  # only the assignee's inquiry is listed
