"""Work the delivery queue: claim a batch, send each delivery through its transport, record every transition.

The states of a delivery::

    pending ─claim─▶ claimed ─▶ sending ─▶ sent | failed_temporary | failed_permanent | uncertain
       ▲                │                          │ (backoff over)
       └──── release ───┘◀─────────── claim ───────┘

- A claim is ``SELECT … FOR UPDATE SKIP LOCKED`` on PostgreSQL and a conditional ``UPDATE`` on SQLite (whose writers
  are serialised by ``BEGIN IMMEDIATE``), so two workers never hold the same row.
- ``sending`` is committed *before* the transport is called. A worker that dies therefore leaves at most its
  in-flight rows in ``sending``; ``campaigns.recovery`` turns them into ``uncertain`` for a person to review and
  never sends them again. Rows still ``claimed`` were never attempted, so recovery returns them to ``pending``.
- The throttle is a token bucket kept on the campaign row, so it holds across any number of workers.
- Per-delivery transitions go to ``DeliveryEvent``; the timeline gets one summary per ``SUMMARY_EVERY`` deliveries.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import socket
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol

from django.conf import settings
from django.db import transaction
from django.db.models import Count, F, Q
from django.utils import timezone

from breachdesk.campaigns import events, lock_objects
from breachdesk.campaigns.claimed import ClaimedBatch
from breachdesk.campaigns.lifecycle import (
    campaign_finish_if_done,
    campaign_pause_by_guard,
    campaign_pause_by_relay,
    postal_fallback_create,
)
from breachdesk.campaigns.models import (
    OPEN_STATUSES,
    Campaign,
    CampaignStatus,
    Delivery,
    DeliveryChannel,
    DeliveryStatus,
)
from breachdesk.campaigns.transitions import (
    EventRow,
    deliveries_claim_rows,
    delivery_events_insert,
    delivery_update_held,
)
from breachdesk.campaigns.transports.base import Done, Handover, Outcome, OutcomeKind, Staged, Transport
from breachdesk.campaigns.transports.email import EmailTransport
from breachdesk.work.heartbeat import current_worker_id

S = DeliveryStatus
SUMMARY_EVERY = 500
# The next batch is claimed while the last this many messages of a batch are being sent, this many rows at a time
# (claiming 100 rows at once held the worker for 2–4 ms, longer than a message is on the wire).
CLAIM_AHEAD_WITHIN = 12
CLAIM_AHEAD_CHUNK = 25
STATUS_CHECK_EVERY = 20
STALE_AFTER = timedelta(minutes=15)
BACKOFF_BASE = timedelta(minutes=1)
BACKOFF_MAX = timedelta(hours=1)
# This many relay failures in a row (or a whole smaller batch) mean the relay is down: the campaign pauses itself.
RELAY_DOWN_AFTER = 5


class Clock(Protocol):
    def now(self) -> datetime: ...

    def sleep(self, seconds: float) -> None: ...


class SystemClock:
    """Tell the real time and really sleep; tests pass a clock of their own instead."""

    def now(self) -> datetime:
        return timezone.now()

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


SYSTEM_CLOCK = SystemClock()


def worker_name() -> str:
    """Return a name unique to this worker run; a claim is recognised by it."""
    return f"{socket.gethostname()[:30]}:{os.getpid()}:{secrets.token_hex(4)}"


def message_id_for(delivery: Delivery) -> str:
    """Return a fresh Message-ID for one attempt of ``delivery``."""
    sender = settings.DEFAULT_FROM_EMAIL
    domain = sender.rpartition("@")[2].strip(">") or "breachdesk.invalid"
    return f"<c{delivery.campaign_id}.d{delivery.pk}.{secrets.token_hex(6)}@{domain}>"


def backoff(attempts: int) -> timedelta:
    """Return the wait before attempt ``attempts + 1``: 1, 2, 4, … minutes, at most an hour."""
    return min(BACKOFF_BASE * (2 ** max(0, attempts - 1)), BACKOFF_MAX)


def _event(
    delivery_id: int,
    old: str,
    new: str,
    at: datetime,
    actor_label: str,
    *,
    code: str = "",
    reason: str = "",
    message_id: str = "",
    actor_id: int | None = None,
) -> EventRow:
    return EventRow(
        delivery_id=delivery_id,
        at=at,
        from_status=old,
        to_status=new,
        actor_id=actor_id,
        actor_label=actor_label,
        code=code[:200],
        reason=reason,
        message_id=message_id,
    )


# ---------------------------------------------------------------------------------------------------------------------
# Claiming and releasing
# ---------------------------------------------------------------------------------------------------------------------
def deliveries_claim(*, campaign_id: int, channel: str, worker: str, limit: int, now: datetime) -> list[int]:
    """Claim up to ``limit`` claimable deliveries for ``worker`` and return their ids (the rows this worker holds)."""
    if limit <= 0:
        return []
    with transaction.atomic():
        rows = deliveries_claim_rows(campaign_id=campaign_id, channel=channel, worker=worker, limit=limit, now=now)
        delivery_events_insert([_event(pk, old, S.CLAIMED, now, worker) for pk, old in rows])
    return [r[0] for r in rows]


def deliveries_release(*, worker: str, ids: list[int], now: datetime, campaign_status: str) -> int:
    """Give back rows ``worker`` claimed but did not attempt: pending again, or cancelled with their campaign."""
    if not ids:
        return 0
    new = S.CANCELLED if campaign_status == CampaignStatus.CANCELLED else S.PENDING
    with transaction.atomic():
        held = list(
            Delivery.objects.filter(pk__in=ids, status=S.CLAIMED, claimed_by=worker).values_list("id", flat=True)
        )
        Delivery.objects.filter(pk__in=held, status=S.CLAIMED, claimed_by=worker).update(
            status=new, claimed_by="", updated_at=now
        )
        delivery_events_insert([_event(pk, S.CLAIMED, new, now, worker, code="campaigns.released") for pk in held])
    return len(held)


# ---------------------------------------------------------------------------------------------------------------------
# One delivery
# ---------------------------------------------------------------------------------------------------------------------
def _mark_sending(*, delivery: Delivery, worker: str, now: datetime, message_id: str | None = None) -> EventRow | None:
    """Move ``claimed → sending`` with the attempt's Message-ID (a fresh one unless given) in the caller's
    transaction; return the event to insert (None when the row is not held by ``worker``)."""
    if message_id is None:
        message_id = message_id_for(delivery) if delivery.channel == DeliveryChannel.EMAIL else ""
    changed = delivery_update_held(
        delivery_id=delivery.pk,
        worker=worker,
        status_from=S.CLAIMED,
        values={"status": S.SENDING, "message_id": message_id, "updated_at": now},
        attempts_delta=1,
    )
    if not changed:
        return None
    delivery.status = S.SENDING
    delivery.message_id = message_id
    delivery.attempts += 1
    return _event(delivery.pk, S.CLAIMED, S.SENDING, now, worker, message_id=message_id)


def delivery_mark_sending(*, delivery: Delivery, worker: str, now: datetime) -> bool:
    """Commit ``claimed → sending`` with a fresh Message-ID before anything is handed over; False if not held."""
    with transaction.atomic():
        event = _mark_sending(delivery=delivery, worker=worker, now=now)
        if event is not None:
            delivery_events_insert([event])
    return event is not None


def _outcome_status(delivery: Delivery, outcome: Outcome, max_attempts: int) -> tuple[str, str]:
    if outcome.relay:
        # The relay, not the recipient, failed: nothing was handed over, so the row waits for the relay, unpunished.
        return S.PENDING, outcome.code
    if outcome.kind == OutcomeKind.SENT:
        return S.SENT, ""
    if outcome.kind == OutcomeKind.UNCERTAIN:
        return S.UNCERTAIN, outcome.code
    if outcome.kind == OutcomeKind.TEMPORARY:
        if delivery.attempts >= max_attempts:
            return S.FAILED_PERMANENT, f"campaigns.retries_exhausted:{outcome.code}"
        return S.FAILED_TEMPORARY, outcome.code
    return S.FAILED_PERMANENT, outcome.code


def _record_outcome(
    *, delivery: Delivery, campaign: Campaign, outcome: Outcome, worker: str, now: datetime
) -> tuple[str, list[EventRow]]:
    """Record ``sending → final`` in the caller's transaction (and the postal fallback); return the status and the
    events still to insert."""
    status, code = _outcome_status(delivery, outcome, campaign.max_attempts)
    fields: dict[str, Any] = {"status": status, "last_error": code[:200], "updated_at": now}
    if status == S.SENT:
        fields["sent_at"] = now
    if status == S.FAILED_TEMPORARY:
        fields["next_attempt_at"] = now + backoff(delivery.attempts)
    if outcome.relay:
        fields["claimed_by"] = ""
    changed = delivery_update_held(
        delivery_id=delivery.pk,
        worker=worker,
        status_from=S.SENDING,
        values=fields,
        attempts_delta=-1 if outcome.relay else 0,
    )
    if not changed:
        return delivery.status, []
    event = _event(
        delivery.pk,
        S.SENDING,
        status,
        now,
        worker,
        code=code,
        reason=outcome.detail,
        message_id=delivery.message_id,
    )
    delivery.status = status
    if outcome.relay:
        delivery.attempts -= 1
    if status == S.FAILED_PERMANENT and delivery.channel == DeliveryChannel.EMAIL and not outcome.blocked:
        delivery_events_insert([event])
        postal_fallback_create(delivery=delivery, campaign=campaign, now=now, actor_label=worker)
        return status, []
    return status, [event]


def delivery_record_outcome(
    *, delivery: Delivery, campaign: Campaign, outcome: Outcome, worker: str, now: datetime
) -> str:
    """Record the transport's outcome (``sending → final``), and create a postal fallback when the campaign has one."""
    with transaction.atomic():
        status, pending_events = _record_outcome(
            delivery=delivery, campaign=campaign, outcome=outcome, worker=worker, now=now
        )
        delivery_events_insert(pending_events)
    return status


def delivery_record_and_mark(
    *,
    done: tuple[Delivery, Outcome] | None,
    delivery: Delivery | None,
    campaign: Campaign,
    worker: str,
    now: datetime,
    message_id: str | None = None,
) -> tuple[str | None, bool]:
    """Commit, in one transaction, the outcome of the delivery just handed over (``done``) and the ``sending`` mark
    of the next one (``delivery``, as the attempt ``message_id``); return the recorded status (None without ``done``)
    and whether the mark was made.

    One commit per message instead of two. The guarantees stay: the next delivery is ``sending`` in the database
    before it is handed over, and the worker has at most one row in ``sending`` at any moment (the one handed over
    last, until this commit), so a kill still leaves at most one ``uncertain`` row.
    """
    status: str | None = None
    marked = False
    with transaction.atomic():
        pending_events: list[EventRow] = []
        if done is not None:
            status, pending_events = _record_outcome(
                delivery=done[0], campaign=campaign, outcome=done[1], worker=worker, now=now
            )
        if delivery is not None:
            event = _mark_sending(delivery=delivery, worker=worker, now=now, message_id=message_id)
            if event is not None:
                marked = True
                pending_events.append(event)
        delivery_events_insert(pending_events)
    return status, marked


# ---------------------------------------------------------------------------------------------------------------------
# The throttle
# ---------------------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Grant:
    status: str
    granted: int
    wait: float
    not_before: datetime | None


def campaign_take_tokens(*, campaign_id: int, want: int, now: datetime) -> Grant:
    """Take up to ``want`` send tokens from the campaign's bucket (one second of burst at the throttle rate)."""
    with transaction.atomic():
        campaign = (
            lock_objects.campaign_for_update()
            .only("status", "throttle_per_second", "tokens", "tokens_at", "scheduled_at")
            .get(pk=campaign_id)
        )
        rate = float(max(1, campaign.throttle_per_second))
        if campaign.status != CampaignStatus.RUNNING:
            return Grant(campaign.status, 0, 0.0, None)
        if campaign.scheduled_at is not None and campaign.scheduled_at > now:
            return Grant(campaign.status, 0, (campaign.scheduled_at - now).total_seconds(), campaign.scheduled_at)
        if campaign.tokens_at is None:
            tokens = rate
        else:
            elapsed = max(0.0, (now - campaign.tokens_at).total_seconds())
            tokens = min(rate, campaign.tokens + elapsed * rate)
        # The epsilon keeps float rounding (0.9999…) from starving the bucket one token short.
        granted = min(want, int(tokens + 1e-6))
        campaign.tokens = max(0.0, tokens - granted)
        campaign.tokens_at = now
        campaign.save(update_fields=["tokens", "tokens_at"])
    wait = 0.0 if granted else max(0.001, (1.0 - tokens) / rate)
    return Grant(CampaignStatus.RUNNING, granted, wait, None)


# ---------------------------------------------------------------------------------------------------------------------
# The loop
# ---------------------------------------------------------------------------------------------------------------------
@dataclass
class WorkReport:
    worker: str
    outcomes: Counter[str] = field(default_factory=Counter)
    unsummarised: Counter[str] = field(default_factory=Counter)
    stopped: str = ""
    blocked: int = 0
    not_before: datetime | None = None

    @property
    def total(self) -> int:
        return sum(self.outcomes.values())


def _campaign_for_work(campaign_id: int) -> Campaign:
    return Campaign.objects.select_related("incident", "template_version").get(pk=campaign_id)


def _summarise(campaign: Campaign, report: WorkReport) -> None:
    if report.unsummarised:
        events.deliveries_processed_event(campaign=campaign, worker=report.worker, outcomes=dict(report.unsummarised))
        report.unsummarised.clear()


def campaign_work(
    *,
    campaign_id: int,
    worker: str | None = None,
    clock: Clock = SYSTEM_CLOCK,
    batch_size: int = 100,
    transport_factory: Callable[[Campaign], Transport] | None = None,
    max_deliveries: int | None = None,
    wait: bool = True,
    seconds: float | None = None,
) -> WorkReport:
    """Send the campaign's email deliveries until none is claimable, the campaign stops running, or a guard blocks.

    ``wait=False`` returns instead of sleeping for the throttle or a schedule (tests, and one-shot task runs).
    ``seconds`` bounds the run (checked between batches): ``db_worker`` works campaigns in slices, so one campaign
    never holds a worker from the others, the desk or its tasks. The claims carry the name of the worker beating in
    this process (``work.heartbeat``), so the reaper can tell whose rows they are.
    """
    report = WorkReport(worker=worker or current_worker_id() or worker_name())
    deadline = None if seconds is None else time.monotonic() + seconds
    campaign = _campaign_for_work(campaign_id)
    transport = transport_factory(campaign) if transport_factory else EmailTransport(campaign=campaign)
    pipe = HandOvers()
    next_batch = NextBatch()

    def claim_ahead(remaining: int) -> None:
        """Claim the next batch while this one's last messages are on the wire (``remaining`` not handed over yet),
        ``CLAIM_AHEAD_CHUNK`` rows per call, so the relay waits neither at the batch boundary nor for one long claim.
        Nothing is claimed when the slice is over or the campaign is not running, throttled or scheduled: the loop's
        own claim deals with those."""
        if next_batch.done:
            return
        if not next_batch.granted:
            next_batch.done = True  # unless tokens are granted below
            if deadline is not None and time.monotonic() >= deadline:
                return
            want = batch_size
            if max_deliveries is not None:
                want = min(want, max_deliveries - report.total - pipe.open - remaining)
            if want <= 0:
                return
            grant = campaign_take_tokens(campaign_id=campaign_id, want=want, now=clock.now())
            if grant.status != CampaignStatus.RUNNING or grant.not_before is not None or not grant.granted:
                return
            next_batch.granted, next_batch.done = grant.granted, False
        limit = min(CLAIM_AHEAD_CHUNK, next_batch.granted - len(next_batch.ids))
        ids = deliveries_claim(
            campaign_id=campaign_id, channel=DeliveryChannel.EMAIL, worker=report.worker, limit=limit, now=clock.now()
        )
        next_batch.ids += ids
        next_batch.done = len(ids) < limit or len(next_batch.ids) >= next_batch.granted

    try:
        while max_deliveries is None or report.total + pipe.open < max_deliveries:
            ids = next_batch.take()  # claimed while the last messages of the batch before were on the wire
            if not ids:
                if deadline is not None and time.monotonic() >= deadline:
                    report.stopped = "slice"
                    break
                want = batch_size
                if max_deliveries is not None:
                    want = min(batch_size, max_deliveries - report.total - pipe.open)
                grant = campaign_take_tokens(campaign_id=campaign_id, want=want, now=clock.now())
                if grant.status != CampaignStatus.RUNNING:
                    report.stopped = grant.status
                    break
                if grant.not_before is not None:
                    # A schedule can be days away: stop and let the task come back then, instead of sleeping.
                    report.stopped, report.not_before = "scheduled", grant.not_before
                    break
                if not grant.granted:
                    if not wait:
                        report.stopped, report.not_before = "throttled", grant.not_before
                        break
                    why = pipe.drain(campaign, report, clock)  # nothing stays uncommitted while the worker sleeps
                    if why:
                        report.stopped = why
                        break
                    left = None if deadline is None else max(0.0, deadline - time.monotonic())
                    clock.sleep(grant.wait if left is None else min(grant.wait, left))
                    continue
                ids = deliveries_claim(
                    campaign_id=campaign_id,
                    channel=DeliveryChannel.EMAIL,
                    worker=report.worker,
                    limit=grant.granted,
                    now=clock.now(),
                )
                if not ids:
                    report.stopped = "empty"
                    break
            if not _work_batch(campaign, ClaimedBatch(ids, campaign), transport, report, clock, pipe, claim_ahead):
                break
            if report.unsummarised.total() >= SUMMARY_EVERY:
                _summarise(campaign, report)
        why = pipe.drain(campaign, report, clock)
        if why:
            report.stopped = why
    finally:
        if pipe.open:  # an error between batches: record the last hand-over if the database still answers
            with contextlib.suppress(Exception):
                pipe.flush(campaign, report, clock)
        if next_batch.ids:  # claimed ahead, but the loop stopped first: back to the queue now (else the reaper's)
            ahead_ids = next_batch.take()
            with contextlib.suppress(Exception):
                status = Campaign.objects.filter(pk=campaign_id).values_list("status", flat=True).get()
                deliveries_release(worker=report.worker, ids=ahead_ids, now=clock.now(), campaign_status=status)
        transport.close()
        _summarise(campaign, report)
    if report.stopped == "blocked":
        campaign_pause_by_guard(campaign=campaign, worker=report.worker)
    if report.stopped == "relay_down":
        campaign_pause_by_relay(campaign=campaign, worker=report.worker, now=clock.now())
    campaign_finish_if_done(campaign_id=campaign_id, now=clock.now())
    return report


@dataclass
class NextBatch:
    """The next batch, claimed a chunk at a time while the last messages of the batch under way are on the wire:
    the tokens granted for it, the ids claimed so far, and whether claiming ahead is over for this batch."""

    granted: int = 0
    ids: list[int] = field(default_factory=list)
    done: bool = False

    def take(self) -> list[int]:
        """Return the ids claimed ahead and start over for the next batch."""
        ids, self.ids, self.granted, self.done = self.ids, [], 0, False
        return ids


@dataclass
class HandOvers:
    """The send loop's hand-over in flight, and the outcome collected but not committed yet.

    They outlive a batch: the last message of a batch is still on the wire while the next batch is claimed and
    prepared, and its outcome is committed with the ``sending`` mark of the next batch's first message. Anything
    still open is committed before the loop sleeps or ends (``flush``).
    """

    in_flight: tuple[Delivery, Handover, int] | None = None  # with the size of its batch
    done: tuple[Delivery, Outcome] | None = None
    relay_failures: int = 0  # relay failures in a row, across batches

    @property
    def open(self) -> int:
        return int(self.in_flight is not None) + int(self.done is not None)

    def answered(self) -> bool:
        """Return whether the hand-over in flight has its answer (so ``collect`` would not wait)."""
        if self.in_flight is None:
            return True
        try:
            return self.in_flight[1].answered()
        except Exception:  # whatever broke, ``collect`` meets it again and records it
            return True

    def collect(self) -> tuple[Outcome, int] | None:
        """Wait for the hand-over in flight; return its outcome and the size of its batch (None if there is none)."""
        if self.in_flight is None:
            return None
        delivery, handover, batch = self.in_flight
        try:
            outcome = handover.result()
        except Exception as exc:  # a transport that breaks its promise: the message may have gone
            outcome = Outcome.uncertain("campaigns.transport_error", exc.__class__.__name__)
        self.in_flight = None
        self.done = (delivery, outcome)
        return outcome, batch

    def settle(
        self,
        campaign: Campaign,
        report: WorkReport,
        clock: Clock,
        following: Delivery | None = None,
        message_id: str | None = None,
    ) -> bool:
        """Commit the collected outcome and the ``sending`` mark of ``following``; return whether the mark was made."""
        handed, self.done = self.done, None
        if handed is None and following is None:
            return False
        status, marked = delivery_record_and_mark(
            done=handed,
            delivery=following,
            campaign=campaign,
            worker=report.worker,
            now=clock.now(),
            message_id=message_id,
        )
        if status is not None:
            report.outcomes[status] += 1
            report.unsummarised[status] += 1
        return marked

    def judge(self, collected: tuple[Outcome, int] | None, report: WorkReport) -> str:
        """Return why the loop must stop after this outcome (``relay_down``, ``blocked``), or an empty string."""
        if collected is None:
            return ""
        outcome, batch = collected
        self.relay_failures = self.relay_failures + 1 if outcome.relay else 0
        if self.relay_failures and self.relay_failures >= min(RELAY_DOWN_AFTER, batch):
            return "relay_down"
        if outcome.blocked:
            report.blocked += 1
            return "blocked"
        return ""

    def drain(self, campaign: Campaign, report: WorkReport, clock: Clock) -> str:
        """Wait for the hand-over in flight, commit its outcome, and return why the loop must stop after it, if so."""
        why = self.judge(self.collect(), report)
        self.settle(campaign, report, clock)
        return why

    def flush(self, campaign: Campaign, report: WorkReport, clock: Clock) -> None:
        """Wait for the hand-over in flight and commit its outcome (after an error: no verdict is drawn)."""
        self.collect()
        self.settle(campaign, report, clock)


def _work_batch(
    campaign: Campaign,
    deliveries: ClaimedBatch,
    transport: Transport,
    report: WorkReport,
    clock: Clock,
    pipe: HandOvers,
    claim_ahead: Callable[[int], None] | None = None,
) -> bool:
    """Send one claimed batch; return False when the loop must stop (campaign no longer running, guard block, relay
    down for every message tried: ``RELAY_DOWN_AFTER`` in a row, or a whole batch when it is smaller).

    The transport prepares the batch (renders it, asks the registry for the guard a few messages at a time): the
    first messages before the loop, the rest by ``prepare_ahead`` while a message is on the wire. Then, per
    delivery: the transport stages it (both guards, the bytes on the wire but for the final dot) while the previous
    one is still being handed over; the previous outcome is collected; one commit records it and marks this delivery
    ``sending`` (``delivery_record_and_mark``); and only then is this one handed over. The next delivery is staged one
    step ahead, while the previous one is on the wire, and the transport begins it right behind this one's dot: so
    the relay never waits for the making of a message, and the worker still has at most one row ``sending`` at any
    moment. The batch's last hand-over is left in ``pipe`` for the next batch (or ``flush``) to commit. An error
    (not a kill) gives the rows not attempted back to the queue before it propagates.
    """
    # The campaign guard checks the campaign's status: give it the status of now, not of when the slice began (a
    # campaign resumed meanwhile would otherwise be refused as not running, and paused as a guard block).
    campaign.status = Campaign.objects.filter(pk=campaign.pk).values_list("status", flat=True).get()

    ahead: tuple[Staged | Outcome, str] | None = None  # the next delivery, staged while this one waits for its dot

    def stage(delivery: Delivery) -> tuple[Staged | Outcome, str]:
        message_id = message_id_for(delivery) if delivery.channel == DeliveryChannel.EMAIL else ""
        try:
            return transport.stage(delivery, message_id=message_id), message_id
        except Exception as exc:  # as a transport's unexpected error always was: for a person to review
            return Outcome.uncertain("campaigns.transport_error", exc.__class__.__name__), message_id

    def forget_ahead() -> None:
        nonlocal ahead
        if ahead is not None and isinstance(ahead[0], Staged):
            transport.discard(ahead[0])
        ahead = None

    def stop(index: int, why: str, status_for_rest: str) -> bool:
        forget_ahead()
        pipe.drain(campaign, report, clock)
        rest = deliveries.ids[index:]
        deliveries_release(worker=report.worker, ids=rest, now=clock.now(), campaign_status=status_for_rest)
        report.stopped = why
        return False

    def checked(index: int, collected: tuple[Outcome, int] | None) -> bool:
        """Return False (after stopping) when the outcome just collected says the loop must stop."""
        why = pipe.judge(collected, report)
        return stop(index, why, CampaignStatus.PAUSED) if why else True

    staged: Staged | Outcome | None = None  # staged, not handed over yet
    try:
        if campaign.status == CampaignStatus.RUNNING:
            transport.prepare(deliveries)
        for index, row in enumerate(deliveries):
            if row is None:  # gone since it was claimed (its campaign deleted): nothing to send or give back
                continue
            delivery = row
            if index and index % STATUS_CHECK_EVERY == 0:
                campaign.status = Campaign.objects.filter(pk=campaign.pk).values_list("status", flat=True).get()
            if campaign.status != CampaignStatus.RUNNING:
                return stop(index, campaign.status, campaign.status)
            (staged, message_id), ahead = ahead or stage(delivery), None
            if pipe.in_flight is not None:
                # While the previous message is on the wire: make the next one (the transport begins it right behind
                # this one's dot), and build the batch further.
                following = deliveries[index + 1] if index + 1 < len(deliveries) else None
                if following is not None:
                    ahead = stage(following)
                # What the next messages need now; then more, a small piece at a time, until the relay answers; near
                # the end of the batch, with nothing left to make, the next batch is claimed meanwhile.
                transport.prepare_ahead()
                while not pipe.answered():
                    if transport.prepare_ahead(idle=True):
                        continue
                    if claim_ahead is not None and len(deliveries) - index <= CLAIM_AHEAD_WITHIN:
                        claim_ahead(len(deliveries) - index)
                    break
            if not checked(index, pipe.collect()) or not pipe.settle(campaign, report, clock, delivery, message_id):
                if isinstance(staged, Staged):
                    transport.discard(staged)
                staged = None
                if report.stopped:
                    return False
                continue
            handing, staged = staged, None
            if isinstance(handing, Outcome):
                # Known before any hand-over (a guard block, a refusal): judged now, not after the next staging.
                pipe.in_flight = (delivery, Done(handing), len(deliveries))
                if not checked(index + 1, pipe.collect()):
                    return False
                continue
            try:
                handover = transport.hand_over(handing)
            except Exception as exc:
                with contextlib.suppress(Exception):
                    transport.discard(handing)  # the relay must drop a DATA that will never get its dot
                handover = Done(Outcome.uncertain("campaigns.transport_error", exc.__class__.__name__))
            pipe.in_flight = (delivery, handover, len(deliveries))
        return True
    except BaseException as exc:
        if isinstance(staged, Staged):
            with contextlib.suppress(Exception):
                transport.discard(staged)
        with contextlib.suppress(Exception):
            forget_ahead()
        if pipe.open:
            # Something failed between a hand-over and its commit: wait for the hand-over, and record its outcome if
            # the database still answers; else the row stays ``sending`` and the reaper makes it ``uncertain`` once
            # this worker is gone.
            with contextlib.suppress(Exception):
                pipe.flush(campaign, report, clock)
        if isinstance(exc, Exception):
            # An error, not the process going away: the rows not attempted go back to the queue now, not when this
            # (live) worker is one day gone.
            _release_quietly(worker=report.worker, ids=deliveries.ids, now=clock.now(), campaign_status=campaign.status)
        raise


def _release_quietly(*, worker: str, ids: list[int], now: datetime, campaign_status: str) -> None:
    with contextlib.suppress(Exception):  # the database may be what failed; the reaper is the fallback
        deliveries_release(worker=worker, ids=ids, now=now, campaign_status=campaign_status)


def next_retry_at(*, campaign_id: int) -> datetime | None:
    """Return when the earliest temporary failure of the campaign may be tried again."""
    row = (
        Delivery.objects.filter(campaign_id=campaign_id, status=S.FAILED_TEMPORARY)
        .order_by("next_attempt_at")
        .values_list("next_attempt_at", flat=True)
        .first()
    )
    return row


def open_counts(*, campaign_id: int) -> dict[str, int]:
    """Return how many deliveries of the campaign are in each non-final state."""
    rows = (
        Delivery.objects.filter(campaign_id=campaign_id, status__in=OPEN_STATUSES)
        .values_list("status")
        .annotate(n=Count("id"))
    )
    return {status: n for status, n in rows}


def campaigns_runnable(*, now: datetime) -> list[int]:
    """Return the running campaigns that have email deliveries a worker may claim now, least recently served first.

    Workers find their work here, from the deliveries themselves: no wake task has to survive for a campaign to move.
    """
    running = (
        Campaign.objects.filter(status=CampaignStatus.RUNNING)
        .filter(Q(scheduled_at__isnull=True) | Q(scheduled_at__lte=now))
        .order_by(F("tokens_at").asc(nulls_first=True), "id")
        .values_list("id", flat=True)
    )
    return [
        cid
        for cid in running
        if lock_objects.deliveries_claimable_exist(campaign_id=cid, channel=DeliveryChannel.EMAIL, now=now)
    ]
