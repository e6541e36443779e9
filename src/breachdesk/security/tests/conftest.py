"""Share the security suite's fixtures: a PR member, a published notice page, and an empty cache."""

from __future__ import annotations

from typing import Any

from django.test import Client

# The PR member, the published first notice and the emptied cache are the notices tests' own fixtures.
from breachdesk.notices.tests.conftest import _clean_cache, pr, published

__all__ = ["_clean_cache", "csrf_post", "pr", "published"]


def csrf_post(path: str, data: dict[str, str], *, ip: str = "192.0.2.10", client: Client | None = None) -> Any:
    """POST ``data`` to ``path`` the way a browser does: GET the form first, then send its CSRF token."""
    client = client or Client(enforce_csrf_checks=True)
    client.get(path, REMOTE_ADDR=ip)
    token = client.cookies["csrftoken"].value
    return client.post(path, {"csrfmiddlewaretoken": token, **data}, REMOTE_ADDR=ip)
