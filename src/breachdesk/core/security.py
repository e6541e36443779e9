"""Add the Content-Security-Policy and other headers, and require the second factor where configured."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "form-action 'self'",
    ]
)


class SecurityHeadersMiddleware:
    """Set a strict CSP (no inline script or style) and a permissions policy on every response."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()")
        response.headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        if request.user.is_authenticated if hasattr(request, "user") else False:
            # Pages behind login show incident data: never cache them in shared caches or the browser's disk.
            response.headers.setdefault("Cache-Control", "no-store")
        return response


_EXEMPT_PREFIXES = ("/accounts/", "/static/", "/i18n/", "/api/")


class RequireSecondFactorMiddleware:
    """Send a signed-in user who has not passed the second factor to verify or set one up.

    Active only when ``BREACHDESK_REQUIRE_2FA`` is true. The API is exempt because API tokens are a separate factor
    and session use of the API is refused by the API's own check.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            settings.BREACHDESK_REQUIRE_2FA
            and user is not None
            and user.is_authenticated
            and not user.is_verified()
            and not request.path.startswith(_EXEMPT_PREFIXES)
        ):
            return HttpResponseRedirect(f"{reverse('otp_verify')}?next={request.path}")
        return self.get_response(request)
