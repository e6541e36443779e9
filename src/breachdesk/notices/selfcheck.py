"""Answer "am I affected?" without revealing anything to the person asking.

The page always says the same thing. The request handler does the same work for every input: it computes a blind
index, counts the request against the per-IP and per-incident limits, and queues a row that holds blind indexes only.
The per-address limit counts result mails the worker sends to a registered address, never requests: a stranger who
types someone's address can neither block that person's own check nor flood their inbox. The
worker then looks the person up and mails the real result to the address in the registry, never to the address
typed (HIBP's pattern for sensitive breaches, osTicket's access link). Requests are counted per day, never logged
per person.
"""

from __future__ import annotations

import hmac
import logging
import secrets
import time
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from breachdesk.core import ratelimit
from breachdesk.core.crypto import cipher_for
from breachdesk.core.models import IncidentKey, RateCounter
from breachdesk.incidents.models import Incident
from breachdesk.notices import counters
from breachdesk.notices.models import SelfCheckMethod, SelfCheckRequest, SelfCheckState
from breachdesk.outbound.guard import MisSendBlocked, OutboundMessage, outbound_guard_enforce
from breachdesk.outbound.mailformat import JapaneseEmailMessage, outbound_charset

logger = logging.getLogger(__name__)

WINDOW_SECONDS = 3600
BATCH = 200
STALE_CLAIM = timedelta(minutes=15)
BIRTH_INDEX = "selfcheck_birth"


def limits() -> tuple[int, int]:
    """Return the per-hour limits (requests per IP, result mails per registered address), with safe defaults."""
    per_ip = int(getattr(settings, "BREACHDESK_SELFCHECK_PER_IP_HOUR", 20))
    per_address = int(getattr(settings, "BREACHDESK_SELFCHECK_PER_ADDRESS_HOUR", 3))
    return per_ip, per_address


def incident_limit() -> int:
    """Return the per-hour limit of self-check requests for a whole incident (a flood from many addresses)."""
    return int(getattr(settings, "BREACHDESK_SELFCHECK_PER_INCIDENT_HOUR", 20_000))


@dataclass(frozen=True)
class SelfCheckInput:
    email: str = ""
    member_id: str = ""
    birth_date: date | None = None
    honeypot: bool = False


class Outcome:
    QUEUED = "queued"
    LIMITED = "limited"
    IGNORED = "ignored"


def selfcheck_submit(*, incident_id: int, data: SelfCheckInput, ip: str) -> str:
    """Queue one self-check and return ``queued``, ``limited`` or ``ignored`` (honeypot).

    The work does not depend on whether the person exists: no registry row is read here.
    """
    cipher = cipher_for(incident_id)
    if data.email:
        method, bidx = SelfCheckMethod.EMAIL, cipher.blind_index("email", data.email)
        birth = None
    else:
        method, bidx = SelfCheckMethod.MEMBER, cipher.blind_index("member_id", data.member_id)
        birth = cipher.index_normalized(BIRTH_INDEX, data.birth_date.isoformat()) if data.birth_date else None
    # A value that cannot be indexed still takes the same path, under a random index that matches nobody.
    bidx = bidx or secrets.token_bytes(16)
    per_ip, _per_address = limits()
    ip_key = ratelimit.hashed_key(f"selfcheck-ip:{incident_id}", ip or "-")
    incident_key = ratelimit.hashed_key("selfcheck-incident", str(incident_id))
    # Accepted requests are counted by the worker from the rows it processes.
    if connection.vendor == "postgresql":
        outcome = _submit_one_statement(
            incident_id=incident_id,
            limits=((ip_key, per_ip), (incident_key, incident_limit())),
            honeypot=data.honeypot,
            row=(method, bidx, birth),
        )
        if outcome == Outcome.LIMITED:
            counters.daily_add(incident_id=incident_id, kind="selfcheck.limited")
        elif outcome == Outcome.IGNORED:
            counters.daily_add(incident_id=incident_id, kind="selfcheck.honeypot")
        else:
            transaction.on_commit(lambda: wake_worker(incident_id=incident_id))
        return outcome
    # Two statements on the usual path (the counters, then the queue row): writers serialise on SQLite, so every
    # statement saved here is throughput.
    with transaction.atomic():
        counters.relax_durability()
        hits = ratelimit.rate_hit_many(keys=[ip_key, incident_key], window_seconds=WINDOW_SECONDS)
        if hits[ip_key] > per_ip or hits[incident_key] > incident_limit():
            counters.daily_add(incident_id=incident_id, kind="selfcheck.limited")
            return Outcome.LIMITED
        if data.honeypot:
            counters.daily_add(incident_id=incident_id, kind="selfcheck.honeypot")
            return Outcome.IGNORED
        _queue_insert(incident_id=incident_id, method=method, bidx=bidx, birth=birth)
        transaction.on_commit(lambda: wake_worker(incident_id=incident_id))
    return Outcome.QUEUED


def _queue_insert(*, incident_id: int, method: str, bidx: bytes, birth: bytes | None) -> None:
    """Insert one queue row with a written-out statement: on the hot path the ORM's save costs more than the write."""
    from django.db import connection

    table = connection.ops.quote_name(SelfCheckRequest._meta.db_table)
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (incident_id, method, bidx, birth_digest, state, claim_token, created_at) "  # noqa: S608
            "VALUES (%s, %s, %s, %s, %s, '', %s)",
            [incident_id, method, bidx, birth, SelfCheckState.PENDING, now],
        )


def _submit_one_statement(
    *, incident_id: int, limits: tuple[tuple[str, int], ...], honeypot: bool, row: tuple[str, bytes, bytes | None]
) -> str:
    """Count the request against both limits and queue it in one PostgreSQL statement (one round trip, its own
    transaction): the queue row is inserted only when no counter is over its limit and the honeypot is empty.

    Run on its own (autocommit, as in a request), the statement's transaction commits without waiting for the WAL
    flush (``set_config(..., is_local)``), like ``counters.relax_durability``: losing the last milliseconds of
    requests in a crash costs one more click. Inside a caller's transaction the durability is left alone.
    """
    method, bidx, birth = row
    window = int(time.time() // WINDOW_SECONDS)
    rate = connection.ops.quote_name(RateCounter._meta.db_table)
    queue = connection.ops.quote_name(SelfCheckRequest._meta.db_table)
    over = " OR ".join(["(hits.key = %s AND hits.count > %s)"] * len(limits))
    relax = "set_config('synchronous_commit', 'off', true)" if connection.get_autocommit() else "''"
    sql = (
        f"WITH relaxed AS (SELECT {relax} AS v), "  # noqa: S608 (quoted table names and placeholders only)
        f'hits AS (INSERT INTO {rate} (key, "window", count) VALUES {", ".join(["(%s, %s, 1)"] * len(limits))} '
        f'ON CONFLICT (key, "window") DO UPDATE SET count = {rate}.count + 1 RETURNING key, count), '
        f"verdict AS (SELECT COALESCE(bool_or({over}), false) AS limited FROM hits), "
        f"queued AS (INSERT INTO {queue} (incident_id, method, bidx, birth_digest, state, claim_token, created_at) "
        "SELECT %s, %s, %s, %s, %s, '', %s FROM verdict WHERE NOT verdict.limited AND NOT %s RETURNING 1) "
        "SELECT verdict.limited, (SELECT count(*) FROM queued), (SELECT v FROM relaxed) FROM verdict"
    )
    params: list[object] = []
    for key, _limit in limits:
        params += [key, window]
    for key, limit in limits:
        params += [key, limit]
    params += [incident_id, method, bidx, birth, SelfCheckState.PENDING, timezone.now(), honeypot]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)  # type: ignore[arg-type]
        limited, _queued, _relaxed = cursor.fetchone()
    if limited:
        return Outcome.LIMITED
    return Outcome.IGNORED if honeypot else Outcome.QUEUED


def wake_worker(*, incident_id: int) -> None:
    """Enqueue the worker task at most once per few seconds per process: a task only wakes the worker."""
    if not cache.add(f"notices:selfcheck-wake:{incident_id}", 1, timeout=3):
        return
    from breachdesk.notices.tasks import selfcheck_process

    try:
        selfcheck_process.enqueue(incident_id=incident_id)
    except Exception:  # the row is queued; the next request (or the periodic run) wakes the worker
        logger.exception("notices: could not enqueue the self-check worker")


# ---------------------------------------------------------------------------------------------------------------------
# Worker side
# ---------------------------------------------------------------------------------------------------------------------
def _claim(incident_id: int | None) -> tuple[str, list[SelfCheckRequest]]:
    token = secrets.token_hex(16)
    pending = SelfCheckRequest.objects.filter(state=SelfCheckState.PENDING)
    stale = SelfCheckRequest.objects.filter(state=SelfCheckState.CLAIMED, created_at__lt=timezone.now() - STALE_CLAIM)
    if incident_id is not None:
        pending, stale = pending.filter(incident_id=incident_id), stale.filter(incident_id=incident_id)
    # While an incident's data key is being rotated, its people carry indexes of either key: its requests wait in the
    # queue until the rotation ends (minutes), so none is answered "not found" by mistake.
    rotating = IncidentKey.objects.exclude(previous_wrapped_key=None).values("incident_id")
    pending = pending.exclude(incident_id__in=rotating)
    # A crashed worker's rows go back to the queue: mailing a self-check result twice does no harm.
    stale.update(state=SelfCheckState.PENDING, claim_token="")
    ids = list(pending.order_by("created_at", "id").values_list("pk", flat=True)[:BATCH])
    if not ids:
        return token, []
    SelfCheckRequest.objects.filter(pk__in=ids, state=SelfCheckState.PENDING).update(
        state=SelfCheckState.CLAIMED, claim_token=token
    )
    return token, list(SelfCheckRequest.objects.filter(claim_token=token).select_related("incident"))


def _find_person(request: SelfCheckRequest) -> Any:
    from breachdesk.registry.models import Person

    column = "bidx_email" if request.method == SelfCheckMethod.EMAIL else "bidx_member"
    person = (
        Person.objects.filter(incident_id=request.incident_id, **{column: bytes(request.bidx)})
        .order_by("-affected", "id")
        .first()
    )
    if person is None or request.method == SelfCheckMethod.EMAIL:
        return person
    # Member ID path: the birth date must match too, compared as HMACs in constant time.
    if request.birth_digest is None or not person.birth_date:
        return None
    try:
        born = date.fromisoformat(person.birth_date)
    except ValueError:
        return None
    given = bytes(request.birth_digest)
    candidates = cipher_for(request.incident_id).indexes_normalized(BIRTH_INDEX, born.isoformat())
    return person if any([hmac.compare_digest(expected, given) for expected in candidates]) else None


def selfcheck_message(*, incident: Incident, person: Any) -> tuple[str, str, str]:
    """Return (recipient, subject, body) of the result mail, in Japanese: the registry is Japanese."""
    from breachdesk.notices.selectors import desk_info
    from breachdesk.registry import items as vocabulary

    desk = desk_info(incident=incident)
    with translation.override("ja"):
        context = {
            "incident": incident,
            "affected": person.affected,
            "items": [vocabulary.ITEMS[key].label_ja for key in person.item_keys] if person.affected else [],
            "desk": desk,
            "page_url": public_url(incident=incident),
        }
        subject = render_to_string("notices/email/selfcheck_subject.txt", context).strip()
        body = render_to_string("notices/email/selfcheck_result.txt", context)
    return person.email or "", subject, body


def public_url(*, incident: Incident) -> str:
    """Return the public page's absolute URL when the site's base URL is configured, else its path."""
    from django.urls import reverse

    base = str(getattr(settings, "BREACHDESK_PUBLIC_BASE_URL", "") or "").rstrip("/")
    return base + reverse("public:page", kwargs={"code": incident.code})


def _send(*, incident: Incident, person: Any) -> str:
    recipient, subject, body = selfcheck_message(incident=incident, person=person)
    if not recipient:
        return "no_address"
    _per_ip, per_address = limits()
    mail_key = ratelimit.hashed_key(f"selfcheck-mail:{incident.pk}", str(person.pk))
    if ratelimit.rate_hit(key=mail_key, window_seconds=WINDOW_SECONDS) > per_address:
        return "limited_mail"  # this address already got its results this hour
    from breachdesk.notices.selectors import desk_info

    desk_address = desk_info(incident=incident).get("address", "")
    outbound_guard_enforce(
        message=OutboundMessage(
            incident=incident,
            to=[recipient],
            subject=subject,
            body=body,
            person_id=person.pk,
            allowed_addresses=frozenset({desk_address} if desk_address else set()),
        )
    )
    JapaneseEmailMessage(
        subject=subject,
        body=body,
        to=[recipient],
        from_email=desk_address or None,
        mail_charset=outbound_charset(incident),
    ).send()
    return "sent_affected" if person.affected else "sent_not_affected"


def selfcheck_process_batch(*, incident_id: int | None = None) -> dict[str, int]:
    """Process queued self-checks until the queue is empty; return the counts of outcomes (never who)."""
    totals: dict[str, int] = {}
    while True:
        _token, rows = _claim(incident_id)
        if not rows:
            break
        by_incident: dict[tuple[int, str], int] = {}
        for row in rows:
            try:
                person = _find_person(row)
                outcome = "no_match" if person is None else _send(incident=row.incident, person=person)
            except MisSendBlocked:
                outcome = "blocked"
            except Exception as exc:  # a failed mail must not stop the queue; the person can check again
                # The type only: an SMTP error's text and arguments carry the recipient's address.
                logger.error("notices: a self-check of incident %s failed: %s", row.incident_id, type(exc).__name__)
                outcome = "failed"
            by_incident[(row.incident_id, outcome)] = by_incident.get((row.incident_id, outcome), 0) + 1
            totals[outcome] = totals.get(outcome, 0) + 1
        SelfCheckRequest.objects.filter(pk__in=[r.pk for r in rows]).delete()
        for row in rows:
            by_incident[(row.incident_id, "requests")] = by_incident.get((row.incident_id, "requests"), 0) + 1
        for (incident, outcome), amount in by_incident.items():
            counters.daily_add(incident_id=incident, kind=f"selfcheck.{outcome}", amount=amount)
    ratelimit.rate_prune(window_seconds=WINDOW_SECONDS)
    return totals
