"""Issue 17: the desk cannot be turned against the people it protects (each attack as a test)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from breachdesk.testing.fixtures import World, client_for
from breachdesk.testing.queries import statement_shapes

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


# --- 1. Nothing a visitor types reaches another inbox ---------------------------------------------------------------
PHISH_SUBJECT = "【重要】カード再登録のお願い https://evil.example/card"
PHISH_NAME = "カード会社 https://evil.example/"
PHISH_BODY = "至急こちらから再登録してください https://evil.example/login"


def _phish(world: World, n: int, email: str = "hanako.mihon@example.jp") -> Any:
    return Client().post(
        f"/p/{world.incident.code}/contact/",
        {"name": PHISH_NAME, "email": email, "subject": PHISH_SUBJECT, "body": PHISH_BODY},
        REMOTE_ADDR=f"198.51.100.{n + 1}",
    )


def _texts(mails: list[Any]) -> list[str]:
    return [f"{m.subject}\n{m.body}\n{m.from_email}" for m in mails]


def test_a_phishing_form_post_puts_no_visitor_text_in_mail_and_mails_a_stranger_once(
    world: World, published: Any, mailoutbox: Any
) -> None:
    from breachdesk.inquiries.ack import ack_process
    from breachdesk.inquiries.models import Acknowledgment, AckStatus, Inquiry

    ack_process()  # the sample inquiry's own acknowledgment
    mailoutbox.clear()
    for n in range(4):  # from four addresses: the per-IP limit does not help here
        assert _phish(world, n).status_code == 200
        ack_process()
    to_victim = [m for m in mailoutbox if m.to == ["hanako.mihon@example.jp"]]
    assert len(to_victim) == 1, [m.subject for m in to_victim]
    for text in _texts(to_victim):
        assert "evil.example" not in text
        assert "カード" not in text
        assert "再登録" not in text
    inquiry = Inquiry.objects.filter(incident=world.incident, channel="form").order_by("id").first()
    assert inquiry is not None
    assert inquiry.token in to_victim[0].subject
    assert "/confirm/" in to_victim[0].body
    limited = Acknowledgment.objects.filter(incident=world.incident, status=AckStatus.LIMITED).count()
    assert limited == 3
    # Nothing is lost: every post is stored, and the desk sees that the sender has not confirmed.
    assert Inquiry.objects.filter(incident=world.incident, channel="form", awaiting_confirmation=True).count() == 4


def test_the_sender_confirms_by_link_and_only_then_the_desk_may_answer(
    world: World, published: Any, mailoutbox: Any
) -> None:
    import re

    from breachdesk.incidents.selectors import incident_access
    from breachdesk.inquiries import services
    from breachdesk.inquiries.ack import ack_process
    from breachdesk.inquiries.errors import NotSendable
    from breachdesk.inquiries.models import Inquiry

    ack_process()  # the sample inquiry's own acknowledgment
    mailoutbox.clear()
    assert _phish(world, 0, email="taro@example.jp").status_code == 200
    ack_process()
    inquiry = Inquiry.objects.get(incident=world.incident, channel="form")
    reply = services.reply_draft(inquiry=inquiry, actor=world.responder)
    services.reply_submit(reply=reply, actor=world.responder)
    access = incident_access(user=world.reviewer_client, code=world.incident.code)
    services.reply_approve(reply=reply, actor=world.reviewer_client, access=access)
    with pytest.raises(NotSendable):
        services.reply_send(reply=reply, actor=world.responder)
    link = re.search(r"(/p/[^\s]+/confirm/[^\s]+/)", mailoutbox[-1].body)
    assert link is not None
    path = link.group(1)[link.group(1).index("/p/") :]
    visitor = Client(enforce_csrf_checks=True)
    page = visitor.get(path)  # a mail scanner's GET confirms nothing
    assert page.status_code == 200
    inquiry.refresh_from_db()
    assert inquiry.awaiting_confirmation
    assert visitor.post(path, {"csrfmiddlewaretoken": page.cookies["csrftoken"].value}).status_code == 200
    inquiry.refresh_from_db()
    assert not inquiry.awaiting_confirmation
    assert inquiry.sender_confirmed_at is not None
    assert Client().post(path.replace("/confirm/", "/confirm/x")).status_code == 404
    services.reply_send(reply=reply, actor=world.responder)


def test_acknowledgments_have_a_per_recipient_and_a_per_incident_limit(world: World, mailoutbox: Any) -> None:
    from breachdesk.inquiries.ack import ack_process
    from breachdesk.inquiries.mailer import desk_config
    from breachdesk.inquiries.models import Acknowledgment, AckStatus

    config = desk_config(world.incident)
    config.ack_per_recipient_day = 2
    config.ack_per_incident_day = 5  # the sample inquiry's acknowledgment already counts as one
    config.save()
    ack_process()  # the sample inquiry's own acknowledgment
    mailoutbox.clear()
    for n in range(3):
        _received(world, sender="same@example.jp", message_id=f"<lim-same-{n}@x>", subject=f"件名{n}")
    ack_process()
    assert len([m for m in mailoutbox if m.to == ["same@example.jp"]]) == 2
    for n in range(3):
        _received(world, sender=f"other{n}@example.jp", message_id=f"<lim-other-{n}@x>")
    ack_process()
    assert len(mailoutbox) == 4
    assert all("件名" not in m.subject for m in mailoutbox)
    reasons = Acknowledgment.objects.filter(incident=world.incident, status=AckStatus.LIMITED).values_list(
        "error", flat=True
    )
    assert sorted(reasons) == ["incident_limit", "recipient_limit"]


def test_the_guard_refuses_links_that_are_not_on_the_incidents_allow_list(world: World, settings: Any) -> None:
    from breachdesk.inquiries.mailer import desk_config
    from breachdesk.outbound.guard import OutboundMessage, outbound_guard_check

    settings.BREACHDESK_PUBLIC_BASE_URL = "https://help.example.co.jp"
    config = desk_config(world.incident)
    config.link_domains = "www.example.co.jp"
    config.save()

    def codes(body: str) -> list[str]:
        message = OutboundMessage(incident=world.incident, to=["taro@example.jp"], subject="s", body=body)
        return outbound_guard_check(message=message).codes

    assert "guard.foreign_link" in codes("こちらから https://evil.example/login")
    assert "guard.foreign_link" in codes("http://help.example.co.jp.evil.example/p/")
    assert "guard.foreign_link" in codes("www.evil.example/x")
    assert "guard.foreign_link" not in codes(f"お知らせ https://help.example.co.jp/p/{world.incident.code}/")
    assert "guard.foreign_link" not in codes("会社 https://www.example.co.jp/info")


# --- 2. Actions need proof, not a matching string ---------------------------------------------------------------------
def test_a_deletion_in_another_persons_name_links_nobody_and_changes_no_audience(world: World, mailoutbox: Any) -> None:
    from breachdesk.incidents.models import TaskStatus
    from breachdesk.incidents.services import task_set_status
    from breachdesk.inquiries import selectors
    from breachdesk.inquiries.models import DeletionRequest

    inquiry = _received(
        world,
        sender="eve@attacker.example",
        message_id="<del-eve@x>",
        body="会員番号 W-0001 です。退会して削除してください",
    )
    assert inquiry.person_id is None
    assert inquiry.suggested_person_id == world.person.pk
    assert not inquiry.identity_verified
    deletion = DeletionRequest.objects.get(inquiry=inquiry)
    assert deletion.person_id is None
    assert deletion.suggested_person_id == world.person.pk
    assert deletion.verified_at is None
    assert deletion.task is not None
    assert "UNVERIFIED" in deletion.task.title
    assert "not verified" in deletion.task.description
    for path in (f"/desk/{inquiry.pk}/", "/desk/deletions/"):
        page = client_for(world.lead).get(f"/incidents/{world.incident.code}{path}").content.decode()
        assert 'class="badge badge-unverified' in page, path
    page = client_for(world.lead).get(f"/incidents/{world.incident.code}/desk/{inquiry.pk}/").content.decode()
    assert 'id="suggested-person"' in page
    # The engineer marks the task done: nothing is deleted for an unverified request, nobody leaves any audience.
    task_set_status(task=deletion.task, actor=world.lead, status=TaskStatus.DONE)
    deletion.refresh_from_db()
    assert deletion.status == "open"
    assert list(selectors.person_ids_with_completed_deletion(incident=world.incident)) == []
    # Nothing was mailed to the attacker about the registered person.
    assert not [m for m in mailoutbox if "W-0001" in m.body]


def test_a_deletion_is_tied_to_the_person_only_through_a_link_to_the_registered_address(
    world: World, published: Any, mailoutbox: Any
) -> None:
    import re

    from breachdesk.inquiries import services
    from breachdesk.inquiries.models import DeletionRequest

    inquiry = _received(
        world, sender="eve@attacker.example", message_id="<del-link@x>", body="会員番号 W-0001 退会したい"
    )
    deletion = DeletionRequest.objects.get(inquiry=inquiry)
    response = client_for(world.responder).post(
        f"/incidents/{world.incident.code}/desk/deletions/{deletion.pk}/send-link/"
    )
    assert response.status_code == 302
    sent = [m for m in mailoutbox if "/deletion/" in m.body]
    assert len(sent) == 1
    assert sent[0].to == ["hanako.mihon@example.jp"]  # the registered address, never the requester's
    found = re.search(r"(/p/\S+/deletion/\S+/)", sent[0].body)
    assert found is not None
    path = found.group(1)[found.group(1).index("/p/") :]
    assert Client().get(path).status_code == 200
    deletion.refresh_from_db()
    assert deletion.verified_at is None
    assert Client().post(path).status_code == 200
    deletion.refresh_from_db()
    assert deletion.person_id == world.person.pk
    assert deletion.verification_method == "link"
    assert deletion.task is not None
    assert "UNVERIFIED" not in deletion.task.title
    services.deletion_complete(deletion=deletion, actor=world.lead)


def test_staff_verify_by_phone_with_the_questions_asked(world: World) -> None:
    from breachdesk.core.errors import ApplicationError
    from breachdesk.inquiries import services
    from breachdesk.inquiries.models import DeletionRequest

    inquiry = _received(
        world, sender="eve@attacker.example", message_id="<del-tel@x>", body="会員番号 W-0001 退会したい"
    )
    deletion = DeletionRequest.objects.get(inquiry=inquiry)
    with pytest.raises(ApplicationError):
        services.deletion_complete(deletion=deletion, actor=world.lead)
    with pytest.raises(ApplicationError):
        services.deletion_verify_phone(deletion=deletion, actor=world.responder, questions=" ")
    services.deletion_verify_phone(deletion=deletion, actor=world.responder, questions="生年月日、登録住所の郵便番号")
    deletion.refresh_from_db()
    assert deletion.person_id == world.person.pk
    assert deletion.verification_method == "phone"
    assert deletion.verified_by == world.responder
    assert "生年月日" in deletion.verification_note


def test_a_completed_deletion_stays_in_a_legally_required_notice_unless_the_lead_records_a_reason(
    world: World,
) -> None:
    from breachdesk.campaigns.audience import audience_ids
    from breachdesk.campaigns.models import Campaign
    from breachdesk.inquiries import services
    from breachdesk.inquiries.models import DeletionRequest

    inquiry = _received(
        world, sender="hanako.mihon@example.jp", message_id="<del-ok@x>", body="退会して削除してください"
    )
    deletion = DeletionRequest.objects.get(inquiry=inquiry)
    services.deletion_verify_phone(deletion=deletion, actor=world.responder, questions="生年月日")
    deletion.refresh_from_db()
    services.deletion_complete(deletion=deletion, actor=world.lead)
    campaign = Campaign.objects.get(incident=world.incident)
    campaign.audience = {"affected_only": True}
    campaign.include_deleted = True
    campaign.legal_reason = "個人情報保護法第26条第2項の本人通知"
    ids = {pk for pk, _email in audience_ids(campaign=campaign)[0]}
    assert world.person.pk in ids
    campaign.include_deleted = False
    assert world.person.pk not in {pk for pk, _email in audience_ids(campaign=campaign)[0]}
    deletion.refresh_from_db()
    services.deletion_decide_contact(
        deletion=deletion, actor=world.lead, legal_notices_allowed=False, note="本人が電話で拒否"
    )
    campaign.include_deleted = True
    assert world.person.pk not in {pk for pk, _email in audience_ids(campaign=campaign)[0]}


# --- 5. Self-check limits, the form does the same work for everyone, redirects validated -----------------------------
def _check(world: World, email: str, ip: str) -> Any:
    return Client().post(f"/p/{world.incident.code}/check/", {"email": email}, REMOTE_ADDR=ip)


def test_the_self_check_has_a_global_limit_per_incident(world: World, published: Any, settings: Any) -> None:
    settings.BREACHDESK_SELFCHECK_PER_INCIDENT_HOUR = 3
    codes = [_check(world, f"p{n}@example.jp", f"203.0.113.{n + 1}").status_code for n in range(4)]
    assert codes == [302, 302, 302, 429]


def test_a_stranger_cannot_block_or_flood_a_persons_self_check(
    world: World, published: Any, settings: Any, mailoutbox: Any
) -> None:
    from breachdesk.notices.selfcheck import selfcheck_process_batch

    settings.BREACHDESK_SELFCHECK_PER_ADDRESS_HOUR = 3
    codes = [_check(world, "hanako.mihon@example.jp", f"198.51.100.{n + 1}").status_code for n in range(10)]
    assert codes == [302] * 10
    selfcheck_process_batch()
    assert len([m for m in mailoutbox if m.to == ["hanako.mihon@example.jp"]]) == 3


def test_the_contact_form_does_the_same_work_whoever_sends_it(world: World, published: Any) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from breachdesk.inquiries.models import Inquiry
    from breachdesk.inquiries.wake import desk_wake

    def post(email: str, n: int) -> list[str]:
        with CaptureQueriesContext(connection) as queries:
            Client().post(
                f"/p/{world.incident.code}/contact/",
                {"name": "x", "email": email, "subject": "s", "body": "会員番号 W-0001 です"},
                REMOTE_ADDR=f"192.0.2.{n}",
            )
        return statement_shapes(queries.captured_queries)

    post("warmup@example.jp", 1)
    known, unknown = post("hanako.mihon@example.jp", 2), post("nobody@example.jp", 3)
    assert len(known) > 10
    assert known == unknown
    inquiry = Inquiry.objects.filter(incident=world.incident, channel="form").order_by("-id")[1]
    assert inquiry.match_pending
    assert inquiry.person_id is None
    desk_wake.call()
    inquiry.refresh_from_db()
    assert not inquiry.match_pending
    assert inquiry.person_id == world.person.pk


def test_a_refused_form_never_redirects_to_another_site(world: World) -> None:
    client = client_for(world.responder)
    # A PermissionDenied (not the lead) turns into a message and a redirect: never to the Referer's foreign host.
    deletion_url = f"/incidents/{world.incident.code}/desk/deletions/{world.desk['deletion_id']}/decide/"
    response = client.post(deletion_url, {"note": "x"}, HTTP_REFERER="https://evil.example/phish")
    assert response.status_code == 302
    assert "evil.example" not in response["Location"]
    same = client.post(deletion_url, {"note": "x"}, HTTP_REFERER=f"http://testserver/incidents/{world.incident.code}/")
    assert same["Location"].endswith(f"/incidents/{world.incident.code}/")
