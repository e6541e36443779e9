"""Read notices, the FAQ, the public page's state, the drift between the FAQ and the desk, and the counters."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import QuerySet

from breachdesk.core.errors import NotFound
from breachdesk.core.memo import memoized
from breachdesk.incidents.models import Incident
from breachdesk.notices.models import (
    BlockFlag,
    DailyCount,
    FaqEntry,
    FaqStatus,
    Notice,
    NoticeStatus,
    PressStatement,
    PublicPage,
    StakeholderBriefing,
)
from breachdesk.notices.readiness import model_or_none
from breachdesk.notices.rendering import DiffLine, text_diff, text_hash


def notice_list(*, incident: Incident) -> QuerySet[Notice]:
    """Return every notice: drafts first (newest first), then the published ones, newest first."""
    return Notice.objects.filter(incident=incident).select_related("author", "approved_by", "corrects")


def notice_get(*, incident: Incident, notice_id: int) -> Notice:
    notice = (
        Notice.objects.filter(incident=incident, pk=notice_id)
        .select_related("author", "last_edited_by", "approved_by", "published_by", "corrects")
        .first()
    )
    if notice is None:
        raise NotFound("No such notice.")
    return notice


def notices_published(*, incident: Incident) -> list[Notice]:
    """Return the published notices, the latest first."""
    return list(
        Notice.objects.filter(incident=incident, status=NoticeStatus.PUBLISHED)
        .select_related("corrects")
        .order_by("-number")
    )


def notice_previous(*, notice: Notice) -> Notice | None:
    """Return the notice to compare ``notice`` with: the one it corrects, else the latest published before it."""
    if notice.corrects_id:
        return notice.corrects
    published = Notice.objects.filter(incident_id=notice.incident_id, status=NoticeStatus.PUBLISHED).exclude(
        pk=notice.pk
    )
    if notice.number:
        published = published.filter(number__lt=notice.number)
    return published.order_by("-number").first()


@dataclass(frozen=True)
class NoticeDiff:
    old: Notice
    new: Notice
    title_changed: bool
    lines: list[DiffLine]

    @property
    def changes(self) -> int:
        return sum(1 for line in self.lines if line.op != "equal")


def notice_diff(*, old: Notice, new: Notice) -> NoticeDiff:
    return NoticeDiff(old, new, old.title != new.title, text_diff(old.body, new.body))


def faq_current(*, incident: Incident) -> list[FaqEntry]:
    """Return the newest version of every FAQ entry that is not retired, in display order (once per page inside
    ``page_memo()``)."""
    return list(memoized(("faq_current", incident.pk), lambda: _faq_current(incident=incident)))


def _faq_current(*, incident: Incident) -> list[FaqEntry]:
    newest: dict[str, FaqEntry] = {}
    for entry in FaqEntry.objects.filter(incident=incident).order_by("key", "-version"):
        newest.setdefault(entry.key, entry)
    return sorted((e for e in newest.values() if e.status != FaqStatus.RETIRED), key=lambda e: (e.order, e.key))


def faq_get(*, incident: Incident, faq_id: int) -> FaqEntry:
    entry = FaqEntry.objects.filter(incident=incident, pk=faq_id).first()
    if entry is None:
        raise NotFound("No such FAQ entry.")
    return entry


def faq_versions(*, entry: FaqEntry) -> QuerySet[FaqEntry]:
    return FaqEntry.objects.filter(incident_id=entry.incident_id, key=entry.key).order_by("-version")


def faq_public(*, incident: Incident) -> list[FaqEntry]:
    """Return the approved FAQ entries shown to the public, in display order."""
    return list(FaqEntry.objects.filter(incident=incident, status=FaqStatus.APPROVED).order_by("order", "key"))


@dataclass(frozen=True)
class Drift:
    entry: FaqEntry
    block_key: str
    reason: str
    block_version: int | None


def faq_drift(*, incident: Incident) -> list[Drift]:
    """Compare every current FAQ entry with the desk's current approved block, at read time.

    This does not rely on the signal having run: a block changed by a bulk update or from another process is
    still caught here.
    """
    model = model_or_none("inquiries", "AnswerBlock")
    found: list[Drift] = []
    linked = [e for e in faq_current(incident=incident) if e.block_key]
    if not linked:
        return found
    blocks: dict[str, Any] = {}
    if model is not None:
        for block in model._default_manager.filter(
            incident=incident, key__in=[e.block_key for e in linked], status="approved"
        ).order_by("key", "-version"):
            blocks.setdefault(block.key, block)
    for entry in linked:
        block = blocks.get(entry.block_key)
        if block is None:
            found.append(Drift(entry, entry.block_key, "the desk has no approved block", None))
        elif text_hash(block.body) != entry.block_hash:
            found.append(Drift(entry, entry.block_key, "the block changed since the FAQ copied it", block.version))
        elif text_hash(entry.answer) != entry.block_hash:
            found.append(Drift(entry, entry.block_key, "the FAQ answer differs from the block", block.version))
        elif entry.drift:
            found.append(Drift(entry, entry.block_key, entry.drift, block.version))
    return found


def block_flags_open(*, incident: Incident) -> QuerySet[BlockFlag]:
    """Return the desk's answer blocks flagged because their FAQ entry changed (the desk shows these)."""
    return BlockFlag.objects.filter(incident=incident, resolved_at__isnull=True).select_related("faq")


@dataclass(frozen=True)
class PageState:
    incident_id: int
    code: str
    version: int
    stamp: str
    published: bool


_STATE_SQL = """
    SELECT i.id, p.version, p.updated_at, p.first_published_at
    FROM {incident} i LEFT JOIN {page} p ON p.incident_id = i.id
    WHERE i.code = %s
"""


def state_cache_key(code: str) -> str:
    return f"notices:page-state:{code}"


def state_cache_seconds() -> float:
    """Return how long a process may reuse a page state: 1 s in production, 0 in tests (each test has its own data)."""
    from django.conf import settings

    return float(settings.BREACHDESK_PUBLIC_STATE_SECONDS)


def public_page_state(*, code: str) -> PageState | None:
    """Return the public page's state for ``code``, or ``None`` when there is no such incident.

    ``stamp`` changes with every publication; the page cache and the ETag are keyed by it. A process reuses a state
    for at most ``state_cache_seconds()`` (the process that publishes drops it at once), so a hot page costs no
    database connection at all, and another process shows a publication within a second.
    """
    from django.core.cache import cache

    seconds = state_cache_seconds()
    key = state_cache_key(code)
    if seconds > 0:
        cached = cache.get(key)
        if cached is not None:
            return cached if isinstance(cached, PageState) else None
    state = _public_page_state_read(code)
    if seconds > 0:
        cache.set(key, state if state is not None else "missing", seconds)
    return state


def _public_page_state_read(code: str) -> PageState | None:
    """Read the state with one indexed query, written out: the ORM's query building cost more than the query."""
    from django.db import connection

    sql = _STATE_SQL.format(
        incident=connection.ops.quote_name(Incident._meta.db_table),
        page=connection.ops.quote_name(PublicPage._meta.db_table),
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [code])
        row = cursor.fetchone()
    if row is None:
        return None
    incident_id, version, updated, first_published = row
    if isinstance(updated, str):  # SQLite hands back text
        from django.utils.dateparse import parse_datetime

        updated = parse_datetime(updated)
    stamp = f"{incident_id}-{version or 0}-{int(updated.timestamp() * 1_000_000) if updated else 0}"
    return PageState(
        incident_id=incident_id, code=code, version=version or 0, stamp=stamp, published=first_published is not None
    )


def public_page_get(*, incident: Incident) -> PublicPage | None:
    return PublicPage.objects.filter(incident=incident).first()


def desk_info(*, incident: Incident) -> dict[str, Any]:
    """Return the desk's public contact details (hours, address), or an empty dict when the desk is not set up."""
    from django.db import DatabaseError, transaction

    model = model_or_none("inquiries", "DeskConfig")
    if model is None:
        return {}
    try:
        with transaction.atomic():
            config = model._default_manager.filter(incident=incident).first()
    except DatabaseError:
        return {}
    if config is None:
        return {}
    return {
        "address": config.desk_address if config.desk_address != "desk@localhost" else "",
        "hours": config.desk_hours,
        "form_open": config.public_form_open,
    }


def daily_counts(*, incident: Incident, since: date | None = None) -> list[DailyCount]:
    rows = DailyCount.objects.filter(incident=incident)
    if since is not None:
        rows = rows.filter(day__gte=since)
    return list(rows.order_by("-day", "kind")[:200])


def briefing_list(*, incident: Incident, stakeholder_id: int | None = None) -> QuerySet[StakeholderBriefing]:
    rows = StakeholderBriefing.objects.filter(incident=incident).select_related("stakeholder", "prepared_by")
    if stakeholder_id is not None:
        rows = rows.filter(stakeholder_id=stakeholder_id)
    return rows


def press_list(*, incident: Incident) -> QuerySet[PressStatement]:
    return PressStatement.objects.filter(incident=incident).select_related("notice", "title_decided_by")
