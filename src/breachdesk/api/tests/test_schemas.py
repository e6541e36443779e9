"""Length limits in the API: every string a caller sends is bounded, and an overlong one is a 422 naming the field."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from breachdesk.incidents.models import Stakeholder, Task
from breachdesk.testing.fixtures import World, client_for


def _unbounded_strings(schema: dict[str, Any], spec: dict[str, Any], where: str, seen: set[str]) -> list[str]:
    """Return the paths of string properties without ``maxLength`` in ``schema`` (following ``$ref``)."""
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        if name in seen:
            return []
        return _unbounded_strings(spec["components"]["schemas"][name], spec, where, seen | {name})
    found: list[str] = []
    for key in ("anyOf", "oneOf", "allOf"):
        for i, sub in enumerate(schema.get(key, [])):
            found += _unbounded_strings(sub, spec, f"{where}[{key}{i}]", seen)
    if schema.get("type") == "string" and "maxLength" not in schema and "format" not in schema:
        found.append(where)
    if schema.get("type") == "array":
        found += _unbounded_strings(schema.get("items", {}), spec, f"{where}[]", seen)
    for name, prop in schema.get("properties", {}).items():
        found += _unbounded_strings(prop, spec, f"{where}.{name}", seen)
    return found


@pytest.mark.django_db
def test_every_string_a_caller_sends_has_a_maximum_length() -> None:
    spec = Client().get("/api/v1/openapi.json").json()
    unbounded: list[str] = []
    checked = 0
    for path, operations in spec["paths"].items():
        for method, op in operations.items():
            for param in op.get("parameters", []):
                if param["in"] == "query":
                    checked += 1
                    unbounded += _unbounded_strings(param["schema"], spec, f"{method} {path} ?{param['name']}", set())
            body = op.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
            if body:
                checked += 1
                unbounded += _unbounded_strings(body, spec, f"{method} {path} body", set())
    assert checked > 10
    assert spec["components"]["schemas"]["TaskIn"]["properties"]["title"]["maxLength"] == 300
    assert unbounded == []


@pytest.mark.django_db
def test_an_overlong_field_is_a_422_that_names_it_and_changes_nothing(world: World) -> None:
    client = client_for(world.lead)
    base = f"/api/v1/incidents/{world.incident.code}"
    cases = [
        ("patch", base, {"title": "x" * 201}, "title"),
        ("patch", base, {"description": "x" * 20_001}, "description"),
        ("post", f"{base}/tasks", {"title": "t" * 301, "phase": "grasp"}, "title"),
        ("post", f"{base}/stakeholders", {"kind": "card", "name": "n", "contact_phone": "1" * 41}, "contact_phone"),
        ("post", f"{base}/members", {"username": "u" * 151, "role": "viewer"}, "username"),
        ("post", f"{base}/inquiries", {"body": "b", "sender_email": "e" * 255}, "sender_email"),
    ]
    tasks, stakeholders = Task.objects.count(), Stakeholder.objects.count()
    for method, url, payload, field in cases:
        response = getattr(client, method)(url, data=payload, content_type="application/json")
        assert response.status_code == 422, (field, response.content)
        errors = response.json()["detail"]
        assert [e["loc"][-1] for e in errors] == [field]
        assert errors[0]["type"] == "string_too_long"
    world.incident.refresh_from_db()
    assert world.incident.title == "Incident case-1"
    assert (Task.objects.count(), Stakeholder.objects.count()) == (tasks, stakeholders)
    response = client.get(f"{base}/tasks", {"status": "s" * 31})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "status"]
