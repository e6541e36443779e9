"""Issue 17: the desk cannot be turned against the people it protects (each attack as a test)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from breachdesk.testing.fixtures import World, client_for

pytestmark = pytest.mark.django_db


# --- 4. Nothing public before publication -----------------------------------------------------------------------------
def test_the_contact_form_is_404_before_the_first_notice_like_an_unknown_code(world: World) -> None:
    unknown = Client().get("/p/no-such-incident/contact/")
    before = Client().get(f"/p/{world.incident.code}/contact/")
    assert before.status_code == unknown.status_code == 404
    assert before.content == unknown.content
    assert world.incident.title not in before.content.decode()
    posted = Client().post(f"/p/{world.incident.code}/contact/", {"email": "a@example.jp", "body": "x"})
    assert posted.status_code == 404
    # Members see a preview of the form before publication.
    assert client_for(world.responder).get(f"/p/{world.incident.code}/contact/").status_code == 200


def test_the_contact_form_opens_with_the_first_notice(world: World, published: Any) -> None:
    assert Client().get(f"/p/{world.incident.code}/contact/").status_code == 200


# --- 3. Four eyes on the text that leaves ---------------------------------------------------------------------------
def _received(world: World, **kwargs: Any) -> Any:
    from breachdesk.inquiries.intake.imap import receive_raw
    from breachdesk.inquiries.tests.helpers import mail

    result = receive_raw(incident=world.incident, raw=mail(**kwargs), channel="email", actor="t")
    assert result.inquiry is not None
    return result.inquiry


def test_a_lead_who_rewrote_a_draft_cannot_approve_it(world: World) -> None:
    from breachdesk.core.four_eyes import SecondPersonRequired
    from breachdesk.incidents.selectors import incident_access
    from breachdesk.inquiries import services
    from breachdesk.inquiries.models import ReplyStatus

    inquiry = _received(world, message_id="<edit-approve@x>")
    reply = services.reply_draft(inquiry=inquiry, actor=world.responder)
    services.reply_edit(reply=reply, actor=world.lead, body="カード再登録はこちら https://evil.example/ から")
    services.reply_submit(reply=reply, actor=world.lead)
    reply.refresh_from_db()
    assert set(reply.editor_ids) == {world.lead.pk}
    access = incident_access(user=world.lead, code=world.incident.code)
    with pytest.raises(SecondPersonRequired):
        services.reply_approve(reply=reply, actor=world.lead, access=access)
    reply.refresh_from_db()
    assert reply.status == ReplyStatus.IN_REVIEW
    # Through the page too: the lead's approval is refused, a third person's is accepted.
    page = client_for(world.lead).post(
        f"/incidents/{world.incident.code}/desk/replies/{reply.pk}/review/", {"decision": "approve"}
    )
    assert page.status_code == 302
    reply.refresh_from_db()
    assert reply.status == ReplyStatus.IN_REVIEW
    reviewer = incident_access(user=world.reviewer_client, code=world.incident.code)
    assert services.reply_approve(reply=reply, actor=world.reviewer_client, access=reviewer).status == "approved"


def test_one_four_eyes_rule_refuses_every_writer_everywhere() -> None:
    from breachdesk.campaigns.errors import SelfApproval
    from breachdesk.core.four_eyes import SecondPersonRequired, four_eyes_require
    from breachdesk.inquiries.errors import AuthorCannotApprove as ReplyRefused
    from breachdesk.notices.errors import AuthorCannotApprove as NoticeRefused
    from breachdesk.obligations.errors import AuthorCannotApprove as ReportRefused

    for error in (SelfApproval, ReplyRefused, NoticeRefused, ReportRefused):
        assert issubclass(error, SecondPersonRequired)
    with pytest.raises(SecondPersonRequired):
        four_eyes_require(approver=7, writers=[3, None, 7], what="reply")
    four_eyes_require(approver=8, writers=[3, None, 7], what="reply")


# --- 6. Sender identity from From only, Authentication-Results recorded ---------------------------------------------
def test_reply_to_is_shown_but_never_makes_the_sender_or_the_match(world: World) -> None:
    inquiry = _received(
        world,
        sender="eve@attacker.example",
        message_id="<rt-spoof@x>",
        headers={"Reply-To": "hanako.mihon@example.jp"},
        body="私は対象ですか",
    )
    assert inquiry.sender_email == "eve@attacker.example"
    assert inquiry.reply_to == "hanako.mihon@example.jp"
    assert inquiry.person_id is None
    assert not inquiry.identity_verified
    page = client_for(world.lead).get(f"/incidents/{world.incident.code}/desk/{inquiry.pk}/").content.decode()
    assert 'id="reply-to"' in page
    assert "hanako.mihon@example.jp" in page


def test_a_failed_dmarc_never_counts_as_a_registry_match_and_is_a_warning(world: World) -> None:
    failed = _received(
        world,
        sender="hanako.mihon@example.jp",
        message_id="<dmarc-fail@x>",
        headers={
            "Authentication-Results": "mx.desk.example; spf=fail smtp.mailfrom=example.jp; dkim=none; "
            "dmarc=fail (p=none) header.from=example.jp"
        },
    )
    assert failed.auth_results == {"spf": "fail", "dkim": "none", "dmarc": "fail"}
    assert not failed.identity_verified
    assert failed.person_id is None
    page = client_for(world.lead).get(f"/incidents/{world.incident.code}/desk/{failed.pk}/").content.decode()
    assert 'id="dmarc-warning"' in page
    # A passed DMARC keeps the registered-address match.
    passed = _received(
        world,
        sender="hanako.mihon@example.jp",
        message_id="<dmarc-pass@x>",
        headers={
            "Authentication-Results": "mx.desk.example; spf=pass smtp.mailfrom=example.jp; dkim=pass; dmarc=pass",
        },
    )
    assert passed.auth_results["dmarc"] == "pass"
    assert passed.person_id == world.person.pk
    page = client_for(world.lead).get(f"/incidents/{world.incident.code}/desk/{passed.pk}/").content.decode()
    assert 'id="dmarc-warning"' not in page


def test_only_the_topmost_authentication_results_header_counts() -> None:
    from breachdesk.inquiries.intake.sender import sender_facts

    raw = (
        b"Authentication-Results: mx.desk.example; dmarc=fail header.from=example.jp\r\n"
        b"Authentication-Results: forged.example; dmarc=pass\r\n"
        b"From: a@example.jp\r\nReply-To: b@example.jp\r\nSubject: x\r\n\r\nbody"
    )
    facts = sender_facts(raw)
    assert facts.auth_results["dmarc"] == "fail"
    assert facts.reply_to == "b@example.jp"
    assert sender_facts(b"From: a@example.jp\r\n\r\nx").auth_results == {}
