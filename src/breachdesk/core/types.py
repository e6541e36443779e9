"""Name the types that views and services share."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.http import HttpRequest


class AuthedRequest(HttpRequest):
    """Type a request that passed ``login_required`` (or API authentication), so ``user`` is a real user."""

    user: User
