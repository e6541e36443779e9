"""Lock out login guesses per username and address, and cap the failures from one address over all usernames.

django-axes counts failures per each set in ``AXES_LOCKOUT_PARAMETERS`` but compares the largest count with one
limit (``AXES_FAILURE_LIMIT``, which may be a callable of the request but does not know which set it is asked for).
One limit cannot be both the tight per-username limit and a higher per-address cap, so this handler gives each set
its own limit: ``[username, ip_address]`` the axes limit (``BREACHDESK_LOGIN_FAILURE_LIMIT``) and ``ip_address``
``BREACHDESK_LOGIN_IP_FAILURE_LIMIT``. It tells axes "at the limit" when any set is at its own limit.
"""

from __future__ import annotations

from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_failure_limit, get_lockout_parameters
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest

IP_ONLY = "ip_address"


class LoginLockoutHandler(AxesDatabaseHandler):
    """Keep axes' database records, with a separate (higher) limit for the failures from one address."""

    def _limit_for(self, parameter: Any, pair_limit: int) -> int:
        return int(settings.BREACHDESK_LOGIN_IP_FAILURE_LIMIT) if parameter == IP_ONLY else pair_limit

    def get_failures(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> int:
        """Return the per-username count, raised to the axes limit when any set has reached its own limit."""
        pair_limit = get_failure_limit(request, credentials)
        parameters = get_lockout_parameters(request, credentials)
        counts = [
            attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            for attempts in self.get_user_attempts(request, credentials)
        ]
        over = any(
            count >= self._limit_for(parameter, pair_limit) for parameter, count in zip(parameters, counts, strict=True)
        )
        pair_counts = [c for p, c in zip(parameters, counts, strict=True) if p != IP_ONLY] or [0]
        return max(pair_limit, *pair_counts) if over else max(pair_counts)

    def reset_user_attempts(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> int:
        """Forget the failures of this username from this address on success, never the whole address's.

        A guesser who holds one account must not wipe the address's count by signing in to it now and then.
        """
        parameters = get_lockout_parameters(request, credentials)
        count = 0
        for parameter, attempts in zip(parameters, self.filter_user_attempts(request, credentials), strict=True):
            if parameter != IP_ONLY:
                deleted, _ = attempts.delete()
                count += deleted
        return count
