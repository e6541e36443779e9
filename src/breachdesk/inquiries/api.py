"""Expose the desk's intake and list through the API: ``POST /api/v1/incidents/{code}/inquiries``.

Mounted by ``api/api.py`` with ``api.add_router("/incidents", router)``. Every route opens the incident through the
membership selector, so an outsider gets 404.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ninja import Query, Router, Schema, Status
from pydantic import Field

from breachdesk.core import access_log
from breachdesk.core.roles import Capability
from breachdesk.core.types import AuthedRequest
from breachdesk.incidents.selectors import incident_access
from breachdesk.inquiries import selectors
from breachdesk.inquiries.intake.receive import Incoming, inquiry_receive
from breachdesk.inquiries.models import Channel

router = Router(tags=["inquiries"])


class InquiryIn(Schema):
    subject: str = Field("", max_length=500)
    body: str = Field(..., min_length=1, max_length=50_000)
    sender_name: str = Field("", max_length=200)
    sender_email: str = Field("", max_length=254)
    sender_phone: str = Field("", max_length=40)


class InquiryOut(Schema):
    id: int
    token: str
    channel: str
    status: str
    labels: list[str]
    received_at: datetime
    due_at: datetime | None
    acknowledgment: str | None
    matched: bool
    identity_verified: bool


# What a caller learns about an inquiry (and through ``matched``, about a person): logged as read for each one shown.
OUT_FIELDS = ("status", "labels", "matched", "identity_verified")


def _out(inquiry: Any) -> dict[str, Any]:
    ack = getattr(inquiry, "acknowledgment", None) if hasattr(inquiry, "acknowledgment") else None
    return {
        "id": inquiry.pk,
        "token": inquiry.token,
        "channel": inquiry.channel,
        "status": inquiry.status,
        "labels": inquiry.labels,
        "received_at": inquiry.received_at,
        "due_at": inquiry.due_at,
        "acknowledgment": ack.status if ack else None,
        "matched": inquiry.person_id is not None,
        "identity_verified": inquiry.identity_verified,
    }


@router.post("/{code}/inquiries", response={201: InquiryOut}, summary="Take in an inquiry (desk staff)")
def inquiry_create(request: AuthedRequest, code: str, payload: InquiryIn) -> Status:
    access = incident_access(user=request.user, code=code, capability=Capability.DESK_WORK)
    result = inquiry_receive(
        incident=access.incident,
        incoming=Incoming(
            channel=Channel.API,
            subject=payload.subject,
            text=payload.body,
            sender_name=payload.sender_name,
            sender_email=payload.sender_email,
            sender_phone=payload.sender_phone,
        ),
        actor=request.user,
    )
    assert result.inquiry is not None
    access_log.record(
        incident=access.incident,
        actor=request.user,
        obj=f"inquiry:{result.inquiry.pk}",
        fields=OUT_FIELDS,
        route=access_log.api_route_of(request),
    )
    return Status(201, _out(result.inquiry))


@router.get("/{code}/inquiries", response=list[InquiryOut], summary="List the latest inquiries (no personal data)")
def inquiry_list(
    request: AuthedRequest,
    code: str,
    status: str | None = Query(None, max_length=30),
    label: str | None = Query(None, max_length=60),
) -> list[Any]:
    access = incident_access(user=request.user, code=code, capability=Capability.DESK_OPEN)
    rows = selectors.inquiry_list(incident=access.incident, status=status, label=label).select_related(
        "acknowledgment"
    )[:200]
    shown = [_out(i) for i in rows]
    access_log.record_many(
        incident=access.incident,
        actor=request.user,
        reads=[access_log.Read(f"inquiry:{row['id']}", OUT_FIELDS) for row in shown],
        route=access_log.api_route_of(request),
    )
    return shown
