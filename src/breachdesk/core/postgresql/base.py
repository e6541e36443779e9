"""Check a persistent connection before a request only when it has been idle for a while.

Django's ``CONN_HEALTH_CHECKS`` sends ``SELECT 1`` before the first query of every request that reuses a persistent
connection, so that a connection the server dropped (a restart, a failover, an idle timeout) is replaced without
failing the request. Under load that is one more round trip for every request, about 5 % of the desk's throughput on
two cores, to test a connection that answered a query milliseconds ago. This backend skips the test while the
connection's last query is less than ``IDLE_SECONDS`` old and makes it as Django does after that. A connection the
server drops while it is in use still fails the request that is using it (that cannot be helped); Django then sees
the error and replaces it before the next request.
"""

from __future__ import annotations

import time

from django.db.backends.postgresql import base


class DatabaseWrapper(base.DatabaseWrapper):
    IDLE_SECONDS = 5.0
    last_used = 0.0  # monotonic time of the connection's last query (set per instance on first use)
    health_check_done: bool  # Django's, undeclared in the stubs

    def close_if_health_check_failed(self) -> None:
        """Trust a connection that answered a query within ``IDLE_SECONDS``; check any other as Django does."""
        now = time.monotonic()
        if self.connection is not None and not self.health_check_done and now - self.last_used < self.IDLE_SECONDS:
            self.health_check_done = True
        super().close_if_health_check_failed()
        self.last_used = now
