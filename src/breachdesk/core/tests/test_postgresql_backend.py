"""The PostgreSQL backend checks a persistent connection only after it rested, and still replaces a dropped one."""

from __future__ import annotations

from typing import Any

import psycopg
import pytest
from django.db import connection, connections

pytestmark = [pytest.mark.postgresql, pytest.mark.django_db(transaction=True)]


def _next_request() -> None:
    """Do what Django does between two requests (``request_finished`` / ``request_started``)."""
    connection.close_if_unusable_or_obsolete()


def _backend_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return int(cursor.fetchone()[0])


@pytest.fixture
def checks(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    made: list[int] = []
    wrapper = type(connections["default"])  # the backend's class, not the proxy's
    real = wrapper.is_usable

    def counted(self: Any) -> bool:
        made.append(1)
        return bool(real(self))

    monkeypatch.setattr(wrapper, "is_usable", counted)
    return made


def test_the_backend_is_ours_with_health_checks_on() -> None:
    assert connection.settings_dict["ENGINE"] == "breachdesk.core.postgresql"
    assert connection.settings_dict["CONN_HEALTH_CHECKS"] is True


def test_a_connection_used_a_moment_ago_is_not_checked_and_a_rested_one_is(checks: list[int]) -> None:
    _backend_pid()
    _next_request()
    _backend_pid()
    assert checks == []

    connection.last_used -= connection.IDLE_SECONDS + 1  # type: ignore[attr-defined]
    _next_request()
    _backend_pid()
    _backend_pid()  # one check per request, not per query
    assert checks == [1]


def test_a_rested_connection_the_server_dropped_is_replaced_without_an_error(checks: list[int]) -> None:
    before = _backend_pid()
    params = connection.get_connection_params()
    with psycopg.connect(**params, autocommit=True) as other:
        other.execute("SELECT pg_terminate_backend(%s)", [before])
    connection.last_used -= connection.IDLE_SECONDS + 1  # type: ignore[attr-defined]
    _next_request()
    after = _backend_pid()
    assert after != before
    assert checks == [1]
