"""Every API read of personal data is on the access log, with the API path as its route."""

from __future__ import annotations

import io
import json
import re
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from breachdesk.api.services import api_token_create
from breachdesk.core.models import AccessEvent
from breachdesk.testing.fixtures import World

# The API routes that return data about inquiries, people or attachments; each must write to the access log.
PERSONAL_DATA_ROUTES = {
    ("post", "/api/v1/incidents/{code}/inquiries"),
    ("get", "/api/v1/incidents/{code}/inquiries"),
}
PERSONAL_SCHEMA = re.compile(r"Inquiry|Person|Attachment|Message|Deletion", re.IGNORECASE)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _schema_names(schema: dict[str, Any]) -> set[str]:
    names = set()
    if "$ref" in schema:
        names.add(schema["$ref"].rsplit("/", 1)[-1])
    for key in ("items", "additionalProperties"):
        if isinstance(schema.get(key), dict):
            names |= _schema_names(schema[key])
    for key in ("anyOf", "oneOf", "allOf"):
        for sub in schema.get(key, []):
            names |= _schema_names(sub)
    return names


@pytest.mark.django_db
def test_every_route_answering_with_personal_data_is_one_that_is_logged() -> None:
    spec = Client().get("/api/v1/openapi.json").json()
    answering = set()
    for path, operations in spec["paths"].items():
        for method, op in operations.items():
            for response in op.get("responses", {}).values():
                schema = response.get("content", {}).get("application/json", {}).get("schema", {})
                if any(PERSONAL_SCHEMA.search(name) for name in _schema_names(schema)):
                    answering.add((method, path))
    assert answering == PERSONAL_DATA_ROUTES


@pytest.mark.django_db
def test_api_reads_of_inquiries_are_on_the_access_log_with_the_api_path(world: World) -> None:
    _row, token = api_token_create(
        user=world.lead, name="desk", incidents=[world.incident], capabilities=["desk_open", "desk_work"]
    )
    client = Client()
    base = f"/api/v1/incidents/{world.incident.code}/inquiries"
    created = [
        client.post(
            base, data={"body": f"Was my data leaked? {n}"}, content_type="application/json", headers=bearer(token)
        )
        for n in range(2)
    ]
    assert [r.status_code for r in created] == [201, 201]
    ids = sorted(r.json()["id"] for r in created)

    listed = client.get(base, headers=bearer(token))
    assert listed.status_code == 200
    shown = sorted(i["id"] for i in listed.json())
    assert set(ids) <= set(shown)

    out = io.StringIO()
    call_command("access-log", "--incident", world.incident.code, "--json", stdout=out)
    reads = [json.loads(line) for line in out.getvalue().splitlines()]
    assert {r["route"] for r in reads} == {f"POST {base}", f"GET {base}"}
    reads = [r for r in reads if r["route"] == f"GET {base}"]
    assert sorted(int(r["object"].split(":")[1]) for r in reads) == shown
    for read in reads:
        assert read["actor"] == "lead"
        assert read["route"] == f"GET {base}"
        assert read["object"].startswith("inquiry:")
        assert "matched" in read["fields"]


@pytest.mark.django_db
def test_taking_in_an_inquiry_through_the_api_is_logged_too(world: World) -> None:
    _row, token = api_token_create(
        user=world.responder, name="desk", incidents=[world.incident], capabilities=["desk_open", "desk_work"]
    )
    before = AccessEvent.objects.count()
    base = f"/api/v1/incidents/{world.incident.code}/inquiries"
    response = Client().post(base, data={"body": "Hello"}, content_type="application/json", headers=bearer(token))
    assert response.status_code == 201
    event = AccessEvent.objects.order_by("-id").first()
    assert AccessEvent.objects.count() == before + 1
    assert event is not None
    assert (event.object, event.actor_label, event.route) == (
        f"inquiry:{response.json()['id']}",
        "responder",
        f"POST {base}",
    )
