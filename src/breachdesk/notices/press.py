"""Draft press statements from a notice; choosing the title is a decision recorded on the timeline.

A league found that the title of one release decided how the media told the story, so each wording considered and
the reason for the one chosen are kept.
"""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from breachdesk.notices import events
from breachdesk.notices.errors import InvalidInput, NoticeStateError
from breachdesk.notices.models import Notice, NoticeStatus, PressStatement
from breachdesk.notices.rendering import markdown_text
from breachdesk.notices.stakeholders import desk_contact, require_manager


def press_statement_draft(*, notice: Notice, actor: User) -> PressStatement:
    """Start a press statement from an approved or published notice's text."""
    require_manager(notice.incident, actor)
    if notice.status == NoticeStatus.DRAFT:
        raise NoticeStateError("A press statement reuses an approved or published notice.")
    incident = notice.incident
    body = "\n\n".join(
        [
            f"{timezone.localdate():%Y年%m月%d日}\n{incident.organisation}",
            markdown_text(notice.body),
            "【本件に関する報道関係者のお問い合わせ先】\n" + desk_contact(incident),
        ]
    )
    with transaction.atomic():
        statement = PressStatement.objects.create(
            incident=incident, notice=notice, title=notice.title, body=body, author=actor
        )
        events.press_drafted_event(statement=statement, actor=actor)
    return statement


def press_title_decide(
    *, statement: PressStatement, actor: User, title: str, alternatives: list[str], reason: str
) -> PressStatement:
    """Choose the statement's title, keeping the alternatives considered and the reason on the timeline."""
    require_manager(statement.incident, actor)
    title = title.strip()
    if not title or not reason.strip():
        raise InvalidInput("Give the title and the reason for choosing it.")
    others = [a.strip() for a in alternatives if a.strip() and a.strip() != title]
    with transaction.atomic():
        statement.title = title[:300]
        statement.title_decided_by, statement.title_decided_at = actor, timezone.now()
        statement.save(update_fields=["title", "title_decided_by", "title_decided_at", "updated_at"])
        events.press_title_decided_event(
            statement=statement, actor=actor, title=statement.title, alternatives=others, reason=reason.strip()
        )
    return statement
