"""The campaigns' standing work for every ``db_worker`` loop (registered as ``core.extensions.WorkerDuty``): probe a
relay that was down, and send one slice of a runnable campaign."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from breachdesk.campaigns import worker as campaign_worker
from breachdesk.campaigns.lifecycle import campaign_relay_probe_due, campaign_resume_by_relay
from breachdesk.campaigns.transports.email import relay_probe

# How long one worker sends for one campaign before it looks at the task queue and the other duties again.
CAMPAIGN_SLICE_SECONDS = 5.0


def campaigns_step(*, worker: str) -> dict[str, Any] | None:
    """Work one slice of the least recently served runnable campaign; None when no campaign has due work."""
    runnable = campaign_worker.campaigns_runnable(now=timezone.now())
    if not runnable:
        return None
    campaign_id = runnable[0]
    report = campaign_worker.campaign_work(campaign_id=campaign_id, worker=worker, seconds=CAMPAIGN_SLICE_SECONDS)
    return {"campaign": campaign_id, "sent": report.total, "stopped": report.stopped}


def relay_step(*, worker: str) -> dict[str, Any] | None:
    """Probe the relay of one campaign paused because the relay was down (when its backoff is over); resume it if
    the relay answers. None when no probe is due."""
    campaign_id = campaign_relay_probe_due(now=timezone.now(), worker=worker)
    if campaign_id is None:
        return None
    if not relay_probe():
        return {"campaign": campaign_id, "relay": "down"}
    return {
        "campaign": campaign_id,
        "relay": "up",
        "resumed": campaign_resume_by_relay(campaign_id=campaign_id, worker=worker),
    }


def deliveries_as_json(value: dict[int, tuple[int, int]]) -> dict[str, dict[str, int]]:
    """Report what the reaper took back per campaign: rows now uncertain, and rows released to be claimed again."""
    return {str(k): {"uncertain": v[0], "released": v[1]} for k, v in value.items()}
