"""Answer "am I affected?" without revealing anything to the person asking.

The page always says the same thing. The request handler does the same work for every input: it computes a blind
index, counts the request against the per-IP and per-incident limits, and queues a row that holds blind indexes only.
The per-address limit counts result mails the worker sends to a registered address, never requests: a stranger who
types someone's address can neither block that person's own check nor flood their inbox. The
worker then looks the person up and mails the real result to the address in the registry, never to the address
typed (HIBP's pattern for sensitive breaches, osTicket's access link). Requests are counted per day, never logged
per person.

This module holds the limits and the worker side; the request side is ``selfcheck_queue``, which wakes the worker
through ``tasks.selfcheck_wake``.
"""

from __future__ import annotations

import hmac
import logging
import secrets
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation

from breachdesk.core import ratelimit
from breachdesk.core.crypto import cipher_for
from breachdesk.core.models import IncidentKey
from breachdesk.incidents.models import Incident
from breachdesk.notices import counters
from breachdesk.notices.models import SelfCheckMethod, SelfCheckRequest, SelfCheckState
from breachdesk.notices.selectors import desk_info
from breachdesk.outbound.guard import MisSendBlocked, OutboundMessage, outbound_guard_enforce
from breachdesk.outbound.mailformat import JapaneseEmailMessage, outbound_charset

logger = logging.getLogger(__name__)

WINDOW_SECONDS = 3600
BATCH = 200
STALE_CLAIM = timedelta(minutes=15)
BIRTH_INDEX = "selfcheck_birth"


def limits() -> tuple[int, int]:
    """Return the per-hour limits (requests per IP, result mails per registered address)."""
    per_ip = int(settings.BREACHDESK_SELFCHECK_PER_IP_HOUR)
    per_address = int(settings.BREACHDESK_SELFCHECK_PER_ADDRESS_HOUR)
    return per_ip, per_address


def incident_limit() -> int:
    """Return the per-hour limit of self-check requests for a whole incident (a flood from many addresses)."""
    return int(settings.BREACHDESK_SELFCHECK_PER_INCIDENT_HOUR)


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

    base = settings.BREACHDESK_PUBLIC_BASE_URL.rstrip("/")
    return base + reverse("public:page", kwargs={"code": incident.code})


def _send(*, incident: Incident, person: Any) -> str:
    recipient, subject, body = selfcheck_message(incident=incident, person=person)
    if not recipient:
        return "no_address"
    _per_ip, per_address = limits()
    mail_key = ratelimit.hashed_key(f"selfcheck-mail:{incident.pk}", str(person.pk))
    if ratelimit.rate_hit(key=mail_key, window_seconds=WINDOW_SECONDS) > per_address:
        return "limited_mail"  # this address already got its results this hour
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
