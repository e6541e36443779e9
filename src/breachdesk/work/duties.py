"""Find and do the work that is due, from the rows themselves: no task has to survive for it to happen.

Every ``db_worker`` runs ``standing_work`` in its loop after it looked for a task: the duties the apps register
(``core.extensions.worker_duties``: the desk's acknowledgments and mailbox polls, the campaigns' relay probes and
slices). Each duty is bounded, so a worker also keeps serving the task queue, and any number of workers share the
same duties safely (every claim is conditional). ``duty_take`` gives a periodic duty to one worker per turn.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from breachdesk.core import extensions
from breachdesk.work.models import PeriodicDuty

log = logging.getLogger(__name__)


def duty_take(*, name: str, every: timedelta, worker: str) -> bool:
    """Take this turn of a periodic duty shared by all workers; return False when it is not due or another took it."""
    now = timezone.now()
    taken = PeriodicDuty.objects.filter(name=name, next_at__lte=now).update(next_at=now + every, last_by=worker)
    if taken:
        return True
    if PeriodicDuty.objects.filter(name=name).exists():
        return False
    try:
        with transaction.atomic():
            PeriodicDuty.objects.create(name=name, next_at=now + every, last_by=worker)
    except IntegrityError:  # another worker created it first, and took this turn
        return False
    return True


def standing_work(*, worker: str) -> bool:
    """Do one round of every standing duty; return whether anything was done (the loop then does not sleep)."""
    did = False
    for duty in extensions.worker_duties.all():
        try:
            result = duty.fn(worker=worker)
        except Exception:  # one failing duty must not stop the others, nor the worker
            log.exception("standing duty %s failed", duty.key)
            continue
        if result is not None:
            did = did or bool(
                result.get("sent") or result.get("failed") or result.get("fetched") or result.get("resumed")
            )
    return did
