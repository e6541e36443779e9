"""Acknowledge, draft from approved blocks, review and send, with the real SMTP sink."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from breachdesk.core.errors import ApplicationError
from breachdesk.incidents.models import TaskStatus
from breachdesk.incidents.selectors import incident_access
from breachdesk.incidents.services import task_set_status
from breachdesk.inquiries import selectors, services
from breachdesk.inquiries.ack import ack_process
from breachdesk.inquiries.errors import AuthorCannotApprove
from breachdesk.inquiries.intake.imap import receive_raw
from breachdesk.inquiries.models import Acknowledgment, AckStatus, AnswerBlock, DeletionRequest, ReplyStatus
from breachdesk.inquiries.tests.helpers import mail
from breachdesk.outbound.guard import MisSendBlocked
from breachdesk.registry.services import person_create
from breachdesk.testing.fixtures import World, client_for

pytestmark = pytest.mark.django_db


def _receive(world: World, **kwargs: Any) -> Any:
    result = receive_raw(incident=world.incident, raw=mail(**kwargs), channel="email", actor="t")
    assert result.inquiry is not None
    return result.inquiry


@pytest.mark.smtp
def test_every_inquiry_with_an_address_is_acknowledged_once_within_a_minute(world: World, smtp_sink: Any) -> None:
    inquiry = _receive(world, message_id="<ack1@x>")
    assert selectors.unacknowledged_count(incident=world.incident) >= 1
    assert ack_process()["sent"] >= 1
    ack = Acknowledgment.objects.get(inquiry=inquiry)
    assert ack.status == AckStatus.SENT
    assert ack.sent_at - inquiry.received_at < timedelta(seconds=60)
    sent = [m for m in smtp_sink.messages if m["To"] == "taro@example.jp"]
    assert len(sent) == 1
    assert sent[0]["In-Reply-To"] == "<ack1@x>"
    assert sent[0]["Auto-Submitted"] == "auto-replied"
    assert inquiry.token in str(sent[0]["Subject"])
    assert "ご回答いたします" in sent[0].get_content()
    _receive(world, message_id="<ack2@x>", headers={"In-Reply-To": "<ack1@x>"})
    ack_process()
    assert len([m for m in smtp_sink.messages if m["To"] == "taro@example.jp"]) == 1
    assert selectors.unacknowledged_count(incident=world.incident) == 0


def test_a_row_claimed_by_another_worker_is_not_sent_twice(world: World, mailoutbox: Any) -> None:
    inquiry = _receive(world, message_id="<c@x>")
    Acknowledgment.objects.filter(inquiry=inquiry).update(status=AckStatus.CLAIMED, claimed_at=timezone.now())
    ack_process()
    assert not [m for m in mailoutbox if m.to == ["taro@example.jp"]]
    later = timezone.now() + timedelta(minutes=10)
    ack_process(now=later)
    assert Acknowledgment.objects.get(inquiry=inquiry).status == AckStatus.UNCERTAIN


def test_staff_send_an_uncertain_acknowledgment_again_once_and_only_once(world: World, mailoutbox: Any) -> None:
    from django.urls import reverse

    from breachdesk.core.models import TimelineEvent

    inquiry = _receive(world, message_id="<u@x>")
    Acknowledgment.objects.filter(inquiry=inquiry).update(status=AckStatus.UNCERTAIN, error="worker died")
    page_url = reverse("inquiries:inquiry_detail", kwargs={"code": world.incident.code, "inquiry_id": inquiry.pk})
    retry_url = reverse("inquiries:inquiry_ack_retry", kwargs={"code": world.incident.code, "inquiry_id": inquiry.pk})
    staff = client_for(world.responder, language="en")
    page = staff.get(page_url).content.decode()
    assert 'id="ack-retry"' in page
    assert "worker died" in page
    assert client_for(world.outsider).post(retry_url).status_code == 404
    assert client_for(world.reviewer_client).post(retry_url).status_code == 302  # refused, with a message
    assert Acknowledgment.objects.get(inquiry=inquiry).status == AckStatus.UNCERTAIN  # the refusals changed nothing

    done = staff.post(retry_url, follow=True).content.decode()
    assert "The acknowledgment is queued again" in done
    assert Acknowledgment.objects.get(inquiry=inquiry).status == AckStatus.PENDING
    event = TimelineEvent.objects.get(incident=world.incident, kind="inquiry.ack_requeued")
    assert event.data["was"] == AckStatus.UNCERTAIN
    ack_process()
    assert len([m for m in mailoutbox if m.to == ["taro@example.jp"]]) == 1
    assert 'id="ack-retry"' not in staff.get(page_url).content.decode()

    again = staff.post(retry_url, follow=True).content.decode()  # a sent acknowledgment is never sent twice
    assert "Only a failed or uncertain acknowledgment can be sent again; this one is: Sent." in again
    ack_process()
    assert len([m for m in mailoutbox if m.to == ["taro@example.jp"]]) == 1
    assert TimelineEvent.objects.filter(incident=world.incident, kind="inquiry.ack_requeued").count() == 1


def test_a_verified_sender_gets_their_own_facts_in_the_draft(world: World) -> None:
    person_create(
        incident=world.incident, actor=world.lead, member_id="W-7", email="kenji@example.jp",
        affected=True, items=["name", "email", "address"],
    )  # fmt: skip
    inquiry = _receive(world, sender="kenji@example.jp", message_id="<f@x>", body="私は対象でしょうか")
    reply = services.reply_draft(inquiry=inquiry, actor=world.responder)
    assert "お客様の登録情報のうち、氏名・メールアドレス・住所が対象となっておりました。" in reply.body
    assert "注文・購入履歴" in reply.body
    assert "含まれておりません" in reply.body
    assert not reply.free_text


def test_an_unverified_sender_is_never_told_another_persons_status(world: World) -> None:
    inquiry = _receive(world, sender="eve@example.jp", message_id="<u@x>", body="会員番号 W-0001 です。私は対象ですか")
    assert inquiry.person is None  # a member ID in the text only suggests a person
    assert inquiry.suggested_person == world.person
    assert not inquiry.identity_verified
    reply = services.reply_draft(inquiry=inquiry, actor=world.responder)
    assert "対象となっておりました" not in reply.body
    assert "氏名" not in reply.body
    assert "ご本人確認" in reply.body


def test_an_edited_reply_is_free_text_and_always_needs_review(world: World) -> None:
    inquiry = _receive(world, message_id="<ft@x>", body="補償はありますか")
    for block in AnswerBlock.objects.filter(incident=world.incident, status="approved"):
        services.block_set_preapproved(block=block, actor=world.lead, preapproved=True)
    reply = services.reply_draft(inquiry=inquiry, actor=world.responder)
    assert reply.skips_review
    services.reply_edit(reply=reply, actor=world.responder, body=reply.body + "\n\n個別に特別な対応をいたします。")
    assert reply.free_text
    assert not reply.skips_review
    assert services.reply_submit(reply=reply, actor=world.responder).status == ReplyStatus.IN_REVIEW


def test_a_reply_made_only_of_pre_approved_blocks_skips_review(world: World) -> None:
    inquiry = _receive(world, message_id="<pa@x>", body="補償はありますか")
    for block in AnswerBlock.objects.filter(incident=world.incident, status="approved"):
        services.block_set_preapproved(block=block, actor=world.lead, preapproved=True)
    reply = services.reply_draft(inquiry=inquiry, actor=world.responder)
    assert services.reply_submit(reply=reply, actor=world.responder).status == ReplyStatus.APPROVED


def test_only_the_lead_pre_approves_and_the_author_cannot_approve_a_block(world: World) -> None:
    block = services.block_create(
        incident=world.incident, actor=world.responder, key="press", title="t", body="新しい文"
    )
    with pytest.raises(AuthorCannotApprove):
        services.block_approve(block=block, actor=world.responder)
    services.block_approve(block=block, actor=world.reviewer_client)
    with pytest.raises(ApplicationError):
        services.block_set_preapproved(block=block, actor=world.responder, preapproved=True)
    assert AnswerBlock.objects.filter(incident=world.incident, key="press", status="approved").count() == 1


def test_a_block_with_an_unknown_placeholder_is_refused(world: World) -> None:
    with pytest.raises(ApplicationError, match="Unknown placeholders"):
        services.block_create(incident=world.incident, actor=world.lead, key="press", title="t", body="{{ name }}様")


def test_the_author_cannot_approve_their_own_reply(world: World) -> None:
    inquiry = _receive(world, message_id="<own@x>")
    reply = services.reply_submit(reply=services.reply_draft(inquiry=inquiry, actor=world.lead), actor=world.lead)
    access = incident_access(user=world.lead, code=world.incident.code)
    with pytest.raises(AuthorCannotApprove):
        services.reply_approve(reply=reply, actor=world.lead, access=access)


@pytest.mark.smtp
def test_a_draft_goes_through_client_review_and_arrives_threaded(world: World, smtp_sink: Any) -> None:
    inquiry = _receive(world, sender="hanako.mihon@example.jp", message_id="<t1@example.jp>", body="私は対象ですか")
    ack_process()
    reply = services.reply_submit(
        reply=services.reply_draft(inquiry=inquiry, actor=world.responder), actor=world.responder
    )
    reviewer = client_for(world.reviewer_client)
    queue = reviewer.get(f"/incidents/{world.incident.code}/desk/review/")
    assert queue.status_code == 200
    assert f"#{reply.pk}" in queue.content.decode()
    response = reviewer.post(
        f"/incidents/{world.incident.code}/desk/replies/{reply.pk}/review/", {"decision": "approve"}
    )
    assert response.status_code == 302
    reply.refresh_from_db()
    assert reply.status == ReplyStatus.APPROVED
    assert reply.reviewer == world.reviewer_client
    client_for(world.responder).post(f"/incidents/{world.incident.code}/desk/replies/{reply.pk}/send/")
    reply.refresh_from_db()
    assert reply.status == ReplyStatus.SENT
    answer = smtp_sink.messages[-1]
    assert answer["To"] == "hanako.mihon@example.jp"
    assert smtp_sink.envelopes[-1][1] == ["hanako.mihon@example.jp"]
    assert answer["In-Reply-To"] == "<t1@example.jp>"
    assert "<t1@example.jp>" in answer["References"]
    assert "氏名・メールアドレスが対象となっておりました" in answer.get_content()
    inquiry.refresh_from_db()
    assert inquiry.status == "answered"
    assert inquiry.answered_at is not None


def test_a_returned_reply_goes_back_to_its_author_with_the_comment(world: World) -> None:
    inquiry = _receive(world, message_id="<rt@x>")
    reply = services.reply_submit(
        reply=services.reply_draft(inquiry=inquiry, actor=world.responder), actor=world.responder
    )
    access = incident_access(user=world.reviewer_client, code=world.incident.code)
    services.reply_return(reply=reply, actor=world.reviewer_client, access=access, comment="表現を和らげてください")
    assert reply.status == ReplyStatus.RETURNED
    assert reply.comment == "表現を和らげてください"


def test_sending_refuses_a_reply_that_is_not_approved_and_the_guard_blocks_a_mis_send(world: World) -> None:
    inquiry = _receive(world, message_id="<g@x>")
    reply = services.reply_draft(inquiry=inquiry, actor=world.responder)
    with pytest.raises(ApplicationError):
        services.reply_send(reply=reply, actor=world.responder)
    services.reply_edit(reply=reply, actor=world.responder, body="ご参考：hanako.mihon@example.jp 様の件")
    services.reply_submit(reply=reply, actor=world.responder)
    access = incident_access(user=world.reviewer_client, code=world.incident.code)
    services.reply_approve(reply=reply, actor=world.reviewer_client, access=access)
    with pytest.raises(MisSendBlocked):
        services.reply_send(reply=reply, actor=world.responder)
    reply.refresh_from_db()
    assert reply.status == ReplyStatus.APPROVED


def test_bulk_drafts_go_to_review_as_one_batch_and_mixed_labels_are_refused(world: World) -> None:
    a = _receive(world, sender="a@example.jp", message_id="<b1@x>", body="補償してください")
    b = _receive(world, sender="b@example.jp", message_id="<b2@x>", body="賠償を求めます")
    c = _receive(world, sender="c@example.jp", message_id="<b3@x>", body="警察には届けましたか")
    batch, replies = services.replies_draft_batch(incident=world.incident, actor=world.responder, inquiries=[a, b])
    assert len(replies) == 2
    assert {r.batch for r in replies} == {batch}
    assert {r.status for r in replies} == {ReplyStatus.IN_REVIEW}
    with pytest.raises(ApplicationError):
        services.replies_draft_batch(incident=world.incident, actor=world.responder, inquiries=[a, c])


def test_a_deletion_request_becomes_an_engineer_task_and_its_completion_drafts_the_confirmation(world: World) -> None:
    inquiry = _receive(world, sender="hanako.mihon@example.jp", message_id="<d@x>", body="アカウントを削除してください")
    deletion = DeletionRequest.objects.get(inquiry=inquiry)
    assert deletion.task is not None
    assert deletion.task.owner_role == "engineer"
    assert list(selectors.person_ids_with_completed_deletion(incident=world.incident)) == []
    assert deletion.person is None  # an address alone is no proof for an action
    services.deletion_verify_phone(deletion=deletion, actor=world.responder, questions="生年月日")
    deletion.refresh_from_db()
    task_set_status(task=deletion.task, actor=world.lead, status=TaskStatus.DONE)
    deletion.refresh_from_db()
    assert deletion.status == "done"
    assert world.person.pk in selectors.person_ids_with_completed_deletion(incident=world.incident)
    confirmation = inquiry.replies.get(kind="deletion_confirmation")
    assert "削除および退会の手続きが完了" in (confirmation.body or "")
    services.deletion_decide_contact(
        deletion=deletion, actor=world.lead, legal_notices_allowed=True, note="法定の通知のみ"
    )
    assert world.person.pk not in selectors.person_ids_with_completed_deletion(
        incident=world.incident, legally_required=True
    )
    with pytest.raises(ApplicationError):
        services.deletion_decide_contact(
            deletion=deletion, actor=world.responder, legal_notices_allowed=False, note="x"
        )


def test_a_label_correction_is_kept_as_labelled_data(world: World) -> None:
    inquiry = _receive(world, message_id="<lc@x>", body="チケットはいつ届きますか")
    services.inquiry_labels_correct(inquiry=inquiry, actor=world.responder, labels=["other", "complaint"])
    assert inquiry.labels == ["complaint"]
    assert inquiry.labels_corrected
    assert inquiry.corrections.get().predicted == ["other"]


def test_round_robin_shares_open_inquiries_among_responders(world: World) -> None:
    for n in range(3):
        _receive(world, message_id=f"<rr{n}@x>")
    assert services.inquiry_assign_round_robin(incident=world.incident, actor=world.lead) >= 3
    stats = selectors.desk_stats(incident=world.incident, fresh=True)
    assert stats["unassigned"] == 0
    assert stats["load"][0]["assignee__username"] == "responder"
