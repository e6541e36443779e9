"""Define the one error family that services raise, and turn it into clear responses."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.translation import gettext


class ApplicationError(Exception):
    """Report a failure that the user can understand and act on.

    ``code`` is a stable machine-readable key (``<domain>.<reason>``); ``message`` is shown to people.
    """

    code = "application_error"
    http_status = 400

    def __init__(self, message: str, *, code: str | None = None, extra: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        self.extra = extra or {}

    def as_dict(self) -> dict[str, Any]:
        """Return the error as the JSON body that the API sends."""
        return {"error": self.code, "message": str(self.message), **self.extra}


def error_text(exc: ApplicationError) -> str:
    """Return the error's message in the reader's language, for a page (a message or a form error).

    The code and the English message stay the contract of the API and the commands. A lazy message translates itself;
    a plain English message (services mark theirs with ``gettext_noop``) is looked up in the catalog at display, and
    a text without a catalog entry is shown as it is.
    """
    text = str(exc.message)
    if not text or not isinstance(exc.message, str):
        return text
    return gettext(text)


class ValidationFailed(ApplicationError):
    """Reject input that breaks a rule."""

    code = "validation_failed"
    http_status = 422


class PermissionDenied(ApplicationError):
    """Refuse an action to a member whose role does not allow it."""

    code = "permission_denied"
    http_status = 403


class NotFound(ApplicationError):
    """Report an object that does not exist or that the user may not see."""

    code = "not_found"
    http_status = 404


class Conflict(ApplicationError):
    """Refuse an action that does not fit the object's current state."""

    code = "conflict"
    http_status = 409


class KeyDestroyed(ApplicationError):
    """Report that an incident's data key was destroyed, so its personal data cannot be read any more."""

    code = "crypto.key_destroyed"
    http_status = 410


def safe_referer(request: HttpRequest) -> str:
    """Return the Referer when it points at this site (``url_has_allowed_host_and_scheme``), else the request's path."""
    from django.utils.http import url_has_allowed_host_and_scheme

    referer = request.headers.get("Referer") or ""
    allowed = url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return referer if referer and allowed else request.path


class ApplicationErrorMiddleware:
    """Turn an ``ApplicationError`` that escapes a view into a message, not a server error."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, ApplicationError):
            return None
        if isinstance(exception, NotFound):
            from django.http import Http404

            raise Http404(error_text(exception))
        if request.method in ("GET", "HEAD"):
            from django.shortcuts import render

            return render(
                request,
                "web/error.html",
                {"error": exception, "error_text": error_text(exception)},
                status=exception.http_status,
            )
        messages.error(request, error_text(exception))
        return HttpResponseRedirect(safe_referer(request))
